"""Training files -> CareLLM messages, checked line by line before any model is loaded.

Reads the unified schema (`carellm data` output, `carellm feedback export --to sft`), TRL's
conversational `messages` JSONL (content as a string or typed parts, media in `images`,
`audios`, `videos` columns) and, for DPO, TRL's preference pairs (`carellm feedback export
--to dpo`). Media paths are relative to the data file. A conversation without a system message
gets the one inference uses (`counseling.prompts.system_prompt`), so the model is tuned under
the prompt it will be run with.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from carellm.backends.base import Message
from carellm.counseling.prompts import system_prompt
from carellm.data.schema import Conversation
from carellm.errors import InputError
from carellm.language import Lang, detect_lang
from carellm.media import MediaItem

MEDIA_COLUMNS = {"images": "image", "audios": "audio", "videos": "video"}


@dataclass
class PreferencePair:
    prompt: list[Message]
    chosen: str
    rejected: str


def _lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise InputError(f"Training data {path} not found.", "Pass a JSONL file with --data.")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{path}:{number} is not JSON ({exc.msg}).", "Fix or remove the line."
                ) from exc
            if not isinstance(row, dict):
                raise InputError(f"{path}:{number} is not a JSON object.", "Each line must be one record.")
            rows.append((number, row))
    if not rows:
        raise InputError(f"{path} has no records.", "Export data first: carellm data export.")
    return rows


def _lang(messages: list[Message], declared: str) -> Lang:
    if declared in ("zh", "en"):
        return declared  # type: ignore[return-value]
    return detect_lang(" ".join(m.text for m in messages if m.role == "user"))


def with_system_prompt(messages: list[Message], declared_lang: str = "und") -> list[Message]:
    """`messages` led by inference's system prompt, unless they bring their own."""
    if messages and messages[0].role == "system":
        return messages
    return [Message("system", system_prompt(_lang(messages, declared_lang))), *messages]


def _media(path: str, kind: str, base: Path) -> MediaItem:
    full = Path(path) if Path(path).is_absolute() or "://" in path else base / path
    return MediaItem(kind, str(full))  # type: ignore[arg-type]


def _from_unified(conv: Conversation, base: Path) -> list[Message]:
    return [
        Message(m.role, m.content, [_media(p, kind, base) for kind, p in m.media().items()])
        for m in conv.messages
    ]


def _from_trl(row: dict[str, Any], where: str, base: Path) -> list[Message]:
    queues = {kind: list(row.get(column) or []) for column, kind in MEDIA_COLUMNS.items()}
    messages = []
    for turn in row["messages"]:
        if not isinstance(turn, dict) or turn.get("role") not in ("system", "user", "assistant"):
            raise InputError(
                f"{where}: a message needs a role of system, user or assistant.", "Fix the record."
            )
        content = turn.get("content", "")
        if isinstance(content, str):
            messages.append(Message(turn["role"], content))
            continue
        texts, media = [], []
        for part in content:
            kind = part.get("type")
            if kind == "text":
                texts.append(part.get("text", ""))
            elif kind in queues:
                if not queues[kind]:
                    raise InputError(
                        f"{where}: more {kind} parts than files in its column.", "Fix the record."
                    )
                media.append(_media(str(queues[kind].pop(0)), kind, base))
        messages.append(Message(turn["role"], "".join(texts), media))
    return messages


def _check_dialogue(messages: list[Message], where: str) -> None:
    if not any(m.role == "assistant" and m.text.strip() for m in messages):
        raise InputError(f"{where}: no assistant reply to learn from.", "Leave classification records out.")
    if messages[-1].role != "assistant":
        raise InputError(f"{where}: the conversation must end with an assistant reply.", "Fix the record.")


def read_conversations(path: str | Path) -> list[list[Message]]:
    """Every record of an SFT file as messages (system prompt first), or an InputError naming the line."""
    path = Path(path)
    out = []
    for number, row in _lines(path):
        where = f"{path}:{number}"
        if "source" in row and "license" in row:
            try:
                conv = Conversation.model_validate(row)
            except ValidationError as exc:
                raise InputError(
                    f"{where} is not a valid CareLLM record ({exc.errors()[0]['msg']}).", "Fix it."
                ) from exc
            messages, lang = _from_unified(conv, path.parent), conv.lang
        elif isinstance(row.get("messages"), list):
            messages, lang = _from_trl(row, where, path.parent), "und"
        else:
            raise InputError(
                f"{where} is neither a CareLLM record nor a TRL `messages` record.",
                "Export with `carellm data export --to trl` or write {'messages': [...]}.",
            )
        _check_dialogue(messages, where)
        out.append(with_system_prompt(messages, lang))
    return out


def _reply(turns: Any, where: str, name: str) -> str:
    if not (isinstance(turns, list) and turns and isinstance(turns[-1], dict)):
        raise InputError(
            f"{where}: '{name}' must be a list ending in the assistant's message.", "Fix the pair."
        )
    return str(turns[-1].get("content", ""))


def read_preference_pairs(path: str | Path) -> list[PreferencePair]:
    """TRL conversational preference pairs, as `carellm feedback export --to dpo` writes them."""
    path = Path(path)
    pairs = []
    for number, row in _lines(path):
        where = f"{path}:{number}"
        if not {"prompt", "chosen", "rejected"} <= row.keys():
            raise InputError(
                f"{where} is not a preference pair (needs prompt, chosen, rejected).",
                "Export pairs with `carellm feedback export --to dpo`.",
            )
        prompt = _from_trl({"messages": row["prompt"]}, where, path.parent)
        pairs.append(
            PreferencePair(
                with_system_prompt(prompt),
                _reply(row["chosen"], where, "chosen"),
                _reply(row["rejected"], where, "rejected"),
            )
        )
    return pairs


def to_row(messages: list[Message]) -> str:
    """One JSON string holding a conversation (the datasets column the collator reads back)."""
    return json.dumps(
        [
            {"role": m.role, "text": m.text, "media": [[i.kind, str(i.source)] for i in m.media]}
            for m in messages
        ],
        ensure_ascii=False,
    )


def from_row(row: str) -> list[Message]:
    return [
        Message(m["role"], m["text"], [MediaItem(kind, source) for kind, source in m["media"]])
        for m in json.loads(row)
    ]


def licences_of(path: str | Path) -> Counter[str]:
    """{licence: records} of a training file: the unified schema's `license`, or a `license` key on
    a TRL record or preference pair ("unknown" without one)."""
    return Counter(str(row.get("license") or "unknown").lower() for _, row in _lines(Path(path)))


def check_licences(paths: list[str], intended_use: str) -> dict[str, int]:
    """The data's licence summary; refuses a commercial run on data whose licence does not allow it.

    The policy is the data mixer's (`carellm.data.licences`): only a licence known to allow
    commercial use passes, so unknown and user-provided data are refused for commercial use.
    """
    from carellm.data.licences import non_commercial

    counts: Counter[str] = Counter()
    for path in paths:
        counts.update(licences_of(path))
    if intended_use == "commercial" and (blocking := non_commercial(dict(counts))):
        listed = ", ".join(f"{counts[lic]} under {lic}" for lic in blocking)
        raise InputError(
            f"Refusing to train for commercial use: {listed} do not allow it (or do not say so).",
            "Drop those records (`carellm data mix --commercial` builds a set that allows it), "
            "or train for research: intended_use=research.",
        )
    return dict(counts)
