"""`carellm data` end to end, in subprocesses, as a researcher runs it."""

from __future__ import annotations

import json


def test_convert_clean_stats_export_round_trip(tmp_path, fixtures, run_cli, read_jsonl):
    raw, clean = tmp_path / "soul.jsonl", tmp_path / "soul.clean.jsonl"
    assert (
        run_cli("convert", "--format", "soulchat", fixtures / "soulchat.json", "--out", raw).returncode == 0
    )
    done = run_cli("clean", raw, "--out", clean, "--lang", "zh", "--json")
    summary = json.loads(done.stdout)
    assert summary["kept"] == 3 and summary["repaired"] == {"pii_replaced": 1}
    stats = json.loads(run_cli("stats", clean, "--json").stdout)
    assert stats["conversations"] == 3 and stats["languages"] == {"zh": 3}
    assert stats["licences"] == {"apache-2.0": 3} and stats["labels"]["scene"]["职场"] == 1
    assert stats["pii_placeholders"] == {"PHONE": 1} and stats["tokens"] > 100
    done = run_cli("export", clean, "--to", "llamafactory", "--out", tmp_path / "lf", "--json")
    assert json.loads(done.stdout)["files"][-1] == "dataset_info.json"


def test_stats_table_is_human_readable(tmp_path, fixtures, run_cli):
    out = tmp_path / "es.jsonl"
    run_cli("convert", "-f", "esconv", fixtures / "esconv.json", "--out", out)
    done = run_cli("stats", out)
    assert done.returncode == 0 and "conversations" in done.stdout and "job crisis" in done.stdout


def test_mapped_format_needs_a_map(tmp_path, fixtures, run_cli):
    done = run_cli("convert", "-f", "mapped", fixtures / "snap_style.csv", "--out", tmp_path / "o.jsonl")
    assert done.returncode == 2 and "--map" in done.stderr and "Traceback" not in done.stderr


def test_mix_refuses_commercial_with_nc_data_and_says_why(tmp_path, fixtures, run_cli):
    ed = tmp_path / "ed.jsonl"
    run_cli("convert", "-f", "empathetic_dialogues", fixtures / "empathetic_dialogues_train.csv", "--out", ed)
    done = run_cli("mix", f"{ed}:1", "--out", tmp_path / "m.jsonl", "--commercial")
    assert done.returncode == 2 and "cc-by-nc-4.0" in done.stderr and "Traceback" not in done.stderr


def test_hub_source_offline_fails_cleanly(tmp_path, run_cli):
    done = run_cli(
        "convert",
        "-f",
        "goemotions",
        "hf:google-research-datasets/go_emotions",
        "--out",
        tmp_path / "g.jsonl",
    )
    assert done.returncode == 2 and "offline" in done.stderr and "local path" in done.stderr


def test_clean_on_a_file_that_is_not_carellm_jsonl(tmp_path, fixtures, run_cli):
    done = run_cli("clean", fixtures / "empathetic_dialogues_train.csv", "--out", tmp_path / "o.jsonl")
    assert done.returncode == 2 and "convert" in done.stderr and "Traceback" not in done.stderr


def test_hub_source_without_network_fails_fast(tmp_path, run_cli):
    import os
    import socket
    import time

    with socket.socket() as closed:  # a port nothing listens on: "no network", answered at once
        closed.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{closed.getsockname()[1]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"))}
    started = time.monotonic()
    done = run_cli(
        "convert", "-f", "esconv", "hf:thu-coai/esconv", "--out", tmp_path / "e.jsonl",
        env=env | {"HF_ENDPOINT": endpoint},
    )  # fmt: skip
    assert done.returncode == 2 and "cannot be reached" in done.stderr and "Retrying" not in done.stderr
    assert time.monotonic() - started < 10  # the hub client alone retries for ~25 s
