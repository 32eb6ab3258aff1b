"""docs/deploy.md names only settings (or install.sh variables) and files that exist; the README links it."""

from __future__ import annotations

import re

from tests.deploy.tools import ROOT, setting_variables

DOC = ROOT / "docs" / "deploy.md"


def test_every_carellm_variable_in_the_guide_is_a_real_setting():
    named = set(re.findall(r"\bCARELLM_[A-Z0-9_]+[A-Z0-9]", DOC.read_text()))
    assert named, "the guide names no settings"
    install = set(re.findall(r"\bCARELLM_[A-Z0-9_]+", (ROOT / "scripts" / "install.sh").read_text()))
    assert named - setting_variables() - install == set()


def test_every_repository_path_in_the_guide_exists():
    for path in re.findall(r"`((?:deploy|docker|docs|scripts)/[\w./-]+)`", DOC.read_text()):
        assert (ROOT / path).exists(), path


def test_readme_links_the_guide():
    assert "(docs/deploy.md)" in (ROOT / "README.md").read_text()
