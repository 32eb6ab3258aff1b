"""SoulChatCorpus (Chen et al., 2023): scutcyr/SoulChatCorpus, multi-turn Chinese counselling.

The release is JSON (an array, or JSON Lines) of dialogues: an `id`, a `topic` (the
scene: 婚恋, 职场, 家庭 ...) and `messages` as `{"role": "user"|"assistant", "content"}`.
Copies re-shared in ShareGPT form (`conversations` with `from`/`value`, human/gpt) are read
too, since that is how most fine-tuning repos pass it around.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from carellm.data.converters.base import Item, build, guard_start, mismatch, short, stable_id
from carellm.data.io import Reject, iter_json_records
from carellm.data.licences import licence_for
from carellm.data.schema import Labels, Message

SOURCE = "soulchat"
HF_ID = "scutcyr/SoulChatCorpus"
ROLES = {
    "user": "user", "human": "user", "client": "user", "来访者": "user",
    "assistant": "assistant", "gpt": "assistant", "counselor": "assistant", "心理咨询师": "assistant",
    "system": "system",
}  # fmt: skip
ID_KEYS = ("id", "dialogue_id", "dialog_id", "conversation_id")
SCENE_KEYS = ("topic", "scene", "normalizedTag")


def read(path: Path, encoding: str | None = None) -> Iterator[Item]:
    return guard_start(convert_rows(iter_json_records(path, encoding), path), path, SOURCE)


def convert_rows(rows: Iterable[tuple[int, object]], path: Path | None = None) -> Iterator[Item]:
    for index, (number, record) in enumerate(rows):
        if isinstance(record, Reject):
            yield record
            continue
        turns = record.get("messages", record.get("conversations")) if isinstance(record, dict) else None
        if not isinstance(record, dict) or not isinstance(turns, list):
            if index == 0 and path is not None:
                raise mismatch(path, SOURCE, "records have no 'messages' (or 'conversations') list")
            yield Reject("no 'messages' list", number, record=short(record))
            continue
        yield _conversation(index, number, record, turns)


def _conversation(index: int, number: int, record: dict, turns: list) -> Item:
    messages = []
    for turn in turns:
        if not isinstance(turn, dict):
            return Reject("a turn is not an object", number, record=short(record))
        raw_role = turn.get("role", turn.get("from"))
        role = ROLES.get(str(raw_role).strip().lower()) if raw_role is not None else None
        content = turn.get("content", turn.get("value"))
        if role is None:
            return Reject(f"unknown role {raw_role!r}", number, record=short(record))
        if not isinstance(content, str):
            return Reject("a turn has no text content", number, record=short(record))
        messages.append(Message(role=role, content=content))
    if not messages:
        return Reject("empty dialogue", number)
    conv_id = next((str(record[k]) for k in ID_KEYS if record.get(k) not in (None, "")), None)
    scene = next((str(record[k]) for k in SCENE_KEYS if record.get(k)), None)
    return build(
        number,
        id=conv_id or stable_id(*(m.content for m in messages)),
        source=SOURCE,
        license=licence_for(SOURCE),
        lang="zh",
        messages=messages,
        labels=Labels(scene=scene) if scene else None,
        meta={"line": number},
    )
