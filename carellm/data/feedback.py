"""Training data from rated conversations: preference pairs for DPO and well-rated dialogues for SFT.

The CLI reads the session store and hands over plain `RatedTurn`s (this package never imports
the store). Ratings are read as the store writes them: -1/1 thumbs (the web page; 0 withdraws a
rating) or 1-5 stars; a turn's newest rating counts. Bad: -1 or 2 stars; good: 1 (a thumbs-up;
a 1-star rating cannot be told from it, so the web page's thumbs are assumed) or 4-5 stars.

- DPO (TRL's conversational preference format, `{"prompt", "chosen", "rejected"}`, the
  conversation before the turn as the prompt):
  - a reply rated bad that a reviewer corrected (`carellm feedback correct`, or the web page's
    correction box): the correction is chosen, what the model wrote is rejected;
  - a reply the person had regenerated (the web page's "try another reply"): the newer reply
    rated good, or the replaced one rated bad, makes the newer one chosen and the replaced one
    rejected (and the other way round when the newer one is rated bad and the replaced one good).
    Both are the model's replies to the same message, through the same safety layer.
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
class EarlierReply:
    """A reply the person had replaced by asking for another; `rating`: the newest one it got
    before it was replaced."""

    reply_text: str
    model_text: str
    rating: int | None = None
    replaced: bool = False  # the crisis layer or the reply guard answered instead of the model


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
    earlier: list[EarlierReply] = field(default_factory=list)  # replies regenerated away, oldest first


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
            pairs: list[tuple[str, str]] = []
            regenerated = _regenerated_pair(turn)
            if isinstance(regenerated, str):
                summary.skip(regenerated)
            elif regenerated is not None:
                pairs.append(regenerated)
            if is_bad(turn.rating) and turn.correction is None and not pairs:
                summary.skip("rated down, no correction (write one: carellm feedback correct)")
            elif is_bad(turn.rating) and turn.correction is not None:
                if turn.replaced and not turn.model_text.strip():
                    summary.skip("a crisis response, not the model's reply")
                else:
                    pairs.append((turn.correction, turn.model_text.strip() or turn.reply_text))
            if not pairs:
                continue
            if any(t.replaced for t in turns[:k]):
                summary.skip("an earlier turn was answered by the safety layer")
                continue
            for chosen, rejected in pairs:
                prompt = [
                    *_history(turns[:k], summary),
                    {"role": "user", "content": _clean(turn.user_text, summary)},
                ]
                summary.written += 1
                yield {
                    "prompt": prompt,
                    "chosen": [{"role": "assistant", "content": _clean(chosen, summary)}],
                    "rejected": [{"role": "assistant", "content": _clean(rejected, summary)}],
                }


def _regenerated_pair(turn: RatedTurn) -> tuple[str, str] | str | None:
    """(chosen, rejected) from the turn's reply and the one it replaced, a reason to skip, or None
    (not regenerated, or neither reply rated). The chosen reply must be the model's own, shown as
    the person saw it; a rejected one the reply guard replaced counts by what the model wrote."""
    if not turn.earlier:
        return None
    new, old = turn, turn.earlier[-1]
    if turn.rating is None and old.rating is None:
        return None
    if (is_good(new.rating) and not is_good(old.rating)) or (is_bad(old.rating) and not is_bad(new.rating)):
        better, worse = (new.reply_text, new.replaced), (old.model_text, old.reply_text)
    elif is_bad(new.rating) and is_good(old.rating):
        better, worse = (old.reply_text, old.replaced), (new.model_text, new.reply_text)
    else:
        return "regenerated, but neither reply was rated better than the other"
    if better[1]:
        return "regenerated, but the better reply came from the safety layer"
    rejected = worse[0].strip()
    if not rejected:
        return "regenerated, but the worse reply was a crisis response"
    return better[0], rejected


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
