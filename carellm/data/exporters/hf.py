"""Hugging Face `datasets`: a DatasetDict saved with `save_to_disk`, plus one Parquet per split.

Every record is kept (classification records too); the schema's nested optional fields
get fixed Arrow types, and `meta` (free-form) is stored as a JSON string.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from carellm.data.exporters.common import ExportReport
from carellm.data.io import read_conversations
from carellm.errors import InputError


def _features():
    from datasets import Features, List, Value

    text_list = List(Value("string"))
    message = {
        "role": Value("string"),
        "content": Value("string"),
        "audio": text_list,
        "image": text_list,
        "video": text_list,
        "emotion": Value("string"),
        "strategy": Value("string"),
    }
    return Features(
        {
            "id": Value("string"),
            "source": Value("string"),
            "license": Value("string"),
            "lang": Value("string"),
            "messages": List(message),
            "emotion": text_list,
            "scene": Value("string"),
            "problem": Value("string"),
            "meta": Value("string"),
        }
    )


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    for conv in read_conversations(path):
        labels = conv.labels
        yield {
            "id": conv.id,
            "source": conv.source,
            "license": conv.license,
            "lang": conv.lang,
            "messages": [m.model_dump() for m in conv.messages],
            "emotion": labels.emotion if labels else None,
            "scene": labels.scene if labels else None,
            "problem": labels.problem if labels else None,
            "meta": json.dumps(conv.meta, ensure_ascii=False),
        }


def _is_empty(path: Path) -> bool:
    with path.open("rb") as handle:
        return not any(line.strip() for line in handle)


def export(files: list[Path], out_dir: Path) -> ExportReport:
    from datasets import Dataset, DatasetDict

    report = ExportReport()
    splits = {}
    features = _features()
    # A private cache: the generator cache is keyed by path, and a re-export of a changed
    # file must not be answered from a stale cache in ~/.cache.
    with tempfile.TemporaryDirectory(prefix="carellm-hf-") as cache:
        for path in files:
            if _is_empty(path):
                # datasets cannot reload an empty split from save_to_disk: leave it out, say so.
                report.skipped[f"empty split {path.stem}"] += 1
                continue
            ds = Dataset.from_generator(_rows, gen_kwargs={"path": path}, features=features, cache_dir=cache)
            ds.to_parquet(str(out_dir / f"{path.stem}.parquet"))
            report.files.append(f"{path.stem}.parquet")
            report.written += len(ds)
            splits[path.stem] = ds
        if not splits:
            raise InputError("Nothing to export: every input file is empty.", "Check the clean report.")
        DatasetDict(splits).save_to_disk(str(out_dir / "dataset"))
    report.files.append("dataset/")
    return report
