"""deploy/compose/: the two stacks validate against the compose specification, read only real
CareLLM settings, and take every secret from a file that deploy/make-secrets.sh writes."""

from __future__ import annotations

import re

import pytest
import yaml
from sqlalchemy.engine import make_url

from carellm.serve.settings import ServeSettings
from carellm.store.crypto import parse_key
from carellm.store.settings import StoreSettings
from tests.deploy.tools import (
    COMPOSE_FILES,
    POSTGRES_DEFAULT_CONNECTIONS,
    POSTGRES_RESERVED,
    api_connections,
    make_secrets,
    run,
    setting_variables,
    store_connections,
    tool,
)

SECRET_WORDS = re.compile(r"KEY|PASSWORD|AUTH|TOKEN|DB_URL|SECRET")


def stacks() -> dict[str, dict]:
    return {path.name: yaml.safe_load(path.read_text()) for path in COMPOSE_FILES}


def test_both_stacks_exist_and_match_the_compose_spec():
    assert {p.name for p in COMPOSE_FILES} == {"single-gpu.compose.yaml", "vllm-omni.compose.yaml"}
    check = tool("check-jsonschema", "It comes with the dev extra: bash scripts/install.sh --test.")
    done = run(check, "--builtin-schema", "vendor.compose-spec", *map(str, COMPOSE_FILES))
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_carellm_variable_is_one_the_settings_read():
    known = setting_variables()
    for name, stack in stacks().items():
        for service, spec in stack["services"].items():
            for variable in spec.get("environment", {}):
                if variable.startswith("CARELLM_"):
                    assert variable in known, f"{name}: {service} sets {variable}, which no setting reads"


def test_secrets_come_from_files_never_from_values():
    for name, stack in stacks().items():
        declared = stack["secrets"]
        assert all(set(spec) == {"file"} for spec in declared.values()), name
        for service, spec in stack["services"].items():
            mounted = set(spec.get("secrets", []))
            assert mounted <= set(declared), (name, service)
            for variable, value in spec.get("environment", {}).items():
                if SECRET_WORDS.search(variable):
                    assert variable.endswith("_FILE"), f"{name}: {service} has {variable} inline"
                    secret = value.removeprefix("/run/secrets/")
                    assert secret in mounted, f"{name}: {service} reads {value} without mounting it"


def test_images_are_pinned_by_tag():
    for name, stack in stacks().items():
        for service, spec in stack["services"].items():
            image = spec["image"]
            tag = image.rsplit(":", 1)[1] if ":" in image.split("/")[-1] else ""
            assert tag and tag != "latest", f"{name}: {service} runs {image}"


def test_stack_b_runs_vllm_omni_with_its_stage_layout_behind_the_remote_backend():
    stack = stacks()["vllm-omni.compose.yaml"]
    engine = stack["services"]["engine"]
    command = " ".join(engine["command"])
    assert "vllm serve Qwen/Qwen2.5-Omni-7B" in command and "--omni" in command
    assert "--port 8091" in command
    layout = command.split("--stage-configs-path ")[1].split()[0]
    mounts = dict(v.rsplit(":", 1)[0].split(":") for v in engine["volumes"] if v.startswith("../"))
    assert {target: source for source, target in mounts.items()}[layout]
    for source in mounts:
        assert (COMPOSE_FILES[0].parent / source).is_file(), source
    for service in ("serve", "web"):
        env = stack["services"][service]["environment"]
        assert env["CARELLM_BACKEND"] == "openai"
        assert env["CARELLM_BASE_URL"] == "http://engine:8091/v1"
        assert stack["services"][service]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in stack["services"]["postgres"]["healthcheck"]["test"]


@pytest.fixture(scope="module")
def secrets(tmp_path_factory):
    directory = tmp_path_factory.mktemp("compose") / "secrets"
    return directory, make_secrets(directory, "postgres")


def test_make_secrets_writes_every_secret_the_stacks_read(secrets):
    directory, values = secrets
    for stack in stacks().values():
        for spec in stack["secrets"].values():
            assert spec["file"].removeprefix("./secrets/") in values
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in directory.iterdir())


def test_the_written_secrets_are_ones_carellm_accepts(secrets, monkeypatch):
    directory, values = secrets
    monkeypatch.setenv("CARELLM_DB_URL_FILE", str(directory / "db_url"))
    url = make_url(StoreSettings().db_url)
    assert (url.host, url.database, url.username) == ("postgres", "carellm", "carellm")
    assert url.password == values["postgres_password"]
    assert len(parse_key(values["encryption_key"])) == 32


def test_make_secrets_keeps_existing_files(secrets):
    directory, values = secrets
    assert make_secrets(directory, "postgres") == values  # a new key would lock stored sessions away


def _postgres_max_connections(stack: dict) -> int:
    command = stack["services"]["postgres"].get("command", [])
    settings = dict(arg.split("=", 1) for arg in command if "=" in arg)
    return int(settings.get("max_connections", POSTGRES_DEFAULT_CONNECTIONS))


def test_stack_b_api_shares_sessions_and_postgresql_takes_every_connection():
    stack = stacks()["vllm-omni.compose.yaml"]
    services = stack["services"]
    needed = POSTGRES_RESERVED
    for name, spec in services.items():
        env = spec.get("environment", {})
        if "CARELLM_DB_URL_FILE" not in env:
            continue
        replicas = spec.get("deploy", {}).get("replicas", 1)
        if spec["command"] == ["serve"]:
            assert ServeSettings(shared_sessions=env["CARELLM_SERVE_SHARED_SESSIONS"]).shared_sessions, name
            needed += replicas * api_connections(env["CARELLM_BASE_URL"], env.get("CARELLM_SERVE_MAX_ACTIVE"))
        else:  # the web page: the store's pool, no turn locks
            needed += replicas * store_connections()
        # Every CareLLM process of the stack reads the same database, key and API keys.
        assert {"db_url", "encryption_key"} <= set(spec["secrets"]), name
        assert env["CARELLM_ENCRYPTION_KEY_FILE"] == "/run/secrets/encryption_key"
        assert "carellm-data:/data" in spec["volumes"], name  # one copy of media and reply audio
    assert needed < _postgres_max_connections(stack)
    # Room for more serve replicas than the one the file starts (docs/deploy.md: --scale serve=N).
    serve = services["serve"]["environment"]
    assert needed + 2 * api_connections(serve["CARELLM_BASE_URL"]) <= _postgres_max_connections(stack)
