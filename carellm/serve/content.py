"""OpenAI messages -> what a counseling session takes: earlier exchanges and the new user turn.

Media arrive as base64 or data URLs and are handed on as bytes; decoding and limits stay in
`carellm.media` (the one place). Remote URLs are fetched only when the server allows it, and
only from allow-listed hosts; video paths only from allowed directories (no SSRF, no
arbitrary file reads).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from carellm.backends.base import Message
from carellm.counseling.history import Exchange
from carellm.errors import InputError, MediaError, MediaTooLargeError
from carellm.media import MediaItem, Source
from carellm.serve.protocol import (
    AssistantMessage,
    AudioURLPart,
    ChatMessage,
    ImagePart,
    InputAudioPart,
    SystemMessage,
    TextPart,
    UserMessage,
    VideoURLPart,
)
from carellm.serve.remote_media import fetch_allowed
from carellm.serve.settings import ServeSettings


@dataclass
class UserTurn:
    text: str = ""
    audio: list[Source] = field(default_factory=list)
    image: list[Source] = field(default_factory=list)
    video: list[Source] = field(default_factory=list)

    def as_message(self) -> Message:
        media = [MediaItem("audio", s) for s in self.audio] + [MediaItem("image", s) for s in self.image]
        media += [MediaItem("video", s) for s in self.video]
        return Message("user", self.text, media)

    def absorb(self, other: UserTurn) -> None:
        """Consecutive user messages form one turn."""
        self.text = "\n".join(t for t in (self.text, other.text) if t)
        self.audio += other.audio
        self.image += other.image
        self.video += other.video


@dataclass
class Conversation:
    earlier: list[Exchange]
    turn: UserTurn


def decode_base64(data: str, what: str, max_mb: float) -> bytes:
    # 4 base64 characters carry 3 bytes: refuse oversize data before decoding it.
    if len(data) * 3 / 4 > max_mb * 1e6:
        raise MediaTooLargeError(
            f"The {what} is over {max_mb:g} MB.", "Send a smaller file, or raise CARELLM_MEDIA_MAX_FILE_MB."
        )
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MediaError(f"The {what} is not valid base64.", "Encode the file with standard base64.") from exc


def _data_url_payload(url: str, what: str, max_mb: float) -> bytes:
    header, sep, payload = url.partition(",")
    if not sep or not header.endswith(";base64"):
        raise MediaError(f"The {what} data URL is malformed.", "Use data:<type>;base64,<data>.")
    return decode_base64(payload, what, max_mb)


def media_from_url(url: str, kind: str, settings: ServeSettings, max_mb: float) -> Source:
    """Bytes (data URL, allowed remote URL) or a path (video under an allowed directory)."""
    url = url.strip()
    if url.startswith("data:"):
        return _data_url_payload(url, kind, max_mb)
    scheme = urlparse(url).scheme.lower()
    if scheme in {"http", "https"}:
        return fetch_allowed(url, kind, settings, max_mb)
    if kind == "video" and scheme in {"", "file"}:
        return allowed_path(unquote(urlparse(url).path) if scheme == "file" else url, settings)
    raise MediaError(
        f"Unsupported {kind} URL scheme '{scheme or 'none'}'.",
        "Send the file inline as a base64 data URL (data:<type>;base64,...).",
    )


def allowed_path(raw: str, settings: ServeSettings) -> Path:
    roots = [Path(d).expanduser().resolve() for d in settings.media_dirs]
    if not roots:
        raise MediaError(
            "This server does not read video files from its disk.",
            "Send the video as a data URL, or start the server with --media-dir.",
        )
    path = Path(raw).expanduser().resolve()  # resolves '..' and symlinks before the check
    if not any(path.is_relative_to(root) for root in roots):
        raise MediaError("That video path is outside the directories this server allows.", "Use --media-dir.")
    return path


def user_turn(msg: UserMessage, settings: ServeSettings, max_mb: float) -> UserTurn:
    if isinstance(msg.content, str):
        return UserTurn(text=msg.content)
    turn = UserTurn()
    texts: list[str] = []
    for part in msg.content:
        if isinstance(part, TextPart):
            texts.append(part.text)
        elif isinstance(part, ImagePart):
            turn.image.append(media_from_url(part.image_url.url, "image", settings, max_mb))
        elif isinstance(part, InputAudioPart):
            data = part.input_audio.data
            if data.startswith("data:"):  # Model Studio's style, accepted too
                turn.audio.append(_data_url_payload(data, "audio", max_mb))
            else:
                turn.audio.append(decode_base64(data, "audio", max_mb))
        elif isinstance(part, AudioURLPart):
            if not part.audio_url.url.startswith("data:"):
                raise MediaError("audio_url must be a data URL.", "Or send the audio as input_audio.")
            turn.audio.append(_data_url_payload(part.audio_url.url, "audio", max_mb))
        elif isinstance(part, VideoURLPart):
            turn.video.append(media_from_url(part.video_url.url, "video", settings, max_mb))
    turn.text = "\n".join(t for t in texts if t)
    return turn


def _assistant_text(msg: AssistantMessage) -> str:
    if msg.content is None:
        return ""
    if isinstance(msg.content, str):
        return msg.content
    return "\n".join(part.text for part in msg.content)


def parse_messages(
    messages: list[ChatMessage], settings: ServeSettings, max_mb: float, history: bool = True
) -> Conversation:
    """Pair user -> assistant messages into exchanges; the trailing user message(s) are the new turn.

    System messages are ignored (the persona is fixed), as are assistant messages before any user
    message. With `history=False` (server-side sessions) only the new turn is read.
    """
    if not isinstance(messages[-1], UserMessage):
        raise InputError("The last message must come from the user.", "End `messages` with a user message.")
    tail = len(messages)
    while tail > 0 and not isinstance(messages[tail - 1], AssistantMessage):
        tail -= 1
    turn = UserTurn()
    for msg in messages[tail:]:
        if isinstance(msg, UserMessage):
            turn.absorb(user_turn(msg, settings, max_mb))
    earlier: list[Exchange] = []
    if history:
        pending: UserTurn | None = None
        for msg in messages[:tail]:
            if isinstance(msg, SystemMessage):
                continue
            if isinstance(msg, UserMessage):
                current = user_turn(msg, settings, max_mb)
                if pending is None:
                    pending = current
                else:
                    pending.absorb(current)
            elif pending is not None:
                earlier.append(Exchange(pending.as_message(), _assistant_text(msg)))
                pending = None
    if not turn.text.strip() and not (turn.audio or turn.image or turn.video):
        raise InputError("The user message is empty.", "Send text, audio, an image or a video.")
    return Conversation(earlier, turn)
