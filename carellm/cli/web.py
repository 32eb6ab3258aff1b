"""`carellm web`: the Gradio page on a local (or authenticated) address."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from carellm.config import Settings, load_settings
from carellm.errors import ConfigError
from carellm.language import LANGS

if TYPE_CHECKING:
    from carellm.web.settings import WebSettings

console = Console(stderr=True, highlight=False)


def web(
    model: str | None = typer.Option(
        None, "--model", help="Hub id or local folder (or the remote model's name)."
    ),
    backend: str | None = typer.Option(
        None, "--backend", help="omni (in-process), openai (remote server) or mnn (an MNN export, CPU)."
    ),
    base_url: str | None = typer.Option(None, "--base-url", help="Remote OpenAI-compatible server URL."),
    api_key: str | None = typer.Option(None, "--api-key", help="Key for that server (or CARELLM_API_KEY)."),
    guard_self_check: str | None = typer.Option(
        None,
        "--guard-self-check",
        help="Model self-check of each reply by the reply guard: auto (GPU or remote engine), on, off.",
    ),
    host: str | None = typer.Option(None, "--host", help="Address to bind (default 127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", help="Port (default 7860)."),
    auth: str | None = typer.Option(None, "--auth", help="user:password required to open the page."),
    lang: str | None = typer.Option(None, "--lang", help="zh or en: page and conversation language."),
    insecure_no_auth: bool = typer.Option(
        False, "--insecure-no-auth", help="Allow a non-loopback address without --auth."
    ),
) -> None:
    """Open CareLLM in the browser. Research use only: not a therapist, not a medical device."""
    from carellm.cli.hosts import is_loopback
    from carellm.web.settings import WebSettings

    if lang is not None and lang not in LANGS:
        raise ConfigError(f"Unsupported language '{lang}'.", "Use --lang zh or --lang en.")
    overrides: dict[str, Any] = {"host": host, "port": port, "auth": auth, "ui_lang": lang}
    try:
        web_settings = WebSettings(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as exc:
        raise ConfigError(
            f"Invalid web setting: {exc}", "Check the flags and CARELLM_WEB_* variables."
        ) from exc
    credentials = web_settings.credentials()
    if credentials is None and not is_loopback(web_settings.host) and not insecure_no_auth:
        raise ConfigError(
            f"Refusing to open the page on {web_settings.host} without a login.",
            "Give --auth user:password, or --insecure-no-auth if a proxy in front authenticates.",
        )
    settings = load_settings(
        model=model,
        backend=backend,
        base_url=base_url,
        api_key=api_key,
        lang=lang,
        guard_self_check=guard_self_check,
    )
    run_web(settings, web_settings)


def run_web(settings: Settings, web_settings: WebSettings, gpu: Callable | None = None) -> None:
    """Load the model, open the session store and serve the page (also used by the Spaces app.py)."""
    from carellm.cli.counselor import load_counselor
    from carellm.web.app import build_app, default_feedback_sink, launch
    from carellm.web.feedback import StoreFeedbackSink

    # Turns, risk events and ratings go to the session store (CARELLM_DB_URL; SQLite by default).
    counselor, recorder = load_counselor(settings, console)
    feedback = default_feedback_sink(settings, web_settings)
    if recorder.store is not None:
        feedback = StoreFeedbackSink(recorder.store, also=feedback)
    app = build_app(counselor, settings, web_settings, feedback=feedback, gpu=gpu)
    console.print(
        f"CareLLM web page on http://{web_settings.host}:{web_settings.port} "
        f"({'login required' if web_settings.auth else 'no login'}). Ctrl+C to stop."
    )
    launch(app, web_settings)
