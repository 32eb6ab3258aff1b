"""Reading and writing dataset files: encoding detection, JSONL, and the rejects file.

Everything streams line by line so memory stays flat whatever the file size.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from carellm.data.schema import Conversation, parse_conversation
from carellm.errors import InputError

_SNIFF_BYTES = 1 << 16


def require_file(path: Path) -> Path:
    if not path.is_file():
        raise InputError(f"No such file: {path}.", "Check the path (local files only; see --help).")
    return path


def detect_encoding(path: Path, encoding: str = "auto") -> str:
    """UTF-8 (with or without BOM) or GB18030/GBK, read from the first 64 KB.

    Chinese corpora are often GBK: we read them rather than fail, but only when the bytes
    decode cleanly as GB18030 and not as UTF-8.
    """
    if encoding != "auto":
        return encoding
    head = require_file(path).open("rb").read(_SNIFF_BYTES)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        # A multibyte character may be cut at the sniff boundary: ignore the last 3 bytes.
        head.decode("utf-8") if len(head) < _SNIFF_BYTES else head[:-3].decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        head.decode("gb18030") if len(head) < _SNIFF_BYTES else head[:-1].decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: not UTF-8 (bad byte at offset {utf8_error.start}) and not GBK either.",
            "Pass --encoding with the file's real encoding (e.g. --encoding big5).",
        ) from None


def open_text(path: Path, encoding: str = "auto") -> IO[str]:
    enc = detect_encoding(path, encoding)
    # newline="" so the csv module sees embedded newlines as they are.
    return path.open(encoding=enc, errors="strict", newline="")


def read_text(handle: IO[str], path: Path) -> Iterator[str]:
    """Lines of an open text file; a decoding error deep in the file names the file."""
    try:
        yield from handle
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: cannot decode byte {exc.start} of a block as {exc.encoding}.",
            "The encoding changes inside the file; pass --encoding explicitly or re-encode it to UTF-8.",
        ) from None


def iter_jsonl(path: Path, encoding: str = "auto") -> Iterator[tuple[int, Any | str]]:
    """(line number, decoded object) per non-blank line; a bad line yields its error text instead."""
    with open_text(path, encoding) as handle:
        for lineno, line in enumerate(read_text(handle, path), 1):
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line)
            except json.JSONDecodeError as exc:
                yield lineno, InvalidJson(f"invalid JSON ({exc.msg} at column {exc.colno})")


class InvalidJson(str):
    """Marks a JSONL line that did not decode, so callers can route it to rejects."""


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class JsonlWriter:
    """Appends one JSON object per line; creates parent folders."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.count = 0
        self._handle = path.open("w", encoding="utf-8")

    def write(self, obj: Any) -> None:
        self._handle.write(dumps(obj) + "\n")
        self.count += 1

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Rejects(JsonlWriter):
    """The rejects file: one line per rejected record with where it came from and why."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.reasons: Counter[str] = Counter()

    def reject(
        self,
        reason: str,
        *,
        line: int | None = None,
        record: int | None = None,
        record_id: str | None = None,
        detail: str = "",
    ) -> None:
        """Never pass message text in `detail`: the rejects file must not hold user words."""
        self.reasons[reason] += 1
        entry: dict[str, Any] = {"reason": reason}
        if line is not None:
            entry["line"] = line
        if record is not None:
            entry["record"] = record
        if record_id is not None:
            entry["id"] = record_id
        if detail:
            entry["detail"] = detail
        self.write(entry)


def read_conversations(path: Path) -> Iterator[Conversation]:
    """Validated conversations of a schema JSONL file; the first bad line stops with its number.

    Exporters, stats and mix expect converted (ideally cleaned) input, so a bad line here
    is a usage error rather than a record to reject.
    """
    for lineno, obj in iter_jsonl(require_file(path)):
        if isinstance(obj, InvalidJson):
            raise InputError(f"{path}, line {lineno}: {obj}.", "Run `carellm data clean` on the file first.")
        yield parse_conversation(obj, f"{path}, line {lineno}")


def dataset_files(path: Path) -> list[Path]:
    """A schema JSONL file, or every split file of a `clean` output folder."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.jsonl") if p.name != "rejects.jsonl")
        if not files:
            raise InputError(
                f"{path}: no .jsonl files in this folder.", "Pass a file or a `clean` output folder."
            )
        return files
    return [require_file(path)]
