"""Amod/mental_health_counseling_conversations: single-turn question and counsellor answer.

Rows have `Context` (the person's question) and `Response` (a counsellor's answer); the
release is JSON Lines, and CSV/Parquet copies with the same columns are read too. One
question often has several answers: all of them share `meta.split_group`, so they land in
the same split and a test question is never seen in training.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from carellm.data.converters.base import Item, build, guard_start, mismatch, short, stable_id
from carellm.data.io import Reject, iter_table
from carellm.data.licences import licence_for
from carellm.data.schema import Message

SOURCE = "amod"
HF_ID = "Amod/mental_health_counseling_conversations"
COLUMNS = ("Context", "Response")


def read(path: Path, encoding: str | None = None) -> Iterator[Item]:
    rows = iter_table(path, encoding)
    return guard_start(convert_rows(rows, path), path, SOURCE)


def convert_rows(rows: Iterable[tuple[int, dict | Reject]], path: Path | None = None) -> Iterator[Item]:
    checked = False
    for number, row in rows:
        if isinstance(row, Reject):
            yield row
            continue
        if not checked and path is not None and not any(col in row for col in COLUMNS):
            raise mismatch(path, SOURCE, f"missing column(s) {', '.join(COLUMNS)} (found {', '.join(row)})")
        checked = True
        context, response = row.get("Context"), row.get("Response")
        if not isinstance(context, str) or not isinstance(response, str):
            missing = [c for c in COLUMNS if not isinstance(row.get(c), str)]
            yield Reject(f"missing or non-text {', '.join(missing)}", number, record=short(row))
            continue
        group = stable_id(context.strip())
        yield build(
            number,
            id=stable_id(context, response),
            source=SOURCE,
            license=licence_for(SOURCE),
            lang="en",
            messages=[Message(role="user", content=context), Message(role="assistant", content=response)],
            meta={"split_group": f"{SOURCE}:{group}", "line": number},
        )
