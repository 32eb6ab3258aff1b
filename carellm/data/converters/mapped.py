"""Any CSV/TSV/JSON/JSONL/Parquet file, described by a small YAML mapping.

Covers corpora released on application (SNAP counseling conversations) and users' own
data. Two row shapes: one row per turn (`conversation_id`, `role`, `content`, rows of one
conversation consecutive) or one row per exchange (`user`, `assistant`). docs/data.md has
a full example.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from carellm.data.converters.base import Item, Record, Reject, read_json_records, stable_id
from carellm.data.io import InvalidJson, open_text, read_text, require_file
from carellm.errors import InputError


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    license: str
    lang: str = "und"
    format: str | None = None  # csv, tsv, json, jsonl, parquet; default from the extension
    # one row per turn
    conversation_id: str | None = None
    turn_order: str | None = None
    role: str | None = None
    content: str | None = None
    roles: dict[str, str] = Field(default_factory=dict)
    # one row per exchange
    id: str | None = None
    user: str | None = None
    assistant: str | None = None
    system: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    meta: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_shape(self) -> Mapping:
        turns = self.conversation_id and self.role and self.content
        pairs = self.user and self.assistant
        if bool(turns) == bool(pairs):
            raise ValueError("give either conversation_id+role+content (turn rows) or user+assistant (pairs)")
        if set(self.labels) - {"emotion", "scene", "problem"}:
            raise ValueError("labels keys must be emotion, scene or problem")
        if set(self.roles.values()) - {"user", "assistant", "system"}:
            raise ValueError("roles must map to user, assistant or system")
        return self

    def columns(self) -> list[str]:
        names = [
            self.conversation_id,
            self.turn_order,
            self.role,
            self.content,
            self.id,
            self.user,
            self.assistant,
            self.system,
            *self.labels.values(),
            *self.meta,
        ]
        return [n for n in names if n]


def load_mapping(path: Path) -> Mapping:
    try:
        data = yaml.safe_load(require_file(path).read_text(encoding="utf-8"))
        return Mapping.model_validate(data)
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc}).", "Fix the mapping file.") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(
            f"{path}: bad mapping ({'.'.join(map(str, first['loc'])) or 'mapping'}: {first['msg']}).",
            "See the mapping example in docs/data.md.",
        ) from None


def read_rows(path: Path, mapping: Mapping, encoding: str) -> tuple[bool, Iterator[tuple[int, Any]]]:
    fmt = (mapping.format or path.suffix.lstrip(".")).lower()
    if fmt in {"csv", "tsv"}:
        return False, _csv_rows(path, mapping, encoding, "\t" if fmt == "tsv" else ",")
    if fmt in {"json", "jsonl"}:
        return read_json_records(path, encoding)
    if fmt == "parquet":
        return True, _parquet_rows(path)
    raise InputError(f"{path}: unknown format {fmt!r}.", "Set `format:` to csv, tsv, json, jsonl or parquet.")


def _csv_rows(path: Path, mapping: Mapping, encoding: str, delimiter: str) -> Iterator[tuple[int, Any]]:
    with open_text(path, encoding) as handle:
        reader = csv.DictReader(read_text(handle, path), delimiter=delimiter)
        header = reader.fieldnames or []
        missing = [c for c in mapping.columns() if c not in header]
        if missing:
            other = "\t" if delimiter == "," else ","
            hint = (
                f"The header looks {'tab' if other == chr(9) else 'comma'}-separated: set `format:`."
                if header and other in header[0]
                else "Fix the column names in the mapping."
            )
            raise InputError(f"{path}: missing columns {', '.join(missing)}.", hint)
        for row in reader:
            yield reader.line_num, row


def _parquet_rows(path: Path) -> Iterator[tuple[int, Any]]:
    import pyarrow.parquet as pq

    index = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
        for row in batch.to_pylist():
            index += 1
            yield index, row


def records(rows: Iterator[tuple[int, Any]], mapping: Mapping, array: bool) -> Iterator[Item]:
    key = "record" if array else "line"
    shape = _turn_records if mapping.conversation_id else _pair_records
    yield from shape(rows, mapping, key)


def _base(mapping: Mapping, conv_id: str, row: dict[str, Any], messages: list[dict]) -> dict[str, Any]:
    labels = {k: row.get(col) for k, col in mapping.labels.items() if row.get(col) not in (None, "")}
    if "emotion" in labels:
        labels["emotion"] = [str(labels["emotion"])]
    return {
        "id": f"{mapping.source}-{conv_id}",
        "source": mapping.source,
        "license": mapping.license,
        "lang": mapping.lang,
        "messages": messages,
        **({"labels": labels} if labels else {}),
        "meta": {col: row.get(col) for col in mapping.meta},
    }


def _check(row: Any, mapping: Mapping) -> str | None:
    if isinstance(row, InvalidJson):
        return str(row)
    if not isinstance(row, dict):
        return "record is not an object"
    missing = [c for c in mapping.columns() if c not in row and c not in mapping.meta and c != mapping.system]
    return f"missing fields {', '.join(missing)}" if missing else None


def _pair_records(rows: Iterator[tuple[int, Any]], mapping: Mapping, key: str) -> Iterator[Item]:
    for index, row in rows:
        problem = _check(row, mapping)
        if problem:
            yield Reject("malformed record", detail=problem, **{key: index})
            continue
        user, assistant = str(row[mapping.user] or ""), str(row[mapping.assistant] or "")
        messages = [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
        if mapping.system and row.get(mapping.system):
            messages.insert(0, {"role": "system", "content": str(row[mapping.system])})
        conv_id = str(row[mapping.id]) if mapping.id else stable_id(user, assistant)
        yield Record(_base(mapping, conv_id, row, messages), **{key: index})


def _turn_records(rows: Iterator[tuple[int, Any]], mapping: Mapping, key: str) -> Iterator[Item]:
    seen: set[str] = set()
    group: list[tuple[int, dict[str, Any]]] = []

    def flush() -> Iterator[Item]:
        conv_id, first = str(group[0][1][mapping.conversation_id]), group[0][0]
        if conv_id in seen:
            yield Reject("conversation id not contiguous", detail=conv_id, **{key: first})
            return
        seen.add(conv_id)
        ordered = group
        if mapping.turn_order:
            try:
                ordered = sorted(group, key=lambda item: float(item[1][mapping.turn_order]))
            except (TypeError, ValueError):
                yield Reject("turn order not a number", detail=conv_id, **{key: first})
                return
        messages = []
        for index, row in ordered:
            raw_role = str(row[mapping.role])
            role = mapping.roles.get(raw_role, raw_role)
            if role not in {"user", "assistant", "system"}:
                yield Reject(
                    "unknown role",
                    detail=f"{raw_role!r} at {key} {index}; add it to `roles:`",
                    **{key: first},
                )
                return
            messages.append({"role": role, "content": str(row[mapping.content] or "")})
        yield Record(_base(mapping, conv_id, group[0][1], messages), **{key: first})

    for index, row in rows:
        problem = _check(row, mapping)
        if problem:
            yield Reject("malformed record", detail=problem, **{key: index})
            continue
        if group and str(row[mapping.conversation_id]) != str(group[0][1][mapping.conversation_id]):
            yield from flush()
            group.clear()
        group.append((index, row))
    if group:
        yield from flush()
