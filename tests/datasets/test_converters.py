"""Converters read the public file formats (hand-written fixtures) into the one schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carellm.data.converters import convert_file
from carellm.errors import InputError

DATA = Path(__file__).parents[1] / "data" / "datasets"


def run(tmp_path: Path, fmt: str, name: str, **kw) -> tuple[list[dict], list[dict]]:
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    convert_file(fmt, str(DATA / name) if "/" not in name else name, out, rej, **kw)
    read = lambda p: [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]  # noqa: E731
    return read(out), read(rej)


def test_soulchat_keeps_topic_as_scene_and_rejects_turn_without_content(tmp_path):
    out, rej = run(tmp_path, "soulchat", "soulchat.jsonl")
    assert [c["id"] for c in out] == ["soulchat-0", "soulchat-1"]
    assert out[0]["labels"]["scene"] == "成长" and out[0]["license"] == "apache-2.0"
    assert rej == [
        {"reason": "bad messages", "line": 3, "detail": "need a list of {role: user|assistant, content}"}
    ]


def test_empathetic_dialogues_groups_by_conv_and_unescapes_commas(tmp_path):
    out, _ = run(tmp_path, "empathetic_dialogues", "empathetic_dialogues.csv")
    first = out[0]
    assert first["labels"]["emotion"] == ["sentimental"]
    assert [m["role"] for m in first["messages"]] == ["user", "assistant", "user", "assistant"]
    assert "with, or just" in first["messages"][1]["content"]


def test_goemotions_tsv_maps_label_ids_to_names(tmp_path):
    out, _ = run(tmp_path, "goemotions", "goemotions.tsv")
    assert out[-1]["labels"]["emotion"] == ["gratitude", "love"]
    assert out[-1]["messages"] == [{"role": "user", "content": "Yes, I love it so much. Thanks!"}]


def test_goemotions_raw_keeps_emotions_two_raters_agree_on(tmp_path):
    out, rej = run(tmp_path, "goemotions", "goemotions_raw.csv")
    labels = {c["id"]: c["labels"]["emotion"] for c in out}
    assert labels == {"goemotions-eew5j0j": ["sadness"], "goemotions-ed2mah1": ["gratitude"]}
    assert rej[0]["reason"] == "no rater agreement" and rej[0]["line"] == 7


def test_amod_names_missing_field_with_line(tmp_path):
    out, rej = run(tmp_path, "amod", "amod.jsonl")
    assert len(out) == 2 and out[0]["id"] != out[1]["id"]
    assert rej == [{"reason": "missing fields", "line": 3, "detail": "Response"}]


def test_esconv_carries_strategy_problem_and_situation(tmp_path):
    out, _ = run(tmp_path, "esconv", "esconv.json")
    assert out[0]["labels"] == {"emotion": ["anxiety"], "problem": "job crisis"}
    assert out[0]["messages"][0]["strategy"] == "Question"
    assert out[0]["meta"]["situation"] == "I hope to find a new job soon."


def test_mapped_turn_rows_from_csv(tmp_path):
    (tmp_path / "d.csv").write_text(
        "cid,idx,who,text,mood\n7,2,therapist,How are you?,ok\n7,1,client,Hi,sad\n"
    )
    (tmp_path / "m.yaml").write_text(
        "source: snap\nlicense: research-only\nlang: en\nconversation_id: cid\nturn_order: idx\n"
        "role: who\ncontent: text\nroles: {client: user, therapist: assistant}\nlabels: {emotion: mood}\n"
    )
    out, _ = run(tmp_path, "mapped", str(tmp_path / "d.csv"), mapping=tmp_path / "m.yaml")
    assert [m["content"] for m in out[0]["messages"]] == ["Hi", "How are you?"]
    assert out[0]["id"] == "snap-7" and out[0]["license"] == "research-only"


def test_gbk_file_is_detected_and_read(tmp_path):
    src = tmp_path / "gbk.jsonl"
    src.write_bytes((DATA / "soulchat.jsonl").read_text(encoding="utf-8").encode("gbk"))
    out, _ = run(tmp_path, "soulchat", str(src))
    assert out[1]["messages"][0]["content"] == "我和男朋友分手了，心里很难受。"


def test_wrong_format_flag_names_missing_columns(tmp_path):
    with pytest.raises(InputError, match="missing columns conv_id"):
        run(tmp_path, "empathetic_dialogues", "amod.jsonl")


def test_tab_separated_ed_file_is_called_out(tmp_path):
    src = tmp_path / "ed.tsv"
    src.write_text((DATA / "empathetic_dialogues.csv").read_text().replace(",", "\t"))
    with pytest.raises(InputError) as info:
        run(tmp_path, "empathetic_dialogues", str(src))
    assert "tab-separated" in info.value.hint


def test_truncated_jsonl_line_goes_to_rejects_with_line_number(tmp_path):
    src = tmp_path / "t.jsonl"
    src.write_text((DATA / "amod.jsonl").read_text()[:-40])
    out, rej = run(tmp_path, "amod", str(src))
    assert len(out) == 2 and rej[0]["reason"] == "invalid JSON" and rej[0]["line"] == 3


def test_hub_id_offline_fails_with_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    with pytest.raises(InputError, match="Cannot load 'thu-coai/esconv'"):
        run(tmp_path, "esconv", "thu-coai/esconv")
