"""Rows of a dataset on the Hugging Face hub, streamed with `datasets` when online.

Offline (no network, or HF_HUB_OFFLINE=1) this fails with one clear message instead of a
traceback from deep inside the hub client.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from carellm.errors import InputError


def hf_rows(dataset_id: str, split: str = "train") -> Iterator[tuple[int, dict[str, Any]]]:
    hint = "Download the dataset's files on a machine that is online and pass the local path instead."
    if os.environ.get("HF_HUB_OFFLINE") == "1" or os.environ.get("HF_DATASETS_OFFLINE") == "1":
        raise InputError(f"Cannot load {dataset_id} from the Hugging Face hub: offline mode is on.", hint)
    from carellm.backends.loading import hub_reachable

    # The hub client retries for ~25 s (and prints each retry) before giving up on no network.
    if not hub_reachable():
        raise InputError(f"Cannot load {dataset_id}: the Hugging Face hub cannot be reached.", hint)
    try:
        import datasets
    except ImportError:
        raise InputError(
            "Loading from the hub needs the `datasets` package.", "pip install 'carellm[data]'"
        ) from None
    try:
        dataset = datasets.load_dataset(dataset_id, split=split, streaming=True)
        rows = iter(dataset)
        first = next(rows, None)
    except Exception as exc:  # the hub client raises many types for "no network"/"no such dataset"
        raise InputError(
            f"Cannot load {dataset_id} from the Hugging Face hub ({type(exc).__name__}).", hint
        ) from None
    if first is None:
        return
    yield 1, first
    yield from enumerate(rows, 2)
