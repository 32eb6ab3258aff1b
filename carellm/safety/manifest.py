"""Manifests of the texts a shipped model, pattern or threshold learned from.

One SHA-256 hex digest per line of each text's normalised form (`normalize(text)`, then all
whitespace removed), so anyone can check whether their own evaluation set overlaps what the
layer was built on, without the training texts being published again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from carellm.safety.normalize import normalize

DATA = Path(__file__).with_name("data")
CRISIS_MANIFEST = DATA / "manifest.txt"
_WHITESPACE = re.compile(r"\s+")


def text_digest(text: str) -> str:
    """The manifest key of `text`: spelling variants that normalise alike share one key."""
    key = _WHITESPACE.sub("", normalize(text))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def read_manifest(path: Path = CRISIS_MANIFEST) -> set[str]:
    """The digests in a manifest file (blank lines and `#` comments skipped)."""
    with path.open(encoding="utf-8") as fh:
        return {line.strip() for line in fh if line.strip() and not line.startswith("#")}


def write_manifest(path: Path, texts: Iterable[str], header: str = "") -> int:
    """Write the sorted, distinct digests of `texts`; returns how many."""
    digests = sorted({text_digest(t) for t in texts})
    lines = [f"# {line}" for line in header.splitlines()] + digests
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(digests)


def overlap(texts: Iterable[str], path: Path = CRISIS_MANIFEST) -> list[str]:
    """The texts of `texts` whose digest is in the manifest (an evaluation set's leak check)."""
    known = read_manifest(path)
    return [t for t in texts if text_digest(t) in known]
