"""Text emotion: lexicon always, a trained classifier when given, the loaded LLM when asked."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from carellm.emotion.labels import AROUSAL, PRIMARY, VALENCE
from carellm.emotion.lexicon import lexicon_scores
from carellm.language import detect_lang

_CJK_OR_LATIN = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
_LATIN_WORDS = re.compile(r"[A-Za-zÀ-ÿ']+")
# The most frequent English words; real English text of three or more words contains some.
_ENGLISH = set(
    [
        "i",
        "me",
        "my",
        "you",
        "your",
        "we",
        "he",
        "she",
        "it",
        "they",
        "is",
        "am",
        "are",
        "was",
        "were",
        "be",
        "been",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "not",
        "no",
        "and",
        "or",
        "but",
        "so",
        "if",
        "the",
        "a",
        "an",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "about",
        "this",
        "that",
        "what",
        "how",
        "why",
        "when",
        "can",
        "can't",
        "don't",
        "i'm",
        "it's",
        "feel",
        "so",
        "very",
        "just",
        "really",
        "all",
    ]
)


def _language(text: str) -> str:
    """zh, en, or other: the lexicons exist for two languages only, so guessing helps nobody."""
    if _KANA_HANGUL.search(text) or not _CJK_OR_LATIN.search(text):
        return "other"
    lang = detect_lang(text)
    if lang == "en":
        words = [w.lower() for w in _LATIN_WORDS.findall(text)]
        if any(not w.isascii() for w in words) or (len(words) >= 3 and not _ENGLISH & set(words)):
            return "other"
    return lang


@dataclass
class TextEmotion:
    primary: str
    scores: dict[str, float]
    valence: float
    arousal: float
    keywords: list[str] = field(default_factory=list)
    goemotions: dict[str, float] = field(default_factory=dict)
    lang: str = "en"
    source: str = "lexicon"  # which backends produced it: lexicon, classifier, llm (joined with +)

    def to_dict(self) -> dict:
        return asdict(self)


def _normalise(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    if total <= 0:
        return {k: (1.0 if k == "neutral" else 0.0) for k in PRIMARY}
    return {k: round(weights.get(k, 0.0) / total, 4) for k in PRIMARY}


def from_scores(scores: dict[str, float], **extra) -> TextEmotion:
    scores = _normalise(scores)
    primary = max(PRIMARY, key=lambda k: scores[k])
    valence = sum(scores[k] * VALENCE[k] for k in PRIMARY)
    arousal = sum(scores[k] * AROUSAL[k] for k in PRIMARY)
    return TextEmotion(primary, scores, round(max(-1.0, min(1.0, valence)), 4), round(arousal, 4), **extra)


def analyze_texts(
    texts: list[str], lang: str | list[str | None] | None = None, classifier=None
) -> list[TextEmotion]:
    """Many texts at once (`lang` one for all, or one per text); a classifier embeds them in batches."""
    langs = lang if isinstance(lang, list) else [lang] * len(texts)
    scored = classifier.primary_scores_many([t or " " for t in texts]) if classifier else [None] * len(texts)
    return [analyze_text(t, g, classifier, _model=m) for t, g, m in zip(texts, langs, scored, strict=True)]


def analyze_text(
    text: str, lang: str | None = None, classifier=None, backend=None, _model=None
) -> TextEmotion:
    """The emotion a message expresses. `classifier`: an EmotionClassifier; `backend`: a loaded model.

    Unsupported languages get `lang: other` and a neutral result rather than a guess.
    """
    text = (text or "").strip()
    if lang in (None, "auto"):
        lang = _language(text)
    if not text or lang not in ("zh", "en"):
        return from_scores({}, lang=lang or "other", source="none")
    weights, keywords = lexicon_scores(text, lang)
    sources = ["lexicon"]
    goemotions: dict[str, float] = {}
    lexical = _normalise(weights) if weights else {k: 0.0 for k in PRIMARY}
    combined = dict(lexical) if weights else {"neutral": 1.0}
    if classifier is not None:
        model_scores, goemotions = _model or classifier.primary_scores(text)
        model = _normalise(model_scores)
        # The classifier carries more weight when the lexicon found little to go on.
        share = 0.7 if not weights else 0.5
        combined = {k: (1 - share) * combined.get(k, 0.0) + share * model[k] for k in PRIMARY}
        sources.append("classifier")
    if backend is not None:
        from carellm.emotion.llm import llm_scores

        judged = llm_scores(backend, text, lang)
        if judged is not None:
            share = 0.8 if not weights and classifier is None else 0.5
            combined = {k: (1 - share) * combined.get(k, 0.0) + share * judged.get(k, 0.0) for k in PRIMARY}
            sources.append("llm")
    return from_scores(
        combined, keywords=keywords, goemotions=goemotions, lang=lang, source="+".join(sources)
    )
