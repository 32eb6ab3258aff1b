"""A counseling session: the turn pipeline every interface goes through.

A turn runs in named stages (see hooks.py for the seams): prepare (text, media, language,
options) -> gate (a transcript of any speech, the crisis layer on the user's turn, the prompt) ->
generate (the model, streamed; each sentence is shown only once the reply guard has passed the reply
up to its end, and a settled first sentence may be spoken early) -> guard (the reply guard on the
whole reply) -> speak (speech of the approved text) -> commit (emotion, history,
record). Speech is made on its own thread (speaking.py), so the text never waits for the talker.
Only commit changes the session, so a failed or abandoned turn (bad media, model error, a client
that disconnects mid-stream) leaves it exactly as it was.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
import uuid
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from carellm.backends.base import Backend, FinishReason, GenerationOptions, Message
from carellm.backends.transcription import speech_items
from carellm.config import LANG_SETTINGS, Settings, Voice
from carellm.counseling.disclaimer import disclaimer
from carellm.counseling.events import (
    AudioEvent,
    DoneEvent,
    ReplaceEvent,
    Reply,
    SpeakingEvent,
    TextEvent,
    TurnEvent,
    TurnOptions,
)
from carellm.counseling.fixed_speech import FixedSpeech
from carellm.counseling.history import Exchange, History, spoken_turn
from carellm.counseling.hooks import EmotionObserver, GateDecision, SafetyGate, TurnRecord, TurnRecorder
from carellm.counseling.sentences import settled_end, settled_opening
from carellm.counseling.speaking import Speaker, within_budget
from carellm.counseling.transcript import TranscriptTurn, transcript_rows
from carellm.errors import CareLLMError, ConfigError, InputError
from carellm.language import Lang, detect_lang
from carellm.media import OUTPUT_SAMPLE_RATE, MediaItem, MediaKind, Source
from carellm.textclean import visible

__all__ = ["MediaArg", "Reply", "Session", "TurnEvent", "TurnOptions", "attachments"]

MediaArg = Source | np.ndarray | Sequence[Source] | None
log = logging.getLogger(__name__)


def attachments(
    audio: MediaArg = None, image: MediaArg = None, video: MediaArg = None, use_video_audio: bool = False
) -> list[MediaItem]:
    """A turn's media from paths, bytes or arrays (one or a list of each), audio then images then videos."""
    items = _media_items("audio", audio) + _media_items("image", image)
    return items + _media_items("video", video, use_video_audio)


@dataclass
class _Turn:
    """What one turn carries from stage to stage; nothing here touches the session until commit."""

    started: float
    text: str
    media: list[MediaItem]
    lang: Lang
    first: bool
    speak: bool
    speak_early: bool
    voice: Voice
    generation: GenerationOptions
    user: Message
    messages: list[Message] = field(default_factory=list)  # the prompt, made by the gate stage
    trimmed: History = field(default_factory=History)  # the history as it will be after this turn
    heard: str | None = None
    speech_read: bool | None = None
    user_gate: GateDecision = field(default_factory=GateDecision)
    reply_gate: GateDecision = field(default_factory=GateDecision)
    model_text: str = ""
    final: str = ""
    opening: str = ""  # the reply's approved first sentence, already spoken
    piece_ends: list[int] = field(default_factory=list)  # where each streamed piece of model_text ends
    approved: int = 0  # model_text[:approved] has passed the reply guard
    speakable: int = 0  # model_text[:speakable] may also be spoken (no whole-reply check still to come)
    shown: int = 0  # model_text[:shown] has been yielded as text
    refused: int = 0  # where the reply up to a sentence that broke a rule ends (0: none did)
    refusal: GateDecision | None = None  # what the guard said of it
    engine_audio: list[np.ndarray] = field(default_factory=list)  # engines that speak while they write
    speaker: Speaker | None = None  # the reply's speech thread, started by the first text to speak
    finish_reason: FinishReason = "stop"  # "length": the engine stopped at max_new_tokens
    spoken: list[np.ndarray] = field(default_factory=list)

    @property
    def crisis(self) -> bool:
        return self.user_gate.replace_with is not None


class Session:
    """One conversation with one person. Not thread-safe: one turn at a time."""

    def __init__(
        self,
        backend: Backend,
        settings: Settings,
        gate: SafetyGate,
        lang: str | None = None,
        voice: Voice | None = None,
        speak: bool = False,
        emotion: EmotionObserver | None = None,
        recorder: TurnRecorder | None = None,
        session_id: str | None = None,
        fixed_speech: FixedSpeech | None = None,
    ) -> None:
        """`fixed_speech`: where the crisis response's speech is kept once made (the counselor's,
        shared by its sessions), so a crisis turn's audio starts at once; None: spoken each time."""
        lang = lang or settings.lang
        if lang not in LANG_SETTINGS:
            raise ConfigError(f"Unsupported language '{lang}'.", "Use zh, en or auto.")
        self.backend, self.settings, self.gate = backend, settings, gate
        self.emotion, self.recorder = emotion, recorder
        self.fixed_speech = fixed_speech
        self.fixed_lang: Lang | None = None if lang == "auto" else lang
        self.lang: Lang | None = self.fixed_lang
        self.voice: Voice = voice or settings.voice
        self.speak = speak
        self.id = session_id or uuid.uuid4().hex
        self.history = History()
        self.turns = 0
        # The stored index of this session's first turn: a session that continues a stored one's
        # numbering after its history was set aside (a server's reset) starts past its turns.
        self.first_index = 0
        # The history and language as they were before the last turn, so `regenerate` can run it again.
        self._before_last: tuple[History, Lang | None] | None = None
        self._replacing = False  # the turn running now replaces the last one (`regenerate`)
        self._tries = 0  # how many times the last turn was regenerated

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
        options: TurnOptions | None = None,
    ) -> Reply:
        """One turn, waiting for the whole reply (`speak`/`speak_early` as in TurnOptions)."""
        options = _merge(options, speak, speak_early)
        for event in self.stream(text, attachments(audio, image, video, use_video_audio), options):
            if event.kind == "done":
                return event.reply
        raise AssertionError("stream ended without a done event")  # pragma: no cover

    def stream(
        self,
        text: str = "",
        media: Sequence[MediaItem] | None = None,
        options: TurnOptions | None = None,
        *,
        speak: bool | None = None,
        speak_early: bool | None = None,
    ) -> Generator[TurnEvent, None, None]:
        """One turn as events: `text` pieces, maybe `replace` (safety), `audio`, then `done`.

        `media`: see `attachments()`. `options` (or the `speak`/`speak_early` shorthands) apply to
        this turn only.
        """
        turn = self._prepare(text, list(media or []), _merge(options, speak, speak_early))
        try:
            self._gate(turn)
            yield from self._generate(turn)
            yield from self._guard(turn)
            yield from self._speak(turn)
        finally:
            if turn.speaker is not None:
                turn.speaker.close()  # an abandoned turn stops its speech too
        yield DoneEvent(self._commit(turn))

    def regenerate(self, options: TurnOptions | None = None) -> Generator[TurnEvent, None, None]:
        """Another reply to the last message: the last turn run again through `stream` (crisis layer,
        model, reply guard: no second path), on the session as it was before that turn.

        The new reply takes the last one's place, with the same index; the recorder is told
        (`TurnRecord.replaces`), so a store keeps the replaced reply with the turn and ratings of
        the two become a preference pair. A failed or abandoned turn leaves the session as it was.
        """
        if self._before_last is None or not self.history.exchanges:
            raise InputError("There is no reply to replace yet.", "Send a message first.")
        last = self.history.exchanges[-1]
        options = options or TurnOptions()
        if options.seed is None and self.settings.seed is not None:
            # A seeded session would write the same reply again: each try gets the next seed.
            options = dataclasses.replace(options, seed=self.settings.seed + self._tries + 1)
        kept = (self.history, self.lang, self.turns, self._before_last)
        self.history, self.lang = self._before_last
        self.turns -= 1
        self._replacing = True
        done = False
        try:
            for event in self.stream(last.user.text, last.user.media, options):
                done = done or event.kind == "done"
                yield event
        finally:
            if not done:
                self.history, self.lang, self.turns, self._before_last = kept
                self._replacing = False

    # ------------------------------------------------------------------ the stages
    def _prepare(self, text: str, media: list[MediaItem], options: TurnOptions) -> _Turn:
        """Clean text, load media (failing before anything else happens), fix language and options."""
        started = time.time()
        text = visible(text or "").strip()
        if not text and not media:
            raise InputError("Nothing to send: the message is empty.", "Type a message or attach a file.")
        for item in media:
            item.load(self.settings.media)
        lang: Lang = self.lang or (detect_lang(text) if text else "en")
        speak = self.speak if options.speak is None else options.speak
        voice = options.voice or self.voice
        generation = self._generation(options, speak, voice)
        return _Turn(
            started=started,
            text=text,
            media=media,
            lang=lang,
            first=self.turns == 0,
            speak=speak,
            speak_early=self.settings.stream_speech if options.speak_early is None else options.speak_early,
            voice=voice,
            generation=generation,
            user=Message("user", text, media),
        )

    def _gate(self, turn: _Turn) -> None:
        """The crisis layer on what the user typed and said (speech is transcribed first), then the prompt."""
        speech = speech_items(turn.media, self.settings.media)
        if speech:
            turn.heard = self._hear(speech, self.lang or (turn.lang if turn.text else None))
            turn.speech_read = bool(turn.heard)
        turn.user_gate = self.gate.check_user_turn(
            spoken_turn(turn.text, turn.heard), turn.lang, self.history.user_texts(), self.id
        )
        # The prompt: history trimmed to leave room for the reply (fails on a message too long).
        budget = self.settings.context_tokens - turn.generation.max_new_tokens
        count = self.backend.count_tokens
        turn.messages, turn.trimmed = self.history.fit(turn.lang, turn.user, budget, count)

    def _generate(self, turn: _Turn) -> Iterator[TurnEvent]:
        """The model's reply as it is written, or the crisis response instead of it."""
        if turn.crisis:
            turn.final = turn.user_gate.replace_with or ""
            yield TextEvent(turn.final)
            return
        early = turn.speak and turn.speak_early and self.backend.speaks_separately
        stream = self.backend.stream(turn.messages, turn.generation)
        try:
            for chunk in stream:
                if chunk.kind == "text":
                    turn.model_text += visible(chunk.text)
                    turn.piece_ends.append(len(turn.model_text))
                    yield from self._guard_sentences(turn)
                    if turn.refused:
                        break  # the reply will be replaced: the rest need not be written
                    if early and (candidate := settled_opening(turn.model_text)) is not None:
                        early = False  # one early piece: the rest is spoken once all of it is checked
                        if len(candidate) <= turn.speakable:
                            turn.opening = candidate
                            self._speaker(turn).say(candidate)  # on its own thread: text goes on
                    if turn.speaker is not None:
                        yield from self._audio(turn, turn.speaker.ready())
                elif chunk.kind == "audio" and chunk.audio is not None:
                    turn.engine_audio.append(chunk.audio)
                elif chunk.kind == "end" and chunk.finish_reason is not None:
                    turn.finish_reason = chunk.finish_reason
        finally:
            if isinstance(stream, Generator):
                stream.close()  # frees the engine when the reply was refused mid-way

    def _guard_sentences(self, turn: _Turn) -> Iterator[TurnEvent]:
        """Each sentence as it settles: the reply up to its end is checked before any of it is
        shown (or spoken), so a rule broken in the second sentence never reaches the person. A
        check that holds speech (the model self-check reads the whole reply first) lets it be shown
        but keeps it from being spoken early."""
        end = settled_end(turn.model_text, turn.approved)
        if end <= turn.approved or turn.refused:
            return
        decision = self.gate.check_reply(turn.model_text[:end], turn.lang, self.id, final=False)
        if decision.replace_with is not None:
            turn.refused, turn.refusal = end, decision  # checked again, and recorded, in _guard
            return
        turn.approved = end
        if not decision.hold_speech:
            turn.speakable = end
        yield from self._show(turn, end)

    def _show(self, turn: _Turn, end: int) -> Iterator[TurnEvent]:
        """The approved text up to `end`, in the pieces the model wrote it in."""
        for piece_end in turn.piece_ends:
            if turn.shown < piece_end and turn.shown < end:
                stop = min(piece_end, end)
                yield TextEvent(turn.model_text[turn.shown : stop])
                turn.shown = stop

    def _guard(self, turn: _Turn) -> Iterator[TurnEvent]:
        """The reply guard on the whole reply: show the rest or replace it, and add what the gates
        want appended."""
        if turn.crisis:
            return
        checked = turn.model_text[: turn.refused] if turn.refused else turn.model_text
        turn.reply_gate = self.gate.check_reply(checked, turn.lang, self.id)
        if turn.refusal is not None and turn.reply_gate.replace_with is None:
            turn.reply_gate = turn.refusal  # what was refused mid-way is never shown
        turn.final = turn.model_text.strip()
        if turn.reply_gate.replace_with is not None:
            turn.final = turn.reply_gate.replace_with
            yield ReplaceEvent(turn.final)
        else:
            yield from self._show(turn, len(turn.model_text))
        for extra in (turn.user_gate.append, turn.reply_gate.append):
            if extra:
                turn.final += "\n\n" + extra
                yield TextEvent("\n\n" + extra)

    def _speak(self, turn: _Turn) -> Iterator[TurnEvent]:
        """Speech of the approved reply (what the early opening has not said yet), within the
        reply's one budget of `max_speech_seconds`."""
        if not turn.speak:
            return
        if turn.engine_audio and turn.final == turn.model_text.strip():
            # The engine spoke exactly what is shown.
            budget = int(self.settings.max_speech_seconds * OUTPUT_SAMPLE_RATE)
            rest: Iterable[np.ndarray] = within_budget(turn.engine_audio, budget)
        else:
            speaker = self._speaker(turn)
            if turn.opening and turn.final.startswith(turn.opening):
                speaker.say(turn.final[len(turn.opening) :])
            else:  # nothing said yet, or the reply was replaced: none of it is said any further
                speaker.withdraw()
                speaker.say(turn.final)
            if speaker.busy:
                yield SpeakingEvent()
            rest = speaker.drain()
        if self.settings.stream_speech:
            yield from self._audio(turn, rest)
        elif pieces := list(rest):
            yield from self._audio(turn, [np.concatenate(pieces)])

    def _speaker(self, turn: _Turn) -> Speaker:
        """The turn's speech thread (started on first use), speaking through the backend."""
        if turn.speaker is None:
            turn.speaker = Speaker(
                lambda text, seconds: self._speech(turn, text, seconds), self.settings.max_speech_seconds
            )
        return turn.speaker

    def _audio(self, turn: _Turn, waves: Iterable[np.ndarray]) -> Iterator[TurnEvent]:
        for wave in waves:
            turn.spoken.append(wave)
            yield AudioEvent(wave)

    def _commit(self, turn: _Turn) -> Reply:
        """The turn succeeded: observe emotion, change the session, record the turn."""
        waveform = np.concatenate(turn.spoken) if turn.spoken else None
        user_audio = _first_audio(turn.media, self.settings)
        replacing, self._replacing = self._replacing, False
        self._tries = self._tries + 1 if replacing else 0
        emotion = None
        if self.emotion is not None and not replacing:  # the same message: observed once
            level = turn.user_gate.level
            emotion = self.emotion.observe(turn.text, turn.lang, user_audio, safety_level=level)

        self._before_last = (self.history, self.lang)
        self.lang = turn.lang
        self.history = turn.trimmed
        self.history.exchanges.append(Exchange(turn.user, turn.final, turn.user_gate.level, turn.heard or ""))
        index = self.next_index
        self.turns += 1
        # The reply was cut at max_new_tokens, and it is the model's (not a crisis or guard text).
        cut = turn.finish_reason == "length" and not turn.crisis and turn.reply_gate.replace_with is None
        reply = Reply(
            text=turn.final,
            audio=waveform,
            lang=turn.lang,
            turn_index=index,
            model_text=turn.model_text,
            user_gate=turn.user_gate,
            reply_gate=turn.reply_gate,
            emotion=emotion,
            disclaimer=self.disclaimer if turn.first else None,
            speech_transcript=turn.heard,
            speech_read=turn.speech_read,
            finish_reason="length" if cut else "stop",
        )
        if self.recorder:
            self.recorder.record(
                TurnRecord(
                    session_id=self.id,
                    turn_index=index,
                    lang=turn.lang,
                    user_text=turn.text,
                    media=[item.name for item in turn.media],
                    reply_text=turn.final,
                    model_text=turn.model_text,
                    user_gate=turn.user_gate,
                    reply_gate=turn.reply_gate,
                    emotion=emotion,
                    started_at=turn.started,
                    finished_at=time.time(),
                    audio_seconds=0.0 if waveform is None else len(waveform) / OUTPUT_SAMPLE_RATE,
                    speech_transcript=turn.heard,
                    speech_read=turn.speech_read,
                    fresh=turn.first,
                    replaces=replacing,
                )
            )
        return reply

    @property
    def next_index(self) -> int:
        """The stored index the next turn gets."""
        return self.first_index + self.turns

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
        self.turns = self.first_index = 0
        self._before_last = None
        self.lang = self.fixed_lang
        self.id = uuid.uuid4().hex

    def transcript(self) -> list[dict]:
        """One JSON-ready object per message (the format `carellm emotion report --file` reads)."""
        turns = [
            TranscriptTurn(
                ex.user.text, ex.reply, self.lang, ex.risk, [(item.kind, item.name) for item in ex.user.media]
            )
            for ex in self.history.exchanges
        ]
        return transcript_rows(turns, self.history.summary_lines, self.lang)

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
    def _generation(self, options: TurnOptions, speak: bool, voice: Voice) -> GenerationOptions:
        s = self.settings
        return GenerationOptions(
            max_new_tokens=options.max_new_tokens or s.max_new_tokens,
            temperature=s.temperature if options.temperature is None else options.temperature,
            top_p=s.top_p if options.top_p is None else options.top_p,
            seed=s.seed if options.seed is None else options.seed,
            audio=speak and not self.backend.speaks_separately,
            voice=voice,
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

    def _speech(self, turn: _Turn, text: str, max_seconds: float) -> Iterator[np.ndarray]:
        """Audio of `text`, which the safety layer has approved, as the backend makes it (on the
        speech thread)."""
        if not (text.strip() and self.backend.can_speak):
            return
        backend = self.backend

        def make() -> Iterator[np.ndarray]:
            return backend.speak_stream(turn.messages, text.strip(), turn.voice, max_seconds)

        if turn.crisis and self.fixed_speech is not None:
            # The crisis response is fixed text: its kept speech starts at once.
            yield from self.fixed_speech.speak(text, turn.voice, make)
        else:
            yield from make()


def _media_items(kind: MediaKind, value: MediaArg, use_audio: bool = False) -> list[MediaItem]:
    if value is None:
        return []
    if isinstance(value, str | Path | bytes | np.ndarray):
        values: list = [value]
    else:
        values = list(value)
    return [MediaItem(kind, v, use_audio_in_video=use_audio) for v in values]


def _first_audio(media: list[MediaItem], settings: Settings) -> np.ndarray | None:
    for item in media:
        if item.kind == "audio":
            return item.audio(settings.media)
    return None


def _merge(options: TurnOptions | None, speak: bool | None, speak_early: bool | None) -> TurnOptions:
    """`options` with the `speak`/`speak_early` shorthands (send's keyword arguments) applied."""
    options = options or TurnOptions()
    if speak is not None:
        options = dataclasses.replace(options, speak=speak)
    if speak_early is not None:
        options = dataclasses.replace(options, speak_early=speak_early)
    return options
