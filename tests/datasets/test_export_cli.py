"""Exports load in the tools' own readers; the CLI runs end to end in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from carellm.data.exporters import export
from carellm.data.mix import mix
from carellm.errors import InputError

DATA = Path(__file__).parents[1] / "data" / "datasets"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "carellm", "data", *args],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[2],
    )


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory) -> Path:
    """ESConv + multimodal SoulChat-like record, converted and cleaned through the CLI."""
    tmp = tmp_path_factory.mktemp("pipe")
    assert (
        cli(
            "convert", str(DATA / "esconv.json"), "--format", "esconv", "--out", str(tmp / "e.jsonl")
        ).returncode
        == 0
    )
    media = {
        "id": "m1",
        "source": "own",
        "license": "mit",
        "messages": [
            {"role": "system", "content": "Be kind."},
            {"role": "user", "content": "Listen to this.", "audio": ["a.wav"], "image": ["p.png"]},
            {"role": "assistant", "content": "I hear sadness in your voice."},
        ],
    }
    with (tmp / "e.jsonl").open("a") as f:
        f.write(json.dumps(media) + "\n")
    result = cli("clean", str(tmp / "e.jsonl"), "--out", str(tmp / "clean"))
    assert result.returncode == 0, result.stderr
    return tmp / "clean"


def test_llamafactory_sharegpt_matches_dataset_info(cleaned, tmp_path):
    export("llamafactory", cleaned, tmp_path)
    info = json.loads((tmp_path / "dataset_info.json").read_text())["carellm_train"]
    assert info["formatting"] == "sharegpt" and info["columns"]["messages"] == "conversations"
    rows = [json.loads(x) for x in (tmp_path / info["file_name"]).open()]
    row = next(r for r in rows if r["audios"])
    assert row["system"] == "Be kind." and row["audios"] == ["a.wav"] and row["images"] == ["p.png"]
    assert row["conversations"][0] == {"from": "human", "value": "<audio><image>Listen to this."}
    for r in rows:  # LLaMA-Factory: human at odd positions, gpt at even
        assert [t["from"] for t in r["conversations"]] == ["human", "gpt"] * (len(r["conversations"]) // 2)


def test_swift_messages_with_media_columns(cleaned, tmp_path):
    export("swift", cleaned, tmp_path)
    rows = [json.loads(x) for x in (tmp_path / "train.jsonl").open()]
    row = next(r for r in rows if "audios" in r)
    assert row["messages"][1]["content"].count("<audio>") == len(row["audios"]) == 1


def test_trl_export_is_conversational_and_loads_with_datasets(cleaned, tmp_path):
    from datasets import load_dataset
    from trl.data_utils import is_conversational

    export("trl", cleaned, tmp_path)
    ds = load_dataset("json", data_files=str(tmp_path / "train.jsonl"), split="train")
    assert len(ds) == 3 and all(is_conversational(row) for row in ds)


def test_openai_export_has_only_messages(cleaned, tmp_path):
    report = export("openai", cleaned, tmp_path)
    rows = [json.loads(x) for x in (tmp_path / "train.jsonl").open()]
    assert all(set(r) == {"messages"} for r in rows)
    assert report.skipped["media dropped (text-only format)"] == 1


def test_hf_export_loads_from_disk_and_parquet(cleaned, tmp_path):
    from datasets import load_dataset, load_from_disk

    export("hf", cleaned, tmp_path)
    assert load_from_disk(str(tmp_path / "dataset"))["train"].num_rows == 3
    ds = load_dataset("parquet", data_files=str(tmp_path / "train.parquet"), split="train")
    assert {r["source"] for r in ds} == {"esconv", "own"}


def test_classification_records_skipped_by_chat_exporters(tmp_path):
    cli("convert", str(DATA / "goemotions.tsv"), "--format", "goemotions", "--out", str(tmp_path / "g.jsonl"))
    report = export("trl", tmp_path / "g.jsonl", tmp_path / "out")
    assert report.written == 0 and report.skipped["no assistant turn"] == 5


def test_mix_respects_weights_caps_and_carries_licences(tmp_path):
    def write(name, n, licence):
        rows = [
            {
                "id": f"{name}{i}",
                "source": name,
                "license": licence,
                "messages": [{"role": "user", "content": f"q{i}"}],
            }
            for i in range(n)
        ]
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))

    write("a", 70, "mit")
    write("b", 100, "cc-by-nc-4.0")
    summary = mix([f"{tmp_path}/a.jsonl:0.7", f"{tmp_path}/b.jsonl:0.3"], tmp_path / "m.jsonl", seed=0)
    assert summary["licences"] == {"mit": 70, "cc-by-nc-4.0": 30}
    again = mix([f"{tmp_path}/a.jsonl:0.7", f"{tmp_path}/b.jsonl:0.3"], tmp_path / "m2.jsonl", seed=0)
    assert (tmp_path / "m.jsonl").read_text() == (tmp_path / "m2.jsonl").read_text() and again == {
        **summary,
        "out": again["out"],
    }
    capped = mix([f"{tmp_path}/a.jsonl:0.5", f"{tmp_path}/b.jsonl:0.5"], tmp_path / "c.jsonl", cap=10)
    assert capped["records"] == 20


def test_mix_refuses_non_commercial_source_in_commercial_set(tmp_path):
    (tmp_path / "nc.jsonl").write_text(
        json.dumps(
            {
                "id": "1",
                "source": "ed",
                "license": "cc-by-nc-4.0",
                "messages": [{"role": "user", "content": "x"}],
            }
        )
        + "\n"
    )
    with pytest.raises(InputError, match="commercial"):
        mix([f"{tmp_path}/nc.jsonl:1"], tmp_path / "m.jsonl", commercial=True)


def test_stats_json_counts_labels_and_licences(cleaned):
    result = cli("stats", str(cleaned), "--json")
    stats = json.loads(result.stdout)
    assert stats["conversations"] == 3 and stats["licences"] == {"cc-by-nc-4.0": 2, "mit": 1}
    assert stats["problem"] == {"job crisis": 1, "breakup with partner": 1}


def test_cli_bad_input_is_a_clean_message_not_a_traceback(tmp_path):
    result = cli(
        "convert", str(DATA / "amod.jsonl"), "--format", "goemotions", "--out", str(tmp_path / "x.jsonl")
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr and "GoEmotions" in result.stderr
