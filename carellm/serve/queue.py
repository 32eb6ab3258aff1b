"""A bounded queue in front of the model: at most `max_active` generations, `max_waiting` waiting.

The in-process model generates one reply at a time (until batching lands), so requests wait
their turn here; when the queue is full the server answers 503 with Retry-After instead of
piling up work and memory.
"""

from __future__ import annotations

import asyncio

from carellm.serve.errors import ApiError


class GenerationQueue:
    def __init__(self, max_active: int, max_waiting: int, retry_after_s: int = 2) -> None:
        self.max_active = max_active
        self.max_waiting = max_waiting
        self.retry_after_s = retry_after_s
        self.active = 0
        self.waiting = 0
        self._free: asyncio.Semaphore | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        if self._free is None:  # created inside the server's event loop
            self._free = asyncio.Semaphore(self.max_active)
        return self._free

    async def acquire(self) -> None:
        """Wait for a slot; 503 at once when the slot is busy and the queue is full."""
        free = self._semaphore()
        if self.active >= self.max_active and self.waiting >= self.max_waiting:
            raise ApiError(
                503,
                "The server is busy: the request queue is full.",
                f"Retry after {self.retry_after_s} s.",
                code="queue_full",
                headers={"Retry-After": str(self.retry_after_s)},
            )
        self.waiting += 1
        try:
            await free.acquire()
        finally:
            self.waiting -= 1
        self.active += 1

    def release(self) -> None:
        self.active -= 1
        self._semaphore().release()
