"""A counseling session: the turn pipeline every interface goes through.

Order per turn (see hooks.py): user text (and a transcript of their speech) -> safety gate ->
model (streamed) -> reply guard -> speech of the approved text -> emotion -> record. The
session's history changes only when a turn completes, so a failed or abandoned turn (bad
media, model error, a client that disconnects mid-stream) leaves it exactly as it was.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from carellm.backends.base import Backend, Chunk, GenerationOptions, Message
from carellm.backends.transcription import speech_items
from carellm.config import Settings
from carellm.counseling.disclaimer import disclaimer
from carellm.counseling.history import Exchange, History, spoken_turn
from carellm.counseling.hooks import EmotionObserver, GateDecision, SafetyGate, TurnRecord, TurnRecorder
from carellm.counseling.prompts import Lang
from carellm.counseling.sentences import settled_opening
from carellm.errors import CareLLMError, ConfigError, InputError
from carellm.language import detect_lang
from carellm.media import OUTPUT_SAMPLE_RATE, MediaItem, Source
from carellm.textclean import visible

MediaArg = Source | np.ndarray | Sequence[Source] | None
log = logging.getLogger(__name__)


@dataclass
class Reply:
    """What the user gets back for one turn."""

    text: str
    audio: np.ndarray | None
    lang: Lang
    turn_index: int
    model_text: str = ""
    user_gate: GateDecision = field(default_factory=GateDecision)
    reply_gate: GateDecision = field(default_factory=GateDecision)
    emotion: Any = None
    disclaimer: str | None = None  # set on a session's first reply
    sample_rate: int = OUTPUT_SAMPLE_RATE
    # The user's speech as the safety layer read it; speech_read is None when the turn held no
    # speech, False when it did and could not be read (the crisis layer saw the typed text only).
    speech_transcript: str | None = None
    speech_read: bool | None = None

    @property
    def crisis(self) -> bool:
        """True when the safety layer replaced the reply because of risk in the user's message."""
        return self.user_gate.replace_with is not None


class Session:
    """One conversation with one person. Not thread-safe: one turn at a time."""

    def __init__(
        self,
        backend: Backend,
        settings: Settings,
        gate: SafetyGate,
        lang: str | None = None,
        voice: str | None = None,
        speak: bool = False,
        emotion: EmotionObserver | None = None,
        recorder: TurnRecorder | None = None,
        session_id: str | None = None,
    ) -> None:
        lang = lang or settings.lang
        if lang not in {"auto", "zh", "en"}:
            raise ConfigError(f"Unsupported language '{lang}'.", "Use zh, en or auto.")
        self.backend, self.settings, self.gate = backend, settings, gate
        self.emotion, self.recorder = emotion, recorder
        self.fixed_lang: Lang | None = None if lang == "auto" else lang  # type: ignore[assignment]
        self.lang: Lang | None = self.fixed_lang
        self.voice = voice or settings.voice
        self.speak = speak
        self.id = session_id or uuid.uuid4().hex
        self.history = History()
        self.turns = 0

    # ------------------------------------------------------------------ public API
    @property
    def disclaimer(self) -> str:
        return disclaimer(self.lang or "")

    def send(
        self,
        text: str = "",
        audio: MediaArg = None,
        image: MediaArg = None,
        video: MediaArg = None,
        use_video_audio: bool = False,
        speak: bool | None = None,
        speak_early: bool | None = None,
    ) -> Reply:
        """One turn, waiting for the whole reply."""
        for chunk in self.stream(text, audio, image, video, use_video_audio, speak, speak_early):
            if chunk.kind == "done":
                assert isinstance(chunk.reply, Reply)
                return chunk.reply
        raise AssertionError("stream ended without a done chunk")  # pragma: no cover

    def stream(
        self,
        text: str = "",
        audio: MediaArg = None,
        image: MediaArg = None,
        video: MediaArg = None,
        use_video_audio: bool = False,
        speak: bool | None = None,
        speak_early: bool | None = None,
    ) -> Iterator[Chunk]:
        """One turn as chunks: `text` pieces, maybe `replace` (safety), `audio`, then `done`.

        `speak_early`: speak the reply's first sentence once the guard approves it alone, while
        the rest is written (None: `settings.stream_speech`). False says nothing until the whole
        reply is approved, for callers that never show or play a reply that may be withdrawn.
        """
        started = time.time()
        text = visible(text or "").strip()
        media = _media_items("audio", audio) + _media_items("image", image)
        media += _media_items("video", video, use_video_audio)
        if not text and not media:
            raise InputError("Nothing to send: the message is empty.", "Type a message or attach a file.")
        for item in media:  # fail on bad media before anything else happens
            item.load(self.settings.media)
        lang: Lang = self.lang or (detect_lang(text) if text else "en")
        first_turn = self.turns == 0
        speak = self.speak if speak is None else speak
        speak_early = self.settings.stream_speech if speak_early is None else speak_early
        user = Message("user", text, media)

        speech = speech_items(media, self.settings.media)
        heard = self._hear(speech, self.lang or (lang if text else None)) if speech else None
        speech_read = bool(heard) if speech else None
        user_gate = self.gate.check_user_turn(
            spoken_turn(text, heard), lang, self.history.user_texts(), self.id
        )
        options = self._options(speak)
        budget = self.settings.context_tokens - options.max_new_tokens
        messages, trimmed = self.history.fit(lang, user, budget, self.backend.count_tokens)
        model_text = ""
        engine_audio: list[np.ndarray] = []  # from engines that speak while they write
        spoken: list[np.ndarray] = []
        opening = ""  # the reply's approved first sentence, already spoken
        if user_gate.replace_with is not None:
            final = user_gate.replace_with
            reply_gate = GateDecision()
            yield Chunk("text", text=final)
        else:
            early = speak and speak_early and self.backend.speaks_separately
            for chunk in self.backend.stream(messages, options):
                if chunk.kind == "text":
                    piece = visible(chunk.text)
                    model_text += piece
                    yield Chunk("text", text=piece)
                    if early and (candidate := settled_opening(model_text)) is not None:
                        early = False  # one early piece: the rest is spoken once all of it is checked
                        if self._speakable_early(candidate, lang):
                            opening = candidate
                            for wave in self._speech(messages, opening):
                                spoken.append(wave)
                                yield Chunk("audio", audio=wave)
                elif chunk.kind == "audio" and chunk.audio is not None:
                    engine_audio.append(chunk.audio)
            reply_gate = self.gate.check_reply(model_text, lang, self.id)
            final = model_text.strip()
            if reply_gate.replace_with is not None:
                final = reply_gate.replace_with
                yield Chunk("replace", text=final)
            for extra in (user_gate.append, reply_gate.append):
                if extra:
                    final += "\n\n" + extra
                    yield Chunk("text", text="\n\n" + extra)
        if speak:
            if engine_audio and final == model_text.strip():
                rest: Iterable[np.ndarray] = engine_audio  # the engine spoke exactly what is shown
            elif opening and final.startswith(opening):
                rest = self._speech(messages, final[len(opening) :])
            else:  # nothing said yet, or the reply was replaced after its opening was spoken
                rest = self._speech(messages, final)
            if self.settings.stream_speech:
                for wave in rest:
                    spoken.append(wave)
                    yield Chunk("audio", audio=wave)
            elif pieces := list(rest):
                spoken.append(np.concatenate(pieces))
                yield Chunk("audio", audio=spoken[-1])
        waveform = np.concatenate(spoken) if spoken else None
        user_audio = _first_audio(media, self.settings)
        emotion = self.emotion.observe(text, lang, user_audio) if self.emotion else None
        if emotion is not None and hasattr(emotion, "safety_level"):
            emotion.safety_level = user_gate.level

        # The turn succeeded: only now does the session change.
        self.lang = lang
        self.history = trimmed
        self.history.exchanges.append(Exchange(user, final, user_gate.level, heard or ""))
        index = self.turns
        self.turns += 1
        reply = Reply(
            text=final,
            audio=waveform,
            lang=lang,
            turn_index=index,
            model_text=model_text,
            user_gate=user_gate,
            reply_gate=reply_gate,
            emotion=emotion,
            disclaimer=self.disclaimer if first_turn else None,
            speech_transcript=heard,
            speech_read=speech_read,
        )
        if self.recorder:
            self.recorder.record(
                TurnRecord(
                    session_id=self.id,
                    turn_index=index,
                    lang=lang,
                    user_text=text,
                    media=[item.name for item in media],
                    reply_text=final,
                    model_text=model_text,
                    user_gate=user_gate,
                    reply_gate=reply_gate,
                    emotion=emotion,
                    started_at=started,
                    finished_at=time.time(),
                    audio_seconds=0.0 if waveform is None else len(waveform) / OUTPUT_SAMPLE_RATE,
                    speech_transcript=heard,
                    speech_read=speech_read,
                )
            )
        yield Chunk("done", reply=reply)

    def resume(self, exchanges: Sequence[Exchange]) -> None:
        """Continue a conversation whose earlier turns were held elsewhere (an API client resending them).

        They become this session's history and count as turns already taken, so the safety layer
        sees the earlier user messages and the disclaimer is not repeated. Only on a fresh session.
        """
        if self.turns or self.history.exchanges:
            raise ConfigError("This session already has turns.", "Resume only a new session.")
        self.history = History(list(exchanges))
        self.turns = len(exchanges)
        first = next((ex.user.text for ex in exchanges if ex.user.text.strip()), "")
        if self.lang is None and first:
            self.lang = detect_lang(first)

    def reset(self) -> None:
        """Forget the conversation and start a new session id (language goes back to the setting)."""
        self.history = History()
        self.turns = 0
        self.lang = self.fixed_lang
        self.id = uuid.uuid4().hex

    def transcript(self) -> list[dict]:
        """One JSON-ready object per message (the format `carellm emotion report --file` reads)."""
        rows: list[dict] = []
        for line in self.history.summary_lines:
            rows.append({"role": "summary", "text": line, "lang": self.lang})
        for ex in self.history.exchanges:
            row: dict[str, Any] = {
                "role": "user",
                "text": ex.user.text,
                "lang": self.lang,
                "safety_level": ex.risk,
            }
            files = [item.name for item in ex.user.media]
            if files:
                row["media"] = files
                audio = [item.name for item in ex.user.media if item.kind == "audio"]
                if audio:
                    row["audio"] = audio[0]
            rows.append(row)
            rows.append({"role": "assistant", "text": ex.reply, "lang": self.lang})
        return rows

    def save(self, path: str | Path) -> Path:
        path = Path(path).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8") as fh:
                for row in self.transcript():
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise InputError(f"Could not write {path}: {exc.strerror}.", "Choose a writable path.") from exc
        return path

    # ------------------------------------------------------------------ helpers
    def _options(self, speak: bool) -> GenerationOptions:
        s = self.settings
        return GenerationOptions(
            max_new_tokens=s.max_new_tokens,
            temperature=s.temperature,
            top_p=s.top_p,
            seed=s.seed,
            audio=speak and not self.backend.speaks_separately,
            voice=self.voice,
        )

    def _hear(self, speech: list[MediaItem], lang: Lang | None) -> str | None:
        """What the user said, for the safety layer; None when it could not be read.

        The crisis layer reads text, so without this a crisis said aloud would reach the model
        unread. A transcription that fails or comes back empty does not fail the turn: the reply
        guard still checks the answer, and the turn's record says the speech went unread.
        """
        if not self.settings.transcribe_speech:
            return None
        try:
            heard = self.backend.transcribe(speech, lang, self.settings.transcribe_max_tokens)
        except CareLLMError as exc:
            log.warning("speech not transcribed, the safety layer reads the typed text only: %s", exc.message)
            return None
        return visible(heard or "").strip() or None

    def _speakable_early(self, opening: str, lang: Lang) -> bool:
        """The reply guard on the first sentence alone; if it objects, nothing is said until the end."""
        return self.gate.check_reply(opening, lang, self.id, final=False).replace_with is None

    def _speech(self, messages: list[Message], text: str) -> Iterator[np.ndarray]:
        """Audio of `text`, which the safety layer has approved, as the backend makes it."""
        if text.strip() and self.backend.can_speak:
            yield from self.backend.speak_stream(messages, text.strip(), self.voice)


def _media_items(kind: str, value: MediaArg, use_audio: bool = False) -> list[MediaItem]:
    if value is None:
        return []
    if isinstance(value, str | Path | bytes | np.ndarray):
        values: list = [value]
    else:
        values = list(value)
    return [MediaItem(kind, v, use_audio_in_video=use_audio) for v in values]  # type: ignore[arg-type]


def _first_audio(media: list[MediaItem], settings: Settings) -> np.ndarray | None:
    for item in media:
        if item.kind == "audio":
            return item.load(settings.media)  # type: ignore[return-value]
    return None
