"""`carellm serve`: the OpenAI-compatible HTTP server (FastAPI + uvicorn)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from carellm.cli.hosts import is_loopback
from carellm.config import Settings, load_settings
from carellm.errors import ConfigError

if TYPE_CHECKING:
    from carellm.serve.settings import ServeSettings

console = Console(stderr=True, highlight=False)
app = typer.Typer(help="Serve CareLLM over the OpenAI Chat Completions API.", add_completion=False)


@app.callback(invoke_without_command=True)
def serve(
    model: str | None = typer.Option(
        None, "--model", help="Hub id or local folder (or the remote model's name)."
    ),
    backend: str | None = typer.Option(
        None, "--backend", help="omni (in-process), openai (remote server) or mnn (an MNN export, CPU)."
    ),
    base_url: list[str] | None = typer.Option(
        None,
        "--base-url",
        help="Remote OpenAI-compatible server (--backend openai); repeat it, or separate URLs with "
        "commas, to spread requests over several engines.",
    ),
    upstream_api_key: str | None = typer.Option(
        None, "--upstream-api-key", help="Key for the remote server (or CARELLM_API_KEY)."
    ),
    guard_self_check: str | None = typer.Option(
        None,
        "--guard-self-check",
        help="Model self-check of each reply by the reply guard: auto (GPU or remote engine), on, off.",
    ),
    host: str | None = typer.Option(None, "--host", help="Address to bind (default 127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", help="Port (default 8000)."),
    api_key: list[str] | None = typer.Option(
        None, "--api-key", help="A key clients must send (repeatable; or CARELLM_SERVE_API_KEYS)."
    ),
    api_key_file: Path | None = typer.Option(
        None, "--api-key-file", help="File with one client key per line."
    ),
    served_model_name: str | None = typer.Option(
        None, "--served-model-name", help="The id clients pass as model."
    ),
    cors_origin: list[str] | None = typer.Option(
        None, "--cors-origin", help="Allow this browser origin (repeatable)."
    ),
    allow_remote_media: bool | None = typer.Option(
        None,
        "--allow-remote-media",
        help="Fetch http(s) image/video URLs, from --remote-media-host hosts only.",
    ),
    remote_media_host: list[str] | None = typer.Option(
        None, "--remote-media-host", help="Allowed media host."
    ),
    media_dir: list[Path] | None = typer.Option(
        None, "--media-dir", help="Directory video_url paths may use."
    ),
    max_waiting: int | None = typer.Option(None, "--max-queue", help="Requests that may wait for the model."),
    rate_limit: int | None = typer.Option(None, "--rate-limit", help="Requests per minute per key."),
    shared_sessions: bool | None = typer.Option(
        None,
        "--shared-sessions",
        help="Keep server-side sessions in the session store that API replicas share (PostgreSQL).",
    ),
    insecure_no_auth: bool = typer.Option(
        False, "--insecure-no-auth", help="Allow a non-loopback address without API keys."
    ),
) -> None:
    """Start the server. Research use only: not a therapist, not a medical device."""
    from carellm.serve.settings import ServeSettings

    overrides: dict[str, Any] = {
        "host": host,
        "port": port,
        "api_keys": api_key or None,
        "api_key_file": api_key_file,
        "served_model_name": served_model_name,
        "cors_origins": cors_origin or None,
        "allow_remote_media": allow_remote_media,
        "remote_media_hosts": remote_media_host or None,
        "media_dirs": [str(d) for d in media_dir] if media_dir else None,
        "max_waiting": max_waiting,
        "rate_limit_per_minute": rate_limit,
        "shared_sessions": shared_sessions,
    }
    try:
        serve_settings = ServeSettings(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as exc:
        raise ConfigError(
            f"Invalid server setting: {exc}", "Check the flags and CARELLM_SERVE_* variables."
        ) from exc
    keys = serve_settings.all_api_keys()
    if not keys and not is_loopback(serve_settings.host) and not insecure_no_auth:
        raise ConfigError(
            f"Refusing to listen on {serve_settings.host} without API keys.",
            "Give --api-key (or --api-key-file), or --insecure-no-auth if a proxy in front authenticates.",
        )
    settings = load_settings(
        model=model,
        backend=backend,
        base_url=",".join(base_url) if base_url else None,
        api_key=upstream_api_key,
        guard_self_check=guard_self_check,
    )
    run_server(settings, serve_settings)


def run_server(settings: Settings, serve_settings: ServeSettings) -> None:
    import uvicorn

    from carellm.cli.counselor import load_counselor
    from carellm.serve.app import create_app
    from carellm.serve.settings import stable_model_name

    # Every served turn and risk event goes to the session store (CARELLM_DB_URL; SQLite by default).
    show_request_log()
    counselor, recorder = load_counselor(settings, console)
    shared = None
    if serve_settings.shared_sessions:
        if recorder.store is None:
            raise ConfigError(
                "--shared-sessions needs the session store, and it could not be opened.",
                "Check CARELLM_DB_URL (replicas share one PostgreSQL database).",
            )
        shared = recorder.store
    # warns here when the model is the tiny random one
    app = create_app(counselor, serve_settings, shared=shared)
    auth = "API keys required" if serve_settings.all_api_keys() else "no API keys"
    name = serve_settings.served_model_name or stable_model_name(settings.model)
    console.print(
        f"CareLLM serving '{name}' on "
        f"http://{serve_settings.host}:{serve_settings.port}/v1 ({auth}). Ctrl+C to stop."
    )
    uvicorn.run(
        app, host=serve_settings.host, port=serve_settings.port, log_level="warning", access_log=False
    )


def show_request_log() -> None:
    """The server's own lines on stderr: its start-up warnings and one line per request."""
    import logging

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    log = logging.getLogger("carellm.serve")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
