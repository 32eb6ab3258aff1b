"""EmpatheticDialogues (facebookresearch): one CSV row per utterance, grouped by conv_id.

The published CSVs are not RFC 4180: commas inside text are written `_comma_` and nothing
is quoted, so we split on "," ourselves (as the authors' loader does). Rows of one
conversation are consecutive; utterance_idx orders them. The speaker who wrote the
situation prompt (first speaker_idx) becomes `user`, the listener `assistant`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from carellm.data.converters.base import Item, Record, Reject
from carellm.data.io import open_text, read_text
from carellm.errors import InputError

COLUMNS = ("conv_id", "utterance_idx", "context", "prompt", "speaker_idx", "utterance")


def _unescape(text: str) -> str:
    return text.replace("_comma_", ",")


def read_rows(path: Path, encoding: str) -> Iterator[tuple[int, Any]]:
    """(line number, row dict) per data line; a malformed line yields its reason as a str."""
    with open_text(path, encoding) as handle:
        lines = read_text(handle, path)
        header_line = next(lines, "").rstrip("\r\n")
        header = header_line.split(",")
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            hint = (
                "The file is tab-separated; EmpatheticDialogues files are comma-separated."
                if ("\t" in header_line)
                else "Is this an EmpatheticDialogues train/valid/test.csv?"
            )
            raise InputError(f"{path}: missing columns {', '.join(missing)} in the header.", hint)
        pos = [header.index(c) for c in COLUMNS]
        width = max(pos) + 1
        for lineno, line in enumerate(lines, 2):
            line = line.rstrip("\r\n")
            if not line:
                continue
            parts = line.split(",")
            if len(parts) < width:
                yield lineno, f"{len(parts)} fields, need {width}"
                continue
            yield lineno, {c: parts[p] for c, p in zip(COLUMNS, pos, strict=False)}


def records(rows: Iterable[tuple[int, Any]], licence: str, array: bool = False) -> Iterator[Item]:
    seen: set[str] = set()
    group: list[tuple[int, dict[str, Any]]] = []
    broken: list[str] = []

    def flush() -> Iterator[Item]:
        conv_id, first_line = group[0][1]["conv_id"], group[0][0]
        if conv_id in seen:
            yield Reject("conv_id not contiguous", line=first_line, detail=conv_id)
            return
        seen.add(conv_id)
        if broken:
            yield Reject("conversation has bad rows", line=first_line, detail="; ".join(broken))
            return
        try:
            ordered = sorted(group, key=lambda item: int(item[1]["utterance_idx"]))
        except ValueError:
            yield Reject("utterance_idx not an integer", line=first_line, detail=conv_id)
            return
        user_speaker = ordered[0][1]["speaker_idx"]
        head = ordered[0][1]
        yield Record(
            {
                "id": f"ed-{conv_id}",
                "source": "empathetic_dialogues",
                "license": licence,
                "lang": "en",
                "messages": [
                    {
                        "role": "user" if row["speaker_idx"] == user_speaker else "assistant",
                        "content": _unescape(str(row["utterance"])),
                    }
                    for _, row in ordered
                ],
                "labels": {"emotion": [head["context"]]},
                "meta": {"situation": _unescape(str(head["prompt"]))},
            },
            line=first_line,
        )

    for lineno, row in rows:
        if isinstance(row, str):
            broken.append(f"line {lineno}: {row}")
            if not group:
                yield Reject("malformed row", line=lineno, detail=row)
                broken.clear()
            continue
        if group and row["conv_id"] != group[0][1]["conv_id"]:
            yield from flush()
            group.clear()
            broken.clear()
        group.append((lineno, row))
    if group:
        yield from flush()
