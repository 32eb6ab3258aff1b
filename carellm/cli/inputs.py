"""What the commands read from the user: a one-shot message and its files, JSONL text files.

Checked before anything slow happens: `carellm chat -m "" --model 7B` should say the message
is empty at once, not after the ~30 s it takes to load the weights.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from carellm.config import MediaLimits
from carellm.errors import InputError
from carellm.textclean import visible


def check_message(
    text: str,
    audio: list[Path],
    image: list[Path],
    video: list[Path],
    video_audio: bool,
    limits: MediaLimits,
) -> None:
    """Raise the error the session would raise for this turn, without loading a model.

    Every file is decoded once here; the session decodes it again for the turn (a few ms for
    a recording or photo, well under the model's load time).
    """
    from carellm.media import MediaItem  # numpy and friends: only for chat, not `safety check`

    if not visible(text).strip() and not (audio or image or video):
        raise InputError("Nothing to send: the message is empty.", 'Give a message: -m "how I feel".')
    for kind, paths in (("audio", audio), ("image", image), ("video", video)):
        for path in paths:
            MediaItem(kind, str(path), use_audio_in_video=video_audio).load(limits)  # type: ignore[arg-type]


@contextmanager
def open_input(path: Path | str, what: str) -> Iterator[BinaryIO]:
    """Any readable path as bytes: a file, /dev/stdin, a pipe such as <(...), or - for stdin."""
    if str(path) == "-":
        yield sys.stdin.buffer
        return
    shown = Path(path)
    try:
        fh = open(shown.expanduser(), "rb")  # noqa: SIM115 (closed below, after the caller reads)
    except FileNotFoundError:
        raise InputError(
            f"No file at {shown}.", f"Give the path of {what}, or - to read standard input."
        ) from None
    except IsADirectoryError:
        raise InputError(f"{shown} is a folder.", f"Give the path of {what}.") from None
    except OSError as exc:
        raise InputError(
            f"Cannot read {shown}: {exc.strerror}.", "Check the path and its permissions."
        ) from None
    with fh:
        yield fh


def read_text_rows(path: Path | str) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    """(line number, record) for each JSONL line with a string "text"; (line number, why) for the rest."""
    rows: list[tuple[int, dict]] = []
    bad: list[tuple[int, str]] = []
    with open_input(path, 'a JSONL file with one {"text": ...} per line') as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                bad.append((number, f"not valid JSON/UTF-8 ({type(exc).__name__})"))
                continue
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                bad.append((number, "needs a JSON object with a string field 'text'"))
                continue
            rows.append((number, record))
    return rows, bad
