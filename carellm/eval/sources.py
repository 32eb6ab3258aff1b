"""Where each benchmark's files come from: pinned public files fetched into the cache once.

Downloading, checksums and the offline message are the safety corpus's `cached_file`; this
module only names the files. A benchmark whose data is published outside GitHub, with no pin we
could check (CounselBench, on Hugging Face), is read from the cache folder where the user put it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from carellm.errors import InputError
from carellm.safety.corpus.fetch import PinnedFile, cached_file, sha256_of

RAW = "https://raw.githubusercontent.com"


def github_file(repo: str, commit: str, path: str, sha256: str) -> PinnedFile:
    """A file of a public GitHub repository at a commit, cached under its repository path."""
    return PinnedFile(f"{RAW}/{repo}/{commit}/{quote(path)}", path, sha256)


def fetch_all(source_id: str, pins: list[PinnedFile], cache: Path, offline: bool) -> list[Path]:
    return [cached_file(source_id, pin, cache, offline) for pin in pins]


def manual_file(source_id: str, name: str, cache: Path, where: str) -> tuple[Path, str]:
    """A file the user downloads by hand (no checkable pin): its path and the SHA-256 of the copy
    used, which the results record so that two runs can be told apart."""
    path = cache / source_id / name
    if not path.is_file():
        raise InputError(
            f"{source_id}: {name} is not in the cache ({path}).",
            f"Download it from {where} and put it there (its publisher gives no pinned copy on GitHub).",
        )
    return path, sha256_of(path)
