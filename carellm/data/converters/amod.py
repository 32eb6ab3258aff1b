"""Amod/mental_health_counseling_conversations: single-turn `{"Context", "Response"}` pairs.

The corpus has no ids and repeats a Context once per answer, so the id hashes both texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from carellm.data.converters.base import Item, Record, Reject, missing_keys, stable_id
from carellm.data.io import InvalidJson


def records(rows: Iterable[tuple[int, Any]], licence: str, array: bool) -> Iterator[Item]:
    key = "record" if array else "line"
    for index, row in rows:
        at = {key: index}
        if isinstance(row, InvalidJson):
            yield Reject("invalid JSON", detail=str(row), **at)
            continue
        missing = missing_keys(row, ("Context", "Response"))
        if missing:
            yield Reject("missing fields", detail=", ".join(missing), **at)
            continue
        context, response = str(row["Context"] or ""), str(row["Response"] or "")
        yield Record(
            {
                "id": f"amod-{stable_id(context, response)}",
                "source": "amod",
                "license": licence,
                "lang": "en",
                "messages": [
                    {"role": "user", "content": context},
                    {"role": "assistant", "content": response},
                ],
            },
            **at,
        )
