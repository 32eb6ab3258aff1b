"""Reading a JSONL file of texts from any readable path: a file, /dev/stdin, <(...), or - .

One reader for every command and library function that takes such a file (`safety check
--file`, `safety eval`, `safety guard --file`, `emotion analyze --file`), so each names bad
lines and missing files the same way.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from carellm.errors import InputError

TEXT_ROWS = 'a JSONL file with one {"text": ...} per line'


@contextmanager
def open_input(path: Path | str, what: str) -> Iterator[BinaryIO]:
    """Any readable path as bytes: a file, /dev/stdin, a pipe such as <(...), or - for stdin."""
    if str(path) == "-":
        yield sys.stdin.buffer
        return
    shown = Path(path)
    try:
        fh = open(shown.expanduser(), "rb")  # noqa: SIM115 (closed below, after the caller reads)
    except FileNotFoundError:
        raise InputError(
            f"No file at {shown}.", f"Give the path of {what}, or - to read standard input."
        ) from None
    except IsADirectoryError:
        raise InputError(f"{shown} is a folder.", f"Give the path of {what}.") from None
    except OSError as exc:
        raise InputError(
            f"Cannot read {shown}: {exc.strerror}.", "Check the path and its permissions."
        ) from None
    with fh:
        yield fh


def read_text_rows(
    path: Path | str, what: str = TEXT_ROWS
) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    """(line number, record) for each JSONL line with a string "text"; (line number, why) for the rest."""
    rows: list[tuple[int, dict]] = []
    bad: list[tuple[int, str]] = []
    with open_input(path, what) as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                bad.append((number, f"not valid JSON/UTF-8 ({type(exc).__name__})"))
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                bad.append((number, "needs a JSON object with a string field 'text'"))
                continue
            rows.append((number, record))
    return rows, bad
