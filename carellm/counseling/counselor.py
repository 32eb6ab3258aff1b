"""`Counselor`: the Python API. Loads a backend once and opens sessions on it."""

from __future__ import annotations

from carellm.backends.base import Backend
from carellm.config import Settings, load_settings
from carellm.counseling.hooks import EmotionObserver, SafetyGate, TurnRecorder
from carellm.counseling.session import Session


def load_backend(settings: Settings) -> Backend:
    """The engine named by the settings: in-process transformers, or an OpenAI-compatible server."""
    if settings.backend == "openai":
        from carellm.backends.openai import OpenAIBackend

        return OpenAIBackend.from_settings(settings)
    from carellm.backends.omni import OmniBackend

    return OmniBackend.load(settings)


def default_gate(settings: Settings) -> SafetyGate:
    from carellm.safety.gate import SafetyLayer

    return SafetyLayer.from_settings(settings)  # hotlines for CARELLM_LOCALE


class Counselor:
    """A loaded model plus the layers every session shares.

    >>> c = Counselor.load("Qwen/Qwen2.5-Omni-7B")
    >>> s = c.session(lang="zh")
    >>> r = s.send("我最近压力很大", audio="a.wav")
    """

    def __init__(self, backend: Backend, settings: Settings, gate: SafetyGate | None = None) -> None:
        self.backend = backend
        self.settings = settings
        # Every session passes through the crisis layer; there is deliberately no way to turn it off.
        self.gate = gate or default_gate(settings)

    @classmethod
    def load(
        cls, model: str | None = None, settings: Settings | None = None, **overrides: object
    ) -> Counselor:
        """Load `model` (hub id or local folder). `overrides` are Settings fields, e.g. audio_output=False."""
        settings = settings or load_settings(model=model, **overrides)
        if model is not None and settings.model != model:
            settings = settings.model_copy(update={"model": model})
        return cls(load_backend(settings), settings)

    def session(
        self,
        lang: str | None = None,
        voice: str | None = None,
        speak: bool = False,
        emotion: EmotionObserver | bool = True,
        recorder: TurnRecorder | None = None,
        session_id: str | None = None,
    ) -> Session:
        """A new conversation. `lang`: zh, en or auto (detected from the first message).

        `emotion`: True (default) tracks text and voice emotion per turn, False turns it off,
        or pass your own EmotionObserver.
        """
        if voice is not None and voice not in {"Chelsie", "Ethan"}:
            from carellm.errors import ConfigError

            raise ConfigError(f"Unknown voice '{voice}'.", "Choose Chelsie or Ethan.")
        return Session(
            self.backend,
            self.settings,
            self.gate,
            lang=lang,
            voice=voice,
            speak=speak and self.backend.can_speak,
            emotion=_emotion_observer(emotion),
            recorder=recorder,
            session_id=session_id,
        )


def _emotion_observer(choice: EmotionObserver | bool) -> EmotionObserver | None:
    if choice is True:
        from carellm.emotion import SessionEmotionTracker

        return SessionEmotionTracker()
    return choice or None
