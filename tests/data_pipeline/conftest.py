"""Fixtures for the data pipeline: the hand-written files in each dataset's public format."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "data"
ENV = dict(os.environ, HF_HUB_OFFLINE="1", COLUMNS="200")


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def _run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "carellm", "data", *map(str, args)],
        capture_output=True,
        text=True,
        env=env or ENV,
        timeout=120,
    )


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _items(fmt: str, path: Path, **kwargs):
    """(conversations, rejects) from a converter."""
    from carellm.data.converters import convert
    from carellm.data.io import Reject

    out = list(convert(fmt, path, **kwargs))
    return [x for x in out if not isinstance(x, Reject)], [x for x in out if isinstance(x, Reject)]


@pytest.fixture
def run_cli():
    """Run `carellm data ...` in a subprocess, as a user would."""
    return _run_cli


@pytest.fixture
def read_jsonl():
    return _read_jsonl


@pytest.fixture
def items():
    """items(fmt, path, **kwargs) -> (conversations, rejects)."""
    return _items
