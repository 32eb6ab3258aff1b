"""Text normalisation and language detection for the cleaning pipeline.

Normalisation is NFC (NFKC would turn Chinese full-width punctuation into ASCII and change
how the text reads), with control and zero-width characters removed and runs of spaces
collapsed; line breaks inside a turn are kept, at most one blank line in a row.

Language is decided by script, with a short English function-word check for Latin text
(data card: docs/data.md#language).
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028\u2029\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_BLANKS = re.compile(r"\n\s*\n\s*\n+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_WORD = re.compile(r"[a-z\u00c0-\u024f']+")
_ENGLISH_WORDS = (
    "the a an and or but i you he she it we they me my your is are was were be been am do does did "
    "not to of in on at for with that this have has had what how why when so just feel like can "
    "will would there if about all no yes im i'm it's don't"
)
_ENGLISH = frozenset(_ENGLISH_WORDS.split())


def normalize(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        text = _CONTROL.sub("", text)
    elif "\r" in text or "\t" in text or "  " in text:
        pass
    else:
        return text.strip()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = _BLANKS.sub("\n\n", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def detect_language(text: str) -> str:
    """zh, ja, ko, ru, ar, en, or "und" (Latin text that is not recognisably English, or none)."""
    text = text.lower()
    if not text.isascii():
        han = len(_HAN.findall(text))
        if _KANA.search(text):
            return "ja"
        if _HANGUL.search(text):
            return "ko"
        words = _WORD.findall(text)
        if han and han >= len(words):
            return "zh"
        if len(_CYRILLIC.findall(text)) > len(words):
            return "ru"
        if len(_ARABIC.findall(text)) > len(words):
            return "ar"
    else:
        words = _WORD.findall(text)
    if not words:
        return "und"
    sample = words[:200]
    english = sum(map(_ENGLISH.__contains__, sample))
    return "en" if english >= max(1, 0.25 * len(sample)) else "und"
