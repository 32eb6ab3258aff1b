"""Training data from rated conversations: preference pairs for DPO and well-rated dialogues for SFT.

The CLI reads the session store and hands over plain `RatedTurn`s (this package never imports
the store). Ratings are read as the store writes them: -1/1 thumbs (the web page; 0 withdraws a
rating) or 1-5 stars; a turn's newest rating counts. Bad: -1 or 2 stars; good: 1 (a thumbs-up;
a 1-star rating cannot be told from it, so the web page's thumbs are assumed) or 4-5 stars.

- DPO (TRL's conversational preference format, `{"prompt", "chosen", "rejected"}`): a reply
  rated bad that a reviewer corrected (`carellm feedback correct`): the correction is chosen,
  what the model wrote is rejected, the conversation before it is the prompt.
- SFT (the unified schema, `source: "feedback"`, then `carellm data export` for any trainer):
  each session up to its last reply rated good, when nothing before it was rated bad.

Turns the crisis layer answered (its fixed text is not the model's) or the reply guard replaced
end the usable part of a conversation. Every text goes through the data pipeline's PII scrubber.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from carellm.data.pii import scrub
from carellm.data.schema import Conversation, Message


@dataclass
class RatedTurn:
    session_id: str
    index: int
    lang: str
    user_text: str
    reply_text: str  # what the person was shown
    model_text: str  # what the model wrote ("" when the crisis layer answered)
    rating: int | None = None  # the newest rating (None: never rated, or withdrawn with 0)
    correction: str | None = None  # the newest reviewer correction
    replaced: bool = False  # the crisis layer or the reply guard answered instead of the model


@dataclass
class ExportSummary:
    written: int = 0
    pii_replaced: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def is_bad(rating: int | None) -> bool:
    return rating is not None and (rating < 0 or rating == 2)


def is_good(rating: int | None) -> bool:
    return rating is not None and (rating == 1 or rating >= 4)


def _clean(text: str, summary: ExportSummary) -> str:
    out, n = scrub(text)
    summary.pii_replaced += n
    return out


def _history(turns: list[RatedTurn], summary: ExportSummary) -> list[dict[str, str]]:
    messages = []
    for turn in turns:
        messages.append({"role": "user", "content": _clean(turn.user_text, summary)})
        messages.append({"role": "assistant", "content": _clean(turn.reply_text, summary)})
    return messages


def dpo_pairs(sessions: Iterable[list[RatedTurn]], summary: ExportSummary) -> Iterator[dict[str, Any]]:
    for turns in sessions:
        for k, turn in enumerate(turns):
            if not is_bad(turn.rating):
                continue
            if turn.correction is None:
                summary.skip("rated down, no correction (write one: carellm feedback correct)")
                continue
            rejected = turn.model_text.strip() or turn.reply_text
            if turn.replaced and not turn.model_text.strip():
                summary.skip("a crisis response, not the model's reply")
                continue
            if any(t.replaced for t in turns[:k]):
                summary.skip("an earlier turn was answered by the safety layer")
                continue
            prompt = [
                *_history(turns[:k], summary),
                {"role": "user", "content": _clean(turn.user_text, summary)},
            ]
            summary.written += 1
            yield {
                "prompt": prompt,
                "chosen": [{"role": "assistant", "content": _clean(turn.correction, summary)}],
                "rejected": [{"role": "assistant", "content": _clean(rejected, summary)}],
            }


def sft_conversations(
    sessions: Iterable[list[RatedTurn]], summary: ExportSummary, license: str = "user-provided"
) -> Iterator[Conversation]:
    for turns in sessions:
        good = [k for k, t in enumerate(turns) if is_good(t.rating)]
        if not good:
            continue
        end = good[-1] + 1
        if any(is_bad(t.rating) for t in turns[:end]):
            summary.skip("a reply before the last good one was rated down")
            continue
        if any(t.replaced for t in turns[:end]):
            summary.skip("the safety layer answered a turn in it")
            continue
        kept = turns[:end]
        messages = [Message.model_validate(m) for m in _history(kept, summary)]
        summary.written += 1
        yield Conversation(
            id=f"{kept[0].session_id}:{end}",
            source="feedback",
            license=license,
            lang=kept[0].lang or "und",
            messages=messages,
            meta={"ratings": {str(t.index): t.rating for t in kept if t.rating is not None}},
        )


def dpo_line(pair: dict[str, Any]) -> str:
    return json.dumps(pair, ensure_ascii=False)
