"""Which language a session is in, decided from the user's own words."""

from __future__ import annotations

import re
from typing import Literal, get_args

Lang = Literal["zh", "en"]  # the languages CareLLM converses in
LANGS: tuple[Lang, ...] = get_args(Lang)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_lang(text: str, default: Lang = "en") -> Lang:
    """zh when Chinese characters carry the message, else en.

    Counts a Chinese character against a Latin word (not a letter), so that mixed messages
    such as "我今天好 stressed" are recognised as Chinese.
    """
    han = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if han == 0 and words == 0:
        return default
    return "zh" if han >= words else "en"
