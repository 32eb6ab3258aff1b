"""Placeholder until the foundation lands (being written now)."""

import typer


def chat() -> None:
    """Not ready yet."""
    raise typer.Exit(1)
