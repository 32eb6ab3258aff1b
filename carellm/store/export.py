"""A session as a file the person can keep: JSON (complete), Markdown or HTML (readable)."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime

from carellm.errors import InputError
from carellm.store.store import Store

FORMATS = ("json", "md", "html")


def export_session(store: Store, session_id: str, fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"Unknown export format {fmt!r}.", "Use --format json, md or html.")
    turns = store.require(session_id)
    info = store.session(session_id)
    feedback = store.feedback(session_id)
    if fmt == "json":
        doc = {
            "session": info.to_dict() if info else {"id": session_id},
            "turns": [turn.to_dict() for turn in turns],
            "feedback": [vars(f) for f in feedback],
        }
        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    pairs = [
        (turn.user_text, turn.reply_text, turn.finished_at, [m.name for m in turn.media]) for turn in turns
    ]
    if fmt == "md":
        lines = [f"# CareLLM session {session_id}", ""]
        for user, reply, at, media in pairs:
            lines += [f"**You** ({_when(at)}):", "", user or "_(no text)_"]
            lines += [f"- attached: {name}" for name in media]
            lines += ["", "**CareLLM**:", "", reply, ""]
        return "\n".join(lines)
    body = [f"<h1>CareLLM session {html.escape(session_id)}</h1>"]
    for user, reply, at, media in pairs:
        attached = "".join(f"<li>attached: {html.escape(n)}</li>" for n in media)
        body.append(
            f'<div class="user"><b>You</b> <small>{_when(at)}</small><p>{_para(user)}</p>'
            f"<ul>{attached}</ul></div>"
            f'<div class="assistant"><b>CareLLM</b><p>{_para(reply)}</p></div>'
        )
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>CareLLM session</title></head><body>'
        + "\n".join(body)
        + "</body></html>\n"
    )


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _para(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")
