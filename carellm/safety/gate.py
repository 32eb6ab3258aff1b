"""The safety layer every interface passes through: it implements the session's SafetyGate."""

from __future__ import annotations

from collections.abc import Sequence

from carellm.counseling.hooks import GateDecision
from carellm.safety.assess import RANK, assess
from carellm.safety.events import InMemoryEventSink, RiskEvent, SafetyEventSink
from carellm.safety.reply_guard import guard_reply, safe_fallback
from carellm.safety.resources import check_in, crisis_response


class SafetyLayer:
    """Crisis detection on user turns, the reply guard on model turns, and risk events.

    high/imminent -> the model's reply is replaced by the fixed crisis response;
    medium -> the reply goes out with a gentle check-in and resources appended;
    a reply that breaks the reply policy -> replaced by a safe fallback.
    """

    def __init__(
        self, events: SafetyEventSink | None = None, locale: str | None = None, store_text: bool = False
    ) -> None:
        self.events = events if events is not None else InMemoryEventSink()
        self.locale = locale
        self.store_text = store_text

    def check_user_turn(self, text: str, lang: str, history: Sequence[str]) -> GateDecision:
        risk = assess(text, lang, history)
        decision = GateDecision(
            level=risk.level,
            categories=list(risk.categories),
            reason=";".join(risk.reasons),
            details={"evidence": risk.evidence, "signals": risk.signals, "assessment": risk.to_dict()},
        )
        if RANK[risk.level] >= RANK["high"]:
            decision.replace_with = crisis_response(lang, self.locale, risk.categories)
        elif risk.level == "medium":
            decision.append = check_in(lang, self.locale)
        if risk.flagged:
            self._record(risk.level, risk.categories, "user", lang, text, risk.reasons)
        return decision

    def check_reply(self, reply: str, lang: str) -> GateDecision:
        verdict = guard_reply(reply)
        if verdict.ok:
            return GateDecision()
        self._record("medium", [], "reply", lang, reply, verdict.violations)
        return GateDecision(
            replace_with=safe_fallback(lang),
            level="none",
            reason="reply-policy:" + ",".join(verdict.violations),
            details={"violations": verdict.violations, "evidence": verdict.evidence},
        )

    def _record(self, level, categories, source, lang, text, reasons) -> None:
        self.events.record_risk_event(
            RiskEvent(
                level,
                list(categories),
                source,
                lang,
                text=text if self.store_text else None,
                reasons=list(reasons),
            )
        )
