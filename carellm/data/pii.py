"""PII scrubbing to typed placeholders, for zh and en text.

One combined regex so each message is scanned once. Patterns and their limits are
described in docs/data.md (data card: built by hand, checked on tests/data/datasets/pii_cases).
"""

from __future__ import annotations

import re
from collections import Counter

_PATTERNS = {
    "URL": r"(?:https?://|www\.)[^\s<>\"'，。！？）】]+",
    "EMAIL": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    # Mainland resident ID: 6-digit area, birth date 18xx-20xx, 3 digits, check digit.
    "ID_NUMBER": (
        r"(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
        r"(?![0-9A-Za-z])"
    ),
    # Mainland mobile (optionally +86), mainland landline with area code, NANP, and +CC international.
    "PHONE": (
        r"(?<![0-9])(?:(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}"
        r"|0\d{2,3}-\d{7,8}"
        r"|(?:\+?1[-. ]?)?\(?[2-9]\d{2}\)?[-. ]\d{3}[-. ]\d{4}"
        r"|\+\d{1,3}[- ]\d{2,4}[- ]\d{3,4}[- ]?\d{3,4})(?![0-9])"
    ),
    "HANDLE": r"(?<![\w.@])@[A-Za-z0-9_]{2,30}\b",
}
_COMBINED = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS.items()))
_TRIGGER = re.compile(r"[@\d]|http|www\.")


def scrub_pii(text: str, counts: Counter[str] | None = None) -> str:
    """Replace emails, phones, Chinese ID numbers, URLs and @handles with [EMAIL], [PHONE]...

    `counts` (if given) is incremented per placeholder type, for the cleaning report.
    """
    if not _TRIGGER.search(text):  # most turns: no digit, no @, no link
        return text

    def placeholder(match: re.Match[str]) -> str:
        kind = match.lastgroup or "PII"
        if counts is not None:
            counts[kind] += 1
        return f"[{kind}]"

    return _COMBINED.sub(placeholder, text)
