"""The `/v1/realtime` WebSocket route: authenticate as the HTTP API does, then run the session.

The key comes as `Authorization: Bearer <key>` (the openai SDK's way), or, for browsers, which
cannot set headers on a WebSocket, as the subprotocol `openai-insecure-api-key.<key>` beside
`realtime` (OpenAI's own browser convention). A refused connection is accepted just long enough
to send one `error` event that says why, then closed with 1008 (policy violation).
"""

from __future__ import annotations

import json
import uuid

from starlette.websockets import WebSocket

from carellm.errors import CareLLMError
from carellm.serve.errors import ApiError
from carellm.serve.realtime.events import error_event
from carellm.serve.realtime.session import RealtimeSession
from carellm.serve.security import KeyChecker, RateLimiter
from carellm.serve.turns import ChatService

KEY_PROTOCOL = "openai-insecure-api-key."


def key_from(ws: WebSocket) -> tuple[str | None, str | None]:
    """(the Authorization header to check, the subprotocol to accept)."""
    offered = [p.strip() for p in ws.headers.get("sec-websocket-protocol", "").split(",") if p.strip()]
    accept = "realtime" if "realtime" in offered else None
    header = ws.headers.get("authorization")
    for proto in offered:
        if header is None and proto.startswith(KEY_PROTOCOL):
            header = f"Bearer {proto[len(KEY_PROTOCOL) :]}"
    return header, accept


async def realtime_endpoint(
    ws: WebSocket,
    service: ChatService,
    keys: KeyChecker,
    limiter: RateLimiter,
    model: str | None,
    lang: str | None,
) -> None:
    header, subprotocol = key_from(ws)
    host = ws.client.host if ws.client else "unknown"
    try:
        caller = keys.caller(header, host)
        limiter.check(caller)
        if model is not None and model not in service.model_ids:
            raise ApiError(
                404, f"The model '{model}' does not exist on this server.",
                f"Use '{service.model_name}' (see GET /v1/models).", code="model_not_found",
            )  # fmt: skip
        session_id = f"rt-{caller.split(':', 1)[-1][:16]}-{uuid.uuid4().hex[:12]}"
        session = service.stored_session(lang, session_id)
    except CareLLMError as exc:
        await ws.accept(subprotocol=subprotocol)
        code = getattr(exc, "code", None) or "invalid_request"
        await ws.send_text(json.dumps(error_event(f"{exc.message} {exc.hint}".strip(), code)))
        await ws.close(code=1008)
        return
    await RealtimeSession(ws, service, session, service.model_name, subprotocol).run()
