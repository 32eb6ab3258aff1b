"""Exact and near-duplicate detection in one streaming pass.

Exact: a 64-bit hash of the normalised (role, content) sequence. Near: MinHash over
character 5-grams (works for Chinese without segmentation) with LSH banding; a record is a
near-duplicate when any band matches an earlier kept record. Seen keys live in a compact
open-addressing table of uint64 (8 bytes a key), so memory grows by ~100 bytes per kept
conversation instead of ~1 KB with Python sets of signatures.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

_SPACE = re.compile(r"\s+")
_MERSENNE = np.uint64((1 << 61) - 1)
_MASK32 = np.uint64(0xFFFFFFFF)


class HashSet64:
    """Set of 64-bit ints in a numpy array with linear probing (0 marks an empty slot)."""

    def __init__(self, capacity: int = 1 << 16) -> None:
        self._table = np.zeros(capacity, dtype=np.uint64)
        self._mask = capacity - 1
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def _slot(self, key: int) -> tuple[int, bool]:
        table, i = self._table, key & self._mask
        while True:
            current = int(table[i])
            if current == 0 or current == key:
                return i, current == key
            i = (i + 1) & self._mask

    def __contains__(self, key: int) -> bool:
        return self._slot(key or 1)[1]

    def add(self, key: int) -> bool:
        """Insert; True when the key was already there."""
        key = key or 1
        i, present = self._slot(key)
        if not present:
            self._table[i] = key
            self.size += 1
            if self.size * 2 > len(self._table):
                self._grow()
        return present

    def _grow(self) -> None:
        old = self._table[self._table != 0]
        self._table = np.zeros(len(self._table) * 2, dtype=np.uint64)
        self._mask = len(self._table) - 1
        self.size = 0
        for key in old.tolist():
            self.add(key)


def normalise_for_dedup(text: str) -> str:
    return _SPACE.sub(" ", text.casefold()).strip()


def exact_key(parts: list[str]) -> int:
    digest = hashlib.blake2b("\x1e".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class NearDuplicates:
    """MinHash-LSH: `bands` x `rows` permutations; similarity threshold ≈ (1/bands)^(1/rows)."""

    def __init__(self, bands: int = 10, rows: int = 6, shingle: int = 5, seed: int = 1) -> None:
        rng = np.random.default_rng(seed)
        n = bands * rows
        self._a = rng.integers(1, 1 << 32, size=n, dtype=np.uint64)
        self._b = rng.integers(0, 1 << 32, size=n, dtype=np.uint64)
        self._mix = rng.integers(1, 1 << 63, size=(1, rows), dtype=np.uint64) | np.uint64(1)
        self._band_salt = np.arange(bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        self._bands, self._rows, self._k = bands, rows, shingle
        self._seen = HashSet64()

    def _shingle_hashes(self, text: str) -> np.ndarray:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        if len(codes) <= self._k:
            codes = np.pad(codes, (0, self._k - len(codes) + 1))
        # Polynomial rolling hash of each k-gram of code points, all at once.
        h = np.zeros(len(codes) - self._k + 1, dtype=np.uint64)
        for j in range(self._k):
            h = h * np.uint64(1000003) + codes[j : len(codes) - self._k + 1 + j]
        return np.unique(h & _MASK32)

    def band_keys(self, text: str) -> list[int]:
        h = self._shingle_hashes(text)
        sig = ((h[:, None] * self._a + self._b) % _MERSENNE & _MASK32).min(axis=0)
        keys = (sig.reshape(self._bands, self._rows) * self._mix).sum(axis=1) + self._band_salt
        return keys.tolist()

    def seen_or_add(self, text: str) -> bool:
        """True when `text` is near an earlier text; otherwise remember it and return False."""
        keys = self.band_keys(text)
        if any(k in self._seen for k in keys):
            return True
        for key in keys:
            self._seen.add(key)
        return False
