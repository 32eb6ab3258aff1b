"""Converters: one module per public dataset, all writing the CareLLM schema (schema.py).

`convert_file` is the one driver: it reads rows (local file or hub id), lets the dataset's
module turn them into records, validates each against the schema, writes the good ones
and sends every bad one to the rejects file with its line/record number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from carellm.data.converters import amod, empathetic_dialogues, esconv, goemotions, mapped, soulchat
from carellm.data.converters.base import Item, Record, Reject, read_json_records
from carellm.data.converters.hub import hub_rows, looks_like_hub_id
from carellm.data.io import JsonlWriter, Rejects
from carellm.data.licences import SOURCE_LICENCES
from carellm.data.schema import Conversation
from carellm.errors import InputError

FORMATS = ("soulchat", "empathetic_dialogues", "goemotions", "amod", "esconv", "mapped")


@dataclass
class ConvertReport:
    written: int = 0
    rejected: Counter[str] = field(default_factory=Counter)


def _file_items(fmt: str, path: Path, licence: str, encoding: str, mapping: Path | None) -> Iterator[Item]:
    if fmt == "mapped":
        if mapping is None:
            raise InputError(
                "--format mapped needs --map MAP.yaml.", "See the mapping example in docs/data.md."
            )
        spec = mapped.load_mapping(mapping)
        array, rows = mapped.read_rows(path, spec, encoding)
        return mapped.records(rows, spec, array)
    if fmt == "empathetic_dialogues":
        return empathetic_dialogues.records(empathetic_dialogues.read_rows(path, encoding), licence)
    if fmt == "goemotions":
        shape, rows = goemotions.read_rows(path, encoding)
        return (
            goemotions.tsv_records(rows, licence) if shape == "tsv" else goemotions.raw_records(rows, licence)
        )
    array, rows = read_json_records(path, encoding)
    module = {"soulchat": soulchat, "amod": amod, "esconv": esconv}[fmt]
    return module.records(rows, licence, array)


def _hub_items(fmt: str, dataset_id: str, licence: str) -> Iterator[Item]:
    rows = hub_rows(dataset_id)
    if fmt == "empathetic_dialogues":
        return empathetic_dialogues.records(rows, licence)
    if fmt == "goemotions":
        # The hub's "simplified" config already has label ids as a list.
        return goemotions.tsv_records(
            ((i, [r["text"], ",".join(map(str, r["labels"])), r["id"]]) for i, r in rows), licence
        )
    if fmt in {"soulchat", "amod", "esconv"}:
        return {"soulchat": soulchat, "amod": amod, "esconv": esconv}[fmt].records(rows, licence, True)
    raise InputError("--format mapped reads local files only.", "Download the data and pass its path.")


def items(
    fmt: str, source: str, *, licence: str | None = None, encoding: str = "auto", mapping: Path | None = None
) -> Iterator[Item]:
    """Records and rejects from a local path or, online, a hub dataset id."""
    if fmt not in FORMATS:
        raise InputError(f"Unknown format {fmt!r}.", f"Use one of: {', '.join(FORMATS)}.")
    chosen = licence or SOURCE_LICENCES.get(fmt, "")
    path = Path(source)
    if not path.exists() and looks_like_hub_id(source) and fmt != "mapped":
        return _hub_items(fmt, source, chosen)
    return _file_items(fmt, path, chosen, encoding, mapping)


def convert_file(
    fmt: str,
    source: str,
    out: Path,
    rejects_path: Path,
    *,
    licence: str | None = None,
    encoding: str = "auto",
    mapping: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> ConvertReport:
    report = ConvertReport()
    stream = items(fmt, source, licence=licence, encoding=encoding, mapping=mapping)
    with JsonlWriter(out) as writer, Rejects(rejects_path) as rejects:
        for item in stream:
            if isinstance(item, Reject):
                rejects.reject(item.reason, line=item.line, record=item.record, detail=item.detail)
            else:
                _write_valid(item, writer, rejects)
            if progress is not None:
                progress(1)
        report.written, report.rejected = writer.count, rejects.reasons
    if report.written == 0 and report.rejected:
        raise InputError(
            f"No record of {source} converted "
            f"({sum(report.rejected.values())} rejected; see {rejects_path}).",
            f"Does --format {fmt} match the file? Top reason: {report.rejected.most_common(1)[0][0]}.",
        )
    return report


def _write_valid(item: Record, writer: JsonlWriter, rejects: Rejects) -> None:
    try:
        conv = Conversation.model_validate(item.data)
    except ValidationError as exc:  # name the field, never the text
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        rejects.reject("schema", line=item.line, record=item.record, detail=f"{loc}: {first['msg']}")
        return
    writer.write(conv.to_json_dict())
