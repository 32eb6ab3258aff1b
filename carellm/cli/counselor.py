"""The counselor every command loads: the model, wired by `Counselor.load` to the session store."""

from __future__ import annotations

from rich.console import Console

from carellm.config import Settings
from carellm.counseling.counselor import Counselor
from carellm.store.recorder import FallbackRecorder, open_recorder


def load_counselor(settings: Settings, console: Console) -> tuple[Counselor, FallbackRecorder]:
    """Open the store (CARELLM_DB_URL; SQLite by default) and load the model wired to it.

    If the database cannot be opened the user is warned and conversations stay in memory.
    """
    recorder = open_recorder(settings, warn=lambda text: console.print(f"[bold yellow]Warning:[/] {text}"))
    with console.status(f"Loading {settings.model} ..."):
        return Counselor.load(settings, recorder=recorder), recorder
