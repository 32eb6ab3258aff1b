"""What the commands read from the user: a one-shot message and its files (JSONL text files:
`carellm.jsonl`).

Checked before anything slow happens: `carellm chat -m "" --model 7B` should say the message
is empty at once, not after the ~30 s it takes to load the weights.
"""

from __future__ import annotations

from pathlib import Path

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
    from carellm.media import MediaItem, MediaKind  # numpy and friends: only for chat, not `safety check`

    if not visible(text).strip() and not (audio or image or video):
        raise InputError("Nothing to send: the message is empty.", 'Give a message: -m "how I feel".')
    files: dict[MediaKind, list[Path]] = {"audio": audio, "image": image, "video": video}
    for kind, paths in files.items():
        for path in paths:
            MediaItem(kind, str(path), use_audio_in_video=video_audio).load(limits)
