"""Where sentences end: for the history's one-line gists, for speaking a reply's opening early, and
for the reply guard, which checks each sentence before any of it is shown."""

from __future__ import annotations

import re

# After the end mark, so split() keeps it with its sentence.
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
# In text that is still arriving a Latin mark ends a sentence only once a space follows it
# ("3.5", "e.g." mid-word); a CJK mark or a line break ends it at once.
_SETTLED_END = re.compile(r"[。！？]|[.!?](?=\s)|\n")

OPENING_MIN_CHARS = 8  # "Hi." alone is not worth a talker run of its own


def first_sentence(text: str) -> str:
    """The first sentence of finished text ("" for blank text)."""
    text = text.strip()
    return SENTENCE_END.split(text, maxsplit=1)[0] if text else ""


def settled_opening(text: str, min_chars: int = OPENING_MIN_CHARS) -> str | None:
    """The reply's first whole sentence(s) of at least `min_chars`, once they can no longer change.

    None while the text streaming in has not finished such a sentence yet.
    """
    body = text.lstrip()
    for mark in _SETTLED_END.finditer(body):
        opening = body[: mark.end()].rstrip()
        if len(opening) >= min_chars:
            return opening
    return None


def settled_end(text: str, start: int = 0) -> int:
    """Where the last sentence of streaming `text` that can no longer change ends, with the
    whitespace after it; `start` when no sentence has settled past `start` yet."""
    end = start
    for mark in _SETTLED_END.finditer(text, start):
        end = mark.end()
    if end == start:
        return start
    while end < len(text) and text[end].isspace():
        end += 1
    return end
