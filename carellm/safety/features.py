"""The shared text encoder: hashed character and word n-grams of the normalised text.

One encoder, two heads: the crisis model (`risk_model.py`) and the emotion model
(`carellm.emotion.model`) read the same feature vector of a message. Encoding is the costly
part (170 µs for a 75-character message, the CRC32 of every gram; a head's sparse dot product
takes 11 µs), so the counts of the last 128 texts are kept, and the emotion head of a turn reuses
what the crisis layer computed for the same message instead of hashing it again.
"""

from __future__ import annotations

import itertools
import re
import zlib
from functools import lru_cache

import numpy as np

from carellm.safety.normalize import normalize

N_FEATURES = 2**21
_MASK = N_FEATURES - 1
MAX_CHARS = 6000  # longer texts keep their start and end
CACHE_TEXTS = 128  # a turn reads its message, its pieces and its window; at most ~25 MB (6000-char texts)
_LATIN_WORD = re.compile(r"[a-z0-9']+")


def clip(text: str) -> str:
    """The text itself, or its start and end when it is longer than MAX_CHARS."""
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS // 2] + " " + text[-MAX_CHARS // 2 :]


def grams(norm: str) -> list[str]:
    """Character 1-4-grams (Chinese and English alike) and English word uni- and bigrams."""
    padded = f" {norm} "
    found = [padded[i : i + n] for n in (1, 2, 3, 4) for i in range(len(padded) - n + 1)]
    words = _LATIN_WORD.findall(norm)
    found += [f"w:{w}" for w in words]
    found += [f"w:{a} {b}" for a, b in itertools.pairwise(words)]
    return found


@lru_cache(maxsize=CACHE_TEXTS)
def hashed_counts(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(feature indices, log(1 + count)) of the normalised text. CRC32 rather than Python's
    hash(), which is salted per process; no scikit-learn at run time keeps a cold start short.
    Cached per text (read-only arrays), so both heads share one encoding of a message."""
    found = grams(normalize(clip(text)))
    index = np.fromiter((zlib.crc32(g.encode("utf-8")) & _MASK for g in found), np.int64, len(found))
    unique, counts = np.unique(index, return_counts=True)
    values = np.log1p(counts).astype(np.float32)
    unique.flags.writeable = False
    values.flags.writeable = False
    return unique, values


def weighted(index: np.ndarray, counts: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """Counts times idf, L2-normalised (a head's input for one text; each head has its idf)."""
    values = counts * idf[index]
    norm = float(np.sqrt(values @ values))
    return values / norm if norm else values


def features(texts: list[str], idf: np.ndarray | None = None):
    """A CSR matrix of the texts' features (for training; unweighted counts without `idf`)."""
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for text in texts:
        index, counts = hashed_counts(text)
        indices.append(index)
        data.append(counts if idf is None else weighted(index, counts, idf))
        indptr.append(indptr[-1] + index.size)
    return csr_matrix(
        (
            np.concatenate(data or [np.zeros(0, np.float32)]),
            np.concatenate(indices or [np.zeros(0, np.int64)]),
            np.asarray(indptr),
        ),
        shape=(len(texts), N_FEATURES),
    )
