"""Emotion analysis of what people write and how they sound; runs offline on CPU."""

from carellm.emotion.text import TextEmotion, analyze_text, analyze_texts
from carellm.emotion.tracker import SessionEmotionTracker, TurnEmotion
from carellm.emotion.voice import VoiceEmotion, analyze_voice

__all__ = [
    "SessionEmotionTracker",
    "TextEmotion",
    "TurnEmotion",
    "VoiceEmotion",
    "analyze_text",
    "analyze_texts",
    "analyze_voice",
]
