"""Where the deployment tests find their command-line tools, and the files they check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCKER = ROOT / "docker"
DOCKERFILES = (DOCKER / "Dockerfile", DOCKER / "Dockerfile.cpu")
COMPOSE_FILES = tuple(sorted((DEPLOY / "compose").glob("*.compose.yaml")))
WORKFLOW = DOCKER / "github-actions" / "images.yml"
MAKE_SECRETS = DEPLOY / "make-secrets.sh"


def tool(name: str, how: str) -> str:
    """The path of `name` in this environment's bin directory or on PATH; a failure (never a
    skip) when it is missing, so CI cannot pass with a check that did not run."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is not installed, so this check cannot run. {how}", pytrace=False)
    return found


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, check=False)


def make_secrets(directory: Path, db_host: str) -> dict[str, str]:
    """Run the real deploy/make-secrets.sh into `directory`; the secrets it wrote, by name."""
    done = run("bash", str(MAKE_SECRETS), str(directory), db_host)
    assert done.returncode == 0, done.stderr
    return {p.name: p.read_text().strip() for p in directory.iterdir()}


def setting_variables() -> set[str]:
    """Every CARELLM_* variable a settings class reads (the names pydantic-settings looks up)."""
    from pydantic_settings import BaseSettings

    import carellm.backends.openai
    import carellm.config
    import carellm.serve.settings
    import carellm.store.settings
    import carellm.web.settings  # noqa: F401  (each import registers its settings classes)

    def subclasses(cls: type) -> list[type]:
        return [sub for direct in cls.__subclasses__() for sub in (direct, *subclasses(direct))]

    names = set()
    for cls in subclasses(BaseSettings):
        prefix = cls.model_config.get("env_prefix", "")
        if prefix.startswith("CARELLM_"):
            names |= {f"{prefix}{field}".upper() for field in cls.model_fields}
    return names


POSTGRES_DEFAULT_CONNECTIONS = 100  # PostgreSQL's max_connections when none is set
POSTGRES_RESERVED = 3  # superuser_reserved_connections' default: not for applications


def store_connections() -> int:
    """The most connections one CareLLM process's session store opens: its pool's size and
    overflow, read from the real engine (nothing connects until it is used)."""
    from carellm.store.engine import make_engine

    engine = make_engine("postgresql://carellm@db/carellm")
    pool = engine.pool.size() + engine.pool._max_overflow  # type: ignore[attr-defined]
    engine.dispose()
    return pool


def api_connections(base_url: str, max_active: str | None = None) -> int:
    """The most PostgreSQL connections one `carellm serve --shared-sessions` replica opens: the
    store's, and one turn-lock connection per turn in flight (the remote backend's concurrency
    for these engine URLs, or CARELLM_SERVE_MAX_ACTIVE)."""
    from carellm.backends.openai import OpenAIBackend

    in_flight = int(max_active) if max_active else OpenAIBackend(base_url, "carellm").concurrency
    return store_connections() + in_flight


def image_data_dir() -> str:
    """CARELLM_DATA_DIR as the CPU image sets it."""
    text = (DOCKER / "Dockerfile.cpu").read_text()
    return text.split("CARELLM_DATA_DIR=", 1)[1].split()[0]
