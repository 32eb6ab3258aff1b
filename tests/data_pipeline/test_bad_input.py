"""Bad files: clear errors, bad records to the rejects file with line numbers, good ones kept."""

from __future__ import annotations

import pytest

from carellm.data.io import DataFormatError
from carellm.errors import InputError


def test_truncated_json_array_keeps_the_complete_records(tmp_path, fixtures, items):
    text = (fixtures / "esconv.json").read_text(encoding="utf-8")
    cut = tmp_path / "esconv.json"
    cut.write_text(text[: text.index('"Current Experience"') + 30], encoding="utf-8")
    convs, rejects = items("esconv", cut)
    assert len(convs) == 1 and len(rejects) == 1
    assert "truncated" in rejects[0].reason and rejects[0].line == 27


def test_truncated_last_csv_row_is_rejected_with_its_line(tmp_path, fixtures, items):
    text = (fixtures / "empathetic_dialogues_train.csv").read_text(encoding="utf-8")
    cut = tmp_path / "ed.csv"
    cut.write_text(text + "hit:3_conv:6,1,joyful,I got", encoding="utf-8")
    convs, rejects = items("empathetic_dialogues", cut)
    assert len(convs) == 3 and rejects[0].line == 16 and "fields" in rejects[0].reason


def test_bad_jsonl_line_is_rejected_and_the_rest_kept(tmp_path, fixtures, items):
    lines = (fixtures / "amod.jsonl").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "amod.jsonl"
    bad.write_text("\n".join([lines[0], lines[1][:40], lines[2]]) + "\n", encoding="utf-8")
    convs, rejects = items("amod", bad)
    assert len(convs) == 2 and rejects[0].line == 2 and "invalid JSON" in rejects[0].reason


def test_wrong_delimiter_is_named(tmp_path, fixtures, items):
    text = (fixtures / "empathetic_dialogues_train.csv").read_text(encoding="utf-8").replace(",", "\t")
    tsv = tmp_path / "ed.csv"
    tsv.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError, match="tab-separated"):
        items("empathetic_dialogues", tsv)


def test_missing_columns_are_named(tmp_path, fixtures, items):
    lines = (fixtures / "empathetic_dialogues_train.csv").read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "ed.csv"
    broken.write_text(
        lines[0].replace("speaker_idx", "speaker") + "\n" + "\n".join(lines[1:]), encoding="utf-8"
    )
    with pytest.raises(DataFormatError, match="missing column\\(s\\) speaker_idx"):
        items("empathetic_dialogues", broken)


def test_format_flag_that_does_not_match_the_file_suggests_the_right_one(fixtures, items):
    with pytest.raises(DataFormatError) as info:
        items("esconv", fixtures / "empathetic_dialogues_train.csv")
    assert "--format empathetic_dialogues" in info.value.hint


def test_gbk_file_is_detected_and_read(tmp_path, fixtures, items):
    gbk = tmp_path / "soulchat_gbk.json"
    gbk.write_bytes((fixtures / "soulchat.json").read_text(encoding="utf-8").encode("gbk"))
    convs, _ = items("soulchat", gbk)
    assert convs[0].messages[0].content.startswith("我和男朋友最近总是吵架")


def test_undecodable_file_says_what_to_do(tmp_path, items):
    junk = tmp_path / "x.json"
    junk.write_bytes(b'[{"messages": "\xff\xfe\xfa\xfb\x80\x81"}]')
    with pytest.raises(InputError, match="UTF-8"):
        items("soulchat", junk)


def test_cli_reports_bad_input_without_a_traceback(tmp_path, fixtures, run_cli):
    done = run_cli(
        "convert", "--format", "goemotions", fixtures / "esconv.json", "--out", tmp_path / "o.jsonl"
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr and "goemotions" in done.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_cli_convert_writes_rejects_with_line_and_reason(tmp_path, fixtures, read_jsonl, run_cli):
    text = (fixtures / "goemotions_train.tsv").read_text(encoding="utf-8")
    bad = tmp_path / "train.tsv"
    bad.write_text(text + "no tabs in this line\nfine text\t99\tabc\n", encoding="utf-8")
    done = run_cli("convert", "-f", "goemotions", bad, "--out", tmp_path / "g.jsonl", "--json")
    assert done.returncode == 0, done.stderr
    rejects = read_jsonl(tmp_path / "g.rejects.jsonl")
    assert [(r["line"], r["stage"]) for r in rejects] == [(9, "convert"), (10, "convert")]
    assert "label id 99" in rejects[1]["reason"]
    assert len(read_jsonl(tmp_path / "g.jsonl")) == 8


def test_conversation_rows_that_are_not_contiguous_are_rejected(tmp_path, fixtures, items):
    lines = (fixtures / "empathetic_dialogues_train.csv").read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "ed.csv"
    shuffled.write_text("\n".join([*lines[:3], *lines[7:11], *lines[3:7]]) + "\n", encoding="utf-8")
    convs, rejects = items("empathetic_dialogues", shuffled)
    assert [c.id for c in convs] == ["hit:0_conv:1", "hit:1_conv:2"]
    assert rejects[0].id == "hit:0_conv:1" and "sort the file" in rejects[0].reason and rejects[0].line == 8
