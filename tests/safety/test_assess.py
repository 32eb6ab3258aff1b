"""Risk assessment behaviours, one per test, in both languages."""

from __future__ import annotations

import pytest

from carellm.safety import assess


@pytest.mark.parametrize(
    "text",
    [
        "不想活了",
        "活着没意思",
        "想永远睡过去",
        "遗书都写好了",
        "I want to disappear",
        "everyone would be better off without me",
        "I've been saving up my pills",
    ],
)
def test_examples_named_in_the_issue_are_flagged(text):
    assert assess(text).flagged


@pytest.mark.parametrize(
    "text",
    [
        "笑死我了",
        "累死了",
        "this exam is killing me",
        "I'd kill for a coffee",
        "想死你了！好久不见",
        "My grandmother died last week and I miss her",
        "The movie where the hero kills himself was so sad",
    ],
)
def test_figurative_grief_and_media_talk_are_not_flagged(text):
    assert not assess(text).flagged


@pytest.mark.parametrize("text", ["I would never kill myself", "我不会自杀的", "我不想死，只是想找人说说话"])
def test_negation_is_understood(text):
    assert assess(text).level == "none"


@pytest.mark.parametrize(
    "text",
    ["I felt suicidal last year but now I'm doing much better", "以前我曾经想过自杀，现在已经走出来了"],
)
def test_past_risk_with_recovery_is_low(text):
    assert assess(text).level == "low"


def test_a_relapse_is_not_treated_as_the_past():
    assert assess("I used to cut myself and now I'm cutting again").flagged


@pytest.mark.parametrize(
    "text", ["我不想活了，遺書都寫好了", "不 想 活 了", "i want to k1ll mys3lf", "我好想 die"]
)
def test_traditional_spacing_leetspeak_and_mixed_language(text):
    assert assess(text).level in {"high", "imminent"}


@pytest.mark.parametrize(
    "text", ["I want to kill myself tonight", "我今晚就去跳楼", "I just took a whole bottle of pills"]
)
def test_intent_with_a_time_or_an_act_is_imminent(text):
    assert assess(text).level == "imminent"


@pytest.mark.parametrize(
    "text",
    [
        "I took 30 pills",
        "吃了30片安眠药",
        "我吃了 30 片安眠药",
        "吃了三十片安眠药",
        "I'm going to take 60 pills tonight",
    ],
)
def test_an_overdose_counted_in_numbers_is_imminent(text):
    assert assess(text).level == "imminent"


@pytest.mark.parametrize(
    "text",
    [
        "I have 2 bottles of pills saved up",
        "I've saved up 40 pills",
        "I have 3 months of meds stockpiled",
        "我攒了50片安眠药",
        "我存了 100 片药",
        "我想一次吃60片安眠药",
        "吃多少片 25mg 的药会死",
    ],
)
def test_a_stock_of_pills_or_a_lethal_amount_with_a_number_is_high(text):
    assert assess(text).level in {"high", "imminent"}


@pytest.mark.parametrize(
    "text",
    [
        "I saved up 200 dollars for a trip",
        "我存了 3 个月的工资",
        "this homework is killing me, 3 essays due tomorrow",
        "我每天吃2片维生素",
        "笑死我了，他连吃了三碗饭",
    ],
)
def test_numbers_in_everyday_talk_are_not_risk(text):
    assert not assess(text).flagged


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I cut myself again last night", "self_harm"),
        ("我想杀了他", "harm_to_others"),
        ("My dad hits me when he's drunk", "abuse"),
        ("我被家暴了很多年", "abuse"),
        ("我喝了农药", "medical_emergency"),
    ],
)
def test_categories(text, category):
    risk = assess(text)
    assert category in risk.categories and risk.flagged and risk.evidence


def test_signals_spread_over_turns_raise_the_level():
    history = ["I feel hopeless, nothing will ever get better", "work was ok I guess"]
    alone = assess("I bought a rope today")
    together = assess("I bought a rope today", history=history)
    assert together.level in {"high", "imminent"} and together.level != alone.level


def test_after_a_high_risk_turn_a_time_marker_is_imminent():
    assert assess("tonight", history=["I want to kill myself"]).level == "imminent"


def test_language_is_reported():
    assert assess("我很难过").lang == "zh" and assess("I'm sad").lang == "en"


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "\x00\x01binary\xff", "a" * 1_000_000])
def test_odd_input_does_not_break_it(text):
    assert assess(text).level in {"none", "low", "medium"}


def test_crisis_at_the_end_of_a_huge_message_is_found():
    assert assess("blah " * 200_000 + " I want to kill myself").flagged
