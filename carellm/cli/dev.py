"""Developer tools."""

import typer

app = typer.Typer(help="Developer tools.", no_args_is_help=True)
