"""Deterministic train/validation/test assignment by a hash of the conversation's split key.

The same record always lands in the same split, whatever else is in the file and in
whichever order: adding data never moves old records between splits.
"""

from __future__ import annotations

import hashlib

SPLITS = ("train", "validation", "test")


def assign_split(key: str, validation: float = 0.05, test: float = 0.05, salt: str = "carellm") -> str:
    digest = hashlib.blake2b(f"{salt}\x1f{key}".encode(), digest_size=8).digest()
    point = int.from_bytes(digest, "big") / 2**64
    if point < test:
        return "test"
    if point < test + validation:
        return "validation"
    return "train"
