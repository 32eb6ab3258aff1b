"""scripts/install.sh talks while it works: a line per step, apt's and pip's own progress, the total.

The real script runs against stand-ins for dpkg and the venv's python (a real install takes
minutes and the network), which record what they were asked to do.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "install.sh"

# The venv's python: `import torch` works once pip has installed it; pip calls are logged.
FAKE_PYTHON = """#!/usr/bin/env bash
echo "$*" >> "$CALLS"
case "$*" in
  *"import torch, transformers"*) echo "torch 2.13.0 transformers 4.99.0" ;;
  "-c import torch") [ -f "$STATE/torch" ] ;;
  *"pip install"*torch==*) echo "Collecting torch"; touch "$STATE/torch" ;;
  *"pip install"*) echo "Collecting carellm" ;;
esac
"""


def _executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _install(repo: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, list[str]]:
    calls = tmp_path / "calls.txt"
    calls.unlink(missing_ok=True)
    env = dict(
        os.environ, CALLS=str(calls), STATE=str(tmp_path), PATH=f"{tmp_path / 'bin'}:{os.environ['PATH']}"
    )
    done = subprocess.run(
        ["bash", "scripts/install.sh"], cwd=repo, env=env, capture_output=True, text=True, timeout=60
    )
    return done, calls.read_text().splitlines()


def test_install_shows_each_step_pip_progress_and_the_total_time(tmp_path):
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, repo / "scripts" / "install.sh")
    _executable(repo / ".venv" / "bin" / "python", FAKE_PYTHON)
    _executable(tmp_path / "bin" / "dpkg", "#!/bin/sh\nexit 0\n")  # every system package is there

    first, calls = _install(repo, tmp_path)
    assert first.returncode == 0, first.stderr
    pip_calls = [c for c in calls if "pip install" in c]
    assert len(pip_calls) == 2 and not any(re.search(r"(^| )-q", c) for c in pip_calls)
    assert "Collecting torch" in first.stdout and "Collecting carellm" in first.stdout  # pip's own output
    steps = re.findall(r"==> \[(\d)/4\]", first.stdout)
    assert steps == ["1", "2", "3", "4"]
    assert re.search(r"installed in \.venv \(torch .*\) in \d+ min \d+ s\.", first.stdout)
    assert "source .venv/bin/activate" in first.stdout

    again, calls = _install(repo, tmp_path)  # idempotent: torch is kept, carellm refreshed
    assert again.returncode == 0 and "PyTorch: already installed" in again.stdout
    assert [c for c in calls if "pip install" in c] == [pip_calls[1]]
