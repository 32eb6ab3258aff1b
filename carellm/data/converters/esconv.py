"""ESConv (Liu et al., 2021): thu-coai/Emotional-Support-Conversation, file ESConv.json.

A JSON array of conversations: `emotion_type`, `problem_type`, `situation`,
`experience_type`, `survey_score`, and `dialog`, a list of
`{"speaker": "seeker"|"supporter", "content", "annotation": {"strategy"?, "feedback"?}}`.
The seeker is the user, the supporter the assistant; each supporter turn keeps its
strategy. Consecutive turns of one speaker are left as they are here: the cleaning
pipeline's role repair merges them (and counts it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from carellm.data.converters.base import Item, build, guard_start, mismatch, short
from carellm.data.io import Reject, iter_json_records
from carellm.data.licences import licence_for
from carellm.data.schema import Labels, Message

SOURCE = "esconv"
HF_ID = "thu-coai/esconv"
ROLES = {"seeker": "user", "usr": "user", "supporter": "assistant", "sys": "assistant"}


def read(path: Path, encoding: str | None = None) -> Iterator[Item]:
    return guard_start(convert_rows(iter_json_records(path, encoding), path), path, SOURCE)


def convert_rows(rows: Iterable[tuple[int, object]], path: Path | None = None) -> Iterator[Item]:
    for index, (number, record) in enumerate(rows):
        if isinstance(record, Reject):
            yield record
            continue
        if isinstance(record, dict) and isinstance(record.get("text"), str) and "dialog" not in record:
            import json  # the Hugging Face copy stores each conversation as a JSON string

            record = json.loads(record["text"])
        if not isinstance(record, dict) or not isinstance(record.get("dialog"), list):
            if index == 0 and path is not None:
                raise mismatch(path, SOURCE, "records have no 'dialog' list")
            yield Reject("no 'dialog' list", number, record=short(record))
            continue
        yield _conversation(index, number, record)


def _conversation(index: int, number: int, record: dict) -> Item:
    messages = []
    for turn in record["dialog"]:
        role = ROLES.get(str(turn.get("speaker", "")).lower()) if isinstance(turn, dict) else None
        if role is None or not isinstance(turn.get("content"), str):
            return Reject("a dialog turn has no known speaker or no content", number, str(index), record=None)
        annotation = turn.get("annotation") or {}
        strategy = annotation.get("strategy") if role == "assistant" else None
        messages.append(Message(role=role, content=turn["content"], strategy=strategy))
    if not messages:
        return Reject("empty dialog", number, str(index))
    emotion = record.get("emotion_type")
    meta = {"line": number}
    for key in ("situation", "experience_type"):
        if record.get(key):
            meta[key] = record[key]
    return build(
        number,
        id=str(record.get("id", index)),
        source=SOURCE,
        license=licence_for(SOURCE),
        lang="en",
        messages=messages,
        labels=Labels(emotion=[emotion] if emotion else [], problem=record.get("problem_type")),
        meta=meta,
    )
