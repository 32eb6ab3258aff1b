"""An LLM judgement of a message's emotion, validated; any failure falls back silently."""

from __future__ import annotations

import json
import logging
import re

from pydantic import BaseModel, Field, ValidationError

from carellm.emotion.labels import PRIMARY

log = logging.getLogger(__name__)

PROMPT = (
    "Rate the emotions expressed in the user's message. Answer with JSON only, no prose, exactly "
    'this shape: {{"scores": {{"anxiety": 0-1, "sadness": 0-1, "anger": 0-1, "shame": 0-1, '
    '"loneliness": 0-1, "joy": 0-1, "neutral": 0-1}}}}\nMessage ({lang}): {text}'
)
_JSON = re.compile(r"\{.*\}", re.S)


class _Judgement(BaseModel):
    scores: dict[str, float] = Field(...)

    def checked(self) -> dict[str, float]:
        if set(self.scores) != set(PRIMARY) or not all(0.0 <= v <= 1.0 for v in self.scores.values()):
            raise ValueError("scores must cover exactly the seven labels, each in [0, 1]")
        return self.scores


def llm_scores(backend, text: str, lang: str) -> dict[str, float] | None:
    """Scores from the model, or None when its answer is not valid JSON of the right shape."""
    from carellm.backends.base import GenerationOptions, Message

    messages = [
        Message("system", "You are a careful annotator of emotions in text."),
        Message("user", PROMPT.format(lang=lang, text=text[:2000])),
    ]
    try:
        answer = "".join(
            c.text for c in backend.stream(messages, GenerationOptions(max_new_tokens=120, temperature=0))
        )
        match = _JSON.search(answer)
        if match is None:
            raise ValueError("no JSON object in the answer")
        return _Judgement.model_validate(json.loads(match.group(0))).checked()
    except (ValueError, ValidationError, json.JSONDecodeError) as exc:
        log.info("LLM emotion judgement unusable (%s); using lexicon/classifier only", type(exc).__name__)
        return None
