"""What every converter yields, and the small helpers they share.

A converter turns the rows of one published dataset into schema-shaped dicts (`Record`)
or explains why a row cannot be used (`Reject`). Validation against the schema, writing
and the rejects file are done once, in `converters.run`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carellm.data.io import iter_jsonl, open_text
from carellm.errors import InputError


@dataclass(frozen=True)
class Record:
    data: dict[str, Any]
    line: int | None = None
    record: int | None = None


@dataclass(frozen=True)
class Reject:
    reason: str
    line: int | None = None
    record: int | None = None
    detail: str = ""


Item = Record | Reject


def stable_id(*parts: str) -> str:
    """Content-derived id for corpora that publish none (Amod): same text, same id."""
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()


def read_json_records(path: Path, encoding: str) -> tuple[bool, Iterator[tuple[int, Any]]]:
    """(is_array, iterator of (record or line number, object)) for a JSON array or JSONL file.

    A JSON array is read whole (the public files are tens of MB); JSONL streams.
    """
    with open_text(path, encoding) as handle:
        head = handle.read(4096).lstrip()
    if not head.startswith("["):
        return False, iter_jsonl(path, encoding)
    with open_text(path, encoding) as handle:
        try:
            data = json.load(handle)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}: JSON array does not parse ({exc.msg}, line {exc.lineno}); truncated file?",
                "Re-download or re-export the file; JSONL files are read line by line instead.",
            ) from None
    return True, enumerate(data, 1)


def where(index: int, array: bool) -> dict[str, int]:
    return {"record": index} if array else {"line": index}


def missing_keys(row: Any, keys: tuple[str, ...]) -> list[str]:
    if not isinstance(row, dict):
        return list(keys)
    return [k for k in keys if k not in row]
