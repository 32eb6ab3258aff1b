"""What the session does at each risk level: the response policy, in one place.

high / imminent -> the model's reply is replaced by the fixed crisis response (warm, asks
about immediate safety, gives the locale's lines, keeps the conversation open);
medium -> the model answers and a gentle check-in with two lines is appended;
none / low -> nothing is added.
"""

from __future__ import annotations

from dataclasses import dataclass

from carellm.safety.assess import RiskAssessment
from carellm.safety.patterns import RANK
from carellm.safety.resources import check_in, crisis_response


@dataclass(frozen=True)
class PolicyAction:
    replace_with: str | None = None
    append: str | None = None


def respond_to_risk(risk: RiskAssessment, lang: str, locale: str | None = None) -> PolicyAction:
    """The action for one assessed user turn."""
    if RANK[risk.level] >= RANK["high"]:
        return PolicyAction(replace_with=crisis_response(lang, locale, risk.categories))
    if risk.level == "medium":
        return PolicyAction(append=check_in(lang, locale))
    return PolicyAction()
