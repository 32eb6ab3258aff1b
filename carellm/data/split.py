"""Deterministic train/validation/test assignment from a hash of the conversation id.

Same id, same split, on every machine and every run, whatever the file order: records
of one conversation never straddle splits, and re-cleaning a grown corpus keeps old
assignments.
"""

from __future__ import annotations

import hashlib

SPLITS = ("train", "validation", "test")


def assign_split(conv_id: str, validation: float = 0.05, test: float = 0.05, seed: str = "carellm") -> str:
    digest = hashlib.blake2b(f"{seed}\x1f{conv_id}".encode(), digest_size=8).digest()
    u = int.from_bytes(digest, "big") / 2**64
    if u < test:
        return "test"
    if u < test + validation:
        return "validation"
    return "train"
