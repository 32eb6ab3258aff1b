"""Developer tools: a tiny random checkpoint to try every interface without the real weights."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(help="Developer tools.", no_args_is_help=True)
console = Console()


@app.command("make-tiny-model")
def make_tiny_model_cmd(
    out_dir: Path = typer.Argument(..., help="Folder to write the checkpoint into (created if missing)."),
    seed: int = typer.Option(0, help="Random seed for the weights."),
) -> None:
    """Write a tiny RANDOM Qwen2.5-Omni checkpoint (same classes, tiny sizes). Its replies are noise."""
    from carellm.dev.tiny_model import make_tiny_model
    from carellm.errors import InputError

    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} exists and is not a folder.", "Choose a new folder name.")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "config.json").exists():
        raise InputError(
            f"{out_dir} is not empty.", "Choose an empty or new folder, so nothing is overwritten."
        )
    started = time.perf_counter()
    path = make_tiny_model(out_dir, seed=seed)
    took = time.perf_counter() - started
    console.print(
        f"Wrote a tiny random Qwen2.5-Omni checkpoint to [bold]{path}[/] in {took:.1f} s.\n"
        f"Try it: carellm chat --model {path}\n"
        "[yellow]Its weights are random: replies are noise. Use it to test interfaces, not to counsel.[/]"
    )
