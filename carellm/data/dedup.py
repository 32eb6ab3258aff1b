"""Exact and near-duplicate detection over a stream, in memory that grows by ~8 bytes a key.

Exact duplicates: a 64-bit hash of the conversation's roles and case-folded, whitespace-
collapsed text. Near duplicates: MinHash over word 3-grams (Chinese: character 3-grams)
with banded LSH: 64 permutations in 8 bands of 8 rows, so a pair with Jaccard similarity
0.9 is caught 99.8% of the time, 0.8: 83%, 0.7: 41%, 0.5: 3% (1 - (1 - s^8)^8). A
conversation is dropped when any band of it was seen before; the first one seen is kept.

datasketch's MinHashLSH holds Python objects per key (hundreds of bytes each), which for a
few million conversations exceeds the pipeline's memory budget. Here every key is one
uint64 in a sorted numpy array (plus a small set of recent keys merged in batches), and the
signature is computed with numpy in one vectorised pass per conversation.
"""

from __future__ import annotations

import hashlib
import re
import zlib

import numpy as np

_TOKEN = re.compile(r"[a-z0-9']+|[\u3400-\u4dbf\u4e00-\u9fff]")
_MASK = np.uint64(0xFFFFFFFF)
NUM_PERM, BANDS = 64, 8


class KeyStore:
    """A set of uint64 keys: recent ones in a Python set, the rest in one sorted array."""

    def __init__(self, merge_every: int = 1 << 16) -> None:
        self._sorted = np.empty(0, dtype=np.uint64)
        self._recent: set[int] = set()
        self._merge_every = merge_every

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def contains_any(self, keys: np.ndarray) -> bool:
        if not self._recent.isdisjoint(keys.tolist()):
            return True
        if not len(self._sorted):
            return False
        pos = np.searchsorted(self._sorted, keys)
        pos[pos == len(self._sorted)] = 0
        return bool((self._sorted[pos] == keys).any())

    def add(self, keys: np.ndarray) -> None:
        self._recent.update(keys.tolist())
        if len(self._recent) >= self._merge_every:
            fresh = np.fromiter(self._recent, dtype=np.uint64, count=len(self._recent))
            fresh.sort()
            # The keys are new (checked before adding), so a sorted insert merges them: one
            # O(n) copy, instead of re-sorting everything (union1d) on every merge.
            self._sorted = np.insert(self._sorted, np.searchsorted(self._sorted, fresh), fresh)
            self._recent.clear()

    @property
    def nbytes(self) -> int:
        return self._sorted.nbytes + 64 * len(self._recent)


class MinHasher:
    """MinHash signatures and LSH band keys; deterministic across runs and machines."""

    def __init__(self, num_perm: int = NUM_PERM, bands: int = BANDS, seed: int = 1) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        rng = np.random.default_rng(seed)
        self.a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
        self.b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
        self.mix = rng.integers(1, 2**63, size=(3,), dtype=np.uint64) | np.uint64(1)
        self.band_mix = rng.integers(1, 2**63, size=num_perm // bands, dtype=np.uint64) | np.uint64(1)
        self.band_salt = np.arange(bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        self.bands = bands
        self._token_hash: dict[str, int] = {}  # vocabularies are Zipfian: most lookups hit

    def _hashes(self, tokens: list[str]) -> np.ndarray:
        cache = self._token_hash
        values = list(map(cache.get, tokens))
        if None in values:
            if len(cache) > 200_000:  # bound the cache on huge vocabularies
                cache.clear()
            for i, value in enumerate(values):
                if value is None:
                    values[i] = cache[tokens[i]] = zlib.crc32(tokens[i].encode())
        return np.array(values, dtype=np.uint64)

    def shingles(self, text: str) -> np.ndarray:
        tokens = _TOKEN.findall(text.lower())
        if not tokens:
            return np.empty(0, dtype=np.uint64)
        h = self._hashes(tokens)
        if len(h) < 3:
            return h
        with np.errstate(over="ignore"):
            return h[:-2] * self.mix[0] + h[1:-1] * self.mix[1] + h[2:] * self.mix[2]

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((shingles[:, None] * self.a + self.b) >> np.uint64(32)).min(axis=0)

    def band_keys(self, signature: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            rows = signature.reshape(self.bands, -1)
            return (rows * self.band_mix).sum(axis=1) ^ self.band_salt


def exact_key(parts: list[str]) -> int:
    text = "\x1e".join(" ".join(p.casefold().split()) for p in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


class Deduplicator:
    """`check(roles, texts)` -> None (new) or "exact duplicate" / "near duplicate".

    `check_batch` gives the same answers for many conversations at once, in order, with the
    MinHash arithmetic done in one vectorised pass (numpy call overhead dominates otherwise).
    """

    def __init__(self, near: bool = True) -> None:
        self.exact = KeyStore()
        self.near = KeyStore() if near else None
        self.hasher = MinHasher()

    def check(self, roles: list[str], texts: list[str]) -> str | None:
        key = np.array([exact_key([*roles, *texts])], dtype=np.uint64)
        if self.exact.contains_any(key):
            return "exact duplicate"
        self.exact.add(key)
        if self.near is None:
            return None
        shingles = self.hasher.shingles("\n".join(texts))
        if not len(shingles):
            return None
        bands = self.hasher.band_keys(self.hasher.signature(shingles))
        if self.near.contains_any(bands):
            return "near duplicate"
        self.near.add(bands)
        return None

    def check_batch(self, batch: list[tuple[list[str], list[str]]]) -> list[str | None]:
        exact, bands = self.keys_batch(batch)
        return [self.decide(exact[i : i + 1], bands[i]) for i in range(len(batch))]

    def keys_batch(
        self, batch: list[tuple[list[str], list[str]]]
    ) -> tuple[np.ndarray, list[np.ndarray | None]]:
        """The exact and band keys of each (roles, texts); pure, so workers can compute them."""
        exact = np.array([exact_key([*roles, *texts]) for roles, texts in batch], dtype=np.uint64)
        if self.near is None:
            return exact, [None] * len(batch)
        return exact, self._band_keys_batch([texts for _, texts in batch])

    def decide(self, exact: np.ndarray, bands: np.ndarray | None) -> str | None:
        """Record the keys; "exact duplicate"/"near duplicate" when seen before. Order matters."""
        if self.exact.contains_any(exact):
            return "exact duplicate"
        self.exact.add(exact)
        if self.near is not None and bands is not None:
            if self.near.contains_any(bands):
                return "near duplicate"
            self.near.add(bands)
        return None

    def _band_keys_batch(self, texts: list[list[str]]) -> list[np.ndarray | None]:
        shingles = [self.hasher.shingles("\n".join(t)) for t in texts]
        sizes = np.array([len(s) for s in shingles])
        if not sizes.any():
            return [None] * len(texts)
        flat = np.concatenate([s for s in shingles if len(s)])
        starts = np.concatenate(([0], np.cumsum(sizes[sizes > 0])[:-1]))
        h = self.hasher
        with np.errstate(over="ignore"):
            hashed = np.multiply(flat[:, None], h.a)  # one (shingles x perms) buffer, updated in place
            hashed += h.b
            hashed >>= np.uint64(32)
            signatures = np.minimum.reduceat(hashed, starts, axis=0)
            del hashed
            rows = signatures.reshape(len(signatures), h.bands, -1)
            keys = (rows * h.band_mix).sum(axis=2) ^ h.band_salt
        result: list[np.ndarray | None] = []
        it = iter(keys)
        for size in sizes:
            result.append(next(it) if size else None)
        return result

    @property
    def nbytes(self) -> int:
        return self.exact.nbytes + (self.near.nbytes if self.near else 0)
