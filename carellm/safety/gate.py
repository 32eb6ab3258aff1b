"""The safety layer every interface passes through: it implements the session's SafetyGate."""

from __future__ import annotations

from collections.abc import Sequence

from carellm.counseling.hooks import GateDecision
from carellm.safety.assess import assess
from carellm.safety.events import InMemoryEventSink, RiskEvent, SafetyEventSink
from carellm.safety.policy import respond_to_risk
from carellm.safety.reply_guard import empty_reply, guard_reply, safe_fallback


class SafetyLayer:
    """Crisis detection on user turns, the reply guard on model turns, and risk events.

    high/imminent -> the model's reply is replaced by the fixed crisis response;
    medium -> the reply goes out with a gentle check-in and resources appended;
    a reply that breaks the reply policy -> replaced by a safe fallback.
    """

    def __init__(
        self,
        events: SafetyEventSink | None = None,
        locale: str | None = None,
        store_text: bool = False,
    ) -> None:
        """The learned model is loaded on first use (once per process), never here, so building
        a layer costs nothing."""
        self.events = events if events is not None else InMemoryEventSink()
        self.locale = locale
        self.store_text = store_text

    @classmethod
    def from_settings(cls, settings, events: SafetyEventSink | None = None) -> SafetyLayer:
        """Locale from CARELLM_LOCALE; message text kept in events only with CARELLM_LOG_MESSAGE_TEXT."""
        return cls(events=events, locale=settings.locale, store_text=settings.log_message_text)

    def check_user_turn(
        self, text: str, lang: str, history: Sequence[str], session_id: str | None = None
    ) -> GateDecision:
        risk = assess(text, lang, history)
        decision = GateDecision(
            level=risk.level,
            categories=list(risk.categories),
            reason=";".join(risk.reasons),
            details={"evidence": risk.evidence, "signals": risk.signals, "assessment": risk.to_dict()},
        )
        action = respond_to_risk(risk, lang, self.locale)
        decision.replace_with, decision.append = action.replace_with, action.append
        if risk.flagged:
            self._record(risk.level, risk.categories, "user", lang, text, risk.reasons, session_id)
        return decision

    def check_reply(
        self, reply: str, lang: str, session_id: str | None = None, final: bool = True
    ) -> GateDecision:
        if final and not reply.strip():  # nothing readable came back: never answer with silence
            return GateDecision(replace_with=empty_reply(lang), reason="reply-empty")
        verdict = guard_reply(reply, lang)
        if verdict.ok:
            return GateDecision()
        if final:  # sentences checked as they come are checked again, and recorded, with the whole reply
            self._record("medium", verdict.violations, "reply", lang, reply, verdict.violations, session_id)
        return GateDecision(
            replace_with=safe_fallback(lang),
            level="none",
            reason="reply-policy:" + ",".join(verdict.violations),
            details={"violations": verdict.violations, "evidence": verdict.evidence},
        )

    def _record(self, level, categories, source, lang, text, reasons, session_id) -> None:
        self.events.record_risk_event(
            RiskEvent(
                level,
                list(categories),
                source,
                lang,
                text=text if self.store_text else None,
                reasons=list(reasons),
                session_id=session_id,
            )
        )
