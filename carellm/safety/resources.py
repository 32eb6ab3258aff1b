"""Crisis lines by locale and the fixed crisis response. The one place for this text.

The lines live in data/resources.json, each with the public source its number was checked
against; re-check them before any deployment, they change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Hotline:
    name: str
    number: str
    hours: str = ""
    source: str = ""


_DATA = json.loads((Path(__file__).with_name("data") / "resources.json").read_text(encoding="utf-8"))
HOTLINES: dict[str, list[Hotline]] = {
    locale: [Hotline(**line) for line in lines] for locale, lines in _DATA["locales"].items()
}
DEFAULT_LOCALE: dict[str, str] = _DATA["default_locale"]
INTERNATIONAL: dict[str, str] = _DATA["international"]

CRISIS_RESPONSE = {
    "en": (
        "I'm really glad you told me, and I'm taking what you said seriously. Your safety matters most "
        "right now.\n"
        "Please reach out to someone who can help immediately:\n{lines}\n"
        "If you are in immediate danger, call emergency services now, or go to the nearest emergency "
        "department. If you can, stay with someone you trust, and move away from anything you could use to "
        "hurt yourself.\n"
        "I'm an AI research prototype and can't call for help for you, but I'm here to keep talking while "
        "you reach out. Can you tell me: are you safe right now, and is anyone with you?"
    ),
    "zh": (
        "谢谢你愿意告诉我，我非常重视你说的话。现在最重要的是你的安全。\n"
        "请马上联系能帮助你的人：\n{lines}\n"
        "如果你正处于危险中，请立即拨打急救电话或去最近的医院急诊。可以的话，请和你信任的人待在一起，"
        "并远离可能用来伤害自己的东西。\n"
        "我是一个人工智能科研原型，无法替你求助，但在你联系他们的时候，我会一直在这里陪你聊。"
        "能告诉我吗：你现在安全吗？身边有人陪着你吗？"
    ),
}
CHECK_IN = {
    "en": "It sounds like things are really heavy right now. If you ever think about ending your life or hurting "
    "yourself, please reach out: {short}.",
    "zh": "听起来你现在承受了很多。如果你有结束生命或伤害自己的念头，请及时求助：{short}。",
}
ABUSE_NOTE = {
    "en": "What is happening to you is not your fault, and you deserve to be safe.",
    "zh": "发生在你身上的事不是你的错，你值得被保护、值得安全。",
}
OTHERS_NOTE = {
    "en": "If you feel you might hurt someone, please step away from them and anything you could use, and call for help now.",
    "zh": "如果你觉得自己可能会伤害别人，请先离开对方和可能用来伤害的东西，并马上求助。",
}


def locale_for(lang: str, locale: str | None = None) -> str:
    if locale in HOTLINES:
        return locale
    if locale:
        # zh-Hant / zh_TW / en_GB style inputs
        norm = locale.replace("_", "-")
        for known in HOTLINES:
            if norm.lower() == known.lower():
                return known
        if norm.lower() in {"zh-hant", "zh-hant-tw"}:
            return "zh-TW"
    return DEFAULT_LOCALE.get(lang, "en-US")


def hotlines(lang: str, locale: str | None = None) -> list[Hotline]:
    return HOTLINES[locale_for(lang, locale)]


def crisis_lines(lang: str, locale: str | None = None) -> list[str]:
    """The lines to call, as the crisis response lists them: the locale's, then where to look elsewhere."""
    lang = lang if lang in CRISIS_RESPONSE else "en"
    lines = [f"{h.name}: {h.number}" + (f" ({h.hours})" if h.hours else "") for h in hotlines(lang, locale)]
    return [*lines, INTERNATIONAL[lang]]


def crisis_response(lang: str, locale: str | None = None, categories: list[str] | tuple = ()) -> str:
    """The fixed response to a crisis turn, in `lang`, with the locale's lines."""
    lang = lang if lang in CRISIS_RESPONSE else "en"
    lines = "\n".join(f"- {line}" for line in crisis_lines(lang, locale))
    text = CRISIS_RESPONSE[lang].format(lines=lines)
    if "abuse" in categories:
        text = ABUSE_NOTE[lang] + "\n" + text
    if "harm_to_others" in categories:
        text = OTHERS_NOTE[lang] + "\n" + text
    return text


def check_in(lang: str, locale: str | None = None) -> str:
    """The gentle note added to a reply when risk is possible but not acute (level medium)."""
    lang = lang if lang in CHECK_IN else "en"
    short = ", ".join(f"{h.name} {h.number}" for h in hotlines(lang, locale)[:2])
    return CHECK_IN[lang].format(short=short)
