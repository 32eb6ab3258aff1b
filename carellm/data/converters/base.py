"""What every converter shares: column checks that name what is missing, and a format sniffer
that turns "this is not an ESConv file" into "this looks like EmpatheticDialogues"."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from carellm.data.io import DataFormatError, Reject, open_text
from carellm.data.schema import Conversation

Item = Conversation | Reject

# How a known format announces itself in its first few hundred characters.
_SIGNS = {
    "empathetic_dialogues": ("conv_id,utterance_idx,context",),
    "esconv": ('"emotion_type"', '"problem_type"', '"dialog"'),
    "amod": ('"Context"', "Context,Response"),
    "goemotions": ("example_very_unclear",),
    "soulchat": ('"messages"', '"topic"'),
}


def sniff_format(path: Path) -> str | None:
    """The converter name a file looks like, or None."""
    try:
        with open_text(path) as fh:
            head = fh.read(4000)
    except Exception:
        return None
    scores = {name: sum(sign in head for sign in signs) for name, signs in _SIGNS.items()}
    best = max(scores, key=scores.__getitem__)
    if scores[best]:
        return best
    first = head.splitlines()[0] if head else ""
    if first.count("\t") == 2 and first.rsplit("\t", 1)[-1].strip():
        return "goemotions"
    return None


def mismatch(path: Path, expected: str, detail: str) -> DataFormatError:
    guess = sniff_format(path)
    hint = (
        f"It looks like {guess}: try --format {guess}."
        if guess and guess != expected
        else f"Check that this is the {expected} release file (see docs/data.md)."
    )
    return DataFormatError(f"{path} is not in the {expected} format: {detail}.", hint)


def require_columns(path: Path, fmt: str, present: Iterable[str], required: Iterable[str]) -> None:
    have = set(present)
    missing = [col for col in required if col not in have]
    if missing:
        raise mismatch(path, fmt, f"missing column(s) {', '.join(missing)}")


def guard_start(items: Iterable[Item], path: Path, fmt: str, window: int = 20) -> Iterator[Item]:
    """Stop with a clear error when a file's first records are all rejects.

    One bad record is logged and skipped; twenty in a row before any good one means the
    file is in another format (or another encoding), and the user should hear that once.
    """
    good = False
    bad: list[Reject] = []
    for item in items:
        if good:
            yield item
            continue
        if isinstance(item, Reject):
            bad.append(item)
            if len(bad) >= window:
                raise mismatch(path, fmt, f"the first {window} records fail ({bad[0].reason})")
            continue
        good = True
        yield from bad
        yield item
    if not good and bad:
        raise mismatch(path, fmt, f"no record could be read ({bad[0].reason})")


def stable_id(*parts: str, size: int = 16) -> str:
    """A short content hash: ids that survive re-ordering and re-downloading of a file."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=size // 2).hexdigest()


def short(record: object, limit: int = 2000) -> object:
    """The raw record for the rejects file, cut so one giant line cannot swamp it."""
    text = json.dumps(record, ensure_ascii=False, default=str)
    return record if len(text) <= limit else text[:limit] + "…"


def build(line: int | None, **fields) -> Item:
    """A validated Conversation, or a Reject naming the field that failed validation."""
    try:
        return Conversation(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        return Reject(f"invalid record: {where}: {first['msg']}", line, str(fields.get("id") or "") or None)
