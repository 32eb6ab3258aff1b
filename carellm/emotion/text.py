"""Text emotion: the shipped model and the lexicon, a trained classifier when given, the LLM when asked."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from carellm.emotion.labels import AROUSAL, PRIMARY, VALENCE
from carellm.emotion.lexicon import lexicon_scores
from carellm.emotion.model import EmotionModel, load_emotion_model
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


def combine(model: dict[str, float], lexical: dict[str, float], lexicon_share: float) -> dict[str, float]:
    """The model's probabilities with the lexicon's normalised scores (empty: no lexicon word).

    Labels the model was not trained on for this language (loneliness everywhere, shame in
    Chinese: no real corpus labels them) are the lexicon's alone: its curated lists keep their
    share, and the model's labels share the rest, `lexicon_share` of it still from the lexicon.
    """
    unknown = {k: lexical.get(k, 0.0) for k in PRIMARY if k not in model}
    rest = 1.0 - sum(unknown.values())
    if not lexical:
        return {**unknown, **model}
    own = {k: (1 - lexicon_share) * p + lexicon_share * lexical.get(k, 0.0) for k, p in model.items()}
    total = sum(own.values()) or 1.0
    return {**unknown, **{k: rest * v / total for k, v in own.items()}}


def _shipped(model: EmotionModel | bool) -> EmotionModel | None:
    if model is True:
        return load_emotion_model()
    return model or None


def analyze_texts(
    texts: list[str],
    lang: str | list[str | None] | None = None,
    classifier=None,
    *,
    model: EmotionModel | bool = True,
) -> list[TextEmotion]:
    """Many texts at once (`lang` one for all, or one per text); a classifier embeds them in batches."""
    langs = lang if isinstance(lang, list) else [lang] * len(texts)
    scored = classifier.primary_scores_many([t or " " for t in texts]) if classifier else [None] * len(texts)
    return [
        analyze_text(t, g, classifier, _model=m, model=model)
        for t, g, m in zip(texts, langs, scored, strict=True)
    ]


def analyze_text(
    text: str,
    lang: str | None = None,
    classifier=None,
    backend=None,
    _model=None,
    *,
    model: EmotionModel | bool = True,
    lexicon_share: float | None = None,
) -> TextEmotion:
    """The emotion a message expresses.

    `model`: True (default) for the shipped emotion model (the lexicon alone when its file is
    missing), False for the lexicon alone, or an EmotionModel; `lexicon_share`: how much the
    lexicon counts beside it (default: the share chosen on dev when it was trained).
    `classifier`: an EmotionClassifier; `backend`: a loaded model. Unsupported languages get
    `lang: other` and a neutral result rather than a guess.
    """
    raw = text or ""  # the head reads the message as the crisis layer did: one cached encoding
    text = raw.strip()
    if lang in (None, "auto"):
        lang = _language(text)
    if not text or lang not in ("zh", "en"):
        return from_scores({}, lang=lang or "other", source="none")
    weights, keywords = lexicon_scores(text, lang)
    sources = ["lexicon"]
    goemotions: dict[str, float] = {}
    lexical = _normalise(weights) if weights else {k: 0.0 for k in PRIMARY}
    combined = dict(lexical) if weights else {"neutral": 1.0}
    head = _shipped(model)
    if head is not None:
        share = float(head.meta.get("lexicon_share", 0.0)) if lexicon_share is None else lexicon_share
        combined = combine(head.probabilities(raw, lang), lexical if weights else {}, share)
        sources.append("model")
    if classifier is not None:
        model_scores, goemotions = _model or classifier.primary_scores(text)
        scores = _normalise(model_scores)
        # The classifier carries more weight when the lexicon found little to go on.
        share = 0.7 if not weights else 0.5
        combined = {k: (1 - share) * combined.get(k, 0.0) + share * scores[k] for k in PRIMARY}
        sources.append("classifier")
    if backend is not None:
        from carellm.emotion.llm import llm_scores

        judged = llm_scores(backend, text, lang)
        if judged is not None:
            share = 0.8 if not weights and classifier is None and head is None else 0.5
            combined = {k: (1 - share) * combined.get(k, 0.0) + share * judged.get(k, 0.0) for k in PRIMARY}
            sources.append("llm")
    return from_scores(
        combined, keywords=keywords, goemotions=goemotions, lang=lang, source="+".join(sources)
    )
