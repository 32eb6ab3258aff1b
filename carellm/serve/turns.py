"""One chat completion = one counseling turn, run in a worker thread behind the queue.

Every request goes through a `Session` (the counselor's safety gate and emotion observer): a
server-side one when the request names `carellm.session_id` (its turns recorded by the
recorder), otherwise a throwaway one rebuilt from the request's messages, whose turns are not
stored (the client holds that conversation; the safety layer's risk events are still kept).
The session's generator runs in a thread; its chunks cross to the event loop through an asyncio
queue, so the server keeps answering /health and other clients while a model generates. A client
that goes away stops the turn (the session is left unchanged, as for any abandoned turn).
"""

from __future__ import annotations

import asyncio
import base64
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Generator
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Literal

from fastapi.encoders import jsonable_encoder

from carellm.backends.base import Message
from carellm.counseling.counselor import Counselor, EmotionFactory
from carellm.counseling.disclaimer import strip_disclaimer
from carellm.counseling.events import Reply, TurnEvent, TurnOptions
from carellm.counseling.hooks import EmotionObserver, GateDecision, TurnEmotion, TurnRecord, TurnRecorder
from carellm.counseling.session import Session, attachments
from carellm.errors import CareLLMError, InputError
from carellm.media import OUTPUT_SAMPLE_RATE
from carellm.serve.audio import encode_audio, to_pcm16
from carellm.serve.content import Conversation, parse_messages
from carellm.serve.errors import ApiError, error_body
from carellm.serve.metrics import Metrics
from carellm.serve.protocol import (
    AudioOut,
    CareLLMInfo,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Choice,
    ChunkChoice,
    ChunkExtra,
    Delta,
    DeltaAudio,
    ResponseMessage,
    RiskInfo,
    Usage,
)
from carellm.serve.queue import GenerationQueue
from carellm.serve.sessions import Entry, SessionStore, SharedArchive, fresh_turn, shared_turn
from carellm.serve.settings import ServeSettings

AUDIO_TTL_S = 3600  # `expires_at` of audio ids: the server keeps no audio, the id is informational
STREAM_AUDIO_PIECE_S = 1.0


@dataclass
class PreparedTurn:
    request: ChatCompletionRequest
    entry: Entry  # the server-side session's entry, or a throwaway one
    conversation: Conversation
    lock: AbstractContextManager[Any]  # the server-side session's lock (see sessions.py), or a null context
    session_id: str | None
    completion_id: str
    created: int
    options: TurnOptions
    # False: the caller asked for the disclaimer in the carellm field only.
    disclaimer_in_content: bool = True
    usage: Usage | None = None

    @property
    def session(self) -> Session:
        """Read when the turn runs: a shared session may be rebuilt once its lock is held."""
        return self.entry.session

    def closing(self, reply: Reply) -> str:
        """What follows the reply's text: on a session's first turn, the disclaimer as its last
        paragraph (after the reply, so a crisis response still comes first); else nothing."""
        if self.disclaimer_in_content and reply.disclaimer:
            return f"\n\n{reply.disclaimer}"
        return ""


# What a turn's thread hands the event loop: a session event, the error that ended the turn, or
# None once the turn is over.
Item = TurnEvent | BaseException | None
# Starts a session turn (in the turn's thread): `lambda: session.stream(text, media, options)`.
TurnStarter = Callable[[], Generator[TurnEvent, None, None]]


class TurnThread:
    """Runs one session turn in a thread; the event loop reads its chunks from `events`."""

    def __init__(self, loop: asyncio.AbstractEventLoop, on_finish: Callable[[], None]) -> None:
        self.loop = loop
        self.on_finish = on_finish
        self.events: asyncio.Queue[Item] = asyncio.Queue()
        self.cancel = threading.Event()

    def _put(self, item: Item) -> None:
        with suppress(RuntimeError):  # the loop is closed (server shutting down)
            self.loop.call_soon_threadsafe(self.events.put_nowait, item)

    def start_stream(self, lock: AbstractContextManager[Any], make: TurnStarter) -> None:
        """Run the turn `make()` starts (under `lock`, the session's) on its own thread."""
        args = (lock, make)
        threading.Thread(target=self._run, args=args, name="carellm-serve-turn", daemon=True).start()

    def _run(self, lock: AbstractContextManager[Any], make: TurnStarter) -> None:
        try:
            with lock:
                gen = make()
                try:
                    for event in gen:
                        if self.cancel.is_set():
                            break
                        self._put(event)
                finally:
                    gen.close()
        except BaseException as exc:  # handed to the event loop, which answers with an error
            self._put(exc)
        finally:
            self._put(None)
            with suppress(RuntimeError):
                self.loop.call_soon_threadsafe(self.on_finish)


def jsonable(emotion: TurnEmotion | None) -> Any:
    """A turn's emotion as JSON."""
    return None if emotion is None else jsonable_encoder(emotion.to_dict())


def _risk(decision: GateDecision) -> RiskInfo:
    return RiskInfo(level=decision.level, categories=list(decision.categories), reason=decision.reason)


def stored_session_id(caller: str, session_id: str) -> str:
    """The id a server-side session is stored under: the caller's namespace (the 16-character
    hash of its API key, or its address, with ':' of IPv6 made '_'), then the client's id."""
    namespace = caller.split(":", 1)[-1][:16].replace(":", "_")
    return f"{namespace}-{session_id}"


def carellm_info(reply: Reply, session_id: str | None) -> CareLLMInfo:
    return CareLLMInfo(
        session_id=session_id,
        turn_index=reply.turn_index,
        lang=reply.lang,
        crisis=reply.crisis,
        replaced=reply.crisis or reply.reply_gate.replace_with is not None,
        risk=_risk(reply.user_gate),
        reply_guard=_risk(reply.reply_gate),
        emotion=jsonable(reply.emotion),
        disclaimer=reply.disclaimer,
        speech_read=reply.speech_read,
    )


class NotStored:
    """The recorder of stateless turns: they are not stored (one stored session per request
    would fill the store with one-turn fragments of conversations the client holds)."""

    def record(self, turn: TurnRecord) -> None:
        return None


NOT_STORED = NotStored()


class ChatService:
    """Turns requests into session turns and session chunks into OpenAI responses."""

    def __init__(
        self,
        counselor: Counselor,
        settings: ServeSettings,
        model_name: str,
        metrics: Metrics,
        recorder: TurnRecorder | None = None,
        emotion_factory: EmotionFactory | Literal["counselor"] | None = "counselor",
        shared: SharedArchive | None = None,
    ) -> None:
        """shared: the store other replicas share (sessions.py); None: sessions live in memory."""
        self.counselor = counselor
        self.settings = settings
        self.model_name = model_name
        # The ids a request may name: the stable one, "carellm", and the --model value as given.
        self.model_ids = {model_name, "carellm", counselor.settings.model}
        self.metrics = metrics
        self.recorder = recorder
        self.emotion_factory = emotion_factory
        self.shared = shared
        active = settings.max_active or counselor.backend.concurrency
        self.queue = GenerationQueue(active, settings.max_waiting)
        self.sessions = SessionStore(settings.max_sessions, settings.session_ttl_s)

    # ------------------------------------------------------------ preparing a turn
    def check(self, req: ChatCompletionRequest) -> None:
        """Refusals that need no parsing: unknown model, token limit, audio the server cannot make."""
        if req.model not in self.model_ids:
            raise ApiError(
                404,
                f"The model '{req.model}' does not exist on this server.",
                f"Use '{self.model_name}' (see GET /v1/models).",
                code="model_not_found",
                param="model",
            )
        asked = req.max_completion_tokens or req.max_tokens
        if asked is not None and asked > self.settings.max_tokens:
            raise ApiError(
                400,
                f"max_tokens is {asked}; this server allows at most {self.settings.max_tokens}.",
                "Ask for fewer tokens.",
                code="invalid_value",
                param="max_tokens",
            )
        if req.wants_audio and not self.counselor.backend.can_speak:
            raise ApiError(
                400,
                "This server's model cannot produce audio.",
                "Ask for modalities ['text'], or start the server with a model that has its talker loaded.",
                code="unsupported_modality",
                param="modalities",
            )

    def prepare(
        self, req: ChatCompletionRequest, caller: str, disclaimer_in_content: bool = True
    ) -> PreparedTurn:
        """Parse the messages and find or build the session (sync: may decode or fetch media).

        disclaimer_in_content: False when the caller asked for the disclaimer in the carellm field
        only (the request's `carellm.disclaimer`, or the X-CareLLM-Disclaimer header).
        """
        self.check(req)
        extra = req.carellm
        if extra is not None and extra.disclaimer == "field-only":
            disclaimer_in_content = False
        max_mb = self.counselor.settings.media.max_file_mb
        server_side = extra is not None and extra.session_id is not None
        conversation = parse_messages(req.messages, self.settings, max_mb, history=not server_side)
        lang = extra.lang if extra else None
        lock: AbstractContextManager[Any]
        if server_side:
            assert extra is not None and extra.session_id is not None
            internal_id = stored_session_id(caller, extra.session_id)
            entry = self.sessions.get_or_create(
                caller, extra.session_id, lambda: self._new_session(lang, internal_id, stored=True), False
            )
            afresh = partial(self._new_session, lang, internal_id, True) if extra.reset else None
            lock = entry.lock
            if self.shared is not None:
                rebuild = partial(self._stored_session, self.shared, lang, internal_id)
                lock = shared_turn(entry, self.shared, internal_id, rebuild, afresh)
            elif afresh is not None:
                lock = fresh_turn(entry, afresh, partial(self._stored_turns, internal_id))
        else:
            entry, lock = Entry(self._new_session(lang, None, stored=False)), nullcontext()
            # Replies the client sends back may end with the disclaimer this server put there.
            earlier = [replace(ex, reply=strip_disclaimer(ex.reply)) for ex in conversation.earlier]
            entry.session.resume(earlier)
        return PreparedTurn(
            req, entry, conversation, lock, extra.session_id if server_side and extra else None,
            f"chatcmpl-{uuid.uuid4().hex}", int(time.time()), self._options_for(req), disclaimer_in_content,
        )  # fmt: skip

    def _new_session(
        self, lang: str | None, session_id: str | None, stored: bool, first_index: int | None = None
    ) -> Session:
        """A session with no history. A stored one numbers its turns from `first_index`, by default
        after any the store holds under its id (a server that forgot it or restarted), never over them."""
        recorder = (self.shared or self.recorder) if stored else NOT_STORED
        session = self.counselor.session(
            lang=lang, emotion=self._emotion(), recorder=recorder, session_id=session_id
        )
        if first_index is None and stored and session_id is not None and self.shared is None:
            first_index = self._stored_turns(session_id)  # (shared: shared_turn rebuilds it from the store)
        session.first_index = first_index or 0
        return session

    def _stored_turns(self, session_id: str) -> int:
        """The index the session's next stored turn takes (0 for a recorder that keeps no count)."""
        recorder = self.shared or self.recorder or self.counselor.recorder
        count = getattr(recorder, "turn_count", None)
        return int(count(session_id)) if count is not None else 0

    def _stored_session(self, shared: SharedArchive, lang: str | None, session_id: str) -> Session:
        """The session as the shared store holds it (its turns are recorded there, strictly)."""
        return self.counselor.resume(session_id, lang=lang, emotion=self._emotion(), archive=shared)

    def _emotion(self) -> EmotionObserver | bool | None:
        """None: the counselor's choice; False: none for this server; or a new observer."""
        if self.emotion_factory is None:
            return False
        if self.emotion_factory == "counselor":
            return None
        return self.emotion_factory()

    def _options_for(self, req: ChatCompletionRequest) -> TurnOptions:
        """The request's sampling, voice and audio choices, for this turn only."""
        base = self.counselor.settings
        asked = req.max_completion_tokens or req.max_tokens or base.max_new_tokens
        return TurnOptions(
            speak=req.wants_audio,
            # Holding unchecked text holds its speech too: an opening spoken early could be withdrawn.
            speak_early=False if self.settings.hold_unchecked_text else None,
            voice=req.audio.voice if req.audio is not None else None,
            max_new_tokens=min(asked, self.settings.max_tokens),
            temperature=req.temperature,
            top_p=req.top_p,
            seed=req.seed,
        )

    # ------------------------------------------------------------ running it
    async def start(self, turn: PreparedTurn) -> TurnThread:
        user = turn.conversation.turn
        media = attachments(user.audio or None, user.image or None, user.video or None)
        return await self.start_stream(turn.lock, lambda: turn.session.stream(user.text, media, turn.options))

    async def start_stream(self, lock: AbstractContextManager[Any], make: TurnStarter) -> TurnThread:
        """Wait for a place in the queue, then run the turn `make()` starts on its own thread
        (the HTTP routes and /v1/realtime share the queue)."""
        await self.queue.acquire()
        self.metrics.set_gauge("carellm_queue_waiting", self.queue.waiting)
        runner = TurnThread(asyncio.get_running_loop(), self.queue.release)
        runner.start_stream(lock, make)
        return runner

    def stored_session(self, lang: str | None, session_id: str) -> Session:
        """A new session whose turns the recorder keeps (a realtime connection's)."""
        return self._new_session(lang, session_id, stored=True)

    async def next_event(self, runner: TurnThread, deadline: float) -> Item:
        try:
            return await asyncio.wait_for(runner.events.get(), timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:  # asyncio.TimeoutError is TimeoutError from Python 3.11 (required)
            runner.cancel.set()
            raise ApiError(
                503,
                f"The reply took longer than {self.settings.request_timeout_s:g} s.",
                "Retry later, or ask for fewer tokens.",
                code="timeout",
            ) from None

    def _deadline(self) -> float:
        return time.monotonic() + self.settings.request_timeout_s

    async def complete(self, turn: PreparedTurn) -> ChatCompletion:
        runner = await self.start(turn)
        deadline = self._deadline()
        reply: Reply | None = None
        try:
            while True:
                item = await self.next_event(runner, deadline)
                if isinstance(item, BaseException):
                    raise item
                if item is None:
                    break
                if item.kind == "done":
                    reply = item.reply
        finally:
            runner.cancel.set()
        if reply is None:
            raise InputError("The turn ended without a reply.", "Send the message again.")
        self.observe(turn, reply)
        return self.completion(turn, reply)

    def completion(self, turn: PreparedTurn, reply: Reply) -> ChatCompletion:
        audio = None
        req = turn.request
        if reply.audio is not None and req.wants_audio:
            fmt = req.audio.format if req.audio else "wav"
            audio = AudioOut(
                id=f"audio_{uuid.uuid4().hex}",
                data=base64.b64encode(encode_audio(reply.audio, fmt)).decode("ascii"),
                transcript=reply.text,
                expires_at=turn.created + AUDIO_TTL_S,
            )
        message = ResponseMessage(content=reply.text + turn.closing(reply), audio=audio)
        return ChatCompletion(
            id=turn.completion_id,
            created=turn.created,
            model=self.model_name,
            choices=[Choice(message=message, finish_reason=reply.finish_reason)],
            usage=self.usage(turn, reply),
            carellm=carellm_info(reply, turn.session_id),
        )

    def usage(self, turn: PreparedTurn, reply: Reply) -> Usage:
        """Estimated with the backend's own counter on the text (media are not counted twice)."""
        if turn.usage is not None:
            return turn.usage
        turn.usage = self._count_usage(turn, reply)
        return turn.usage

    def _count_usage(self, turn: PreparedTurn, reply: Reply) -> Usage:
        count = self.counselor.backend.count_tokens
        texts = [Message("user", ex.user.text) for ex in turn.session.history.exchanges[:-1]]
        prompt = count([*texts, Message("user", turn.conversation.turn.text)])
        completion = max(0, count([Message("assistant", reply.text)]) - 5)
        return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)

    def observe(self, turn: PreparedTurn, reply: Reply) -> None:
        usage = self.usage(turn, reply)
        self.metrics.inc("carellm_tokens_total", usage.prompt_tokens, kind="prompt")
        self.metrics.inc("carellm_tokens_total", usage.completion_tokens, kind="completion")
        self.observe_safety(reply)

    def observe_safety(self, reply: Reply) -> None:
        """A turn's risk events and speech in the metrics (every route's turns, realtime too)."""
        if reply.user_gate.flagged or reply.crisis:
            self.metrics.inc("carellm_risk_events_total", level=reply.user_gate.level, source="user")
        if reply.reply_gate.replace_with is not None or reply.reply_gate.flagged:
            self.metrics.inc("carellm_risk_events_total", level=reply.reply_gate.level, source="reply")
        if reply.audio is not None:
            self.metrics.inc("carellm_audio_seconds_total", len(reply.audio) / OUTPUT_SAMPLE_RATE)

    # ------------------------------------------------------------ streaming
    async def first_event(self, turn: PreparedTurn) -> tuple[TurnThread, Item, float]:
        """Start the turn and wait for its first chunk, so early errors still get a JSON status."""
        runner = await self.start(turn)
        deadline = self._deadline()
        try:
            event = await self.next_event(runner, deadline)
        except BaseException:
            runner.cancel.set()
            raise
        if isinstance(event, BaseException):
            runner.cancel.set()
            raise event
        return runner, event, deadline

    async def sse(
        self, turn: PreparedTurn, runner: TurnThread, first: Item, deadline: float
    ) -> AsyncIterator[str]:
        """Server-sent events in OpenAI's chunk format, ending with `data: [DONE]`."""
        req = turn.request

        def frame(
            delta: Delta, finish=None, extra: ChunkExtra | None = None, usage=None, choices=True
        ) -> str:
            chunk = ChatCompletionChunk(
                id=turn.completion_id,
                created=turn.created,
                model=self.model_name,
                choices=[ChunkChoice(delta=delta, finish_reason=finish)] if choices else [],
                usage=usage,
                carellm=extra,
            )
            return f"data: {chunk.model_dump_json(exclude_none=True)}\n\n"

        hold = self.settings.hold_unchecked_text
        audio_id = f"audio_{uuid.uuid4().hex}"
        yield frame(Delta(role="assistant", content=""))
        item = first
        try:
            while True:
                if item is None:
                    break
                if isinstance(item, BaseException):
                    exc = item
                    status = exc.http_status if isinstance(exc, CareLLMError) else 500
                    message = (
                        f"{exc.message} {exc.hint}".strip()
                        if isinstance(exc, CareLLMError)
                        else "Internal error."
                    )
                    yield f"data: {_json(error_body(status, message, 'turn_failed'))}\n\n"
                    break
                if item.kind == "text" and not hold:
                    yield frame(Delta(content=item.text))
                elif item.kind == "replace" and not hold:
                    yield frame(Delta(content=item.text), extra=ChunkExtra(replace=True))
                elif item.kind == "audio" and req.wants_audio:
                    yield self._audio_frames(frame, item.audio, audio_id, turn.created)
                elif item.kind == "done":
                    reply = item.reply
                    self.observe(turn, reply)
                    if hold:
                        yield frame(Delta(content=reply.text + turn.closing(reply)))
                    elif closing := turn.closing(reply):
                        yield frame(Delta(content=closing))
                    if reply.audio is not None and req.wants_audio:
                        yield frame(Delta(audio=DeltaAudio(id=audio_id, transcript=reply.text)))
                    info = ChunkExtra(info=carellm_info(reply, turn.session_id))
                    yield frame(Delta(), finish=reply.finish_reason, extra=info)
                    if req.stream_options and req.stream_options.include_usage:
                        yield frame(Delta(), usage=self.usage(turn, reply), choices=False)
                item = await self.next_event(runner, deadline)
        finally:
            runner.cancel.set()  # the client went away or the stream ended: stop the turn
        yield "data: [DONE]\n\n"

    def _audio_frames(self, frame, audio, audio_id: str, created: int) -> str:
        """The spoken reply as pcm16 pieces in `delta.audio.data` (OpenAI streams audio as pcm16)."""
        pcm = to_pcm16(audio)
        step = int(OUTPUT_SAMPLE_RATE * STREAM_AUDIO_PIECE_S) * 2
        frames = []
        for start in range(0, len(pcm), step):
            data = base64.b64encode(pcm[start : start + step]).decode("ascii")
            frames.append(
                frame(Delta(audio=DeltaAudio(id=audio_id, data=data, expires_at=created + AUDIO_TTL_S)))
            )
        return "".join(frames)


def _json(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
