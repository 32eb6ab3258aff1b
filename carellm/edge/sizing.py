"""What the edge path needs and how fast it runs, from bench/edge_cpu.py's measured figures.

`carellm doctor` shows this on machines without a CUDA GPU. Decode on a CPU reads every weight
once per token, so its speed scales with memory bandwidth: the figures below are one machine's
(named with them), and `expected_decode` scales them by this machine's bandwidth when known.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class EdgeFigures:
    """One MNN export measured by bench/edge_cpu.py (docs/edge.md has the whole table)."""

    model: str
    quant_bit: int
    peak_ram_gib: float  # the runtime's peak RSS: prompt + decode
    export_disk_gib: float  # the export folder
    prefill_tok_s: float
    decode_tok_s: float
    measured_on: str
    bandwidth_gb_s: float  # that machine's memory bandwidth (numpy copy, read + write)


# Qwen2.5-Omni-3B's thinker shapes, random weights, MNN 4-bit (bench/edge_cpu.py, docs/edge.md).
EDGE_3B = EdgeFigures(
    model="Qwen/Qwen2.5-Omni-3B",
    quant_bit=4,
    peak_ram_gib=2.23,
    export_disk_gib=2.4,
    prefill_tok_s=6.18,
    decode_tok_s=2.48,
    measured_on="2 busy cores of an Intel Xeon (Sapphire Rapids) VM",
    bandwidth_gb_s=11.76,
)
# The export runs the checkpoint through transformers once: the bf16 weights in RAM, plus room.
EXPORT_RAM_GIB = {"Qwen/Qwen2.5-Omni-3B": 16, "Qwen/Qwen2.5-Omni-7B": 32}


def memory_gib() -> tuple[float | None, float | None]:
    """(total, available) RAM in GiB, from /proc/meminfo (None where it cannot be read)."""
    try:
        lines = Path("/proc/meminfo").read_text().splitlines()
        fields = dict(line.split(":", 1) for line in lines if ":" in line)
        total = int(fields["MemTotal"].split()[0]) / 2**20
        available = int(fields.get("MemAvailable", fields["MemTotal"]).split()[0]) / 2**20
        return total, available
    except (OSError, KeyError, ValueError):
        try:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
            return total, None
        except (ValueError, OSError, AttributeError):
            return None, None


def memory_bandwidth_gb_s(gib: float = 1.0, repeats: int = 5) -> float:
    """Best of `repeats` copies of a `gib` GiB array: GB/s of bytes read plus bytes written."""
    import time

    import numpy as np

    a = np.ones(int(gib * 2**30) // 8, dtype=np.float64)
    b = np.empty_like(a)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        np.copyto(b, a)
        best = min(best, time.perf_counter() - start)
    return round(2 * a.nbytes / best / 1e9, 2)


def expected_decode_tok_s(bandwidth_gb_s: float, figures: EdgeFigures = EDGE_3B) -> float:
    """Decode speed here, scaled from the measured machine by memory bandwidth (decode reads every
    weight once per token; compute is not the limit on a CPU at batch 1)."""
    return figures.decode_tok_s * bandwidth_gb_s / figures.bandwidth_gb_s


def edge_advice(
    available_ram_gib: float | None, free_disk_gib: float | None, bandwidth_gb_s: float | None = None
) -> list[str]:
    """Lines for `carellm doctor` on a machine without a GPU: can the edge path run here, and how fast."""
    f = EDGE_3B
    lines = [
        f"No GPU: the edge path runs {f.model} on this CPU, exported to MNN with {f.quant_bit}-bit weights "
        f"(needs ~{f.peak_ram_gib:.1f} GiB RAM and {f.export_disk_gib:.1f} GiB disk; measured on "
        f"{f.measured_on}: {f.decode_tok_s:.1f} tokens/s decode, {f.prefill_tok_s:.0f} tokens/s prompt)."
    ]
    if bandwidth_gb_s:
        lines.append(
            f"Expected here: ~{expected_decode_tok_s(bandwidth_gb_s):.1f} tokens/s decode "
            f"(memory bandwidth {bandwidth_gb_s:.1f} GB/s against {f.bandwidth_gb_s:.1f} GB/s there)."
        )
    if available_ram_gib is not None and available_ram_gib < f.peak_ram_gib:
        lines.append(f"Only {available_ram_gib:.1f} GiB RAM available: close other programs first.")
    if free_disk_gib is not None and free_disk_gib < f.export_disk_gib:
        lines.append(f"Only {free_disk_gib:.1f} GiB disk free: the export needs {f.export_disk_gib:.1f} GiB.")
    export_ram = EXPORT_RAM_GIB[f.model]
    lines.append(
        f"Export once (needs ~{export_ram} GiB RAM, here or on any bigger machine): "
        f"carellm export mnn --model {f.model} --out ./omni-3b-mnn --no-talker"
    )
    lines.append("Then: carellm chat --backend mnn --model ./omni-3b-mnn   (text replies; docs/edge.md)")
    return lines
