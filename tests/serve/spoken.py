"""Reading a streamed spoken reply the way an OpenAI SDK client does."""

from __future__ import annotations

import base64

from openai import OpenAI


def stream_spoken(
    client: OpenAI,
    model_id: str,
    message: str = "Exams are coming and I cannot focus.",
    session_id: str | None = None,
) -> tuple[list[tuple[str, object]], str | None]:
    """A streamed request for text and pcm16 speech: ("text", piece) and ("audio", pcm16 bytes)
    in the order they arrived, and the audio transcript. With `session_id`, a server-side session
    (its turns are recorded; stateless calls are not)."""
    stream = client.chat.completions.create(
        model=model_id,
        messages=[{"role": "user", "content": message}],
        modalities=["text", "audio"],
        audio={"voice": "Chelsie", "format": "pcm16"},
        stream=True,
        # The text is the reply alone, to compare with what is spoken (the disclaimer stays in the
        # carellm field; test_openai_conformance.py checks it in the text).
        extra_body={"carellm": {"disclaimer": "field-only", "session_id": session_id}},
    )
    events: list[tuple[str, object]] = []
    transcript = None
    for chunk in stream:
        delta = chunk.choices[0].delta if chunk.choices else None
        if delta is None:
            continue
        if delta.content:
            events.append(("text", delta.content))
        if delta.audio and delta.audio.data:
            events.append(("audio", base64.b64decode(delta.audio.data)))
        if delta.audio and delta.audio.transcript:
            transcript = delta.audio.transcript
    return events, transcript
