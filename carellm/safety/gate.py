"""The safety layer every interface passes through: it implements the session's SafetyGate."""

from __future__ import annotations

from collections.abc import Sequence

from carellm.backends.base import Backend
from carellm.counseling.hooks import GateDecision
from carellm.safety.assess import assess
from carellm.safety.events import InMemoryEventSink, RiskEvent, SafetyEventSink
from carellm.safety.policy import respond_to_risk
from carellm.safety.reply_guard import ReplyVerdict, empty_reply, guard_reply, safe_fallback
from carellm.safety.self_check import SelfCheck


class SafetyLayer:
    """Crisis detection on user turns, the reply guard on model turns, and risk events.

    high/imminent -> the model's reply is replaced by the fixed crisis response;
    medium -> the reply goes out with a gentle check-in and resources appended;
    a reply that breaks the reply policy -> replaced by a safe fallback.

    A reply is judged in one place, `check_reply`: the patterns, the learned model, then (when
    `self_check` is set) the model's own rubric answer, each of which can only add a block.
    """

    def __init__(
        self,
        events: SafetyEventSink | None = None,
        locale: str | None = None,
        store_text: bool = False,
        self_check: SelfCheck | None = None,
    ) -> None:
        """The learned model is loaded on first use (once per process), never here, so building
        a layer costs nothing."""
        self.events = events if events is not None else InMemoryEventSink()
        self.locale = locale
        self.store_text = store_text
        self.self_check = self_check

    @classmethod
    def from_settings(
        cls, settings, events: SafetyEventSink | None = None, backend: Backend | None = None
    ) -> SafetyLayer:
        """Locale from CARELLM_LOCALE; message text kept in events only with CARELLM_LOG_MESSAGE_TEXT;
        the model self-check on `backend` as CARELLM_GUARD_SELF_CHECK says (none without a backend)."""
        self_check = SelfCheck.from_settings(settings, backend) if backend is not None else None
        return cls(
            events=events, locale=settings.locale, store_text=settings.log_message_text, self_check=self_check
        )

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
        decided_by = "guard"
        details: dict = {}
        if verdict.ok and self.self_check is not None:
            if not final and self.self_check.scope == "reply":
                # Shown now, checked by the model with the whole reply; not spoken before that.
                return GateDecision(hold_speech=True)
            asked = self.self_check.check(reply, lang)
            details["self_check"] = {"outcome": asked.outcome, "seconds": round(asked.seconds, 4)}
            if added := self.self_check.blocks(asked):
                verdict, decided_by = (
                    ReplyVerdict(False, added, [f"self_check:{asked.outcome}"]),
                    "self_check",
                )
        if verdict.ok:
            return GateDecision(details=details)
        # What the record says decided it: the rule names, prefixed when the model's self-check did.
        reasons = (
            [f"self_check:{v}" for v in verdict.violations]
            if decided_by == "self_check"
            else verdict.violations
        )
        if final:  # sentences checked as they come are checked again, and recorded, with the whole reply
            self._record("medium", verdict.violations, "reply", lang, reply, reasons, session_id)
        return GateDecision(
            replace_with=safe_fallback(lang),
            level="none",
            reason="reply-policy:" + ",".join(reasons),
            details={
                **details,
                "violations": verdict.violations,
                "evidence": verdict.evidence,
                "decided_by": decided_by,
            },
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
