"""The one conversation schema every converter writes and every exporter reads.

One JSON object per line (JSONL). Counseling dialogues and single-label classification
records (GoEmotions) share it, so cleaning, stats, mixing and export need one code path.
Documented field by field in docs/data.md.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from carellm.errors import InputError

Role = Literal["system", "user", "assistant"]
SCHEMA_VERSION = 1


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    content: str
    audio: list[str] | None = None
    image: list[str] | None = None
    video: list[str] | None = None
    emotion: str | None = None
    strategy: str | None = None


class Labels(BaseModel):
    """Conversation-level labels; emotion is a list because GoEmotions is multi-label."""

    model_config = ConfigDict(extra="forbid")

    emotion: list[str] | None = None
    scene: str | None = None
    problem: str | None = None


class Conversation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    license: str = Field(min_length=1)
    lang: str = "und"
    messages: list[Message] = Field(min_length=1)
    labels: Labels | None = None
    meta: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        # Public corpora use integer ids; one type keeps hashing and joins simple.
        return str(value) if isinstance(value, int) else value

    def to_json_dict(self) -> dict[str, Any]:
        """Compact dict for JSONL: unset optional fields are dropped, not written as null."""
        return self.model_dump(exclude_none=True)


def parse_conversation(data: Any, where: str) -> Conversation:
    """Validate one decoded JSON record; the error names the first offending field."""
    try:
        return Conversation.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "record"
        raise InputError(
            f"{where}: not a CareLLM conversation ({field}: {first['msg']}).",
            "Convert the file first with `carellm data convert`; docs/data.md describes the schema.",
        ) from None
