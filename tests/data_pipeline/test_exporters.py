"""Exported files load in each tool's own reader (or match its documented format field by field)."""

from __future__ import annotations

import json

import pytest

from carellm.data.clean import CleanConfig, Cleaner, write_stream
from carellm.data.converters import convert
from carellm.data.exporters import export
from carellm.data.schema import Conversation, Message


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    """A cleaned file mixing Chinese and English dialogues, labelled texts and media turns."""
    from pathlib import Path

    fixtures = Path(__file__).resolve().parents[1] / "data" / "data"
    folder = tmp_path_factory.mktemp("export")
    (folder / "media").mkdir()
    media = Conversation(
        id="m1",
        source="feedback",
        license="user-provided",
        messages=[
            Message(role="system", content="You are a supportive listener."),
            Message(
                role="user",
                content="Listen to this and look at my face.",
                audio="media/a.wav",
                image="media/f.png",
            ),
            Message(role="assistant", content="I hear how tired you sound."),
        ],
    )

    def records():
        yield from convert("soulchat", fixtures / "soulchat.json")
        yield from convert("empathetic_dialogues", fixtures / "empathetic_dialogues_train.csv")
        yield from convert("goemotions", fixtures / "goemotions_train.tsv")
        yield media

    out = folder / "clean.jsonl"
    write_stream(Cleaner(CleanConfig(validation=0.3, test=0.3)).run(records()), out)
    return out


def lines(path):
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_llamafactory_sharegpt_matches_the_documented_format(cleaned, tmp_path):
    report = export("llamafactory", cleaned, tmp_path)
    info = json.loads((tmp_path / "dataset_info.json").read_text())
    assert report.skipped == {"no assistant turn (classification record)": 8}
    for name, entry in info.items():
        split = name.removeprefix("carellm_")
        assert entry["file_name"] == f"{split}.jsonl" and entry["formatting"] == "sharegpt"
        assert entry["columns"]["messages"] == "conversations"
        assert entry["tags"] == {
            "role_tag": "from",
            "content_tag": "value",
            "user_tag": "human",
            "assistant_tag": "gpt",
            "system_tag": "system",
        }
        for record in lines(tmp_path / entry["file_name"]):
            assert set(record) - {"conversations"} <= set(entry["columns"]) - {"messages"}
            roles = [turn["from"] for turn in record["conversations"]]
            assert roles[0::2] == ["human"] * len(roles[0::2]) and roles[1::2] == ["gpt"] * len(roles[1::2])
            text = " ".join(turn["value"] for turn in record["conversations"])
            assert text.count("<audio>") == len(record.get("audios", []))
            assert text.count("<image>") == len(record.get("images", []))


def test_llamafactory_media_paths_are_absolute_and_tagged(cleaned, tmp_path):
    export("llamafactory", cleaned, tmp_path)
    records = [r for f in tmp_path.glob("*.jsonl") for r in lines(f)]
    media = next(r for r in records if r["audios"])
    assert media["system"] == "You are a supportive listener."
    assert media["audios"][0].endswith("media/a.wav") and media["audios"][0].startswith("/")
    assert media["conversations"][0]["value"].startswith("<audio><image>Listen")


def test_llamafactory_files_load_with_datasets_and_trl_chatml(cleaned, tmp_path):
    import datasets
    from trl.data_utils import is_conversational_from_value, maybe_convert_to_chatml

    export("llamafactory", cleaned, tmp_path)
    data = datasets.load_dataset(
        "json", data_files=str(tmp_path / "train.jsonl"), split="train", cache_dir=str(tmp_path / "hf-cache")
    )
    example = {"conversations": data[0]["conversations"]}
    assert is_conversational_from_value(example)
    chatml = maybe_convert_to_chatml(example)["messages"]
    assert chatml[0]["role"] == "human" and chatml[0]["content"] == data[0]["conversations"][0]["value"]


def test_swift_messages_with_media_columns(cleaned, tmp_path):
    import datasets

    export("swift", cleaned, tmp_path)
    records = [r for f in tmp_path.glob("*.jsonl") for r in lines(f)]
    media = next(r for r in records if r["audios"])
    assert [m["role"] for m in media["messages"]] == ["system", "user", "assistant"]
    assert media["messages"][1]["content"].startswith("<audio><image>") and len(media["images"]) == 1
    # ms-swift reads the --dataset and --val_dataset files separately
    cache = str(tmp_path / "hf-cache")
    loaded = [
        datasets.load_dataset("json", data_files=str(f), split="train", cache_dir=cache)
        for f in tmp_path.glob("*.jsonl")
    ]
    assert sum(len(x) for x in loaded) == len(records)


def test_trl_conversational_format_goes_through_the_chat_template(tmp_path, tiny_model_dir):
    from pathlib import Path

    import datasets
    from transformers import AutoTokenizer
    from trl.data_utils import apply_chat_template, is_conversational

    fixtures = Path(__file__).resolve().parents[1] / "data" / "data"
    text_only = tmp_path / "soulchat.jsonl"
    write_stream(convert("soulchat", fixtures / "soulchat.json"), text_only)
    export("trl", text_only, tmp_path / "trl")
    data = datasets.load_dataset(
        "json",
        data_files=str(tmp_path / "trl" / "train.jsonl"),
        split="train",
        cache_dir=str(tmp_path / "hf-cache"),
    )
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    example = {"messages": data[0]["messages"]}
    assert is_conversational(example) and isinstance(example["messages"][0]["content"], str)
    rendered = apply_chat_template(example, tokenizer)["text"]
    assert example["messages"][-1]["content"] in rendered and "<|im_start|>assistant" in rendered


def test_trl_images_use_typed_parts_and_audio_is_counted(cleaned, tmp_path):
    report = export("trl", cleaned, tmp_path)
    records = [r for f in tmp_path.glob("*.jsonl") for r in lines(f)]
    media = next(r for r in records if r["images"])
    assert media["messages"][1]["content"][0] == {"type": "image"}
    assert report.skipped["audio/video file left out (TRL has no column for it)"] == 1


def test_openai_jsonl_is_text_messages_with_an_assistant_reply(cleaned, tmp_path):
    report = export("openai", cleaned, tmp_path)
    for f in tmp_path.glob("*.jsonl"):
        for record in lines(f):
            assert set(record) == {"messages"}
            assert any(m["role"] == "assistant" for m in record["messages"])
            assert all(
                set(m) == {"role", "content"} and isinstance(m["content"], str) for m in record["messages"]
            )
    assert sum(report.records.values()) == 7


def test_hf_save_to_disk_and_parquet_load_back(cleaned, tmp_path):
    import datasets

    report = export("hf", cleaned, tmp_path)
    saved = datasets.load_from_disk(str(tmp_path / "dataset"))
    assert set(saved) == set(report.records) and sum(len(s) for s in saved.values()) == 15
    files = {split: str(tmp_path / "parquet" / f"{split}.parquet") for split in report.records}
    parquet = datasets.load_dataset("parquet", data_files=files, cache_dir=str(tmp_path / "hf-cache"))
    row = next(r for s in parquet.values() for r in s if r["source"] == "goemotions")
    assert row["labels"]["emotion"] and row["messages"][0]["role"] == "user"
    assert json.loads(row["meta"])["split"] in report.records


def test_unknown_target_is_a_clear_error(cleaned, tmp_path):
    from carellm.errors import InputError

    with pytest.raises(InputError, match="llamafactory, swift, trl, openai, hf"):
        export("axolotl", cleaned, tmp_path)
