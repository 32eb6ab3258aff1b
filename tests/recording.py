"""A turn recorder that keeps every turn in a list: what a session or server recorded, to
compare with what it streamed."""

from __future__ import annotations

from carellm.counseling.hooks import TurnRecord


class ListRecorder:
    def __init__(self) -> None:
        self.turns: list[TurnRecord] = []

    def record(self, turn: TurnRecord) -> None:
        self.turns.append(turn)
