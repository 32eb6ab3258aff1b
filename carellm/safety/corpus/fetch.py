"""Download a pinned source file once, keep it in a cache, and refuse bytes that changed."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from carellm.errors import InputError

TIMEOUT_S = 60


@dataclass(frozen=True)
class PinnedFile:
    """One file of a source: where it is published, its name in the cache, and its bytes' hash."""

    url: str
    name: str
    sha256: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_file(source_id: str, pinned: PinnedFile, cache: Path, offline: bool = False) -> Path:
    """The verified local copy of `pinned`, downloading it into `cache/source_id/` if needed."""
    target = cache / source_id / pinned.name
    if target.is_file():
        if sha256_of(target) == pinned.sha256:
            return target
        raise InputError(
            f"{target} does not match its pinned checksum (the source changed, or the copy is damaged).",
            f"Delete it and run the command again to download {pinned.url}.",
        )
    if offline:
        raise InputError(
            f"{source_id}: {pinned.name} is not in the cache ({target}).",
            f"Run without --offline to download it from {pinned.url}, or put the file there.",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
        partial = Path(tmp.name)
        try:
            with urllib.request.urlopen(pinned.url, timeout=TIMEOUT_S) as response:
                shutil.copyfileobj(response, tmp)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            partial.unlink(missing_ok=True)
            raise InputError(
                f"Could not download {pinned.url}: {getattr(exc, 'reason', exc)}.",
                "Check the network, or put the file into the cache folder by hand (--cache).",
            ) from exc
    if sha256_of(partial) != pinned.sha256:
        partial.unlink(missing_ok=True)
        raise InputError(
            f"{pinned.url} did not match its pinned checksum; nothing was kept.",
            "The publisher changed the file: report it, so the pin can be checked and updated.",
        )
    partial.replace(target)
    return target
