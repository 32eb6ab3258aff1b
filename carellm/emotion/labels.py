"""The emotion label sets and how GoEmotions maps onto CareLLM's seven."""

from __future__ import annotations

PRIMARY = ("anxiety", "sadness", "anger", "shame", "loneliness", "joy", "neutral")

# GoEmotions (Demszky et al., 2020): 27 emotions + neutral, in the dataset's id order.
GOEMOTIONS = (
    "admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion", "curiosity",
    "desire", "disappointment", "disapproval", "disgust", "embarrassment", "excitement", "fear",
    "gratitude", "grief", "joy", "love", "nervousness", "optimism", "pride", "realization", "relief",
    "remorse", "sadness", "surprise", "neutral",
)  # fmt: skip

GOEMOTIONS_TO_PRIMARY = {
    "admiration": "joy", "amusement": "joy", "anger": "anger", "annoyance": "anger", "approval": "joy",
    "caring": "joy", "confusion": "anxiety", "curiosity": "neutral", "desire": "joy",
    "disappointment": "sadness", "disapproval": "anger", "disgust": "anger", "embarrassment": "shame",
    "excitement": "joy", "fear": "anxiety", "gratitude": "joy", "grief": "sadness", "joy": "joy",
    "love": "joy", "nervousness": "anxiety", "optimism": "joy", "pride": "joy", "realization": "neutral",
    "relief": "joy", "remorse": "shame", "sadness": "sadness", "surprise": "neutral", "neutral": "neutral",
}  # fmt: skip

# Circumplex placement of each primary emotion (Russell, 1980): valence in [-1, 1], arousal in [0, 1].
VALENCE = {
    "anxiety": -0.6,
    "sadness": -0.7,
    "anger": -0.7,
    "shame": -0.6,
    "loneliness": -0.6,
    "joy": 0.8,
    "neutral": 0.0,
}
AROUSAL = {
    "anxiety": 0.8,
    "sadness": 0.3,
    "anger": 0.85,
    "shame": 0.45,
    "loneliness": 0.3,
    "joy": 0.6,
    "neutral": 0.2,
}

NAMES_ZH = {
    "anxiety": "焦虑",
    "sadness": "低落",
    "anger": "愤怒",
    "shame": "羞愧",
    "loneliness": "孤独",
    "joy": "愉快",
    "neutral": "平静",
}
