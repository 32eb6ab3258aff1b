"""Scrub personal data from text into typed placeholders: [EMAIL], [PHONE], [ID_NUMBER],
[URL], [HANDLE].

Patterns (data card in docs/data.md#pii): e-mail addresses; URLs with a scheme or `www.`;
@handles (not the @ inside an e-mail); mainland-China resident ID numbers (18 characters
with a valid ISO 7064 check digit, or 15 digits); phone numbers: Chinese mobiles (1[3-9]
+ 9 digits, optional +86), Chinese landlines (0xx-xxxxxxx), North-American and
international numbers with separators. A bare run of digits that is none of these (an
amount, a year) is left alone. One combined regex makes a single pass per text; texts with
no digit, "@", "www" or "://" skip it entirely.
"""

from __future__ import annotations

import re

PLACEHOLDERS = ("EMAIL", "URL", "HANDLE", "ID_NUMBER", "PHONE")

_PATTERN = re.compile(
    r"(?P<EMAIL>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"|(?P<URL>(?:https?://|www\.)[^\s<>\"'，。！？、）)]+)"
    r"|(?P<HANDLE>(?<![0-9A-Za-z_@.])@[A-Za-z0-9_][A-Za-z0-9_.]{1,30}[A-Za-z0-9_])"
    r"|(?P<ID_NUMBER>(?<![0-9])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9])"
    r"|(?<![0-9])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9]))"
    r"|(?P<PHONE>(?<![0-9A-Za-z_+])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?![0-9])"
    r"|(?<![0-9A-Za-z_])0\d{2,3}-\d{7,8}(?![0-9])"
    r"|(?<![0-9A-Za-z_+])(?:\+?1[-.\s]?)?\(?[2-9]\d{2}\)?[-.\s]\d{3}[-.\s]\d{4}(?![0-9])"
    r"|(?<![0-9A-Za-z_])\+\d{1,3}[-\s]\d{1,4}(?:[-\s]\d{2,4}){2,3}(?![0-9]))"
)
_QUICK = re.compile(r"[0-9@]|www|://")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_cn_id(number: str) -> bool:
    """The ISO 7064 MOD 11-2 check digit of an 18-character resident ID (15-digit: no check)."""
    if len(number) == 15:
        return number.isdigit()
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _replace(match: re.Match[str]) -> str:
    kind = match.lastgroup or "PII"
    if kind == "ID_NUMBER" and not valid_cn_id(match.group()):
        return match.group()
    return f"[{kind}]"


def scrub(text: str) -> tuple[str, int]:
    """(text with PII replaced, number of replacements)."""
    if not _QUICK.search(text):
        return text, 0
    count = 0

    def counted(match: re.Match[str]) -> str:
        nonlocal count
        out = _replace(match)
        count += out != match.group()
        return out

    return _PATTERN.sub(counted, text), count
