"""Each converter reads its dataset's own published files into the one schema."""

from __future__ import annotations

import pytest

from carellm.errors import InputError


def test_empathetic_dialogues_groups_orders_and_unescapes(fixtures, items):
    convs, rejects = items("empathetic_dialogues", fixtures / "empathetic_dialogues_train.csv")
    assert [c.id for c in convs] == ["hit:0_conv:1", "hit:1_conv:2", "hit:2_conv:4"] and not rejects
    first = convs[0]
    assert [m.role for m in first.messages] == ["user", "assistant"] * 3
    assert first.messages[1].content == "Was this a friend you were in love with, or just a best friend?"
    assert first.labels.emotion == ["sentimental"] and "people, but" in first.meta["situation"]
    assert first.license == "cc-by-nc-4.0" and first.lang == "en"


def test_empathetic_dialogues_rows_out_of_order_are_sorted_by_utterance_idx(fixtures, items):
    convs, _ = items("empathetic_dialogues", fixtures / "empathetic_dialogues_train.csv")
    proud = convs[2]
    assert proud.messages[0].content.startswith("I finally passed my driving test")
    assert [m.role for m in proud.messages] == ["user", "assistant", "user", "assistant"]


def test_goemotions_tsv_maps_label_ids_to_names(fixtures, items):
    convs, rejects = items("goemotions", fixtures / "goemotions_train.tsv")
    assert len(convs) == 8 and not rejects
    shoes = next(c for c in convs if c.id == "edvnz26")
    assert shoes.labels.emotion == ["amusement", "joy"]
    assert len(shoes.messages) == 1 and shoes.messages[0].role == "user" and shoes.is_classification


def test_goemotions_raw_csv_aggregates_raters(fixtures, items):
    convs, rejects = items("goemotions", fixtures / "goemotions_raw.csv")
    by_id = {c.id: c for c in convs}
    assert by_id["eew5j0j"].labels.emotion == ["sadness"]  # 3 raters chose it, 1 chose disappointment
    assert by_id["eew5j0j"].meta["raters"] == 3
    assert by_id["ed2mah1"].labels.emotion == ["neutral"]
    assert by_id["eeibobj"].labels.emotion == ["joy"]  # love had only one rater
    assert [(r.id, r.line) for r in rejects] == [("eemcysk", 4)]  # only an "very unclear" rating


def test_amod_answers_to_one_question_share_a_split_group(fixtures, items):
    convs, _ = items("amod", fixtures / "amod.jsonl")
    assert len(convs) == 3 and len({c.id for c in convs}) == 3
    assert convs[0].split_key == convs[1].split_key != convs[2].split_key
    assert [m.role for m in convs[0].messages] == ["user", "assistant"]


def test_esconv_keeps_strategies_problem_and_situation(fixtures, items):
    convs, _ = items("esconv", fixtures / "esconv.json")
    first = convs[0]
    assert first.labels.emotion == ["anxiety"] and first.labels.problem == "job crisis"
    assert first.meta["situation"].startswith("I hate my job")
    assert [m.strategy for m in first.messages if m.role == "assistant"][:2] == [
        "Question",
        "Restatement or Paraphrasing",
    ]
    assert all(m.strategy is None for m in first.messages if m.role == "user")


def test_soulchat_reads_topic_as_scene(fixtures, items):
    convs, _ = items("soulchat", fixtures / "soulchat.json")
    assert [c.labels.scene for c in convs] == ["婚恋", "职场", "成长"]
    assert convs[0].lang == "zh" and convs[0].license == "apache-2.0" and convs[0].id == "1"


def test_mapped_row_per_turn_file(fixtures, items):
    convs, _ = items("mapped", fixtures / "snap_style.csv", mapping=fixtures / "snap_style.yaml")
    assert [c.id for c in convs] == ["c-001", "c-002"]
    assert convs[1].messages[0].role == "user" and convs[1].messages[0].content.startswith(
        "I feel overwhelmed"
    )
    assert convs[0].license == "research-only" and convs[0].meta["outcome"] == "better"


def test_mapped_pair_columns_from_jsonl(tmp_path, fixtures, items):
    spec = tmp_path / "map.yaml"
    spec.write_text("source: my_clinic\nlicense: user-provided\nuser: Context\nassistant: Response\n")
    convs, _ = items("mapped", fixtures / "amod.jsonl", mapping=spec)
    assert len(convs) == 3 and convs[0].source == "my_clinic"


def test_mapped_parquet_with_a_messages_column(tmp_path, items):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(
        [{"cid": "p1", "dialog": [{"who": "patient", "text": "hi"}, {"who": "therapist", "text": "hello"}]}]
    )
    pq.write_table(table, tmp_path / "d.parquet")
    spec = tmp_path / "map.yaml"
    spec.write_text("source: s\nlicense: mit\nid: cid\nmessages: dialog\nrole_key: who\ncontent_key: text\n")
    convs, _ = items("mapped", tmp_path / "d.parquet", mapping=spec)
    assert convs[0].id == "p1" and [m.role for m in convs[0].messages] == ["user", "assistant"]


def test_mapping_errors_name_the_problem(tmp_path, fixtures, items):
    spec = tmp_path / "map.yaml"
    spec.write_text("source: s\nuser: Context\n")
    with pytest.raises(InputError, match="license"):
        items("mapped", fixtures / "amod.jsonl", mapping=spec)


def test_hub_id_offline_is_a_clear_error(monkeypatch, items):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InputError, match="offline"):
        items("empathetic_dialogues", "hf:facebook/empathetic_dialogues")
