"""Hugging Face `datasets`: Parquet per split, and a DatasetDict saved with `save_to_disk`.

The columns are the schema's (id, source, license, lang, messages, labels) with `meta` as a
JSON string, since its keys differ between sources and Arrow needs one type per column.
Parquet is written in batches with pyarrow (flat memory); `save_to_disk` then loads it
with `datasets` into `OUT/dataset/` for `datasets.load_from_disk`.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from carellm.data.exporters import ExportReport, split_of
from carellm.data.schema import Conversation

BATCH = 2048


def arrow_schema():
    import pyarrow as pa

    message = pa.struct(
        [
            (name, pa.string())
            for name in ("role", "content", "audio", "image", "video", "emotion", "strategy")
        ]
    )
    labels = pa.struct([("emotion", pa.list_(pa.string())), ("scene", pa.string()), ("problem", pa.string())])
    return pa.schema(
        [
            ("id", pa.string()),
            ("source", pa.string()),
            ("license", pa.string()),
            ("lang", pa.string()),
            ("messages", pa.list_(message)),
            ("labels", labels),
            ("meta", pa.string()),
        ]
    )


def to_row(conv: Conversation) -> dict:
    row = conv.model_dump(exclude={"meta"})
    row["meta"] = json.dumps(conv.meta, ensure_ascii=False, default=str)
    return row


def export(records: Iterable[Conversation], out: Path, report: ExportReport) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    parquet_dir = out / "parquet"
    parquet_dir.mkdir(parents=True, exist_ok=True)
    writers: dict[str, pq.ParquetWriter] = {}
    batches: dict[str, list[dict]] = {}

    def flush(split: str) -> None:
        if batches.get(split):
            writers[split].write_table(pa.Table.from_pylist(batches[split], schema=schema))
            batches[split] = []

    for conv in records:
        split = split_of(conv)
        if split not in writers:
            writers[split] = pq.ParquetWriter(parquet_dir / f"{split}.parquet", schema)
        batches.setdefault(split, []).append(to_row(conv))
        report.records[split] = report.records.get(split, 0) + 1
        if len(batches[split]) >= BATCH:
            flush(split)
    for split, writer in writers.items():
        flush(split)
        writer.close()
        report.files.append(f"parquet/{split}.parquet")
    if writers:
        _save_to_disk(parquet_dir, sorted(writers), out / "dataset")
        report.files.append("dataset/")


def _save_to_disk(parquet_dir: Path, splits: list[str], target: Path) -> None:
    import datasets

    cache = Path(tempfile.mkdtemp(prefix="carellm-hf-"))
    quiet = datasets.utils.logging.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        files = {split: str(parquet_dir / f"{split}.parquet") for split in splits}
        loaded = datasets.load_dataset("parquet", data_files=files, cache_dir=str(cache))
        if target.exists():
            shutil.rmtree(target)
        loaded.save_to_disk(str(target))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if quiet:
            datasets.enable_progress_bars()
