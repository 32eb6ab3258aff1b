"""Reading dataset files as a stream of (line number, row) and writing JSONL and rejects.

Everything here streams: a row is read, handed on and forgotten, so memory does not grow
with the file. Line numbers travel with every row so that a bad record can be named in
the rejects file and fixed at its source.
"""

from __future__ import annotations

import codecs
import csv
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from carellm.errors import InputError

Row = dict[str, Any]
SAMPLE_BYTES = 1 << 16
csv.field_size_limit(1 << 26)  # counselling transcripts can hold very long turns


class DataFormatError(InputError):
    """The file is not in the format the command was told to expect."""


@dataclass
class Reject:
    """A record that was not kept, and why. `line` is 1-based in the input file."""

    reason: str
    line: int | None = None
    id: str | None = None
    stage: str = "convert"
    record: Any = None

    def to_json(self) -> str:
        data = {"stage": self.stage, "reason": self.reason, "line": self.line, "id": self.id}
        if self.record is not None:
            data["record"] = self.record
        return json.dumps(data, ensure_ascii=False, default=str)


@dataclass
class Counts:
    """How many records went in, came out and were rejected, by reason."""

    read: int = 0
    kept: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    repaired: dict[str, int] = field(default_factory=dict)

    def reject(self, reason: str) -> None:
        key = reason.split(":", 1)[0]
        self.rejected[key] = self.rejected.get(key, 0) + 1

    def repair(self, kind: str, n: int = 1) -> None:
        self.repaired[kind] = self.repaired.get(kind, 0) + n

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "kept": self.kept,
            "rejected": sum(self.rejected.values()),
            "rejected_by_reason": dict(sorted(self.rejected.items())),
            "repaired": dict(sorted(self.repaired.items())),
        }


def detect_encoding(path: Path) -> str:
    """utf-8 (with or without BOM), utf-16 by BOM, or gb18030 for GBK-era Chinese files.

    Only the head of the file is sampled; a bad byte further on is reported with its line
    by `open_text`'s reader, with the same hint.
    """
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a multi-byte character cut by the sample boundary
            return "utf-8"
    try:
        text = head.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(
            f"{path} is neither UTF-8 nor GBK/GB18030.",
            "Convert it to UTF-8 (iconv -f ENCODING -t UTF-8), or pass --encoding.",
        ) from None
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        raise InputError(
            f"{path} is not UTF-8.", "Convert it to UTF-8 (iconv -f ENCODING -t UTF-8), or pass --encoding."
        )
    print(f"note: {path.name} is GBK/GB18030-encoded; reading it as gb18030.", file=sys.stderr)
    return "gb18030"


def open_text(path: Path, encoding: str | None = None) -> IO[str]:
    if not path.exists():
        raise InputError(f"No such file: {path}", "Check the path.")
    if path.is_dir():
        raise InputError(f"{path} is a folder.", "Give the dataset file itself.")
    return path.open(encoding=encoding or detect_encoding(path), newline="")


def _decode_guard(path: Path, lines: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    """Re-raise a decoding error deep in a file as a clean error naming the file."""
    last = 0
    try:
        for number, item in lines:
            last = number
            yield number, item
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: cannot decode the text after line {last} ({exc.reason}).",
            "The file mixes encodings or is corrupt; convert it to UTF-8, or pass --encoding.",
        ) from None


def iter_lines(path: Path, encoding: str | None = None) -> Iterator[tuple[int, str]]:
    """(line number, line without its newline) for every non-blank line."""

    def lines() -> Iterator[tuple[int, str]]:
        with open_text(path, encoding) as fh:
            for number, line in enumerate(fh, 1):
                line = line.rstrip("\r\n")
                if line.strip():
                    yield number, line

    return _decode_guard(path, lines())


def iter_csv(
    path: Path, delimiter: str = ",", encoding: str | None = None, header: bool = True
) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for each CSV record; the header, when asked for, is record 1."""

    def rows() -> Iterator[tuple[int, list[str]]]:
        with open_text(path, encoding) as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            start = 1
            for fields in reader:
                if fields:
                    yield start, fields
                start = reader.line_num + 1

    return _decode_guard(path, rows())


def iter_json_records(path: Path, encoding: str | None = None) -> Iterator[tuple[int, Any]]:
    """Records of a JSON array file or a JSONL file, streamed, each with its first line.

    A record that does not parse comes back as a `Reject` in place of the row, so the caller
    can log it and go on; a truncated array ends with one such reject.
    """
    with open_text(path, encoding) as fh:
        first = fh.read(1)
        while first and first.isspace():
            first = fh.read(1)
    if first == "[":
        return _decode_guard(path, _iter_json_array(path, encoding))
    return _decode_guard(path, _iter_jsonl(path, encoding))


def _iter_jsonl(path: Path, encoding: str | None) -> Iterator[tuple[int, Any]]:
    for number, line in iter_lines(path, encoding):
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, Reject(f"invalid JSON: {exc.msg} (column {exc.colno})", number)


def _iter_json_array(path: Path, encoding: str | None, chunk: int = 1 << 20) -> Iterator[tuple[int, Any]]:
    """Walk `[ {...}, {...} ]` with raw_decode over a sliding buffer (no ijson needed)."""
    decoder = json.JSONDecoder()
    with open_text(path, encoding) as fh:
        buf = fh.read(chunk).lstrip()
        buf = buf[1:]  # the opening bracket
        line = 1
        eof = False
        while True:
            stripped = buf.lstrip(" \t\r\n,")
            line += buf[: len(buf) - len(stripped)].count("\n")
            buf = stripped
            if len(buf) < chunk and not eof:
                more = fh.read(chunk)
                eof = not more
                buf += more
                continue
            if not buf:
                yield line, Reject("truncated: the JSON array is not closed", line)
                return
            if buf[0] == "]":
                return
            try:
                obj, end = decoder.raw_decode(buf)
            except json.JSONDecodeError as exc:
                if not eof:
                    more = fh.read(chunk)
                    eof = not more
                    buf += more
                    continue
                yield line, Reject(f"truncated or invalid JSON: {exc.msg}", line + exc.lineno - 1)
                return
            yield line, obj
            line += buf[:end].count("\n")
            buf = buf[end:]


def iter_parquet(path: Path, batch_rows: int = 4096) -> Iterator[tuple[int, Row]]:
    """Rows of a Parquet file in batches; the 'line' is the 1-based row number."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise InputError(f"{path} is not a readable Parquet file ({exc}).", "Check the file.") from None
    number = 0
    for batch in pf.iter_batches(batch_size=batch_rows):
        for row in batch.to_pylist():
            number += 1
            yield number, row


def iter_table(path: Path, encoding: str | None = None) -> Iterator[tuple[int, Row | Reject]]:
    """Rows as dicts from CSV/TSV (header row), JSON, JSONL or Parquet, by file extension."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        yield from iter_parquet(path)
        return
    if suffix in {".csv", ".tsv"}:
        rows = iter_csv(path, "\t" if suffix == ".tsv" else ",", encoding)
        try:
            _, header = next(rows)
        except StopIteration:
            return
        for number, fields in rows:
            if len(fields) != len(header):
                yield number, Reject(f"expected {len(header)} fields, found {len(fields)}", number)
            else:
                yield number, dict(zip(header, fields, strict=True))
        return
    for number, obj in iter_json_records(path, encoding):
        if not isinstance(obj, (dict, Reject)):
            yield number, Reject(f"expected a JSON object, found {type(obj).__name__}", number)
        else:
            yield number, obj


class JsonlWriter:
    """Writes JSONL atomically enough: to OUT.part, renamed to OUT when closed cleanly."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._part = path.with_name(path.name + ".part")
        self._fh = self._part.open("w", encoding="utf-8")
        self.count = 0

    def write(self, line: str) -> None:
        self._fh.write(line)
        self._fh.write("\n")
        self.count += 1

    def close(self, ok: bool = True) -> None:
        self._fh.close()
        if ok:
            self._part.replace(self.path)
        else:
            self._part.unlink(missing_ok=True)

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(ok=exc_type is None)


def rejects_path(out: Path) -> Path:
    """OUT.jsonl -> OUT.rejects.jsonl, next to the output."""
    stem = out.name[: -len(".jsonl")] if out.name.endswith(".jsonl") else out.name
    return out.with_name(stem + ".rejects.jsonl")


def iter_conversations(path: Path) -> Iterator[tuple[int, Any]]:
    """(line, Conversation or Reject) from a CareLLM JSONL file."""
    from pydantic import ValidationError

    from carellm.data.schema import parse_line

    for number, line in iter_lines(path):
        try:
            yield number, parse_line(line)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "record"
            yield number, Reject(f"invalid record: {where}: {first['msg']}", number, stage="read")
