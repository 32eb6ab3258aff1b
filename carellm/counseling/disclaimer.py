"""The research-use disclaimer every interface shows at the start of every session."""

from __future__ import annotations

DISCLAIMER = {
    "en": (
        "CareLLM is a research prototype, not a medical device, not a therapist and not a substitute "
        "for professional care. It can be wrong. If you are in danger or thinking about harming "
        "yourself or someone else, call your local emergency number or a crisis line now."
    ),
    "zh": (
        "CareLLM 是一个科研原型，不是医疗器械，不是心理治疗师，也不能替代专业帮助，它的回答可能有误。"
        "如果你正处于危险中，或有伤害自己或他人的想法，请立即拨打当地急救电话（如 120/110）或心理危机热线。"
    ),
}


def disclaimer(lang: str) -> str:
    """Both languages when the session language is not known yet."""
    if lang in DISCLAIMER:
        return DISCLAIMER[lang]
    return f"{DISCLAIMER['en']}\n{DISCLAIMER['zh']}"


def strip_disclaimer(text: str) -> str:
    """`text` without the disclaimer it ends with (a reply a client sends back as history, from a
    server that added the disclaimer to the reply's text)."""
    for lang in ("", "en", "zh"):  # both languages first: they end with the Chinese one
        if text.endswith(shown := disclaimer(lang)):
            return text[: -len(shown)].rstrip()
    return text
