"""The judge: any OpenAI-compatible endpoint (a local vLLM, a hosted model, `carellm serve`).

Transport errors are retried with backoff; an answer that does not state a score in the
rubric's format is a parse failure, counted in `JudgeStats` and left out of the means (never
re-asked until it parses, which would bias the scores towards what the judge writes tidily).
Answers are cached by judge model and prompt, so a resumed run asks nothing twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Generic, TypeVar

from carellm.errors import BackendError, ConfigError
from carellm.eval.cache import JsonlCache, cache_key
from carellm.eval.parsing import JudgeParseError, parse_pair_verdict

T = TypeVar("T")


@dataclass
class JudgeStats:
    calls: int = 0
    cached: int = 0
    errors: int = 0  # no answer after every retry
    parse_failures: int = 0
    failures: list[str] = field(default_factory=list)  # why, per failure (first 50)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Verdict(Generic[T]):
    text: str
    value: T | None
    error: str = ""


class Judge:
    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        cache: JsonlCache | None = None,
        retries: int = 3,
        timeout_s: float = 120.0,
        max_tokens: int = 1024,
    ) -> None:
        try:
            from openai import OpenAI
        except ImportError as exc:
            raise ConfigError("The judge needs the openai package.", "pip install 'carellm[serve]'") from exc
        self.model = model
        self.base_url = base_url
        self.client = OpenAI(base_url=base_url, api_key=api_key or "none", max_retries=0, timeout=timeout_s)
        self.cache = cache
        self.retries = retries
        self.max_tokens = max_tokens
        self.stats = JudgeStats()
        self._lock = threading.Lock()

    def complete(self, system: str | None, user: str) -> str:
        """The judge's answer at temperature 0 (the papers' setting), from the cache when asked before."""
        messages = ([{"role": "system", "content": system}] if system else []) + [
            {"role": "user", "content": user}
        ]
        key = cache_key("judge", self.model, messages, self.max_tokens)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            with self._lock:
                self.stats.cached += 1
            return str(hit["text"])
        from openai import APIConnectionError, APIStatusError, APITimeoutError

        for attempt in range(self.retries + 1):
            try:
                with self._lock:
                    self.stats.calls += 1
                response = self.client.chat.completions.create(
                    model=self.model,
                    messages=messages,  # type: ignore[arg-type]
                    temperature=0.0,
                    max_tokens=self.max_tokens,
                )
                text = response.choices[0].message.content or ""
                break
            except (APIConnectionError, APITimeoutError, APIStatusError) as exc:
                status = getattr(exc, "status_code", None)
                if attempt == self.retries or (status is not None and status < 500 and status != 429):
                    raise BackendError(
                        f"The judge at {self.base_url} did not answer: {exc}.",
                        "Check --judge-base-url, --judge-model and the judge's key (CARELLM_JUDGE_API_KEY).",
                    ) from exc
                time.sleep(min(2**attempt, 20))
        if self.cache is not None:
            self.cache.put(key, {"text": text})
        return text

    def judge(self, system: str | None, user: str, parse: Callable[[str], T]) -> Verdict[T]:
        """Ask and read the answer with `parse`; a parse failure or a judge that never answered is
        counted and gives a Verdict without a value."""
        try:
            text = self.complete(system, user)
        except BackendError as exc:
            self._fail("error", exc.message)
            return Verdict("", None, exc.message)
        try:
            return Verdict(text, parse(text))
        except JudgeParseError as exc:
            self._fail("parse", str(exc))
            return Verdict(text, None, f"parse: {exc}")

    def _fail(self, kind: str, why: str) -> None:
        with self._lock:
            if kind == "parse":
                self.stats.parse_failures += 1
            else:
                self.stats.errors += 1
            if len(self.stats.failures) < 50:
                self.stats.failures.append(f"{kind}: {why[:200]}")


@dataclass
class PairOutcome:
    """One A/B comparison asked in both orders: `winner` is "A", "B" or "tie" (the orders
    disagreed, or both said tie), and whether the lengths were close enough to count in the
    length-matched win rate (within 20%: the judge's verbosity bias cannot decide those)."""

    winner: str
    first: str | None
    swapped: str | None
    length_matched: bool


def judge_pair(
    judge: Judge, system: str | None, render: Callable[[str, str], str], a: str, b: str
) -> PairOutcome:
    """Position-bias control: ask with A first, then with B first, and keep only a verdict both agree on."""
    first = judge.judge(system, render(a, b), parse_pair_verdict).value
    swapped_raw = judge.judge(system, render(b, a), parse_pair_verdict).value
    swapped = {"A": "B", "B": "A", "C": "C"}.get(swapped_raw or "")
    agreed = first is not None and first == swapped and first != "C"
    winner = first if agreed and first else "tie"
    la, lb = max(len(a), 1), max(len(b), 1)
    return PairOutcome(winner, first, swapped, 0.8 <= la / lb <= 1.25)


def win_rates(outcomes: list[PairOutcome]) -> dict[str, float | int]:
    """A's win rate over all pairs and over the length-matched ones (ties count half)."""

    def rate(rows: list[PairOutcome]) -> float:
        if not rows:
            return float("nan")
        return sum(1.0 if o.winner == "A" else 0.5 if o.winner == "tie" else 0.0 for o in rows) / len(rows)

    matched = [o for o in outcomes if o.length_matched]
    inconsistent = sum(1 for o in outcomes if o.first and o.swapped and o.first != o.swapped)
    return {
        "n": len(outcomes),
        "win_rate_a": rate(outcomes),
        "n_length_matched": len(matched),
        "win_rate_a_length_matched": rate(matched),
        "position_inconsistent": inconsistent,
    }
