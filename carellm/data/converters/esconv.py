"""ESConv (thu-coai/Emotional-Support-Conversation): emotional-support dialogues in English.

ESConv.json is one array of `{"emotion_type", "problem_type", "situation", "dialog": [
{"speaker": "seeker"|"supporter", "content", "annotation": {"strategy"...}}]}`. Consecutive
turns by the same speaker are kept as they are here; `clean` merges them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from carellm.data.converters.base import Item, Record, Reject, missing_keys
from carellm.data.io import InvalidJson

_ROLES = {"seeker": "user", "usr": "user", "supporter": "assistant", "sys": "assistant"}


def _turn(turn: Any) -> dict[str, Any] | None:
    if not isinstance(turn, dict) or not isinstance(turn.get("content"), str):
        return None
    role = _ROLES.get(str(turn.get("speaker", "")))
    if role is None:
        return None
    message: dict[str, Any] = {"role": role, "content": turn["content"].strip()}
    strategy = (turn.get("annotation") or {}).get("strategy")
    if role == "assistant" and strategy:
        message["strategy"] = str(strategy)
    return message


def records(rows: Iterable[tuple[int, Any]], licence: str, array: bool) -> Iterator[Item]:
    key = "record" if array else "line"
    for index, row in rows:
        at = {key: index}
        if isinstance(row, InvalidJson):
            yield Reject("invalid JSON", detail=str(row), **at)
            continue
        missing = missing_keys(row, ("emotion_type", "problem_type", "situation", "dialog"))
        if missing:
            yield Reject("missing fields", detail=", ".join(missing), **at)
            continue
        turns = [_turn(t) for t in row["dialog"]] if isinstance(row["dialog"], list) else [None]
        if not turns or None in turns:
            yield Reject("bad dialog", detail="turns need speaker seeker|supporter and content", **at)
            continue
        yield Record(
            {
                "id": f"esconv-{index}",
                "source": "esconv",
                "license": licence,
                "lang": "en",
                "messages": turns,
                "labels": {"emotion": [row["emotion_type"]], "problem": row["problem_type"]},
                "meta": {"situation": row["situation"], "experience_type": row.get("experience_type")},
            },
            **at,
        )
