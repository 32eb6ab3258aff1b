"""Phrasings from real posts of the development split that the patterns misread (paraphrased),
and the look-alikes that must stay unflagged."""

from __future__ import annotations

import pytest

from carellm.safety import assess


@pytest.mark.parametrize(
    "text",
    [
        "I don't have the guts to kill myself, but I think about it every day",
        "I don't even have the courage to kill myself",
        "我没有勇气自杀，但每天都在想",
        "我也不是很想活了",
        "不太想活了，好累",
        "我决定今晚结束自己",
        "又不是没自杀过，这次我会做得更彻底",
    ],
)
def test_a_wish_behind_a_negation_word_is_still_a_wish(text):
    assert assess(text).flagged


@pytest.mark.parametrize(
    "text",
    [
        "I would never kill myself",
        "I don't want to kill myself",
        "我不会自杀的",
        "我不想结束自己的生命",
        "今天要结束自己的工作了",
    ],
)
def test_real_negations_and_look_alikes_stay_unflagged(text):
    assert not assess(text).flagged


def test_a_negation_early_in_a_long_post_does_not_take_the_post_back():
    post = (
        "I have not slept properly for weeks and work without any break is all I do. "
        "My friends don't call anymore and my family is far away. "
        * 3
        + "My dog was all I had left. Without him I just want to die."
    )
    found = assess(post, "en")
    assert len(post) > 280
    # "Without him" comes before the clause's own subject ("I just want to die"): not a negation of it.
    assert "en.want_die" in found.reasons and not any(r.startswith("negated:") for r in found.reasons)
    assert found.flagged


@pytest.mark.parametrize(
    "text",
    [
        "now i will never be famous i want to die",
        "why would i go on, why not just kill myself right now",
        "i dont want to die but sometimes i just wish i didnt have to wake up",
        "i decided to commit suicide and i chose the date, i will jump from a six story building",
    ],
)
def test_a_negation_of_another_clause_or_a_taken_back_denial_does_not_hide_the_wish(text):
    assert assess(text, "en").flagged


@pytest.mark.parametrize(
    "text",
    ["I don't think I want to die, I just want a break", "I never said I want to die", "I don't want to die"],
)
def test_a_negation_of_the_wish_itself_still_counts(text):
    assert not assess(text, "en").flagged


def test_a_gun_held_to_oneself_is_flagged_even_when_called_it():
    text = (
        "I found my dad's gun but I'm too scared to pull the trigger, "
        "I think about my family when I put it against my neck"
    )
    assert assess(text, "en").flagged
    assert not assess("The ice pack was cold so I put it against my neck", "en").flagged


def test_wishing_not_to_be_so_suicidal_says_one_is():
    wish = "honestly I would just accept not being so suicidal all the time as a birthday gift"
    assert assess(wish, "en").flagged
    assert not assess("I'm not feeling suicidal, just tired", "en").flagged
