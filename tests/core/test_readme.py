"""The README's commands are runnable as written: on PATH after it says how, and real commands."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer

README = Path(__file__).resolve().parents[2] / "README.md"
VENV_BIN = Path(sys.executable).parent
# `code` spans and the lines of ```bash blocks: where the README shows something to type.
_CODE = re.compile(r"```bash\n(.*?)```|`([^`\n]+)`", re.S)


def _commands(text: str) -> list[str]:
    """Every `carellm ...` the README shows, one per `&&`-separated part, comments dropped."""
    found = []
    for block, span in _CODE.findall(text):
        for line in (block or span).splitlines():
            for part in line.split("#")[0].split("&&"):
                part = part.strip()
                if part.startswith(("carellm ", ".venv/bin/carellm ")) and part.split()[1] != "...":
                    found.append(part)
    return found


def _resolve(words: list[str]) -> list[tuple[list[str], object]]:
    """The command(s) the words name; `list|show` names each of them."""
    from carellm.cli import app

    paths: list[tuple[list[str], object]] = [([], typer.main.get_command(app))]
    for word in words:
        subcommands = getattr(paths[0][1], "commands", None)  # a group's (typer ships its own click)
        if subcommands is None or not all(name in subcommands for name in word.split("|")):
            break  # past the command: an argument or a flag
        paths = [([*paths[0][0], name], subcommands[name]) for name in word.split("|")]
    return paths


def test_every_readme_command_and_flag_exists():
    commands = _commands(README.read_text(encoding="utf-8"))
    assert len(commands) > 15
    for line in commands:
        words = shlex.split(line)[1:]
        for path, command in _resolve(words):
            if path:  # `carellm --version` is the one flag of the group itself
                assert not hasattr(command, "commands"), f"`{line}` names a group, no command"
            options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
            for flag in (w for w in words if w.startswith("--")):
                assert flag in options, f"README: `{line}`: carellm {' '.join(path)} has no {flag}"


def test_bare_carellm_comes_after_the_readme_says_how_to_get_it():
    text = README.read_text(encoding="utf-8")
    activate = text.find("source .venv/bin/activate")
    first_bare = min(m.start() for m in re.finditer(r"(?<![/\w])carellm (?=[a-z-])", text))
    assert 0 < activate < first_bare, "README uses bare `carellm` before saying to activate .venv"


@pytest.mark.skipif(not (VENV_BIN / "activate").is_file(), reason="tests run outside a virtual environment")
def test_activate_puts_carellm_and_hf_on_path():
    # A shell as the README's reader has one: the venv's bin is not on PATH until activated.
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if Path(p) != VENV_BIN)
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"} | {"PATH": path}
    done = subprocess.run(
        ["bash", "-c", f"source {shlex.quote(str(VENV_BIN / 'activate'))} && carellm --version && hf --help"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout.startswith("carellm "), done.stderr
