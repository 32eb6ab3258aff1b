"""One `/v1/realtime` connection: audio in, turns taken, replies streamed, barge-in.

The connection holds one stored counseling `Session`, so a spoken turn goes through exactly
what a chat completion goes through: the speech is transcribed and the crisis layer reads it
before anything is generated, each sentence is shown and spoken only once the reply guard has
passed it, a crisis gets the fixed response (its speech kept by the counselor, so it starts at
once), and the turn is recorded. This module only takes turns and translates the session's
events into the Realtime protocol; the turn itself runs on `ChatService`'s thread and queue.

Barge-in: speech that starts while a reply is being sent (or, as far as the server can tell,
still played: audio goes out faster than real time) cancels it at once. The reply's item is
reported truncated at the audio the client can have played by then, and an interrupted turn is
left out of the session, as every abandoned turn is (it was not heard to its end). A crisis turn
whose speech is kept is sent whole at once, so it is committed before it can be interrupted.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from contextlib import suppress
from typing import Any

import numpy as np
from pydantic import ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from carellm.config import Voice
from carellm.counseling.events import Reply, TurnOptions
from carellm.counseling.session import Session, attachments
from carellm.errors import CareLLMError, InputError
from carellm.media import INPUT_SAMPLE_RATE, OUTPUT_SAMPLE_RATE
from carellm.serve.realtime.audio import (
    SpeechStarted,
    VadConfig,
    VoiceActivity,
    decode_pcm16,
    encode_pcm16,
    in_vad_thread,
    output_ms,
    samples_ms,
)
from carellm.serve.realtime.crisis_speech import prepare_crisis_speech
from carellm.serve.realtime.events import (
    CLIENT_EVENT,
    CLIENT_EVENT_TYPES,
    ConversationItemCreate,
    ConversationItemTruncate,
    InputAudioBufferAppend,
    ResponseCancel,
    SessionUpdate,
    TurnDetection,
    assistant_item,
    error_event,
    known_voice,
    new_id,
    response_object,
    server_event,
    session_object,
    user_item,
)
from carellm.serve.realtime.state import ActiveResponse, Playback, Refusal, UserTurn, format_error
from carellm.serve.turns import ChatService, TurnStarter, carellm_info

log = logging.getLogger("carellm.serve.realtime")

AUDIO_PIECE_S = 0.2  # reply audio is sent in pieces of at most this (a client can stop mid-reply)
MIN_COMMIT_MS = 100  # OpenAI refuses shorter buffers too


class RealtimeSession:
    """The server side of one connection (all on the event loop; turns run on threads)."""

    def __init__(
        self, ws: WebSocket, service: ChatService, session: Session, model: str, subprotocol: str | None
    ) -> None:
        self.ws = ws
        self.service = service
        self.session = session
        self.model = model
        self.subprotocol = subprotocol
        self.id = new_id("sess")
        self.lock = threading.Lock()  # one turn in the counseling session at a time
        can_speak = service.counselor.backend.can_speak
        self.modalities: list[str] = ["audio"] if can_speak else ["text"]
        self.input_rate = OUTPUT_SAMPLE_RATE
        self.detection: TurnDetection | None = TurnDetection()
        self.voice: Voice = service.counselor.settings.voice
        self.vad: VoiceActivity | None = None
        self.buffer: list[np.ndarray] = []  # push-to-talk audio not committed yet (16 kHz)
        self.max_buffer_s = service.counselor.settings.media.max_audio_seconds
        self.speech_item: str | None = None  # the item the speech under way will become
        self.pending: UserTurn | None = None
        self.last_item: str | None = None
        self.response: ActiveResponse | None = None
        self.last_playback: Playback | None = None
        self.closed = False

    # ------------------------------------------------------------ the connection
    async def run(self) -> None:
        await self.ws.accept(subprotocol=self.subprotocol)
        await self.send(server_event("session.created", session=self._session_object()))
        await self.send(server_event("carellm", kind="disclaimer", text=self.session.disclaimer))
        prepare_crisis_speech(self.service, self.session.fixed_lang, self.voice)
        try:
            while not self.closed:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:
                    await self.send(
                        error_event(
                            "Binary frames are not events.",
                            "invalid_event",
                            hint="Send JSON text frames; audio goes base64 in input_audio_buffer.append.",
                        )
                    )
                    continue
                await self.handle(text)
        except WebSocketDisconnect:
            pass
        finally:
            self.closed = True
            await self.cancel_response("client_cancelled")

    async def send(self, event: dict[str, Any]) -> None:
        if self.closed:
            return
        try:
            await self.ws.send_text(json.dumps(event, ensure_ascii=False))
        except (WebSocketDisconnect, RuntimeError, OSError):
            self.closed = True  # the client went away: the receive loop ends the connection

    async def refuse(self, exc: CareLLMError, code: str, event_id: str | None = None) -> None:
        message = f"{exc.message} {exc.hint}".strip()
        await self.send(error_event(message, getattr(exc, "code", None) or code, event_id=event_id))

    # ------------------------------------------------------------ client events
    async def handle(self, text: str) -> None:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            await self.send(error_event("The event is not valid JSON.", "invalid_json"))
            return
        event_type = data.get("type") if isinstance(data, dict) else None
        event_id = data.get("event_id") if isinstance(data, dict) else None
        if event_type not in CLIENT_EVENT_TYPES:
            await self.send(
                error_event(
                    f"Unknown event type {event_type!r}. Supported: {', '.join(CLIENT_EVENT_TYPES)}.",
                    "invalid_event",
                    event_id=event_id if isinstance(event_id, str) else None,
                )
            )
            return
        try:
            event = CLIENT_EVENT.validate_python(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"][1:])
            code = "audio_too_large" if first["type"] == "string_too_long" else "invalid_value"
            message = f"Invalid {event_type} event: {where or 'event'}: {first['msg']}."
            await self.send(error_event(message, code, param=where or None, event_id=event_id))
            return
        try:
            await self.dispatch(event)
        except CareLLMError as exc:
            await self.refuse(exc, "invalid_value", event.event_id)

    async def dispatch(self, event: Any) -> None:
        kind = event.type
        if kind == "session.update":
            await self.update(event)
        elif kind == "input_audio_buffer.append":
            await self.append(event)
        elif kind == "input_audio_buffer.commit":
            await self.commit_buffer()
        elif kind == "input_audio_buffer.clear":
            self.buffer = []
            if self.vad is not None:
                self.vad.reset()
            self.speech_item = None
            await self.send(server_event("input_audio_buffer.cleared"))
        elif kind == "conversation.item.create":
            await self.create_item(event)
        elif kind == "conversation.item.truncate":
            await self.truncate(event)
        elif kind == "response.create":
            await self.create_response()
        elif kind == "response.cancel":
            await self.cancel(event)

    async def update(self, event: SessionUpdate) -> None:
        config = event.session
        if config.output_modalities is not None:
            wanted = ["audio"] if "audio" in config.output_modalities else ["text"]
            if wanted == ["audio"] and not self.service.counselor.backend.can_speak:
                raise Refusal(
                    "This server's model cannot speak.",
                    "Ask for output_modalities ['text'].",
                    "unsupported_modality",
                )
            self.modalities = wanted
        audio = config.audio
        if audio is not None and audio.input is not None:
            fmt = audio.input.format
            if fmt is not None:
                if fmt.type != "audio/pcm":
                    raise format_error(fmt.type)
                self.input_rate = fmt.rate
            if "turn_detection" in audio.input.model_fields_set:
                self.detection = audio.input.turn_detection
                self.vad = None  # made again with the new settings
        if audio is not None and audio.output is not None:
            fmt = audio.output.format
            if fmt is not None and (fmt.type != "audio/pcm" or fmt.rate != OUTPUT_SAMPLE_RATE):
                raise format_error(fmt.type, output=True)
            self.voice = known_voice(audio.output.voice) or self.voice
        await self.send(server_event("session.updated", session=self._session_object()))

    async def append(self, event: InputAudioBufferAppend) -> None:
        samples = decode_pcm16(event.audio, self.input_rate)
        if self.detection is None:
            held = sum(len(b) for b in self.buffer) + len(samples)
            if held > self.max_buffer_s * INPUT_SAMPLE_RATE:
                raise Refusal(
                    f"The input audio buffer would hold more than {self.max_buffer_s:g} s.",
                    "Commit the turn (input_audio_buffer.commit) or clear the buffer.",
                    "input_audio_buffer_too_long",
                )
            self.buffer.append(samples)
            return
        if self.vad is None:
            d = self.detection
            config = VadConfig(d.threshold, d.silence_duration_ms, d.prefix_padding_ms)
            self.vad = await in_vad_thread(VoiceActivity, config)
        for found in await in_vad_thread(self.vad.feed, samples):
            if isinstance(found, SpeechStarted):
                await self.speech_started(found.audio_start_ms)
            else:
                item_id = self.speech_item or new_id("item")
                self.speech_item = None
                await self.send(
                    server_event(
                        "input_audio_buffer.speech_stopped", audio_end_ms=found.audio_end_ms, item_id=item_id
                    )
                )
                await self.commit(found.audio, item_id)
        if self.vad.speaking and samples_ms(sum(len(w) for w in self.vad.kept)) > self.max_buffer_s * 1000:
            self.vad.reset()
            self.speech_item = None
            raise Refusal(
                f"The speech ran longer than {self.max_buffer_s:g} s without a pause; it was dropped.",
                "Pause between turns.",
                "input_audio_buffer_too_long",
            )

    async def speech_started(self, start_ms: int) -> None:
        self.speech_item = new_id("item")
        await self.send(
            server_event(
                "input_audio_buffer.speech_started", audio_start_ms=start_ms, item_id=self.speech_item
            )
        )
        if self.detection is not None and self.detection.interrupt_response:
            if self.response is not None:
                await self.cancel_response("turn_detected")
            elif self.last_playback is not None and self.last_playback.playing():
                await self.report_truncated(self.last_playback, self.last_playback.played_ms())
            self.last_playback = None

    async def commit_buffer(self) -> None:
        audio = np.concatenate(self.buffer) if self.buffer else np.zeros(0, dtype=np.float32)
        if self.vad is not None and self.vad.speaking:
            audio = np.concatenate([*self.vad.kept, audio])
            self.vad.reset()
        if samples_ms(len(audio)) < MIN_COMMIT_MS:
            raise Refusal(
                f"The input audio buffer holds {samples_ms(len(audio))} ms; {MIN_COMMIT_MS} ms is the least.",
                "Append audio before committing.",
                "input_audio_buffer_commit_empty",
            )
        self.buffer = []
        item_id = self.speech_item or new_id("item")
        self.speech_item = None
        await self.commit(audio, item_id, respond=False)

    async def commit(self, audio: np.ndarray, item_id: str, respond: bool = True) -> None:
        await self.send(
            server_event("input_audio_buffer.committed", item_id=item_id, previous_item_id=self.last_item)
        )
        turn = self._pending(item_id)
        turn.audio = audio if turn.audio is None else np.concatenate([turn.audio, audio])
        await self.item_added(user_item(item_id, None, None, True))
        if respond and self.detection is not None and self.detection.create_response:
            await self.create_response()

    async def create_item(self, event: ConversationItemCreate) -> None:
        item_id = event.item.id or new_id("item")
        texts, audio = [], []
        for part in event.item.content:
            if part.type == "input_audio":
                if part.audio is None:
                    raise InputError(
                        "An input_audio part has no audio.", "Put base64 PCM16 in its 'audio' field."
                    )
                audio.append(decode_pcm16(part.audio, self.input_rate))
            elif part.text:
                texts.append(part.text)
        turn = self._pending(item_id)
        turn.text = "\n".join([turn.text, *texts]).strip()
        if audio:
            joined = np.concatenate(audio)
            turn.audio = joined if turn.audio is None else np.concatenate([turn.audio, joined])
        item = user_item(item_id, "\n".join(texts) or None, None, bool(audio))
        await self.item_added(item)
        await self.send(server_event("conversation.item.done", item=item, previous_item_id=None))

    async def item_added(self, item: dict[str, Any]) -> None:
        await self.send(server_event("conversation.item.added", item=item, previous_item_id=self.last_item))
        self.last_item = item["id"]

    def _pending(self, item_id: str) -> UserTurn:
        if self.pending is None:
            self.pending = UserTurn(item_id)
        return self.pending

    async def truncate(self, event: ConversationItemTruncate) -> None:
        playback = self.last_playback
        if playback is None or playback.item_id != event.item_id:
            raise Refusal(
                f"No reply audio with item id {event.item_id!r} to truncate.",
                "Truncate the assistant item whose audio is playing.",
                "item_not_found",
            )
        await self.report_truncated(playback, min(event.audio_end_ms, output_ms(playback.sent)))

    async def report_truncated(self, playback: Playback, end_ms: int) -> None:
        await self.send(
            server_event(
                "conversation.item.truncated", item_id=playback.item_id, content_index=0, audio_end_ms=end_ms
            )
        )

    # ------------------------------------------------------------ responses
    async def create_response(self) -> None:
        if self.response is not None:
            raise Refusal(
                f"Response {self.response.id} is still in progress.",
                "Wait for its response.done, or send response.cancel.",
                "conversation_already_has_active_response",
            )
        turn, self.pending = self.pending, None
        if turn is None or (not turn.text and turn.audio is None):
            raise Refusal(
                "Nothing to respond to.", "Commit audio or create a user item first.", "no_user_input"
            )
        speak = self.modalities == ["audio"]
        item_id = new_id("item")
        resp = ActiveResponse(new_id("resp"), Playback(item_id), audio=speak)
        self.response = resp
        await self.send(
            server_event(
                "response.created", response=response_object(resp.id, "in_progress", self.modalities)
            )
        )
        await self.item_added(assistant_item(item_id, None, speak, "in_progress"))
        await self._output_item(resp, "added", assistant_item(item_id, None, speak, "in_progress"), "")
        options = TurnOptions(speak=speak, voice=self.voice)
        media = attachments(audio=turn.audio) if turn.audio is not None else []
        session, text = self.session, turn.text
        resp.task = asyncio.create_task(
            self._respond(resp, lambda: session.stream(text, media, options), turn)
        )

    async def _respond(self, resp: ActiveResponse, make: TurnStarter, turn: UserTurn) -> None:
        reply: Reply | None = None
        try:
            resp.runner = await self.service.start_stream(self.lock, make)
            deadline = time.monotonic() + self.service.settings.request_timeout_s
            while True:
                item = await self.service.next_event(resp.runner, deadline)
                if isinstance(item, BaseException):
                    raise item
                if item is None:
                    break
                if item.kind == "text":
                    resp.text += item.text
                    await self._text_delta(resp, item.text)
                elif item.kind == "replace":
                    resp.text = item.text
                    await self.send(
                        server_event("carellm", kind="replace", response_id=resp.id, text=item.text)
                    )
                elif item.kind == "audio":
                    await self._audio_delta(resp, item.audio)
                elif item.kind == "done":
                    reply = item.reply
        except asyncio.CancelledError:
            raise  # cancel_response reports it
        except Exception as exc:
            self.response = None
            known = isinstance(exc, CareLLMError)
            message = (
                f"{exc.message} {exc.hint}".strip() if isinstance(exc, CareLLMError) else "Internal error."
            )
            if not known:
                log.exception("realtime turn failed")
            code = getattr(exc, "code", None) or ("turn_failed" if known else "server_error")
            await self.send(error_event(message, code, "invalid_request_error" if known else "server_error"))
            error = {"type": "server_error", "code": code, "message": message}
            await self.send(
                server_event(
                    "response.done", response=response_object(resp.id, "failed", self.modalities, error=error)
                )
            )
            return
        finally:
            if resp.runner is not None:
                resp.runner.cancel.set()
        self.response = None
        if reply is not None:
            await self._finish(resp, reply, turn)

    async def _output_item(self, resp: ActiveResponse, stage: str, item: dict[str, Any], text: str) -> None:
        """`response.output_item.*` and `response.content_part.*` (added before the deltas, done
        after them; done in reverse order): clients such as LiveKit's track a reply by them."""
        ids = {"response_id": resp.id, "output_index": 0}
        part = {"type": "audio", "transcript": text} if resp.audio else {"type": "text", "text": text}
        part_event = server_event(
            f"response.content_part.{stage}", item_id=resp.playback.item_id, content_index=0, part=part, **ids
        )
        item_event = server_event(f"response.output_item.{stage}", item=item, **ids)
        for event in (item_event, part_event) if stage == "added" else (part_event, item_event):
            await self.send(event)

    async def _text_delta(self, resp: ActiveResponse, text: str) -> None:
        kind = "response.output_audio_transcript.delta" if resp.audio else "response.output_text.delta"
        await self.send(
            server_event(
                kind,
                response_id=resp.id,
                item_id=resp.playback.item_id,
                output_index=0,
                content_index=0,
                delta=text,
            )
        )

    async def _audio_delta(self, resp: ActiveResponse, audio: np.ndarray) -> None:
        step = int(OUTPUT_SAMPLE_RATE * AUDIO_PIECE_S)
        for start in range(0, len(audio), step):
            piece = audio[start : start + step]
            if resp.playback.started is None:
                resp.playback.started = time.monotonic()
            resp.playback.sent += len(piece)
            await self.send(
                server_event(
                    "response.output_audio.delta",
                    response_id=resp.id,
                    item_id=resp.playback.item_id,
                    output_index=0,
                    content_index=0,
                    delta=encode_pcm16(piece),
                )
            )

    async def _finish(self, resp: ActiveResponse, reply: Reply, turn: UserTurn) -> None:
        item_id = resp.playback.item_id
        ids = {"response_id": resp.id, "item_id": item_id, "output_index": 0, "content_index": 0}
        if resp.audio:
            await self.send(server_event("response.output_audio.done", **ids))
            await self.send(
                server_event("response.output_audio_transcript.done", transcript=reply.text, **ids)
            )
        else:
            await self.send(server_event("response.output_text.done", text=reply.text, **ids))
        if turn.audio is not None:
            await self.send(
                server_event(
                    "conversation.item.input_audio_transcription.completed",
                    item_id=turn.item_id,
                    content_index=0,
                    transcript=reply.speech_transcript or "",
                    usage={"type": "duration", "seconds": round(len(turn.audio) / INPUT_SAMPLE_RATE, 3)},
                )
            )
        item = assistant_item(item_id, reply.text, resp.audio, "completed")
        await self._output_item(resp, "done", item, reply.text)
        await self.send(server_event("conversation.item.done", item=item, previous_item_id=turn.item_id))
        self.service.observe_safety(reply)
        info = carellm_info(reply, self.session.id)
        await self.send(
            server_event("carellm", kind="turn", response_id=resp.id, info=info.model_dump(mode="json"))
        )
        await self.send(
            server_event(
                "response.done", response=response_object(resp.id, "completed", self.modalities, [item])
            )
        )
        if resp.playback.sent:
            self.last_playback = resp.playback

    async def cancel(self, event: ResponseCancel) -> None:
        active = self.response
        if active is None or (event.response_id is not None and event.response_id != active.id):
            raise Refusal(
                "No response in progress to cancel.",
                "Send response.cancel while one runs.",
                "response_not_found",
            )
        await self.cancel_response("client_cancelled")

    async def cancel_response(self, reason: str) -> None:
        """Stop the reply at once: no more of its events are sent, its turn is abandoned (the
        session is left as it was), and its item is reported truncated at what was played."""
        resp, self.response = self.response, None
        if resp is None:
            return
        if resp.runner is not None:
            resp.runner.cancel.set()
        if resp.task is not None:
            resp.task.cancel()
            with suppress(asyncio.CancelledError):
                await resp.task
        played = resp.playback.played_ms()
        if resp.playback.sent:
            await self.report_truncated(resp.playback, played)
        item = assistant_item(resp.playback.item_id, resp.text, resp.audio, "incomplete")
        await self._output_item(resp, "done", item, resp.text)
        await self.send(server_event("conversation.item.done", item=item, previous_item_id=None))
        done = response_object(resp.id, "cancelled", self.modalities, [item], reason=reason)
        await self.send(server_event("response.done", response=done))

    def _session_object(self) -> dict[str, Any]:
        return session_object(
            self.id, self.model, self.modalities, self.input_rate, self.detection, self.voice
        )
