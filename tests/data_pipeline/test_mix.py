"""Mixing: proportions, caps, reproducible choice, licences carried and enforced."""

from __future__ import annotations

import json

import pytest

from carellm.data.io import JsonlWriter
from carellm.data.mix import mix, parse_source
from carellm.data.schema import Conversation, Message
from carellm.errors import InputError


def write(path, source: str, licence: str, n: int):
    with JsonlWriter(path) as out:
        for i in range(n):
            messages = [
                Message(role="user", content=f"{source} {i}"),
                Message(role="assistant", content="ok"),
            ]
            out.write(Conversation(id=str(i), source=source, license=licence, messages=messages).to_json())
    return path


@pytest.fixture
def files(tmp_path):
    return (
        write(tmp_path / "a.jsonl", "a", "apache-2.0", 100),
        write(tmp_path / "b.jsonl", "b", "mit", 30),
        write(tmp_path / "nc.jsonl", "nc", "cc-by-nc-4.0", 50),
    )


def sources_of(path):
    return [json.loads(line)["source"] for line in path.read_text().splitlines()]


def test_weights_set_the_share_and_the_scarcest_source_sets_the_size(files, tmp_path):
    a, b, _ = files
    summary = mix([parse_source(f"{a}:0.7"), parse_source(f"{b}:0.3")], tmp_path / "m.jsonl", seed=0)
    got = sources_of(tmp_path / "m.jsonl")
    assert summary["records"] == 100 and got.count("a") == 70 and got.count("b") == 30


def test_cap_limits_a_source(files, tmp_path):
    a, b, _ = files
    mix([parse_source(f"{a}:0.5:20"), parse_source(f"{b}:0.5")], tmp_path / "m.jsonl")
    got = sources_of(tmp_path / "m.jsonl")
    assert got.count("a") == 20 and got.count("b") == 20


def test_same_seed_same_output_other_seed_other_choice(files, tmp_path):
    a, b, _ = files
    specs = lambda: [parse_source(f"{a}:0.5"), parse_source(f"{b}:0.5")]  # noqa: E731
    mix(specs(), tmp_path / "1.jsonl", seed=3)
    mix(specs(), tmp_path / "2.jsonl", seed=3)
    mix(specs(), tmp_path / "3.jsonl", seed=4)
    assert (tmp_path / "1.jsonl").read_text() == (tmp_path / "2.jsonl").read_text()
    assert (tmp_path / "1.jsonl").read_text() != (tmp_path / "3.jsonl").read_text()


def test_sources_are_interleaved_not_concatenated(files, tmp_path):
    a, b, _ = files
    mix([parse_source(f"{a}:0.5"), parse_source(f"{b}:0.5")], tmp_path / "m.jsonl")
    got = sources_of(tmp_path / "m.jsonl")
    assert got[:30] != ["a"] * 30 and got[:30] != ["b"] * 30


def test_licences_are_carried_and_summarised(files, tmp_path):
    a, _, nc = files
    summary = mix([parse_source(f"{a}:0.5"), parse_source(f"{nc}:0.5")], tmp_path / "m.jsonl")
    assert summary["licences"] == {"apache-2.0": 50, "cc-by-nc-4.0": 50}
    assert {json.loads(x)["license"] for x in (tmp_path / "m.jsonl").read_text().splitlines()} == {
        "apache-2.0",
        "cc-by-nc-4.0",
    }


def test_commercial_set_refuses_non_commercial_sources(files, tmp_path):
    a, _, nc = files
    with pytest.raises(InputError, match=r"cc-by-nc-4\.0"):
        mix([parse_source(f"{a}:0.5"), parse_source(f"{nc}:0.5")], tmp_path / "m.jsonl", commercial=True)
    assert not (tmp_path / "m.jsonl").exists()
    ok = mix(
        [parse_source(f"{a}:0.5"), parse_source(f"{files[1]}:0.5")], tmp_path / "ok.jsonl", commercial=True
    )
    assert ok["commercial"] is True


def test_total_beyond_what_sources_hold_is_refused(files, tmp_path):
    a, b, _ = files
    with pytest.raises(InputError, match="at most 60"):
        mix([parse_source(f"{a}:0.5"), parse_source(f"{b}:0.5")], tmp_path / "m.jsonl", total=80)
