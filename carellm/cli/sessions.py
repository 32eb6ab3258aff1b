"""`carellm sessions`: list, show, export, delete and purge stored conversations."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from carellm.config import load_settings
from carellm.errors import InputError

app = typer.Typer(help="Stored sessions: list, show, export, delete, purge.", no_args_is_help=True)
console = Console(highlight=False)
_AGE = re.compile(r"^(\d+(?:\.\d+)?)([dhm])$")
_UNIT_S = {"d": 86_400, "h": 3_600, "m": 60}


def _store():
    from carellm.store import open_store

    return open_store(load_settings())


def sessions_table(store) -> Table:
    """The table `sessions list` and the chat REPL's /sessions both print."""
    table = Table("id", "turns", "last active", "lang")
    for s in store.sessions():
        table.add_row(s.id, str(s.turns), _when(s.updated_at), s.lang or "")
    return table


@app.command("list")
def list_sessions() -> None:
    """Stored sessions, most recent first."""
    console.print(sessions_table(_store()))


@app.command("show")
def show(session_id: str = typer.Argument(..., help="Session id (see `sessions list`).")) -> None:
    """Print a session's conversation."""
    for turn in _store().require(session_id):
        console.print(f"[bold cyan]you>[/] {_escape(turn.user_text)}")
        for m in turn.media:
            console.print(f"  [dim]attached {m.kind}: {_escape(m.name)}[/]")
        console.print(f"[bold green]carellm>[/] {_escape(turn.reply_text)}")


@app.command("export")
def export(
    session_id: str = typer.Argument(..., help="Session id."),
    fmt: str = typer.Option("json", "--format", "-f", help="json, md or html."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of standard output."),
) -> None:
    """Export a session as JSON (everything), Markdown or HTML."""
    from carellm.store.export import export_session

    text = export_session(_store(), session_id, fmt)
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.expanduser().write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"Could not write {out}: {exc.strerror}.", "Choose a writable path.") from None
    console.print(f"Exported session {session_id} to {out}")


@app.command("delete")
def delete(
    session_id: str = typer.Argument(..., help="Session id."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete a session, its feedback, its attachments' copies and its spoken replies for good."""
    store = _store()
    store.require(session_id)
    if not yes and not _confirm(f"Delete session {session_id} and its files for good?"):
        raise InputError(f"Session {session_id} was not deleted.", "Add --yes to delete it without asking.")
    files = store.delete(session_id)
    noun = "file" if files == 1 else "files"
    console.print(
        f"Deleted session {session_id} ({files} {noun} removed: copies of attachments and spoken replies)."
    )


@app.command("purge")
def purge(
    older_than: str = typer.Option(..., "--older-than", help="Age such as 30d, 12h or 90m."),
) -> None:
    """Delete every session idle for longer than the given age (and risk events as old)."""
    gone = _store().purge(parse_age(older_than))
    console.print(f"Purged {len(gone)} session(s) idle for more than {older_than}.")


@app.command("keygen")
def keygen(path: Path = typer.Argument(..., help="New key file (created with mode 0600).")) -> None:
    """Write a new random encryption key; point CARELLM_ENCRYPTION_KEY_FILE at it."""
    from carellm.store.crypto import write_key_file

    console.print(
        f"Wrote a new key to {write_key_file(path)}. Keep a backup: without it the data is unreadable."
    )


def _confirm(question: str) -> bool:
    """The user's answer; False when there is none (no terminal: stdin closed or empty)."""
    try:
        return typer.confirm(question)
    except typer.Abort:
        return False


def parse_age(text: str) -> float:
    match = _AGE.match(text.strip().lower())
    if not match:
        raise InputError(
            f"Cannot read the age {text!r}.", "Use a number and d, h or m, e.g. --older-than 30d."
        )
    return float(match.group(1)) * _UNIT_S[match.group(2)]


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
