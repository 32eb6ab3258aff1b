"""`carellm serve` on the tiny model as the engine other servers call (`--backend openai`), with
the JSON body of every chat completion it was sent kept, to check what history reached it."""

from __future__ import annotations

import json
from typing import Any

from carellm.serve.app import create_app
from carellm.serve.settings import ServeSettings


class Recorded:
    """An ASGI app in front of another: keeps each /chat/completions body, then passes it on."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bodies: list[dict] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope["path"].endswith("/chat/completions"):
            await self.app(scope, receive, send)
            return
        parts, more = [], True
        while more:
            message = await receive()
            parts.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(parts)
        self.bodies.append(json.loads(body))
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def conversation(self, last_user_text: str) -> list[tuple[str, str]]:
        """(role, text) of the request whose last message is `last_user_text`, system prompt left out."""
        for body in reversed(self.bodies):
            messages = body["messages"]
            if messages[-1]["content"] == last_user_text:
                return [(m["role"], m["content"]) for m in messages if m["role"] != "system"]
        raise AssertionError(f"the engine was never asked {last_user_text!r}")


def engine_app(counselor, api_key: str) -> Recorded:
    settings = ServeSettings(api_keys=[api_key], rate_limit_per_minute=100_000, max_waiting=64)
    return Recorded(create_app(counselor, settings, emotion_factory=None))
