"""`create_app(counselor, settings)`: the FastAPI application behind `carellm serve`.

Routes are thin: authenticate, rate-limit, hand the request to `ChatService`, return what it
built. Limits, auth and errors are wired here once for every route.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import FastAPI, Request, WebSocket
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from carellm.backends.base import DISCLAIMER_HEADER
from carellm.counseling.counselor import Counselor, EmotionFactory
from carellm.counseling.hooks import TurnRecorder
from carellm.dev.tiny_model import is_tiny_model
from carellm.serve.errors import ApiError, install_error_handlers
from carellm.serve.metrics import Metrics
from carellm.serve.protocol import (
    ChatCompletion,
    ChatCompletionRequest,
    EngineHealth,
    ErrorResponse,
    Health,
    ModelCard,
    ModelList,
)
from carellm.serve.realtime.route import realtime_endpoint
from carellm.serve.security import BodyLimitMiddleware, KeyChecker, RateLimiter
from carellm.serve.sessions import SharedArchive
from carellm.serve.settings import ServeSettings, stable_model_name
from carellm.serve.turns import ChatService
from carellm.version import __version__

log = logging.getLogger("carellm.serve")

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (400, 401, 404, 413, 422, 429, 503)
}


def create_app(
    counselor: Counselor,
    settings: ServeSettings | None = None,
    *,
    recorder: TurnRecorder | None = None,
    emotion_factory: EmotionFactory | Literal["counselor"] | None = "counselor",
    shared: SharedArchive | None = None,
) -> FastAPI:
    """The server for one loaded counselor.

    recorder: where every turn is recorded (None: the counselor's recorder, the session store).
    emotion_factory: a new EmotionObserver per session, None for none ("counselor": its choice).
    shared: the session store other replicas share (`--shared-sessions`): server-side sessions
    are then read from and written through to it (sessions.py); None: kept in this process.
    """
    settings = settings or ServeSettings()
    model_name = settings.served_model_name or stable_model_name(counselor.settings.model)
    if is_tiny_model(counselor.settings.model):
        log.warning(
            "Serving the tiny RANDOM test model (%s): its replies are noise. "
            "Give --model Qwen/Qwen2.5-Omni-7B (or -3B) for real replies.",
            counselor.settings.model,
        )
    metrics = Metrics()
    service = ChatService(counselor, settings, model_name, metrics, recorder, emotion_factory, shared)
    keys = KeyChecker(settings.all_api_keys())
    limiter = RateLimiter(settings.rate_limit_per_minute)
    started = int(time.time())

    @asynccontextmanager
    async def warm_up_first(_: FastAPI) -> AsyncIterator[None]:
        # Before uvicorn opens the port: the engine's decode steps are made ready (compiled or
        # loaded from the compile cache) now, not while the first clients wait.
        await run_in_threadpool(counselor.warm_up)
        yield

    app = FastAPI(
        title="CareLLM",
        version=__version__,
        description="OpenAI-compatible Chat Completions for CareLLM. Research use only.",
        lifespan=warm_up_first,
    )
    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodyLimitMiddleware, max_bytes=int(settings.max_body_mb * 1e6))
    app.state.service = service
    app.state.metrics = metrics

    @app.middleware("http")
    async def count_requests(request: Request, call_next):
        began = time.perf_counter()
        response = await call_next(request)
        seconds = time.perf_counter() - began
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.inc("carellm_requests_total", route=path, status=str(response.status_code))
        metrics.observe_latency(path, seconds)
        log_request(request, response.status_code, seconds)
        return response

    def caller_of(request: Request) -> str:
        host = request.client.host if request.client else "unknown"
        caller = keys.caller(request.headers.get("authorization"), host)
        limiter.check(caller)
        return caller

    @app.get("/health", response_model=Health)
    async def health() -> Health:
        # Still 200 while engines rest: the API itself is up (a probe failing would take every
        # replica out with the engines); the list says which engines are out.
        states = getattr(counselor.backend, "engine_states", None)  # a remote backend over engines
        engines = [EngineHealth(**state) for state in states()] if callable(states) else None
        return Health(
            model=model_name,
            backend=counselor.backend.name,
            active=service.queue.active,
            waiting=service.queue.waiting,
            sessions=len(service.sessions),
            engines=engines,
        )

    @app.get("/metrics", response_class=PlainTextResponse)
    async def prometheus() -> str:
        metrics.set_gauge("carellm_queue_waiting", service.queue.waiting)
        metrics.set_gauge("carellm_generations_active", service.queue.active)
        metrics.set_gauge("carellm_sessions", len(service.sessions))
        return metrics.render()

    @app.get("/v1/models", response_model=ModelList, responses=ERRORS)
    async def models(request: Request) -> ModelList:
        caller_of(request)
        return ModelList(
            data=[ModelCard(id=name, created=started) for name in dict.fromkeys([model_name, "carellm"])]
        )

    @app.get("/v1/models/{model_id:path}", response_model=ModelCard, responses=ERRORS)
    async def model(model_id: str, request: Request) -> ModelCard:
        caller_of(request)
        if model_id not in service.model_ids:
            raise ApiError(
                404, f"The model '{model_id}' does not exist.", "See GET /v1/models.", "model_not_found"
            )
        return ModelCard(id=model_id, created=started)

    @app.post(
        "/v1/chat/completions",
        response_model=ChatCompletion,
        responses={**ERRORS, 200: {"content": {"text/event-stream": {}}}},
    )
    async def chat_completions(body: ChatCompletionRequest, request: Request):
        caller = caller_of(request)
        if body.carellm is not None and body.carellm.session_id is not None:
            request.state.session_id = body.carellm.session_id  # for the request's log line
        service.check(body)
        in_content = request.headers.get(DISCLAIMER_HEADER, "").lower() != "field-only"
        turn = await run_in_threadpool(service.prepare, body, caller, in_content)
        if not body.stream:
            return await service.complete(turn)
        runner, first, deadline = await service.first_event(turn)
        return StreamingResponse(
            service.sse(turn, runner, first, deadline),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.websocket("/v1/realtime")
    async def realtime(ws: WebSocket, model: str | None = None, lang: str | None = None) -> None:
        """Spoken sessions in the OpenAI Realtime protocol (docs/realtime.md)."""
        await realtime_endpoint(ws, service, keys, limiter, model, lang)

    return app


def log_request(request: Request, status: int, seconds: float) -> None:
    """One line per request: method, route, status, latency, session id. Never message text: the
    route's declared path is logged, not the URL, and the session id only as the client chose it.
    For a stream the latency is the time to its first chunk."""
    route = request.scope.get("route")
    path = getattr(route, "path", None) or "unmatched"
    session_id = getattr(request.state, "session_id", None) or "-"
    log.info("%s %s %d %.0f ms session=%s", request.method, path, status, seconds * 1000, session_id)
