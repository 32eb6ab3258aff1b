"""SafetyLayer as the session's gate: crisis response, check-in, reply guard, events."""

from __future__ import annotations

import pytest

from carellm.safety import InMemoryEventSink, SafetyLayer, crisis_lines, crisis_response, guard_reply
from carellm.safety.resources import HOTLINES


def test_high_risk_gets_the_fixed_localized_crisis_response():
    zh = SafetyLayer().check_user_turn("我不想活了", "zh", [])
    en = SafetyLayer().check_user_turn("I want to kill myself", "en", [])
    assert zh.replace_with and "12356" in zh.replace_with and zh.level == "high"
    assert en.replace_with and "988" in en.replace_with


@pytest.mark.parametrize(
    ("locale", "number"), [("zh-TW", "1925"), ("zh-HK", "2389 2222"), ("en-GB", "116 123")]
)
def test_locale_picks_the_hotlines(locale, number):
    assert number in SafetyLayer(locale=locale).check_user_turn("I want to die", "en", []).replace_with


def test_medium_risk_appends_a_check_in_and_keeps_the_reply():
    decision = SafetyLayer().check_user_turn("最近压力很大，有时候觉得活着好累", "zh", [])
    assert decision.replace_with is None and decision.append and decision.level == "medium"


def test_ordinary_message_passes_untouched():
    decision = SafetyLayer().check_user_turn("I'm stressed about exams", "en", [])
    assert decision.replace_with is None and decision.append is None and decision.level == "none"


def test_abuse_and_harm_to_others_get_their_own_first_line():
    assert crisis_response("en", categories=["abuse"]).startswith(
        "What is happening to you is not your fault"
    )
    assert "hurt someone" in crisis_response("en", categories=["harm_to_others"]).splitlines()[0]


@pytest.mark.parametrize("locale", sorted(HOTLINES))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_crisis_lines_are_the_ones_the_crisis_response_lists(lang, locale):
    listed = [line[2:] for line in crisis_response(lang, locale).splitlines() if line.startswith("- ")]
    assert crisis_lines(lang, locale) == listed


@pytest.mark.parametrize(
    ("reply", "violation"),
    [
        ("You have depression and should take sertraline 50 mg a day.", "diagnosis"),
        ("Try taking 2 tablets of Xanax before bed.", "medication"),
        ("The lethal dose of that is quite low.", "method"),
        ("你得了抑郁症，可以吃舍曲林。", "diagnosis"),
        ("I'm a real human and this conversation is completely confidential.", "false_identity"),
        ("我是真人，我会为你保密。", "false_identity"),
    ],
)
def test_reply_guard_blocks_what_a_reply_must_never_say(reply, violation):
    verdict = guard_reply(reply)
    assert not verdict.ok and violation in verdict.violations


@pytest.mark.parametrize(
    "reply",
    [
        "That sounds really hard. What has helped you before?",
        "I'm not a doctor, but a counselor could help with this.",
        "听起来你最近压力很大，愿意多说说吗？",
        "A slow breathing exercise might help: in for 4, hold 4, out for 4.",
    ],
)
def test_reply_guard_lets_supportive_replies_through(reply):
    assert guard_reply(reply).ok


def test_blocked_reply_is_replaced_with_the_safe_fallback():
    decision = SafetyLayer().check_reply("You have bipolar disorder.", "en")
    assert decision.replace_with and "can't diagnose" in decision.replace_with


def test_events_are_recorded_without_text_unless_asked():
    sink = InMemoryEventSink()
    SafetyLayer(events=sink).check_user_turn("我想自杀", "zh", [])
    SafetyLayer(events=sink).check_user_turn("hello", "en", [])
    assert len(sink.events) == 1 and sink.events[0].text is None and sink.events[0].level == "high"
    SafetyLayer(events=sink, store_text=True).check_user_turn("I want to die", "en", [])
    assert sink.events[-1].text == "I want to die"


def test_every_hotline_names_the_source_it_was_checked_against():
    from carellm.safety.resources import HOTLINES

    assert {"zh-CN", "zh-TW", "zh-HK", "en-US", "en-GB"} <= set(HOTLINES)
    assert all(line.source and line.number for lines in HOTLINES.values() for line in lines)


@pytest.mark.parametrize(("lang", "question"), [("en", "are you safe right now"), ("zh", "你现在安全吗")])
def test_crisis_response_asks_about_immediate_safety(lang, question):
    assert question in crisis_response(lang)


def test_layer_from_settings_uses_the_configured_locale():
    from carellm.config import Settings

    layer = SafetyLayer.from_settings(Settings(locale="en-GB"))
    assert "116 123" in layer.check_user_turn("I want to die", "en", []).replace_with


def test_the_layer_never_imports_torch_or_scikit_learn():
    import subprocess
    import sys

    code = (
        "import sys; from carellm.safety import SafetyLayer; "
        "d = SafetyLayer().check_user_turn('今天天气不错，我们去公园吧', 'zh', []); "
        "print(d.level, *(m in sys.modules for m in ('torch', 'sentence_transformers', 'sklearn')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["none", "False", "False", "False"], done.stderr


def test_an_empty_model_reply_is_replaced_so_nobody_gets_silence():
    layer = SafetyLayer()
    decision = layer.check_reply(" \n ", "zh")
    assert decision.replace_with and "抱歉" in decision.replace_with and decision.reason == "reply-empty"
    assert not layer.events.events  # not a safety event
    assert layer.check_reply("", "en", final=False).replace_with is None  # an opening still being written
