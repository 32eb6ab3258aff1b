"""Any CSV/TSV/JSON/JSONL/Parquet file, described by a small YAML mapping.

This covers the SNAP counseling data (released on application, so it cannot ship here) and
users' own exports. Three row shapes, chosen by which keys the mapping sets:

    # every row is a whole conversation with a list of turns
    messages: dialog            # column holding [{speaker: ..., text: ...}, ...]
    role_key: speaker           # (default role)
    content_key: text           # (default content)

    # every row is one question/answer pair
    user: question
    assistant: answer
    system: instructions        # optional column

    # every row is one turn; rows of a conversation are contiguous
    conversation: conversation_id
    order: turn                 # optional column to sort turns by (numeric)
    role: speaker
    content: message

Common keys: `source` and `license` (required: every record must say where it is from),
`lang`, `id` (column; default: a content hash, or the conversation column), `roles`
(raw role -> user/assistant/system), `labels` ({emotion|scene|problem: column}) and
`meta` (list of columns to carry along).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from carellm.data.converters.base import Item, build, guard_start, mismatch, short, stable_id
from carellm.data.io import Reject, iter_table
from carellm.data.schema import ROLES, Labels, Message
from carellm.errors import InputError

DEFAULT_ROLES = {
    "user": "user", "human": "user", "client": "user", "texter": "user", "seeker": "user", "patient": "user",
    "assistant": "assistant", "gpt": "assistant", "counselor": "assistant", "counsellor": "assistant",
    "helper": "assistant", "therapist": "assistant", "supporter": "assistant", "system": "system",
}  # fmt: skip


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1)
    license: str = Field(min_length=1)
    lang: str = "und"
    id: str | None = None
    messages: str | None = None
    role_key: str = "role"
    content_key: str = "content"
    user: str | None = None
    assistant: str | None = None
    system: str | None = None
    conversation: str | None = None
    order: str | None = None
    role: str | None = None
    content: str | None = None
    roles: dict[str, str] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict)
    meta: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_shape(self) -> Mapping:
        shapes = [self.messages is not None, self.user is not None, self.conversation is not None]
        if sum(shapes) != 1:
            raise ValueError("set exactly one of: messages, user (+assistant), conversation (+role, content)")
        if self.user is not None and self.assistant is None:
            raise ValueError("'user' needs 'assistant'")
        if self.conversation is not None and (self.role is None or self.content is None):
            raise ValueError("'conversation' needs 'role' and 'content'")
        bad = {k: v for k, v in self.roles.items() if v not in ROLES}
        if bad:
            raise ValueError(f"roles must map to user/assistant/system, not {bad}")
        unknown = set(self.labels) - {"emotion", "scene", "problem"}
        if unknown:
            raise ValueError(f"labels can be emotion, scene, problem; not {sorted(unknown)}")
        return self

    def role_of(self, raw: Any) -> str | None:
        key = str(raw).strip()
        return self.roles.get(key) or DEFAULT_ROLES.get(key.lower())

    def columns(self) -> list[str]:
        cols = [self.messages, self.user, self.assistant, self.conversation, self.role, self.content]
        return [c for c in cols if c]


def load_mapping(path: Path) -> Mapping:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"No mapping file at {path}.", "Write one: see docs/data.md#mapped.") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path} is not valid YAML: {exc}", "Fix the mapping file.") from None
    try:
        return Mapping.model_validate(data or {})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'mapping'}: {e['msg']}" for e in exc.errors())
        raise InputError(f"{path}: {problems}", "See docs/data.md#mapped for the keys.") from None


def read(path: Path, mapping: Mapping, encoding: str | None = None) -> Iterator[Item]:
    return guard_start(_convert(path, mapping, encoding), path, f"mapped ({mapping.source})")


def _convert(path: Path, spec: Mapping, encoding: str | None) -> Iterator[Item]:
    rows = iter_table(path, encoding)
    checked = False
    group: list[tuple[int, dict]] = []
    for number, row in rows:
        if isinstance(row, Reject):
            yield row
            continue
        if not checked:
            missing = [c for c in spec.columns() if c not in row]
            if missing:
                raise mismatch(
                    path, "mapped", f"missing column(s) {', '.join(missing)}; found {', '.join(row)}"
                )
            checked = True
        if spec.conversation is None:
            yield _from_row(number, row, spec)
            continue
        if group and row[spec.conversation] != group[0][1][spec.conversation]:
            yield _from_group(group, spec)
            group = []
        group.append((number, row))
    if group:
        yield _from_group(group, spec)


def _record(conv_id: str, messages: list[Message], row: dict, spec: Mapping, number: int) -> Item:
    labels = None
    if spec.labels:
        values = {k: row.get(col) for k, col in spec.labels.items() if row.get(col) not in (None, "")}
        if "emotion" in values and not isinstance(values["emotion"], list):
            values["emotion"] = [e.strip() for e in str(values["emotion"]).split(",") if e.strip()]
        labels = Labels(**{k: v if k == "emotion" else str(v) for k, v in values.items()})
    meta = {col: row[col] for col in spec.meta if col in row}
    return build(
        number,
        id=conv_id,
        source=spec.source,
        license=spec.license,
        lang=spec.lang,
        messages=messages,
        labels=labels,
        meta={**meta, "line": number},
    )


def _from_row(number: int, row: dict, spec: Mapping) -> Item:
    if spec.messages is not None:
        turns = row.get(spec.messages)
        if isinstance(turns, str):
            import json

            try:
                turns = json.loads(turns)
            except ValueError:
                return Reject(f"column {spec.messages} is not a JSON list", number, record=short(row))
        if not isinstance(turns, list) or not turns:
            return Reject(f"column {spec.messages} holds no list of turns", number, record=short(row))
        messages = []
        for turn in turns:
            role = spec.role_of(turn.get(spec.role_key)) if isinstance(turn, dict) else None
            content = turn.get(spec.content_key) if isinstance(turn, dict) else None
            if role is None or not isinstance(content, str):
                return Reject("a turn has an unmapped role or no text", number, record=short(row))
            messages.append(Message(role=role, content=content))
    else:
        texts = [
            (r, row.get(c))
            for r, c in (("system", spec.system), ("user", spec.user), ("assistant", spec.assistant))
            if c
        ]
        if any(not isinstance(t, str) for r, t in texts if r != "system"):
            return Reject(f"empty {spec.user} or {spec.assistant}", number, record=short(row))
        messages = [
            Message(role=r, content=t) for r, t in texts if isinstance(t, str) and (r != "system" or t)
        ]
    conv_id = str(row[spec.id]) if spec.id and row.get(spec.id) not in (None, "") else None
    return _record(conv_id or stable_id(*(m.content for m in messages)), messages, row, spec, number)


def _from_group(group: list[tuple[int, dict]], spec: Mapping) -> Item:
    number, head = group[0]
    if spec.order:
        try:
            group = sorted(group, key=lambda item: float(item[1][spec.order]))
        except (TypeError, ValueError):
            return Reject(f"column {spec.order} is not numeric", number)
    messages = []
    for line, row in group:
        role = spec.role_of(row.get(spec.role))
        if role is None:
            return Reject(f"unmapped role {row.get(spec.role)!r}: add it under 'roles'", line)
        content = row.get(spec.content)
        if not isinstance(content, str):
            return Reject(f"column {spec.content} has no text", line)
        messages.append(Message(role=role, content=content))
    conv_id = str(head[spec.id]) if spec.id else str(head[spec.conversation])
    return _record(conv_id, messages, head, spec, number)
