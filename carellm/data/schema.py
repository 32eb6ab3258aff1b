"""The one record format every CareLLM dataset is turned into (documented in docs/data.md).

A file is JSON Lines, one `Conversation` per line. Converters write it, the cleaning
pipeline reads and rewrites it, exporters turn it into each trainer's own format, and the
feedback loop (rated sessions -> new training data) appends to it. Keep it small: anything
dataset-specific that no consumer needs goes in `meta`.

Dialogue records alternate user/assistant after an optional system message. Classification
records (GoEmotions) are one user message plus `labels.emotion`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 1
Role = Literal["system", "user", "assistant"]
ROLES: tuple[str, ...] = ("system", "user", "assistant")


class Message(BaseModel):
    """One turn. Media fields are file paths (relative to the dataset file) or URLs."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    content: str
    audio: str | None = None
    image: str | None = None
    video: str | None = None
    emotion: str | None = None  # the speaker's emotion in this turn, when annotated
    strategy: str | None = None  # the supporter's strategy (ESConv: "Question", "Self-disclosure", ...)

    def media(self) -> dict[str, str]:
        """{"audio": path, ...} for the media this turn carries."""
        return {kind: path for kind in ("audio", "image", "video") if (path := getattr(self, kind))}


class Labels(BaseModel):
    """Conversation-level annotations. `emotion` is a list: multi-label sets keep every label."""

    model_config = ConfigDict(extra="forbid")

    emotion: list[str] = Field(default_factory=list)
    scene: str | None = None  # the setting or topic (SoulChat topic, ED situation category)
    problem: str | None = None  # the underlying problem (ESConv problem_type)

    def is_empty(self) -> bool:
        return not self.emotion and self.scene is None and self.problem is None


class Conversation(BaseModel):
    """One dialogue (or one labelled text) with where it came from and under which licence."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)  # unique within `source`; also the key of the split hash
    source: str = Field(min_length=1)  # dataset name: "empathetic_dialogues", "feedback", ...
    license: str = Field(min_length=1)  # licence id from carellm/data/licences.py, or "unknown"
    lang: str = "und"  # BCP-47 primary tag ("zh", "en"); "und" until detected
    messages: list[Message] = Field(min_length=1)
    labels: Labels | None = None
    meta: dict[str, Any] = Field(default_factory=dict)

    @field_validator("lang")
    @classmethod
    def _lang_is_a_tag(cls, value: str) -> str:
        if not value or not value.replace("-", "").isalnum():
            raise ValueError(f"lang must be a language tag such as 'zh' or 'en', not {value!r}")
        return value

    def to_json(self) -> str:
        """One JSONL line (no trailing newline); unset optional fields are left out."""
        return self.model_dump_json(exclude_none=True, exclude_defaults=False)

    @property
    def is_classification(self) -> bool:
        """One user message carrying labels: a text-classification example, not a dialogue."""
        turns = [m for m in self.messages if m.role != "system"]
        return len(turns) == 1 and turns[0].role == "user" and self.labels is not None

    @property
    def split_key(self) -> str:
        """What the train/validation/test hash is taken over.

        `meta.split_group` lets converters keep related records together (the same question
        answered by several counsellors must not land in both train and test).
        """
        return str(self.meta.get("split_group") or f"{self.source}:{self.id}")


def parse_line(line: str | bytes) -> Conversation:
    """Validate one JSONL line; raises pydantic.ValidationError with the field at fault."""
    return Conversation.model_validate_json(line)
