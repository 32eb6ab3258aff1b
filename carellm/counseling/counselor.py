"""`Counselor`: the Python API, and the one place a counseling setup is assembled.

It loads a backend once and wires what every session shares: the safety gate (whose risk events
go to the recorder), the recorder (the session store, when there is one) and the emotion
tracker. Interfaces (cli/, serve/, web/, app.py) call `Counselor.load` and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from carellm.backends.base import Backend, Message
from carellm.config import VOICES, Settings, Voice, load_settings
from carellm.counseling.fixed_speech import FixedSpeech
from carellm.counseling.history import Exchange
from carellm.counseling.hooks import EmotionObserver, SafetyGate, SessionArchive, TurnRecorder
from carellm.counseling.session import Session
from carellm.errors import ConfigError
from carellm.language import Lang
from carellm.media import MediaItem

# True: the emotion package's tracker per session; False: none; or a factory of your own.
EmotionFactory = Callable[[], EmotionObserver]
EmotionChoice = bool | EmotionFactory


def load_backend(settings: Settings) -> Backend:
    """The engine named by the settings: in-process transformers, an OpenAI-compatible server, or
    an MNN export (`carellm export mnn`) on the CPU."""
    if settings.backend == "mnn":
        from carellm.backends.mnn import MNNBackend

        return MNNBackend.load(settings)
    if settings.backend == "openai":
        from carellm.backends.openai import OpenAIBackend

        return OpenAIBackend.from_settings(settings)
    from carellm.backends.omni import OmniBackend

    return OmniBackend.load(settings)


def default_gate(
    settings: Settings, events: SessionArchive | None = None, backend: Backend | None = None
) -> SafetyGate:
    """The crisis layer, hotlines for CARELLM_LOCALE; risk events go to `events` (else memory); the
    reply guard's model self-check on `backend` per CARELLM_GUARD_SELF_CHECK."""
    from carellm.safety.gate import SafetyLayer

    return SafetyLayer.from_settings(settings, events=events, backend=backend)


class Counselor:
    """A loaded model plus the layers every session shares.

    >>> c = Counselor.load("Qwen/Qwen2.5-Omni-7B")
    >>> s = c.session(lang="zh")
    >>> r = s.send("我最近压力很大", audio="a.wav")
    """

    def __init__(
        self,
        backend: Backend,
        settings: Settings,
        gate: SafetyGate | None = None,
        recorder: SessionArchive | None = None,
        emotion: EmotionChoice = True,
    ) -> None:
        self.backend = backend
        self.settings = settings
        self.recorder = recorder
        self.emotion = emotion
        # Every session passes through the crisis layer; there is deliberately no way to turn it off.
        # A gate passed in keeps its own event sink; the default one reports to the recorder.
        self.gate = gate or default_gate(settings, events=recorder, backend=backend)
        # The crisis response's speech, kept per text and voice for all sessions (fixed_speech.py).
        self.fixed_speech = FixedSpeech()

    @classmethod
    def load(
        cls,
        model: str | Settings | None = None,
        settings: Settings | None = None,
        *,
        recorder: SessionArchive | None = None,
        emotion: EmotionChoice = True,
        **overrides: object,
    ) -> Counselor:
        """Load the model named by `settings` (or `model`, a hub id or local folder), wired to `recorder`.

        `overrides` are Settings fields, e.g. audio_output=False. `recorder`: the session store
        (`carellm.store.open_recorder`) that keeps every turn and risk event.
        """
        if isinstance(model, Settings):
            settings, model = model, None
        settings = settings or load_settings(model=model, **overrides)
        if model is not None and settings.model != model:
            settings = settings.model_copy(update={"model": model})
        return cls(load_backend(settings), settings, recorder=recorder, emotion=emotion)

    def warm_up(self) -> None:
        """Make the engine ready for its first requests now (a server calls this before it
        accepts any): see `Backend.warm_up`."""
        self.backend.warm_up()

    def prepare_crisis_speech(self, lang: Lang, voice: Voice | None = None) -> None:
        """Speak the crisis response of `lang` (this locale's) now and keep it, so the first crisis
        turn in that voice starts speaking at once (slow: the talker runs; call it on a thread)."""
        if not self.backend.can_speak:
            return
        from carellm.safety.resources import crisis_response

        text = crisis_response(lang, self.settings.locale).strip()
        voice = voice or self.settings.voice
        seconds = self.settings.max_speech_seconds
        context = [Message("user", "")]
        backend = self.backend
        self.fixed_speech.prepare(text, voice, lambda: backend.speak_stream(context, text, voice, seconds))

    def session(
        self,
        lang: str | None = None,
        voice: Voice | None = None,
        speak: bool = False,
        emotion: EmotionObserver | bool | None = None,
        recorder: TurnRecorder | None = None,
        session_id: str | None = None,
    ) -> Session:
        """A new conversation. `lang`: zh, en or auto (detected from the first message).

        `emotion`: None uses the counselor's choice; True tracks text and voice emotion per turn,
        False turns it off, or pass your own EmotionObserver. `recorder`: None uses the counselor's.
        """
        if voice is not None and voice not in VOICES:
            raise ConfigError(f"Unknown voice '{voice}'.", f"Choose {' or '.join(VOICES)}.")
        return Session(
            self.backend,
            self.settings,
            self.gate,
            lang=lang,
            voice=voice,
            speak=speak and self.backend.can_speak,
            emotion=self._emotion_observer(emotion),
            recorder=recorder or self.recorder,
            session_id=session_id,
            fixed_speech=self.fixed_speech,
        )

    def resume(
        self,
        session_id: str,
        lang: str | None = None,
        voice: Voice | None = None,
        speak: bool = False,
        *,
        emotion: EmotionObserver | bool | None = None,
        archive: SessionArchive | None = None,
    ) -> Session:
        """The stored session `session_id` with its turns as history, or a new session with that id.

        `archive`: where its turns are read from and recorded to (None: the counselor's recorder);
        `emotion` as in `session()`.
        """
        archive = archive or self.recorder
        if archive is None:
            raise ConfigError(
                "Resuming a session needs the session store.",
                "Load the counselor with recorder=open_recorder(settings, warn=print).",
            )
        past = archive.past_turns(session_id)
        session = self.session(
            lang=lang, voice=voice, speak=speak, emotion=emotion, recorder=archive, session_id=session_id
        )
        exchanges = []
        for turn in past:
            media = [MediaItem(m.kind, m.source, name=m.name) for m in turn.media]
            user = Message("user", turn.user_text, media)
            exchanges.append(Exchange(user, turn.reply_text, turn.risk, turn.speech_transcript))
        if exchanges:
            session.resume(exchanges)
        if past and past[0].turn_index is not None:
            session.first_index = past[0].turn_index  # the history starts at a reset
        return session

    def _emotion_observer(self, choice: EmotionObserver | bool | None) -> EmotionObserver | None:
        """A session's observer: `choice` when it is one, else per the counselor's `emotion`."""
        if choice is None:
            if isinstance(self.emotion, bool):
                choice = self.emotion
            else:
                return self.emotion()
        if choice is True:
            from carellm.emotion import SessionEmotionTracker

            return SessionEmotionTracker()
        return choice or None
