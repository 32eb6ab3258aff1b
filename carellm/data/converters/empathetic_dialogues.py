"""EmpatheticDialogues (Rashkin et al., 2019): facebookresearch/EmpatheticDialogues.

The release is train/valid/test.csv with the header
`conv_id,utterance_idx,context,prompt,speaker_idx,utterance,selfeval,tags`, one utterance
per row. Commas inside text are escaped as `_comma_` and nothing is quoted, so rows are
split on "," exactly as the authors' own loader does (the csv module would mis-read them).
`context` is one of 32 emotion labels and `prompt` the situation the speaker wrote.

Rows of a conversation are contiguous; they are grouped by conv_id and ordered by
utterance_idx. The speaker of utterance 1 is the user, the other worker the assistant.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from carellm.data.converters.base import Item, build, guard_start, mismatch, require_columns
from carellm.data.dedup import KeyStore
from carellm.data.io import Reject, iter_lines
from carellm.data.licences import licence_for
from carellm.data.schema import Labels, Message

SOURCE = "empathetic_dialogues"
HF_ID = "facebook/empathetic_dialogues"
COLUMNS = ("conv_id", "utterance_idx", "context", "prompt", "speaker_idx", "utterance")


def unescape(text: str) -> str:
    return text.replace("_comma_", ",")


def read(path: Path, encoding: str | None = None) -> Iterator[Item]:
    return guard_start(convert_rows(_rows(path, encoding)), path, SOURCE)


def _rows(path: Path, encoding: str | None) -> Iterator[tuple[int, dict | Reject]]:
    lines = iter_lines(path, encoding)
    first = next(lines, None)
    if first is None:
        return
    header = [h.strip() for h in first[1].split(",")]
    if len(header) == 1 and "\t" in first[1]:
        raise mismatch(path, SOURCE, "the header is tab-separated; the release is comma-separated")
    require_columns(path, SOURCE, header, COLUMNS)
    index = [header.index(col) for col in COLUMNS]
    width = max(index) + 1
    for number, line in lines:
        fields = line.split(",")
        if len(fields) < width:
            yield (
                number,
                Reject(f"expected at least {width} fields, found {len(fields)}", number, record=line),
            )
            continue
        yield number, {col: fields[i] for col, i in zip(COLUMNS, index, strict=True)}


def convert_rows(rows: Iterable[tuple[int, dict | Reject]]) -> Iterator[Item]:
    """Group contiguous rows by conv_id (also used for the Hugging Face copy's rows)."""
    group: list[tuple[int, dict]] = []
    finished = KeyStore()  # 8-byte hashes of conv_ids already emitted, to catch unsorted files
    for number, row in rows:
        if isinstance(row, Reject):
            yield row
            continue
        if group and row["conv_id"] != group[0][1]["conv_id"]:
            yield _conversation(group, finished)
            group = []
        group.append((number, row))
    if group:
        yield _conversation(group, finished)


def _conversation(group: list[tuple[int, dict]], finished: KeyStore) -> Item:
    line, head = group[0]
    conv_id = str(head["conv_id"])
    key = np.array([hash(conv_id) & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64)
    if finished.contains_any(key):
        return Reject(
            f"rows of {conv_id} are not contiguous: sort the file by conv_id, utterance_idx", line, conv_id
        )
    finished.add(key)
    try:
        ordered = sorted(group, key=lambda item: int(item[1]["utterance_idx"]))
    except ValueError:
        return Reject("utterance_idx is not a number", line, conv_id)
    user = str(ordered[0][1]["speaker_idx"])
    messages = [
        Message(
            role="user" if str(row["speaker_idx"]) == user else "assistant",
            content=unescape(str(row["utterance"])),
        )
        for _, row in ordered
    ]
    context = str(head["context"]).strip()
    return build(
        line,
        id=conv_id,
        source=SOURCE,
        license=licence_for(SOURCE),
        lang="en",
        messages=messages,
        labels=Labels(emotion=[context]) if context else None,
        meta={"situation": unescape(str(head["prompt"])), "line": line},
    )
