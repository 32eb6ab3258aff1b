"""Risk assessment of a user's message (and the turns before it), without any model.

Patterns find signals; this module decides what they add up to: negation ("I would never"),
the past tense with recovery ("last year ... now I'm better" -> low), a film or the news
rather than oneself, a time marker ("tonight") next to intent, preparation next to
ideation, and signals spread over several turns of one conversation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from carellm.language import detect_lang
from carellm.safety.categories import guess_category
from carellm.safety.normalize import normalize
from carellm.safety.patterns import (
    DENIAL,
    LEVELS,
    MEDIA_CONTEXT,
    NEGATION,
    NOT_A_NEGATION,
    NOW,
    ONGOING,
    OTHERS_DEATH,
    PAST,
    PATTERNS,
    RANK,
    RECOVERED,
    THIRD_PARTY,
)
from carellm.safety.risk_model import LONG_CHARS, load_risk_model

MAX_CHARS = 200_000  # beyond this only the start and the end are read (a paste of a whole book)
HISTORY_TURNS = 10
WINDOW_TURNS = 3  # earlier user turns the learned model reads with the current one
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z]")
_SELF_IN_MEDIA = {
    "en": re.compile(
        r"\b(?:me too|i also|i feel|i want|i've been|makes me want|i relate|same here|like me|i do too)\b"
    ),
    "zh": re.compile(r"我也|我自己|跟我一样|和我一样|让我也想|我真的|我好想|我也想"),
}
# A film, the news or a book named outright: with no risk phrase of the user's own, the learned
# model's word statistics ("suicide", "die") are about the story, not the user. Narrower than
# MEDIA_CONTEXT ("story", "game", "play" are everyday words in a person's own account).
_MEDIA_NAMED = {
    "en": re.compile(
        r"\b(?:movie|film|series|episode|documentary|news|article|novel|character|lyrics|anime|manga|podcast)\b"
    ),
    "zh": re.compile(r"电影|电视剧|小说|新闻|报道|纪录片|角色|歌词|动漫|漫画"),
}
# A match that opens with its own subject ("... will never be famous i want to die") starts a
# new clause: a "never" or "not" before it belongs to the clause before...
_NEW_CLAUSE = re.compile(r"i\b(?!'?d\b)")
# ...unless the negation is of the saying or thinking of it: "I don't think I want to die".
_NEGATES_CLAUSE = re.compile(
    r"(?:n't|\bnot|\bnever)\s+(?:really\s+|even\s+)?"
    r"(?:think|believe|feel like|mean|meant|say|said|saying|claim|claimed|that)\s*$"
)
# Signs that it is happening again, which outweigh "I'm better now".
_STILL = {
    "en": re.compile(r"\b(?:again|still|coming back|relapsed|lately)\b"),
    "zh": re.compile(r"又|还是|还在|又开始|最近"),
}
_RISK_KINDS = {"ideation", "hopelessness", "means", "plan", "farewell", "self_harm", "act", "model"}
_PREPARATION = {"means", "plan", "farewell", "act"}


@dataclass
class RiskAssessment:
    level: str = "none"
    categories: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    lang: str = "en"
    signals: list[str] = field(default_factory=list)  # signal kinds, e.g. ideation, means
    reasons: list[str] = field(default_factory=list)  # rule ids and adjustments, for audits

    @property
    def flagged(self) -> bool:
        return RANK[self.level] >= RANK["medium"]

    def to_dict(self) -> dict:
        return {
            "level": self.level,
            "categories": self.categories,
            "evidence": self.evidence,
            "lang": self.lang,
        }


def _negated(key: str, before: str, matched: str) -> bool:
    """Whether the words `before` a negatable match take it back ("I would never kill myself")."""
    if not NEGATION[key].search(before) or NOT_A_NEGATION[key].search(before):
        return False
    opens_clause = key == "en" and _NEW_CLAUSE.match(matched)
    return not opens_clause or bool(_NEGATES_CLAUSE.search(before))


def _raise(level: str, to: str) -> str:
    return to if RANK[to] > RANK[level] else level


def _cap(level: str, to: str) -> str:
    return to if RANK[level] > RANK[to] else level


@lru_cache(maxsize=4096)
def _assess_one(text: str) -> RiskAssessment:
    norm = normalize(
        text[:MAX_CHARS] if len(text) <= MAX_CHARS else text[: MAX_CHARS // 2] + " " + text[-MAX_CHARS // 2 :]
    )
    result = RiskAssessment(lang=detect_lang(norm))
    scripts = [k for k, rx in (("en", _LATIN), ("zh", _CJK)) if rx.search(norm)]
    kinds: set[str] = set()
    categories: dict[str, None] = {}
    level = "none"
    capped = False
    for key in scripts:
        media = MEDIA_CONTEXT[key].search(norm) and not _SELF_IN_MEDIA[key].search(norm)
        others = [m.span() for m in OTHERS_DEATH[key].finditer(norm)]
        if others:
            result.reasons.append("others-death")
        for pattern in PATTERNS[key]:
            for match in pattern.regex.finditer(norm):
                if any(a <= match.start() < b for a, b in others):
                    continue  # "my friend's suicide": grief, not the user's own risk
                before = norm[max(0, match.start() - 24) : match.start()]
                if pattern.negatable and _negated(key, before, match.group(0)):
                    result.reasons.append(f"negated:{pattern.id}")
                    continue
                found = pattern.level
                if media:
                    found = "low"
                    result.reasons.append(f"media-context:{pattern.id}")
                level = _raise(level, found)
                kinds.add(pattern.kind)
                categories.setdefault(pattern.category)
                result.evidence.append(match.group(0).strip())
                result.reasons.append(pattern.id)
                break
        if media and not kinds and _MEDIA_NAMED[key].search(norm):
            result.reasons.append("media-mention")
        third = THIRD_PARTY[key].search(norm)
        if third and not media:
            level = _raise(level, "medium")
            kinds.add("third_party")
            categories.setdefault("suicide")
            result.evidence.append(third.group(0))
            result.reasons.append(f"third-party:{key}")
        recovered = RECOVERED[key].search(norm) and not _STILL[key].search(norm)
        if kinds & _RISK_KINDS and PAST[key].search(norm) and (recovered or not ONGOING[key].search(norm)):
            level = _cap(level, "low" if recovered else "medium")
            result.reasons.append("past-recovered" if recovered else "past")
            capped = True
        elif (
            kinds & {"ideation", "plan", "means", "farewell", "others"}
            and NOW[key].search(norm)
            and RANK[level] >= RANK["high"]
            and not media
        ):
            level = "imminent"
            result.reasons.append("time-marker")
    if (
        not capped
        and kinds & _PREPARATION
        and kinds & {"ideation", "hopelessness"}
        and RANK[level] >= RANK["medium"]
    ):
        level = _raise(level, "high")
        result.reasons.append("preparation+ideation")
    result.level = level
    result.categories = list(categories)
    result.signals = sorted(kinds)
    return result


def assess(text: str, lang: str | None = None, history: Sequence[str] = ()) -> RiskAssessment:
    """Risk in `text`, raised by signals from earlier user turns of the same conversation.

    The learned model reads the message (a long one also in pieces) and the conversation
    window (the last few user turns with this one), so risk that shows only across turns
    ("yes, together" after an invitation) is caught.
    """
    if not isinstance(text, str):
        raise TypeError("assess() takes the message text as a str")
    earlier_texts = [t for t in list(history)[-HISTORY_TURNS:] if t]
    current = _with_model(_assess_one(text), text, earlier_texts[-WINDOW_TURNS:])
    result = RiskAssessment(
        level=current.level,
        categories=list(current.categories),
        evidence=list(current.evidence),
        lang=lang if lang in {"zh", "en"} else current.lang,
        signals=list(current.signals),
        reasons=list(current.reasons),
    )
    earlier = [_assess_one(t) for t in earlier_texts]
    past_kinds = {k for a in earlier if RANK[a.level] >= RANK["low"] for k in a.signals} & _RISK_KINDS
    past_top = max((RANK[a.level] for a in earlier), default=0)
    now_kinds = set(current.signals) & _RISK_KINDS
    if now_kinds and past_kinds - now_kinds:
        combined = now_kinds | past_kinds
        target = "high" if combined & _PREPARATION and combined & {"ideation", "hopelessness"} else "medium"
        if RANK[target] > RANK[result.level]:
            result.level = target
            result.reasons.append(f"history:{'+'.join(sorted(combined))}")
    elif now_kinds & past_kinds and result.level == "low":
        result.level = "medium"  # the same warning sign again and again
        result.reasons.append("history:repeated")
    if past_top >= RANK["high"] and (now_kinds & _PREPARATION or _mentions_now(text)):
        result.level = "imminent" if now_kinds or _mentions_now(text) else result.level
        result.reasons.append("history-high+now")
    for a in earlier:
        if RANK[a.level] >= RANK["medium"] and result.level != "none":
            for cat in a.categories:
                if cat not in result.categories:
                    result.categories.append(cat)
    return result


def _with_model(rules: RiskAssessment, text: str, window: Sequence[str] = ()) -> RiskAssessment:
    """Patterns first; the learned model may raise the message to medium or high.

    Patterns keep the last word where they know more than word statistics: a negation, a past
    risk with recovery, a film or the news, grief for someone else, "I don't want to die".
    The window (earlier turns + this one) may raise to medium only: it says the conversation
    is at risk, not that this message is a crisis by itself.
    """
    if RANK[rules.level] >= RANK["high"] or not text.strip() or _stands_down(rules, text):
        return rules
    model = load_risk_model()
    lang = rules.lang if rules.lang in {"zh", "en"} else "en"
    if len(text) >= LONG_CHARS:
        window = ()  # a long post carries its own context; reading it twice only costs time
    texts = [text, "\n".join([*window, text])] if window else [text]
    probabilities = model.probabilities(texts, lang)
    found = model.level(float(probabilities[0]), lang, len(text))
    reason = f"model:{probabilities[0]:.2f}"
    # The window is chat messages, not a forum post: it is held to the message's threshold.
    if window and found == "none" and model.level(float(probabilities[1]), lang, len(text)) != "none":
        found, reason = "medium", f"model-window:{probabilities[1]:.2f}"
    if RANK[found] <= RANK[rules.level]:
        return rules
    category = guess_category(text if reason.startswith("model:") else " ".join([*window, text]))
    return RiskAssessment(
        level=found,
        categories=list(dict.fromkeys([*rules.categories, category])),
        evidence=list(dict.fromkeys([*rules.evidence, text.strip()[:120]])),
        lang=rules.lang,
        signals=sorted({*rules.signals, "model"}),
        reasons=[*rules.reasons, reason],
    )


def _stands_down(rules: RiskAssessment, text: str) -> bool:
    """The patterns saw a reason the words are not the user's own risk now.

    Only in a short message: in a long post a "not", "without" or a film named somewhere
    before a phrase does not take the whole post back. On the real development posts these
    checks blocked 49 crisis posts the model had found, to spare 4 false alarms.
    """
    if len(text) >= LONG_CHARS:
        return False
    reasons = " ".join(rules.reasons)
    if "media-context" in reasons or "past-recovered" in rules.reasons or "negated:" in reasons:
        return True
    return rules.level == "none" and (
        "others-death" in rules.reasons or "media-mention" in rules.reasons or _denies_risk(text)
    )


def _denies_risk(text: str) -> bool:
    """A plain "I don't want to die", not one followed by "but ..." (which takes it back)."""
    norm = normalize(text[:2000])
    return any((found := rx.search(norm)) and not _BUT.search(norm, found.end()) for rx in DENIAL.values())


_BUT = re.compile(r"\bbut\b|\bhowever\b|但是|可是|不过")


def _mentions_now(text: str) -> bool:
    norm = normalize(text[:2000])
    return any(rx.search(norm) for rx in NOW.values())


__all__ = ["LEVELS", "RiskAssessment", "assess"]
