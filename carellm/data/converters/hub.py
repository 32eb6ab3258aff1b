"""Rows of a Hugging Face `datasets` id, for when the machine is online.

Offline (no network, or HF_HUB_OFFLINE=1) this fails with a message that says to pass
the local file instead; it never falls back silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from carellm.errors import InputError

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def looks_like_hub_id(text: str) -> bool:
    return bool(_HUB_ID.match(text))


def hub_rows(dataset_id: str, split: str = "train") -> Iterator[tuple[int, Any]]:
    from datasets import load_dataset

    try:
        data = load_dataset(dataset_id, split=split, streaming=True)
        yield from enumerate(data, 1)
    except Exception as exc:  # datasets raises many types for "cannot reach the hub"
        raise InputError(
            f"Cannot load {dataset_id!r} from the Hugging Face hub ({type(exc).__name__}).",
            "This machine looks offline: download the dataset's files elsewhere and pass the local path.",
        ) from None
