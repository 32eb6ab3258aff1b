"""SoulChatCorpus (scutcyr/SoulChatCorpus): multi-turn Chinese counseling dialogues.

Published as JSON/JSONL records `{"id", "topic", "messages": [{"role", "content"}, ...]}`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from carellm.data.converters.base import Item, Record, Reject, missing_keys
from carellm.data.io import InvalidJson

_ROLES = {"user": "user", "assistant": "assistant", "system": "system"}


def records(rows: Iterable[tuple[int, Any]], licence: str, array: bool) -> Iterator[Item]:
    key = "record" if array else "line"
    for index, row in rows:
        at = {key: index}
        if isinstance(row, InvalidJson):
            yield Reject("invalid JSON", detail=str(row), **at)
            continue
        missing = missing_keys(row, ("id", "messages"))
        if missing:
            yield Reject("missing fields", detail=", ".join(missing), **at)
            continue
        messages = []
        for turn in row["messages"] if isinstance(row["messages"], list) else []:
            role = _ROLES.get(str(turn.get("role", ""))) if isinstance(turn, dict) else None
            if role is None or not isinstance(turn.get("content"), str):
                messages = None
                break
            messages.append({"role": role, "content": turn["content"]})
        if not messages:
            yield Reject("bad messages", detail="need a list of {role: user|assistant, content}", **at)
            continue
        scene = row.get("topic") or row.get("scene")
        yield Record(
            {
                "id": f"soulchat-{row['id']}",
                "source": "soulchat",
                "license": licence,
                "lang": "zh",
                "messages": messages,
                **({"labels": {"scene": str(scene)}} if scene else {}),
            },
            **at,
        )
