"""Converters: one module per public dataset, each reading the dataset's own files.

`convert(fmt, source)` yields `Conversation`s and `Reject`s in file order. `source` is a
local path, or `hf:<dataset id>` to stream the Hugging Face copy when the machine is online.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

from carellm.data.io import Reject
from carellm.data.schema import Conversation
from carellm.errors import InputError

FORMATS = ("soulchat", "empathetic_dialogues", "goemotions", "amod", "esconv", "mapped")


def _module(fmt: str):
    if fmt not in FORMATS:
        raise InputError(f"Unknown format {fmt!r}.", f"Use one of: {', '.join(FORMATS)}.")
    return importlib.import_module(f"carellm.data.converters.{fmt}")


def convert(
    fmt: str,
    source: str | Path,
    *,
    mapping: Path | None = None,
    encoding: str | None = None,
    split: str = "train",
) -> Iterator[Conversation | Reject]:
    module = _module(fmt)
    text = str(source)
    if text.startswith("hf:"):
        if fmt == "mapped":
            raise InputError("--format mapped reads local files only.", "Download the data first.")
        from carellm.data.hub import hf_rows

        rows = hf_rows(text[3:] or module.HF_ID, split)
        return module.convert_rows(rows)
    path = Path(source)
    if fmt == "mapped":
        if mapping is None:
            raise InputError("--format mapped needs --map MAP.yaml.", "See docs/data.md#mapped.")
        from carellm.data.converters.mapped import load_mapping

        return module.read(path, load_mapping(mapping), encoding)
    if mapping is not None:
        raise InputError("--map is only used with --format mapped.", "Drop --map, or use --format mapped.")
    return module.read(path, encoding)
