"""Several engines behind one remote backend: least outstanding requests, failed ones rest a while.

For setups without a load balancer (a Kubernetes Service does this for a cluster): `--base-url`
names each engine. A request goes to the healthy engine with the fewest requests in flight; one
that cannot be reached or answers 5xx is taken out for a back-off (doubling while it keeps
failing, up to `MAX_BACKOFF_S`) and the request tries the next engine. When every engine rests,
the one whose rest ends first is tried anyway: the alternative is failing a request that might
have worked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from carellm.errors import ConfigError

MAX_BACKOFF_S = 60.0


def engine_urls(base_url: str) -> list[str]:
    """The engines in `--base-url`: one URL, or several separated by commas (duplicates once)."""
    urls = [part.strip().rstrip("/") for part in base_url.split(",") if part.strip()]
    if not urls:
        raise ConfigError(
            "The openai backend needs the server's URL.",
            "Pass --base-url (e.g. http://localhost:8000/v1) or set CARELLM_BASE_URL.",
        )
    return list(dict.fromkeys(urls))


def shown_url(url: str) -> str:
    """The URL as messages and /health show it: without a user and password, query or fragment,
    where a credential may be written (http://user:secret@host/v1?key=...)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


@dataclass
class Engine:
    url: str
    outstanding: int = 0  # requests sent and not yet finished
    failures: int = 0  # in a row; 0 once it answers again
    resting_until: float = 0.0  # monotonic time; before it, the engine is out

    @property
    def name(self) -> str:
        return shown_url(self.url)


class EnginePool:
    """Thread-safe choice of an engine per request (turns run on their own threads)."""

    def __init__(self, urls: list[str], backoff_s: float) -> None:
        self.engines = [Engine(url) for url in urls]
        self.backoff_s = backoff_s
        self._lock = threading.Lock()
        self._turn = 0  # rotates among equally loaded engines

    def candidates(self) -> Generator[Engine, None, None]:
        """Engines to try for one request, best first; each at most once (picked as the request
        goes, so an engine freed meanwhile counts)."""
        tried: set[int] = set()
        while len(tried) < len(self.engines):
            with self._lock:
                engine = self._pick(tried)
                engine.outstanding += 1
            tried.add(id(engine))
            try:
                yield engine
            finally:
                with self._lock:
                    engine.outstanding -= 1

    def _pick(self, tried: set[int]) -> Engine:
        now = time.monotonic()
        left = [e for e in self.engines if id(e) not in tried]
        healthy = [e for e in left if e.resting_until <= now]
        if not healthy:
            return min(left, key=lambda e: e.resting_until)
        self._turn += 1
        n = len(healthy)
        order = sorted(range(n), key=lambda i: (healthy[i].outstanding, (i - self._turn) % n))
        return healthy[order[0]]

    def failed(self, engine: Engine) -> None:
        with self._lock:
            engine.failures += 1
            rest = min(MAX_BACKOFF_S, self.backoff_s * 2 ** (engine.failures - 1))
            engine.resting_until = time.monotonic() + rest

    def answered(self, engine: Engine) -> None:
        with self._lock:
            engine.failures = 0
            engine.resting_until = 0.0

    def resting(self) -> list[str]:
        """The engines taken out now (for messages)."""
        now = time.monotonic()
        return [e.name for e in self.engines if e.resting_until > now]

    def states(self) -> list[dict[str, Any]]:
        """Each engine as /health shows it: resting (taken out after failing) and for how much longer."""
        now = time.monotonic()
        with self._lock:
            return [
                {
                    "url": e.name,
                    "resting": e.resting_until > now,
                    "resting_s": round(max(0.0, e.resting_until - now), 1),
                    "failures": e.failures,
                    "in_flight": e.outstanding,
                }
                for e in self.engines
            ]
