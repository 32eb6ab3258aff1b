"""Replies to evaluation items: from the whole CareLLM pipeline (safety gate, reply guard,
persona) or, with --raw, from the model alone prompted as the benchmark's paper prompted it,
so the difference between the two runs is what CareLLM's layers do.

Each reply is cached by model, mode, prompt and generation settings (cache.py), with its timing:
time to the first shown text and decode speed in tokens per second.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from carellm.backends.base import GenerationOptions, Message
from carellm.counseling.counselor import Counselor
from carellm.counseling.events import TurnOptions
from carellm.counseling.history import Exchange
from carellm.eval.cache import JsonlCache, cache_key
from carellm.eval.items import EvalItem, Turn
from carellm.version import __version__


@dataclass
class ReplyRecord:
    text: str  # what the person was shown
    model_text: str  # what the model wrote (empty when the crisis layer answered instead)
    crisis: bool = False  # the crisis layer replaced the reply
    guard_blocked: bool = False  # the reply guard replaced the reply
    guard_reason: str = ""
    user_level: str = "none"  # the crisis layer's level for the last user turn
    ttft_s: float | None = None  # time to the first text shown
    seconds: float = 0.0
    tokens: int = 0  # tokens the model wrote
    finish_reason: str = "stop"

    @property
    def tokens_per_s(self) -> float | None:
        decode = self.seconds - (self.ttft_s or 0.0)
        return self.tokens / decode if self.tokens and decode > 0 else None

    def to_dict(self) -> dict:
        return asdict(self)


def split_turns(turns: tuple[Turn, ...]) -> tuple[list[tuple[str, str]], list[str]]:
    """Given (user, assistant) history, and the user turns after it, sent one by one."""
    last_reply = max((i for i, t in enumerate(turns) if t.role == "assistant"), default=-1)
    pairs: list[tuple[str, str]] = []
    user: list[str] = []
    for turn in turns[: last_reply + 1]:
        if turn.role == "user":
            user.append(turn.text)
        else:
            pairs.append(("\n".join(user), turn.text))
            user = []
    live = [t.text for t in turns[last_reply + 1 :]]
    return pairs, live


class ReplyMaker:
    def __init__(
        self, counselor: Counselor, raw: bool, options: TurnOptions, cache: JsonlCache | None = None
    ) -> None:
        self.counselor = counselor
        self.raw = raw
        self.options = options
        self.cache = cache
        s = counselor.settings
        self.generation = GenerationOptions(
            max_new_tokens=options.max_new_tokens or s.max_new_tokens,
            temperature=s.temperature if options.temperature is None else options.temperature,
            top_p=s.top_p if options.top_p is None else options.top_p,
            seed=s.seed if options.seed is None else options.seed,
        )

    @property
    def mode(self) -> str:
        return "raw" if self.raw else "pipeline"

    def key(self, item: EvalItem) -> str:
        s = self.counselor.settings
        return cache_key(
            "reply", __version__, s.model, s.base_url, self.mode, item.lang, item.turns,
            item.system, item.raw_prompt, asdict(self.generation),
        )  # fmt: skip

    def reply(self, item: EvalItem) -> tuple[ReplyRecord, bool]:
        """The reply to `item` and whether it came from the cache."""
        key = self.key(item)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            return ReplyRecord(**hit), True
        record = self._raw(item) if self.raw else self._pipeline(item)
        if self.cache is not None:
            self.cache.put(key, record.to_dict())
        return record, False

    def _pipeline(self, item: EvalItem) -> ReplyRecord:
        pairs, live = split_turns(item.turns)
        session = self.counselor.session(lang=item.lang, emotion=False)
        if pairs:
            session.resume([Exchange(Message("user", u), a) for u, a in pairs])
        for text in live[:-1]:
            session.send(text, options=self.options)
        started = time.perf_counter()
        first: float | None = None
        for event in session.stream(live[-1], options=self.options):
            if event.kind == "text" and event.text.strip() and first is None:
                first = time.perf_counter() - started
            elif event.kind == "done":
                reply = event.reply
        seconds = time.perf_counter() - started
        blocked = reply.reply_gate.replace_with is not None
        return ReplyRecord(
            text=reply.text,
            model_text=reply.model_text,
            crisis=reply.crisis,
            guard_blocked=blocked,
            guard_reason=reply.reply_gate.reason if blocked else "",
            user_level=reply.user_gate.level,
            ttft_s=first,
            seconds=seconds,
            tokens=self._tokens(reply.model_text),
            finish_reason=reply.finish_reason,
        )

    def _raw(self, item: EvalItem) -> ReplyRecord:
        """The model alone: the benchmark's own prompt, no persona, no crisis layer, no guard."""
        if item.raw_prompt:
            messages = [Message("user", item.raw_prompt)]
            live: list[str] = []
        else:
            pairs, live = split_turns(item.turns)
            messages = [Message("system", item.system)] if item.system else []
            for u, a in pairs:
                messages += [Message("user", u), Message("assistant", a)]
            for text in live[:-1]:
                messages.append(Message("user", text))
                messages.append(Message("assistant", self._generate(messages)[0]))
            messages.append(Message("user", live[-1]))
        started = time.perf_counter()
        text, first, finish = self._generate(messages, started)
        seconds = time.perf_counter() - started
        return ReplyRecord(
            text=text.strip(),
            model_text=text,
            ttft_s=first,
            seconds=seconds,
            tokens=self._tokens(text),
            finish_reason=finish,
        )

    def _generate(
        self, messages: list[Message], started: float | None = None
    ) -> tuple[str, float | None, str]:
        started = started or time.perf_counter()
        text, first, finish = "", None, "stop"
        for chunk in self.counselor.backend.stream(messages, self.generation):
            if chunk.kind == "text":
                if first is None and chunk.text.strip():
                    first = time.perf_counter() - started
                text += chunk.text
            elif chunk.kind == "end" and chunk.finish_reason:
                finish = chunk.finish_reason
        return text, first, finish

    def _tokens(self, text: str) -> int:
        """Tokens the model wrote: the engine's count of the text less that of an empty message."""
        if not text:
            return 0
        count = self.counselor.backend.count_tokens
        return max(count([Message("assistant", text)]) - count([Message("assistant", "")]), 0)
