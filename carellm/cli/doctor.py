"""`carellm doctor`: can this machine run CareLLM, with which model, and what to do next."""

from __future__ import annotations

import platform
import shutil
import sys

import typer
from rich.console import Console
from rich.table import Table

from carellm.config import DEFAULT_MODEL, SMALL_MODEL, load_settings

console = Console()

# GiB of GPU memory needed in bf16 (Qwen2.5-Omni model cards and our own loading runs):
# (text only, with spoken replies), for one generation at a time.
VRAM_TABLE = {DEFAULT_MODEL: (16, 32), SMALL_MODEL: (8, 16)}
# The thinker's KV cache per token (layers x KV heads x head_dim x K and V x 2 bytes, released
# configs): each decode slot beyond the first holds this much for a full context.
KV_BYTES_PER_TOKEN = {DEFAULT_MODEL: 28 * 4 * 128 * 2 * 2, SMALL_MODEL: 36 * 2 * 128 * 2 * 2}
CUDA_DECODE_SLOTS = 8  # Settings.decode_slots' default on CUDA


def recommend(
    free_gib: float | None, decode_slots: int = 1, context_tokens: int = 6144
) -> tuple[str | None, bool, str]:
    """(model, audio_output, why) for this much free GPU memory; model None when none fits.

    `decode_slots` generations batched together (the server's default on CUDA is 8) each keep
    a KV cache of up to `context_tokens`.
    """
    if free_gib is None:
        return None, False, "No CUDA GPU found: the real models need one (the tiny test model runs on CPU)."
    for model, (text, audio) in VRAM_TABLE.items():
        slots = (decode_slots - 1) * context_tokens * KV_BYTES_PER_TOKEN[model] / 2**30
        extra = f" (+{slots:.1f} GiB for {decode_slots} decode slots)" if slots else ""
        if free_gib >= audio + slots:
            why = f"{free_gib:.0f} GiB free ≥ {audio} GiB{extra} for {model} with spoken replies."
            return model, True, why
        if free_gib >= text + slots:
            return (
                model,
                False,
                f"{free_gib:.0f} GiB free ≥ {text} GiB{extra} for {model} text-only (--no-audio-output).",
            )
    return (
        None,
        False,
        f"{free_gib:.0f} GiB free is below the {VRAM_TABLE[SMALL_MODEL][0]} GiB the 3B model needs.",
    )


def _gpu() -> tuple[str, float | None]:
    try:
        import torch
    except ImportError:
        return "torch not installed", None
    if not torch.cuda.is_available():
        return f"torch {torch.__version__}, no CUDA", None
    free, total = torch.cuda.mem_get_info()
    name = torch.cuda.get_device_name(0)
    return (
        f"{name}, {free / 2**30:.1f} of {total / 2**30:.1f} GiB free (torch {torch.__version__})",
        free / 2**30,
    )


def doctor() -> None:
    """Check Python, torch/CUDA, GPU memory, disk, cached weights and tools; recommend a model."""
    from carellm.backends.loading import hf_cache_dir, is_cached

    settings = load_settings()
    table = Table(title="CareLLM doctor", show_header=True)
    table.add_column("check")
    table.add_column("result")
    table.add_row("python", f"{platform.python_version()} ({sys.executable})")
    gpu, free_gib = _gpu()
    table.add_row("gpu", gpu)
    cache = hf_cache_dir()
    probe = next(p for p in (cache, *cache.parents) if p.exists())
    try:
        disk = shutil.disk_usage(probe)
        table.add_row("disk", f"{disk.free / 2**30:.0f} GiB free at {probe} (7B needs ~22 GiB, 3B ~11 GiB)")
    except OSError:
        table.add_row("disk", f"cannot read {probe}")
    for name in dict.fromkeys((DEFAULT_MODEL, SMALL_MODEL, settings.model)):
        table.add_row(f"weights {name}", "in local cache" if is_cached(name) else f"not found in {cache}")
    for tool in ("ffmpeg", "espeak-ng"):
        where = shutil.which(tool)
        table.add_row(tool, where or "missing (apt-get install " + tool + ")")
    console.print(table)

    slots = settings.decode_slots or CUDA_DECODE_SLOTS
    model, audio, why = recommend(free_gib, slots, settings.context_tokens)
    console.print(f"[bold]Recommendation:[/] {why}")
    if model is None:
        if free_gib is None:  # no CUDA GPU at all: the MNN edge path runs on this CPU
            _edge_advice(probe)
        console.print(
            "Or: run on a machine with a CUDA GPU, point --backend openai --base-url at a served model, "
            "or try the interfaces with random weights: carellm dev make-tiny-model ./tiny && "
            "carellm chat --model ./tiny"
        )
        return
    flag = "" if audio else " --no-audio-output"
    if not is_cached(model):
        console.print(f"Next: hf download {model}   (or use --model /path/to/weights)")
    console.print(f"Then: carellm chat --model {model}{flag}")


def _edge_advice(probe) -> None:
    from carellm.edge.sizing import edge_advice, memory_bandwidth_gb_s, memory_gib

    _, available = memory_gib()
    try:
        free_disk = shutil.disk_usage(probe).free / 2**30
    except OSError:
        free_disk = None
    bandwidth = memory_bandwidth_gb_s(gib=0.25, repeats=3)  # ~0.1 s
    ram = f"{available:.1f} GiB RAM available, " if available is not None else ""
    console.print(f"[bold]Edge path:[/] {ram}memory bandwidth {bandwidth:.1f} GB/s.")
    for line in edge_advice(available, free_disk, bandwidth):
        console.print(line)


if __name__ == "__main__":  # pragma: no cover
    typer.run(doctor)
