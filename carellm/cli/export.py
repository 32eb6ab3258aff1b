"""`carellm export mnn`: a Qwen2.5-Omni checkpoint for laptops and phones (docs/edge.md)."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(
    help="Export a model for other runtimes (MNN: laptop CPUs, Android, iOS).", no_args_is_help=True
)
console = Console()


@app.command("mnn")
def mnn(
    model: str = typer.Option(..., "--model", help="Hub id, local folder, or a merged fine-tune."),
    out: Path = typer.Option(..., "--out", help="Folder to write the MNN model into."),
    quant_bit: int = typer.Option(4, "--quant-bit", help="Weight bits: 4 (smallest) or 8 (closest)."),
    talker: bool = typer.Option(
        True, "--talker/--no-talker", help="Also export the talker (spoken replies)."
    ),
) -> None:
    """Convert a Qwen2.5-Omni checkpoint with MNN's exporter; run it with --backend mnn."""
    from carellm.edge.export import CARD, export_mnn
    from carellm.errors import InputError

    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a folder.", "Choose a new folder name.")
    console.print(f"Exporting {model} to MNN ({quant_bit}-bit weights); this loads the whole checkpoint...")
    started = time.perf_counter()
    card = export_mnn(model, out, quant_bit=quant_bit, talker=talker)
    console.print(
        f"Exported {', '.join(card.exported)} to [bold]{out}[/] in {time.perf_counter() - started:.0f} s."
    )
    for part, why in card.not_exported.items():
        console.print(f"Not exported: {part} ({why}).")
    console.print(f"Model card: {out / CARD}\nRun it: carellm chat --backend mnn --model {out}")
