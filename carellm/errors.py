"""Project exceptions. Each one carries a hint that tells the user what to do next.

Interfaces (CLI, server, web UI) turn these into a clean message or an HTTP 4xx;
anything else reaching them is a bug.
"""

from __future__ import annotations


class CareLLMError(Exception):
    """Base error: `message` says what went wrong, `hint` says what to do about it."""

    http_status = 400

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n{self.hint}" if self.hint else self.message


class ConfigError(CareLLMError):
    """A setting, flag or environment variable has a value we cannot use."""


class MediaError(CareLLMError):
    """A media file is unreadable, of an unsupported type, or over a configured limit."""


class MediaTooLargeError(MediaError):
    http_status = 413


class ModelNotFoundError(CareLLMError):
    """Model weights are neither local nor downloadable."""

    http_status = 503


class OutOfMemoryError(CareLLMError):
    http_status = 503


class BackendError(CareLLMError):
    """The model engine failed or went away mid-turn."""

    http_status = 503


class InputError(CareLLMError):
    """User input that cannot be processed (empty message, bad JSONL line, ...)."""
