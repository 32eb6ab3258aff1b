"""API keys, per-key rate limits and the request body cap.

Keys are compared in constant time and never logged; a caller is identified downstream by
a short hash of its key (rate-limit bucket, session namespace), so sessions of different
keys can never mix.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import threading
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carellm.serve.errors import ApiError, error_body


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class KeyChecker:
    def __init__(self, keys: list[str]) -> None:
        self._keys = [k.encode("utf-8") for k in keys if k]

    @property
    def enabled(self) -> bool:
        return bool(self._keys)

    def caller(self, authorization: str | None, client_host: str) -> str:
        """The caller's identity for rate limits and sessions; raises 401 for a missing/wrong key."""
        if not self._keys:
            return f"addr:{client_host}"
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(
                401,
                "Missing API key.",
                "Send it as 'Authorization: Bearer <key>' (the openai client's api_key).",
                code="invalid_api_key",
            )
        given = token.strip().encode("utf-8")
        ok = False
        for key in self._keys:  # compare with every key so timing does not reveal which matched
            ok |= hmac.compare_digest(given, key)
        if not ok:
            raise ApiError(401, "Incorrect API key.", "Check the key you were given.", code="invalid_api_key")
        return f"key:{key_id(token.strip())}"


class RateLimiter:
    """A token bucket per caller: `per_minute` requests, refilled continuously, bursts up to that."""

    def __init__(self, per_minute: int, max_callers: int = 10_000) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_callers = max_callers
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, caller: str) -> None:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(caller, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                wait = math.ceil((1.0 - tokens) / self.rate)
                self._buckets[caller] = (tokens, now)
                raise ApiError(
                    429,
                    "Rate limit reached for this API key.",
                    f"Retry after {wait} s.",
                    code="rate_limit_exceeded",
                    headers={"Retry-After": str(wait)},
                )
            if len(self._buckets) >= self.max_callers and caller not in self._buckets:
                self._buckets.clear()  # bounded memory; forgetting buckets only ever lets callers in
            self._buckets[caller] = (tokens - 1.0, now)


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """413 for bodies over the limit, by Content-Length or while reading a chunked body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        import json

        mb = self.max_bytes / 1e6
        body = json.dumps(
            error_body(
                413,
                f"The request body is over {mb:g} MB. Send smaller media, or raise "
                "CARELLM_SERVE_MAX_BODY_MB.",
                "request_too_large",
            )
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
