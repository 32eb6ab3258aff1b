"""One evaluation item, whatever benchmark it came from: a conversation ending in a user turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from carellm.language import Lang

Role = Literal["user", "assistant"]


@dataclass(frozen=True)
class Turn:
    role: Role
    text: str


@dataclass(frozen=True)
class EvalItem:
    """`turns` end with the user message to answer. Earlier user/assistant pairs are given history;
    user turns after the last assistant turn are sent one by one (multi-turn escalation), and the
    reply to the last one is what gets scored.

    `prompt` is how the benchmark's paper prompted a model (used with --raw; empty: the turns alone);
    `reference` is the benchmark's own answer, where it has one (EmoLLM's BLEU/ROUGE)."""

    id: str
    suite: str
    lang: Lang
    turns: tuple[Turn, ...]
    topic: str = ""
    reference: str = ""
    system: str = ""  # the benchmark's own system prompt, for --raw
    raw_prompt: str = ""  # or its whole prompt as one user message (history inside), for --raw
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def question(self) -> str:
        return self.turns[-1].text

    def history_text(self, user: str, assistant: str, sep: str = "\n") -> str:
        """The turns as one text, each line labelled (a judge reads the conversation this way)."""
        return sep.join(f"{user if t.role == 'user' else assistant}{t.text}" for t in self.turns)
