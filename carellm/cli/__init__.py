"""`carellm` command line: thin wrappers that parse flags and call the package's modules.

Each command group lives in its own module and registers itself below. Modules import
heavy libraries (torch, transformers) inside the commands that need them, so that
`carellm safety check` answers without loading a model stack.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import PackageNotFoundError, version

import typer
from pydantic import ValidationError
from pydantic_settings import BaseSettings
from rich.console import Console

from carellm.errors import CareLLMError, ConfigError

app = typer.Typer(
    name="carellm",
    help="CareLLM: multimodal mental-health support research on Qwen2.5-Omni. Research use only.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


def _show_version(wanted: bool) -> None:
    if wanted:
        try:
            print(f"carellm {version('carellm')}")
        except PackageNotFoundError:  # a source tree that was never installed
            print("carellm (not installed: run bash scripts/install.sh)")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_show_version, is_eager=True
    ),
) -> None:
    """CareLLM: multimodal mental-health support research on Qwen2.5-Omni. Research use only."""


def _register() -> None:
    from carellm.cli import (
        chat,
        data,
        dev,
        doctor,
        emotion,
        evaluation,
        export,
        feedback,
        safety,
        serve,
        sessions,
        talk,
        train,
        web,
    )

    app.command("chat")(chat.chat)
    app.command("doctor")(doctor.doctor)
    app.add_typer(dev.app, name="dev")
    app.add_typer(safety.app, name="safety")
    app.add_typer(emotion.app, name="emotion")
    app.add_typer(evaluation.app, name="eval")
    app.add_typer(export.app, name="export")
    app.add_typer(feedback.app, name="feedback")
    # A command, not a group: its help shows the flags, not `COMMAND [ARGS]...`.
    app.command("serve", help=serve.app.info.help)(serve.serve)
    app.add_typer(data.app, name="data")
    app.add_typer(sessions.app, name="sessions")
    app.add_typer(train.app, name="train")
    app.command("talk")(talk.talk)
    app.command("web")(web.web)


_register()


def report_error(exc: CareLLMError) -> None:
    err_console.print(f"[bold red]Error:[/] {exc.message}", highlight=False)
    if exc.hint:
        err_console.print(exc.hint, highlight=False)


def settings_error(exc: ValidationError) -> ConfigError | None:
    """One line naming the flag or CARELLM_* variable that holds each bad value; None when the
    error is not about settings (then it is a bug and keeps its traceback)."""
    prefixes = {cls.__name__: cls.model_config.get("env_prefix", "") for cls in _subclasses(BaseSettings)}
    if exc.title not in prefixes:
        return None
    env = {k.upper(): v for k, v in os.environ.items()}
    problems = []
    for error in exc.errors():
        field = "_".join(str(part) for part in error["loc"])
        variable = f"{prefixes[exc.title]}{field}".upper()
        value = error.get("input")
        why = error["msg"][:1].lower() + error["msg"][1:]
        if variable in env and env[variable] == str(value):
            problems.append(f"{variable}={value!r}: {why} (fix or unset {variable})")
        else:
            problems.append(f"--{field.replace('_', '-')} {value!r}: {why}")
    return ConfigError("; ".join(problems) + ".")


def _subclasses(cls: type[BaseSettings]) -> list[type[BaseSettings]]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]


def main() -> None:
    try:
        app(prog_name="carellm")  # also under `python -m carellm`, so usage lines read as typed
    except CareLLMError as exc:
        report_error(exc)
        sys.exit(2)
    except ValidationError as exc:  # a flag or CARELLM_* value the settings refuse
        error = settings_error(exc)
        if error is None:
            raise
        report_error(error)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("Interrupted.")
        sys.exit(130)
