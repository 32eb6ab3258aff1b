"""Placeholder until the foundation lands (being written now)."""

import typer


def doctor() -> None:
    """Not ready yet."""
    raise typer.Exit(1)
