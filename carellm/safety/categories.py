"""Which kind of risk a learned-model hit is: the model says "risk", a keyword hint names it."""

from __future__ import annotations

from carellm.safety.normalize import normalize

_CATEGORY_HINTS = [
    ("abuse", ("hits me", "beats me", "abuse", "raped", "molest", "家暴", "打我", "性侵", "猥亵", "虐待")),
    ("harm_to_others", ("kill him", "kill her", "kill them", "hurt them", "杀了他", "弄死", "报复")),
    ("self_harm", ("cut", "cutting", "burn myself", "self harm", "self-harm", "划", "割", "自残", "自伤")),
]


def guess_category(text: str) -> str:
    """abuse, harm_to_others or self_harm by keyword; suicide otherwise."""
    norm = normalize(text)
    for category, hints in _CATEGORY_HINTS:
        if any(h in norm for h in hints):
            return category
    return "suicide"
