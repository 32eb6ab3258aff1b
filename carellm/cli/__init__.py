"""`carellm` command line: thin wrappers that parse flags and call the package's modules.

Each command group lives in its own module and registers itself below. Modules import
heavy libraries (torch, transformers) inside the commands that need them, so that
`carellm safety check` answers without loading a model stack.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from carellm.errors import CareLLMError

app = typer.Typer(
    name="carellm",
    help="CareLLM: multimodal mental-health support research on Qwen2.5-Omni. Research use only.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


def _register() -> None:
    from carellm.cli import chat, data, dev, doctor, emotion, safety, serve, sessions, web

    app.command("chat")(chat.chat)
    app.command("doctor")(doctor.doctor)
    app.add_typer(dev.app, name="dev")
    app.add_typer(safety.app, name="safety")
    app.add_typer(emotion.app, name="emotion")
    app.add_typer(serve.app, name="serve")
    app.add_typer(data.app, name="data")
    app.add_typer(sessions.app, name="sessions")
    app.command("web")(web.web)


_register()


def report_error(exc: CareLLMError) -> None:
    err_console.print(f"[bold red]Error:[/] {exc.message}", highlight=False)
    if exc.hint:
        err_console.print(exc.hint, highlight=False)


def main() -> None:
    try:
        app()
    except CareLLMError as exc:
        report_error(exc)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        sys.exit(130)
