"""Request and response schemas of the server, in OpenAI's Chat Completions wire format.

One module, as in vLLM's `entrypoints/openai/protocol.py`, so that the official `openai`
client works unchanged and the OpenAPI schema (which schemathesis fuzzes) is exact.
CareLLM's own additions live under one extra field, `carellm`, in requests and responses.
Unknown request fields (frequency_penalty, tools, ...) are accepted and ignored, as vLLM does.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from carellm.config import Voice

AudioInFormat = Literal["wav", "mp3", "flac", "ogg", "opus", "webm", "m4a"]
AudioOutFormat = Literal["wav", "pcm16", "mp3", "opus", "flac"]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


# ---------------------------------------------------------------- content parts
class TextPart(_Lenient):
    type: Literal["text"]
    text: str


class ImageURL(_Lenient):
    url: str = Field(description="A data URL (data:image/png;base64,...); http(s) only when enabled.")
    detail: Literal["auto", "low", "high"] | None = None


class ImagePart(_Lenient):
    type: Literal["image_url"]
    image_url: ImageURL


class InputAudio(_Lenient):
    data: str = Field(description="Base64-encoded audio file.")
    format: AudioInFormat


class InputAudioPart(_Lenient):
    type: Literal["input_audio"]
    input_audio: InputAudio


class MediaURL(_Lenient):
    url: str


class AudioURLPart(_Lenient):
    """vLLM's extension: audio as a data URL."""

    type: Literal["audio_url"]
    audio_url: MediaURL


class VideoURLPart(_Lenient):
    """vLLM's extension: a data URL, or a path under a directory the server allows."""

    type: Literal["video_url"]
    video_url: MediaURL


UserPart = Annotated[
    TextPart | ImagePart | InputAudioPart | AudioURLPart | VideoURLPart, Field(discriminator="type")
]


# ---------------------------------------------------------------- messages
class SystemMessage(_Lenient):
    """Accepted for compatibility and ignored: the counseling persona is fixed server-side."""

    role: Literal["system", "developer"]
    content: str | list[TextPart]


class UserMessage(_Lenient):
    role: Literal["user"]
    content: str | list[UserPart]


class AssistantAudioRef(_Lenient):
    id: str


class AssistantMessage(_Lenient):
    role: Literal["assistant"]
    content: str | list[TextPart] | None = None
    audio: AssistantAudioRef | None = None


ChatMessage = Annotated[SystemMessage | UserMessage | AssistantMessage, Field(discriminator="role")]


class AudioParams(_Lenient):
    voice: Voice = "Chelsie"
    format: AudioOutFormat = "wav"


class StreamOptions(_Lenient):
    include_usage: bool = False


class CareLLMRequest(_Lenient):
    """CareLLM's additions to a request."""

    session_id: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_.\-]{1,64}$",
        description="Keep the conversation on the server under this id; send only the new message.",
    )
    lang: Literal["auto", "zh", "en"] | None = None
    reset: bool = Field(False, description="Start the server-side session afresh before this turn.")
    disclaimer: Literal["content", "field-only"] = Field(
        "content",
        description="Where a new session's research-use disclaimer goes: 'content' (default) opens the "
        "first reply's text with it, so any client shows it; 'field-only' leaves the text to the "
        "model's reply and gives the disclaimer in the response's carellm.disclaimer alone.",
    )


class ChatCompletionRequest(_Lenient):
    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    modalities: list[Literal["text", "audio"]] | None = None
    audio: AudioParams | None = None
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    top_p: float | None = Field(None, gt=0.0, le=1.0)
    seed: int | None = None
    n: int | None = Field(None, ge=1, le=1, description="Only one choice is generated.")
    user: str | None = None
    carellm: CareLLMRequest | None = None

    @property
    def wants_audio(self) -> bool:
        return bool(self.modalities and "audio" in self.modalities)


# ---------------------------------------------------------------- responses
class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class AudioOut(BaseModel):
    id: str
    data: str
    transcript: str
    expires_at: int


class ResponseMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str | None
    refusal: str | None = None
    audio: AudioOut | None = None


class Choice(BaseModel):
    index: int = 0
    message: ResponseMessage
    finish_reason: Literal["stop", "length"] = "stop"
    logprobs: None = None


class RiskInfo(BaseModel):
    level: str
    categories: list[str]
    reason: str = ""


class CareLLMInfo(BaseModel):
    """CareLLM's additions to a response: what the safety layer decided, and the emotion result."""

    session_id: str | None = None
    turn_index: int
    lang: str
    crisis: bool = Field(description="The reply is the crisis response, because of risk in the message.")
    replaced: bool = Field(description="The safety layer replaced the model's reply.")
    risk: RiskInfo
    reply_guard: RiskInfo
    emotion: Any = None
    disclaimer: str | None = None
    speech_read: bool | None = Field(
        None,
        description="Whether the safety layer read the message's speech (from a transcript); "
        "null when the message held no speech.",
    )


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    system_fingerprint: str | None = None
    carellm: CareLLMInfo


class DeltaAudio(BaseModel):
    id: str
    data: str | None = None
    transcript: str | None = None
    expires_at: int | None = None


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None
    audio: DeltaAudio | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop", "length"] | None = None
    logprobs: None = None


class ChunkExtra(BaseModel):
    """On a streamed chunk: `replace` means withdraw the text shown so far; the delta is the whole reply."""

    replace: bool = False
    info: CareLLMInfo | None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    system_fingerprint: str | None = None
    carellm: ChunkExtra | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "carellm"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class ErrorBody(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class EngineHealth(BaseModel):
    """One engine behind the remote backend (`--base-url a,b`); its URL without credentials."""

    url: str
    resting: bool = Field(description="Taken out after failing; tried again when its rest is over.")
    resting_s: float = Field(description="Seconds of rest left (0 when it is in).")
    failures: int = Field(description="Failures in a row.")
    in_flight: int


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    model: str
    backend: str
    active: int
    waiting: int
    sessions: int
    engines: list[EngineHealth] | None = Field(
        None, description="The remote backend's engines; null for a model loaded in this process."
    )
