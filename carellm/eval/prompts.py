"""The benchmarks' published prompts, kept byte for byte in data/prompts/ (where each comes
from is in data/prompts/SOURCES.md), filled with str.format like their authors' code does."""

from __future__ import annotations

from functools import cache
from pathlib import Path

PROMPTS = Path(__file__).parent / "data" / "prompts"


@cache
def prompt(name: str) -> str:
    return (PROMPTS / f"{name}.txt").read_text(encoding="utf-8")
