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
