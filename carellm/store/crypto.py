"""Encryption at rest: AES-256-GCM from `cryptography`, so tampering or a wrong key fails loudly.

Every sealed value is bound to where it lives (the `context`, e.g. "turn:ID:3:user_text") as
associated data, so a ciphertext copied into another row does not decrypt either.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from carellm.store.errors import EncryptionKeyError
from carellm.store.settings import StoreSettings

NONCE_BYTES = 12
KEY_HINT = "Set CARELLM_ENCRYPTION_KEY or CARELLM_ENCRYPTION_KEY_FILE to the key the data was stored with."


class Cipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise EncryptionKeyError(
                f"The encryption key is {len(key)} bytes; it must be 32.",
                "Make one with `carellm sessions keygen FILE`.",
            )
        self._aead = AESGCM(key)

    def seal_bytes(self, data: bytes, context: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data, context.encode())

    def open_bytes(self, blob: bytes, context: str) -> bytes:
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
        except (InvalidTag, ValueError):
            raise EncryptionKeyError(
                "Stored data could not be decrypted: wrong encryption key, or the data was altered.",
                KEY_HINT,
            ) from None

    def seal_text(self, text: str, context: str) -> str:
        return base64.b64encode(self.seal_bytes(text.encode(), context)).decode("ascii")

    def open_text(self, value: str, context: str) -> str:
        try:
            blob = base64.b64decode(value, validate=True)
        except binascii.Error:
            raise EncryptionKeyError("A stored value is not valid ciphertext.", KEY_HINT) from None
        return self.open_bytes(blob, context).decode()


def parse_key(text: str) -> bytes:
    """A key written as 64 hex digits or urlsafe base64 of 32 bytes."""
    text = text.strip()
    try:
        key = bytes.fromhex(text) if len(text) == 64 else base64.urlsafe_b64decode(text)
    except (ValueError, binascii.Error):
        raise EncryptionKeyError(
            "The encryption key is not hex or base64.", "Make one with `carellm sessions keygen FILE`."
        ) from None
    if len(key) != 32:
        raise EncryptionKeyError(
            f"The encryption key decodes to {len(key)} bytes; it must be 32.",
            "Make one with `carellm sessions keygen FILE`.",
        )
    return key


def read_key_file(path: Path) -> bytes:
    path = path.expanduser()
    try:
        mode = path.stat().st_mode
        text = path.read_text()
    except OSError as exc:
        raise EncryptionKeyError(f"Cannot read the key file {path}: {exc.strerror}.", KEY_HINT) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise EncryptionKeyError(f"The key file {path} is readable by other users.", f"Run: chmod 600 {path}")
    return parse_key(text)


def load_cipher(settings: StoreSettings) -> Cipher | None:
    """The cipher the settings ask for, or None when encryption is off."""
    if settings.encryption_key is not None and settings.encryption_key_file is not None:
        raise EncryptionKeyError(
            "Both CARELLM_ENCRYPTION_KEY and CARELLM_ENCRYPTION_KEY_FILE are set.", "Set only one."
        )
    if settings.encryption_key is not None:
        return Cipher(parse_key(settings.encryption_key.get_secret_value()))
    if settings.encryption_key_file is not None:
        return Cipher(read_key_file(settings.encryption_key_file))
    return None


def write_key_file(path: Path) -> Path:
    """A new random key in a file only its owner can read (created 0600, never world-readable)."""
    path = path.expanduser()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise EncryptionKeyError(
            f"{path} already exists.", "Choose a new path; keys are never overwritten."
        ) from None
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
    return path
