"""Files kept under the data dir: copies of the media a user attached (random names, never the
user's file name) and files a session made (named by `session_file_name`).

A copy is written and fsynced before the turn's row commits, so a committed turn never points
at a missing file; deletion is verified, because "delete" must mean the bytes are gone.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from carellm.media import AUDIO_EXTS, IMAGE_EXTS, VIDEO_EXTS, MediaKind
from carellm.store.crypto import Cipher
from carellm.store.errors import StoreError


class MediaFiles:
    def __init__(self, root: Path, cipher: Cipher | None) -> None:
        self.root = root.expanduser()
        self.cipher = cipher

    def path(self, stored: str) -> Path:
        return self.root / stored

    def save(self, name: str) -> str | None:
        """Copy the file `name` (as the session recorded it); None when it is not a file (raw bytes)."""
        source = Path(name).expanduser()
        if not source.is_file():
            return None
        data = source.read_bytes()
        suffix = ".sealed" if self.cipher else source.suffix.lower()
        stored = secrets.token_hex(16) + suffix
        if self.cipher:
            data = self.cipher.seal_bytes(data, f"media:{stored}")
        self.write(stored, data, "an attachment")
        return stored

    def write(self, stored: str, data: bytes, what: str = "a file") -> Path:
        """Write `data` as the new file `stored` under the root, fsynced; never over another file."""
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path(stored), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            _fsync_dir(self.root)
        except FileExistsError:
            raise StoreError(f"Could not store {what}: {self.path(stored)} exists.", "Try again.") from None
        except OSError as exc:
            self.remove([stored], verify=False)
            raise StoreError(
                f"Could not store {what}: {exc.strerror}.",
                f"Check free space and permissions of {self.root}.",
            ) from None
        return self.path(stored)

    def read(self, stored: str, sealed: bool) -> bytes:
        data = self.path(stored).read_bytes()
        if not sealed:
            return data
        if self.cipher is None:
            from carellm.store.crypto import KEY_HINT
            from carellm.store.errors import EncryptionKeyError

            raise EncryptionKeyError("This attachment is encrypted.", KEY_HINT)
        return self.cipher.open_bytes(data, f"media:{stored}")

    def remove(self, stored: list[str], verify: bool = True) -> int:
        """Delete copies; raises if any is still there afterwards. Returns how many were removed."""
        removed = 0
        for name in stored:
            path = self.path(name)
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                pass
            except OSError as exc:
                if verify:
                    raise StoreError(
                        f"Could not delete {path}: {exc.strerror}.", "Delete it by hand."
                    ) from None
            if verify and path.exists():
                raise StoreError(f"{path} still exists after deletion.", "Delete it by hand.")
        if removed and self.root.is_dir():
            _fsync_dir(self.root)
        return removed


def session_file_name(session_id: str, turn_index: int, suffix: str) -> str:
    """A file name for something a session made: its whole id (ids that share a prefix never
    collide), the turn (counted from 1) and a random part (a session resumed in two places, or a
    turn spoken twice, never overwrites a file)."""
    return f"{session_id}-{turn_index + 1:03d}-{secrets.token_hex(4)}{suffix}"


def kind_of(name: str, earlier: list[MediaKind]) -> MediaKind:
    """The kind of a recorded attachment. Sessions list audio, then images, then videos, so an
    ambiguous .webm after an image or a video is a video."""
    if name.startswith("<") and name.endswith(" data>"):
        return name[1:-6]  # type: ignore[return-value]
    ext = Path(name).suffix.lower()
    if ext in IMAGE_EXTS:
        return "image"
    if ext in VIDEO_EXTS and (ext not in AUDIO_EXTS or any(k != "audio" for k in earlier)):
        return "video"
    return "audio"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
