"""Multi-turn history that fits the model's context: newest turns verbatim, older ones summarised.

The summary is extractive (first sentence of each dropped turn, shortened), so it needs no
model call and cannot invent anything the user did not say. It is kept in the session and
grows as more turns are dropped; its own length is bounded too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from carellm.backends.base import Message
from carellm.counseling.prompts import Lang, system_prompt
from carellm.counseling.sentences import first_sentence
from carellm.errors import InputError

SUMMARY_LINE_CHARS = 120
SUMMARY_MAX_LINES = 12

ROLE_LABEL = {"en": {"user": "User", "assistant": "You"}, "zh": {"user": "用户", "assistant": "你"}}


@dataclass
class Exchange:
    """One completed turn: what the user sent and the reply they were given."""

    user: Message
    reply: str
    risk: str = "none"  # the safety layer's level for the user's message
    heard: str = ""  # a transcript of the user's speech: read by the safety layer, never sent to the model


@dataclass
class History:
    exchanges: list[Exchange] = field(default_factory=list)
    summary_lines: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return "\n".join(f"- {line}" for line in self.summary_lines)

    def user_texts(self) -> list[str]:
        """Each earlier user turn as the safety layer read it: typed text, then what was said."""
        return [spoken_turn(ex.user.text, ex.heard) for ex in self.exchanges]

    def messages(self, lang: Lang, current: Message) -> list[Message]:
        msgs = [Message("system", system_prompt(lang, self.summary))]
        for ex in self.exchanges:
            msgs += [ex.user, Message("assistant", ex.reply)]
        msgs.append(current)
        return msgs

    def fit(
        self, lang: Lang, current: Message, budget: int, count: Callable[[Sequence[Message]], int]
    ) -> tuple[list[Message], History]:
        """Messages for this turn within `budget` tokens, and the trimmed history they came from.

        Works on a copy: the session adopts the trimmed history only when the turn succeeds.
        """
        trimmed = History(list(self.exchanges), list(self.summary_lines))
        msgs = trimmed.messages(lang, current)
        while count(msgs) > budget and (trimmed.exchanges or trimmed.summary_lines):
            if trimmed.exchanges:
                trimmed.summarise(trimmed.exchanges.pop(0), lang)
            else:  # even the summary is too long: its oldest lines go first
                del trimmed.summary_lines[:2]
            msgs = trimmed.messages(lang, current)
        if count(msgs) > budget:
            raise InputError(
                "This message (with its attachments) is too long for the model's context.",
                "Send a shorter message or a shorter audio/video clip, or raise CARELLM_CONTEXT_TOKENS.",
            )
        return msgs, trimmed

    def summarise(self, ex: Exchange, lang: Lang) -> None:
        labels = ROLE_LABEL[lang]
        attached = "".join(f" [{item.kind}]" for item in ex.user.media)
        self.summary_lines.append(f"{labels['user']}: {_gist(ex.user.text)}{attached}")
        self.summary_lines.append(f"{labels['assistant']}: {_gist(ex.reply)}")
        del self.summary_lines[:-SUMMARY_MAX_LINES]


def spoken_turn(text: str, heard: str | None) -> str:
    """A user turn for the safety layer: the typed text and the transcript of the speech, one per line."""
    return "\n".join(part for part in (text, heard) if part)


def _gist(text: str) -> str:
    first = " ".join(first_sentence(text).split())
    return first if len(first) <= SUMMARY_LINE_CHARS else first[: SUMMARY_LINE_CHARS - 1] + "…"
