"""`carellm talk`: a spoken session from the terminal, through `/v1/realtime`.

Against a running server with `--url`, or in this process: the model is loaded and served on
127.0.0.1 (a free port, a one-off key) and the same client talks to it, so both ways run the
same safety path as every other interface. `--input-wav`/`--output-wav` replace the microphone
and speaker (machines without audio hardware, and tests).
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from pathlib import Path

import typer
from rich.console import Console

from carellm.config import Settings, load_settings
from carellm.errors import ConfigError

console = Console(highlight=False)
STYLE = {"you": "bold cyan", "counselor": "bold green", "note": "dim", "error": "bold red"}


def say(who: str, text: str) -> None:
    label = {"note": "", "error": "error: "}.get(who, f"{who}: ")
    console.print(f"[{STYLE.get(who, '')}]{label}[/]{text}")


def talk(
    url: str | None = typer.Option(
        None, "--url", help="A carellm server (http://host:8000); none: in-process."
    ),
    api_key: str | None = typer.Option(None, "--api-key", help="The server's API key (with --url)."),
    model: str | None = typer.Option(None, "--model", help="Hub id or local folder (in-process)."),
    lang: str | None = typer.Option(None, "--lang", help="zh, en or auto."),
    input_wav: Path | None = typer.Option(
        None, "--input-wav", help="Speak this file instead of the microphone."
    ),
    output_wav: Path | None = typer.Option(
        None, "--output-wav", help="Write the reply here instead of playing it."
    ),
    silence_ms: int = typer.Option(
        500, "--silence-ms", min=100, max=10_000, help="Quiet that ends your turn (microphone)."
    ),
    vad_threshold: float = typer.Option(
        0.5, "--vad-threshold", min=0.05, max=0.95, help="Speech probability that starts a turn."
    ),
) -> None:
    """Talk with CareLLM: microphone and speaker, or WAV files; captions in the terminal."""
    from carellm.serve.realtime.client import talk_live, talk_wav, write_wav

    if (input_wav is None) != (output_wav is None):
        raise ConfigError(
            "Give --input-wav and --output-wav together.", "Or neither, for microphone and speaker."
        )
    if input_wav is not None and not input_wav.is_file():
        raise ConfigError(f"No such file: {input_wav}.", "Give a WAV (or any audio file) to speak.")
    server = None
    if url is None:
        settings = load_settings(model=model, lang=lang)
        url, api_key, server = _serve_here(settings)
    try:
        if input_wav is not None and output_wav is not None:
            result = talk_wav(url, api_key, input_wav, say, lang)
            write_wav(output_wav, result.audio)
            if result.crisis:
                say("note", "This turn got the crisis response: please reach out to the lines above.")
            if result.errors:
                raise typer.Exit(1)
        else:
            talk_live(url, api_key, say, lang, silence_ms, vad_threshold)
    finally:
        if server is not None:
            server.should_exit = True


def _serve_here(settings: Settings):
    """Load the counselor and serve it on a free loopback port; (url, key, uvicorn server)."""
    import uvicorn

    from carellm.cli.counselor import load_counselor
    from carellm.serve.app import create_app
    from carellm.serve.settings import ServeSettings

    counselor, _recorder = load_counselor(settings, Console(stderr=True, highlight=False))
    key = secrets.token_urlsafe(16)
    app = create_app(counselor, ServeSettings(api_keys=[key]))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{port}", key, server
