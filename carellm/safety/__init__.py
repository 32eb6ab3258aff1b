"""Crisis and safety layer: runs on CPU, offline, before and without the model."""

from carellm.safety.assess import RiskAssessment, assess
from carellm.safety.events import InMemoryEventSink, RiskEvent, SafetyEventSink
from carellm.safety.gate import SafetyLayer
from carellm.safety.reply_guard import guard_reply, safe_fallback
from carellm.safety.resources import check_in, crisis_lines, crisis_response, hotlines

__all__ = [
    "InMemoryEventSink",
    "RiskAssessment",
    "RiskEvent",
    "SafetyEventSink",
    "SafetyLayer",
    "assess",
    "check_in",
    "crisis_lines",
    "crisis_response",
    "guard_reply",
    "hotlines",
    "safe_fallback",
]
