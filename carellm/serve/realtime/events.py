"""The wire format of `/v1/realtime`: OpenAI Realtime (GA) events that CareLLM speaks.

Client events are validated here (unknown fields are ignored, as OpenAI's own server does, so
the official SDK's full session objects are accepted); server events are built by `server_event`
with the field names of `openai.types.realtime.*`. What differs from OpenAI is in
docs/realtime.md: `instructions` and tools are not taken (the counseling prompt and the safety
layer are fixed), input and output are PCM16 only, and a `carellm` event tells each turn's risk.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from carellm.config import VOICES, Voice
from carellm.media import OUTPUT_SAMPLE_RATE

MAX_APPEND_BYTES = 1_500_000  # one append's base64 (about 30 s of 24 kHz PCM16); OpenAI allows 15 MB


class Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class AudioFormat(Lenient):
    type: Literal["audio/pcm", "audio/pcmu", "audio/pcma"] = "audio/pcm"
    rate: int = Field(OUTPUT_SAMPLE_RATE, ge=8000, le=48000)


class TurnDetection(Lenient):
    type: Literal["server_vad", "semantic_vad"] = "server_vad"
    threshold: float = Field(0.5, gt=0.0, lt=1.0)
    silence_duration_ms: int = Field(500, ge=100, le=10_000)
    prefix_padding_ms: int = Field(300, ge=0, le=2000)
    create_response: bool = True
    interrupt_response: bool = True


class AudioInput(Lenient):
    format: AudioFormat | None = None
    turn_detection: TurnDetection | None = None  # null: the client commits turns (push-to-talk)


class AudioOutput(Lenient):
    format: AudioFormat | None = None
    voice: str | None = None


class AudioConfig(Lenient):
    input: AudioInput | None = None
    output: AudioOutput | None = None


class SessionConfig(Lenient):
    """The part of OpenAI's session object CareLLM reads (`instructions`, `tools`, `model` are
    accepted and ignored)."""

    type: Literal["realtime"] = "realtime"
    output_modalities: list[Literal["text", "audio"]] | None = None
    audio: AudioConfig | None = None


class ClientEvent(Lenient):
    event_id: str | None = None


class SessionUpdate(ClientEvent):
    type: Literal["session.update"]
    session: SessionConfig


class InputAudioBufferAppend(ClientEvent):
    type: Literal["input_audio_buffer.append"]
    audio: str = Field(max_length=MAX_APPEND_BYTES)


class InputAudioBufferCommit(ClientEvent):
    type: Literal["input_audio_buffer.commit"]


class InputAudioBufferClear(ClientEvent):
    type: Literal["input_audio_buffer.clear"]


class ContentIn(Lenient):
    type: Literal["input_text", "input_audio", "text", "output_text"]
    text: str | None = None
    audio: str | None = Field(None, max_length=MAX_APPEND_BYTES)


class ItemIn(Lenient):
    type: Literal["message"] = "message"
    role: Literal["user"]
    content: list[ContentIn] = Field(min_length=1, max_length=16)
    id: str | None = Field(None, max_length=64)


class ConversationItemCreate(ClientEvent):
    type: Literal["conversation.item.create"]
    item: ItemIn
    previous_item_id: str | None = None


class ConversationItemTruncate(ClientEvent):
    type: Literal["conversation.item.truncate"]
    item_id: str
    content_index: int = 0
    audio_end_ms: int = Field(ge=0)


class ResponseCreate(ClientEvent):
    type: Literal["response.create"]
    response: dict[str, Any] | None = None


class ResponseCancel(ClientEvent):
    type: Literal["response.cancel"]
    response_id: str | None = None


AnyClientEvent = Annotated[
    SessionUpdate
    | InputAudioBufferAppend
    | InputAudioBufferCommit
    | InputAudioBufferClear
    | ConversationItemCreate
    | ConversationItemTruncate
    | ResponseCreate
    | ResponseCancel,
    Field(discriminator="type"),
]
CLIENT_EVENT = TypeAdapter(AnyClientEvent)
CLIENT_EVENT_TYPES = (
    "session.update",
    "input_audio_buffer.append",
    "input_audio_buffer.commit",
    "input_audio_buffer.clear",
    "conversation.item.create",
    "conversation.item.truncate",
    "response.create",
    "response.cancel",
)


# ---------------------------------------------------------------- server events
def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


def server_event(type_: str, **fields: Any) -> dict[str, Any]:
    """One server event as JSON-ready data, with a fresh `event_id`."""
    return {"type": type_, "event_id": new_id("event"), **fields}


def error_event(message: str, code: str, kind: str = "invalid_request_error", **extra: Any) -> dict[str, Any]:
    """An `error` event: the session stays open (as OpenAI's), the message says what to do."""
    error = {"type": kind, "code": code, "message": message, "param": None, "event_id": None}
    error.update({k: v for k, v in extra.items() if v is not None})
    return server_event("error", error=error)


def session_object(
    session_id: str, model: str, modalities: list[str], input_rate: int, vad: TurnDetection | None, voice: str
) -> dict[str, Any]:
    """The session as `session.created`/`session.updated` report it (RealtimeSessionCreateRequest)."""
    return {
        "type": "realtime",
        "object": "realtime.session",
        "id": session_id,
        "model": model,
        "output_modalities": modalities,
        "instructions": "",
        "audio": {
            "input": {
                "format": {"type": "audio/pcm", "rate": input_rate},
                "turn_detection": None if vad is None else vad.model_dump(),
            },
            "output": {"format": {"type": "audio/pcm", "rate": OUTPUT_SAMPLE_RATE}, "voice": voice},
        },
    }


def user_item(item_id: str, text: str | None, transcript: str | None, has_audio: bool) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if text:
        content.append({"type": "input_text", "text": text})
    if has_audio:
        content.append({"type": "input_audio", "transcript": transcript})
    return {
        "id": item_id,
        "object": "realtime.item",
        "type": "message",
        "role": "user",
        "status": "completed",
        "content": content,
    }


def assistant_item(item_id: str, text: str | None, audio: bool, status: str) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if text is not None:
        content.append(
            {"type": "output_audio", "transcript": text} if audio else {"type": "output_text", "text": text}
        )
    return {
        "id": item_id,
        "object": "realtime.item",
        "type": "message",
        "role": "assistant",
        "status": status,
        "content": content,
    }


def response_object(
    response_id: str,
    status: str,
    modalities: list[str],
    output: list[dict[str, Any]] | None = None,
    reason: str | None = None,
    error: dict[str, Any] | None = None,
) -> dict[str, Any]:
    details = None
    if status != "in_progress" and (reason or error):
        details = {"type": status, "reason": reason, "error": error}
    return {
        "id": response_id,
        "object": "realtime.response",
        "status": status,
        "status_details": details,
        "output": output or [],
        "output_modalities": modalities,
        "conversation_id": None,
    }


def known_voice(voice: str | None) -> Voice | None:
    """`voice` when the model has it; OpenAI's names (alloy, marin...) get the default."""
    for known in VOICES:
        if voice == known:
            return known
    return None
