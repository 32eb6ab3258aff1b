"""Remote backend: any OpenAI-compatible Chat Completions server (vLLM, vllm-omni, Model Studio, ...).

This is the scale-out path: the model runs on a serving engine (tensor-parallel over GPUs),
CareLLM's session, safety and emotion layers run here. Several engines may be named: requests
are spread over them and retried on another when one fails before answering (engines.py).
Peers that return audio do so with the text (`speaks_separately = False`): the session asks
for audio up front and keeps it only if the safety layer let the model's text through
unchanged. None of the supported peers can speak a *given* text over Chat Completions, so
`speak_stream()` yields nothing: a reply the safety layer replaced (e.g. the crisis response)
comes back as text only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import closing
from typing import Literal

import numpy as np
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from carellm.backends.base import DISCLAIMER_HEADER, Chunk, GenerationOptions, Message
from carellm.backends.engines import Engine, EnginePool, engine_urls
from carellm.backends.openai_wire import (
    AUDIO_PEERS,
    Peer,
    StreamReader,
    completion_chunks,
    detect_peer,
    request_body,
    upstream_error,
)
from carellm.backends.transcription import transcription_messages, transcription_options
from carellm.config import MediaLimits, Settings
from carellm.errors import BackendError, ConfigError
from carellm.media import MediaItem


class RemoteSettings(BaseSettings):
    """How to talk to the remote server (env `CARELLM_REMOTE_*`); URL, key and model are in Settings."""

    model_config = SettingsConfigDict(env_prefix="CARELLM_REMOTE_", extra="ignore")

    peer: Literal["auto", "openai", "vllm", "vllm-omni", "dashscope"] = "auto"
    timeout_s: float = Field(300.0, gt=0)
    # With several engines: how long one that failed is left out (doubling while it keeps failing).
    engine_backoff_s: float = Field(5.0, gt=0)


class EngineUnavailable(BackendError):
    """An engine failed before sending any of the reply: the request may go to another one."""


class OpenAIBackend:
    name = "openai"
    speaks_separately = False
    accelerated = True  # the engine runs elsewhere, usually on GPUs

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        peer: Peer = "openai",
        audio_output: bool = True,
        limits: MediaLimits | None = None,
        timeout_s: float = 300.0,
        engine_backoff_s: float = 5.0,
    ) -> None:
        """base_url: one engine's URL, or several separated by commas."""
        import httpx

        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # An upstream `carellm serve` then leaves its disclaimer out of the reply text (this session
        # shows its own); other servers ignore the header.
        headers[DISCLAIMER_HEADER] = "field-only"
        urls = engine_urls(base_url)
        self.base_url = ", ".join(urls)
        self.model = model
        self.peer: Peer = peer
        self.audio_output = audio_output
        self.limits = limits or MediaLimits()
        # Each engine batches; this many requests are sent to each at once.
        self.concurrency = 8 * len(urls)
        self.engines = EnginePool(urls, engine_backoff_s)
        self.clients = {url: httpx.Client(base_url=url, headers=headers, timeout=timeout_s) for url in urls}

    def engine_states(self) -> list[dict]:
        """Each engine as `/health` shows it (resting after a failure, requests in flight)."""
        return self.engines.states()

    @classmethod
    def from_settings(cls, settings: Settings, remote: RemoteSettings | None = None) -> OpenAIBackend:
        if not settings.base_url:
            raise ConfigError(
                "The openai backend needs the server's URL.",
                "Pass --base-url (e.g. http://localhost:8000/v1) or set CARELLM_BASE_URL.",
            )
        remote = remote or RemoteSettings()
        return cls(
            settings.base_url,
            settings.model,
            settings.api_key,
            detect_peer(settings.base_url, remote.peer),
            settings.audio_output,
            settings.media,
            remote.timeout_s,
            remote.engine_backoff_s,
        )

    @property
    def can_speak(self) -> bool:
        return self.audio_output and self.peer in AUDIO_PEERS

    def warm_up(self) -> None:
        """Nothing to prepare here: the remote engine is already running."""

    def count_tokens(self, messages: Sequence[Message]) -> int:
        """An estimate (the tokenizer is on the server): ~1 token per CJK character or 4 other characters."""
        from carellm.backends.omni import _estimate_media_tokens

        total = 0
        for msg in messages:
            cjk = sum(1 for ch in msg.text if "\u3400" <= ch <= "\u9fff")
            total += cjk + (len(msg.text) - cjk) // 4 + 5
            total += sum(_estimate_media_tokens(item, self.limits) for item in msg.media)
        return total

    def stream(self, messages: Sequence[Message], options: GenerationOptions) -> Iterator[Chunk]:
        yield from self._send(request_body(messages, options, self.model, self.peer, self.limits))

    def transcribe(self, speech: Sequence[MediaItem], lang: str | None, max_new_tokens: int) -> str:
        """One extra request: the speech and a fixed instruction, greedy, text only. Not streamed
        (nothing is shown while it runs), except to Model Studio, which answers streams only."""
        body = request_body(
            transcription_messages(speech, lang),
            transcription_options(max_new_tokens),
            self.model,
            self.peer,
            self.limits,
        )
        body["stream"] = self.peer == "dashscope"
        return "".join(c.text for c in self._send(body) if c.kind == "text").strip()

    def _send(self, body: dict) -> Iterator[Chunk]:
        """POST a Chat Completions request to the least busy engine; on to the next one while
        they fail before answering (each is tried once). Never after a chunk has gone out: the
        session may have shown it, and a second engine would write a different reply."""
        error: EngineUnavailable | None = None
        with closing(self.engines.candidates()) as engines:
            for engine in engines:
                try:
                    yield from self._send_to(engine, body)
                except EngineUnavailable as exc:
                    error = exc
                    continue
                return
        assert error is not None  # there is at least one engine
        raise error

    def _send_to(self, engine: Engine, body: dict) -> Iterator[Chunk]:
        """One engine's answer: chunks from the JSON answer or the SSE stream."""
        import httpx

        sent = False
        try:
            if not body["stream"]:
                resp = self.clients[engine.url].post("/chat/completions", json=body)
                self._check(engine, resp.status_code, resp.content)
                self.engines.answered(engine)
                yield from completion_chunks(resp.json())
                return
            with self.clients[engine.url].stream("POST", "/chat/completions", json=body) as resp:
                if resp.status_code >= 400:
                    self._check(engine, resp.status_code, resp.read())
                reader = StreamReader()
                for line in resp.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    payload = line[5:].strip()
                    if payload == "[DONE]":
                        break
                    for chunk in reader.feed(json.loads(payload)):
                        sent = True
                        yield chunk
                yield from reader.finish()
            self.engines.answered(engine)
        except httpx.HTTPError as exc:
            self.engines.failed(engine)
            if sent:
                raise BackendError(
                    f"Lost the remote model server at {engine.name} mid-reply ({type(exc).__name__}); "
                    "the reply is incomplete and was not sent again.",
                    "Send the message again.",
                ) from exc
            raise EngineUnavailable(
                f"Lost the remote model server at {self._failed_list(engine)} ({type(exc).__name__}).",
                "Check that the server is running and --base-url is right (it usually ends in /v1).",
            ) from exc
        except json.JSONDecodeError as exc:
            raise BackendError(
                "The remote server sent something that is not an OpenAI stream.",
                "Check that --base-url points at an OpenAI-compatible /v1 endpoint.",
            ) from exc

    def _check(self, engine: Engine, status: int, content: bytes) -> None:
        """4xx: the request is wrong everywhere, raise; 5xx: this engine is failing, try another."""
        if status < 400:
            return
        error = upstream_error(status, _json_or_none(content))
        if status >= 500:
            self.engines.failed(engine)
            raise EngineUnavailable(error.message, error.hint)
        raise error

    def _failed_list(self, engine: Engine) -> str:
        resting = self.engines.resting()
        return engine.name if len(resting) <= 1 else ", ".join(resting)

    def speak_stream(
        self, messages: Sequence[Message], reply: str, voice: str, max_seconds: float | None = None
    ) -> Iterator[np.ndarray]:
        """No peer speaks a given text over Chat Completions (see the module docstring): nothing."""
        return iter(())


def _json_or_none(content: bytes) -> object:
    try:
        return json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
