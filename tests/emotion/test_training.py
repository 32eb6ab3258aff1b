"""Rebuilding the emotion model: each source's real file format, the label mapping, pins, errors."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

import carellm.emotion.training as training
from carellm.emotion.corpus import EMOTION_SOURCES
from carellm.emotion.model import load_emotion_model
from carellm.emotion.text import analyze_text
from carellm.errors import InputError
from carellm.safety.corpus.fetch import sha256_of

FIXTURES = Path(__file__).parents[1] / "data" / "emotion" / "sources"


def _sources(cache: Path):
    """The real sources with their pins replaced by the fixtures' own checksums."""
    return tuple(
        dataclasses.replace(
            s, files=tuple(dataclasses.replace(f, sha256=sha256_of(cache / s.id / f.name)) for f in s.files)
        )
        for s in EMOTION_SOURCES
    )


@pytest.fixture
def cache(tmp_path) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "cache")
    return tmp_path / "cache"


def _rows(out: Path) -> list[dict]:
    return [json.loads(line) for name in ("train", "dev", "test") for line in (out / f"{name}.jsonl").open()]


def test_every_source_is_read_and_mapped_to_the_seven_labels(cache, tmp_path):
    training.build_data(tmp_path / "data", cache, offline=True, sources=_sources(cache))
    label = {r["text"]: (r["label"], r["source"]) for r in _rows(tmp_path / "data")}
    assert label["I am terrified of the interview tomorrow"] == ("anxiety", "goemotions")
    assert label["What a nice surprise, and also kind of scary"][0] == "anxiety"  # surprise is left out
    assert label["So embarrassed I said that in front of everyone"] == ("shame", "goemotions")
    assert label["i feel loved when my sister calls"] == ("joy", "carer")
    assert label["一想到明天体检就害怕得睡不着"] == ("anxiety", "clue_emotion")
    assert label["医护人员辛苦了，看哭了[泪]"] == ("sadness", "ewect_virus_train")
    assert label["我这几天一直提不起精神来"] == ("sadness", "cped")
    assert label["万一他明天还不回来可怎么办"] == ("anxiety", "cped")
    assert label["明天就要做手术了，越想越害怕，一夜没睡"] == ("anxiety", "ewect_usual_train")
    assert label["该馆始建于1956年，占地面积约两万平方米。"] == ("neutral", "ewect_usual_train")
    assert (tmp_path / "data" / "goemotions_dev.tsv").is_file()


def test_labels_that_do_not_map_cleanly_are_dropped(cache, tmp_path):
    training.build_data(tmp_path / "data", cache, offline=True, sources=_sources(cache))
    texts = {r["text"] for r in _rows(tmp_path / "data")}
    dropped = [
        "Great news but I am also really sad about it",  # joy and sadness disagree
        "i feel amazed by how quiet the city is",  # surprise
        "居然没想到会在这里遇见他",
        "天哪，确诊人数又涨了这么多",
        "你怎么会在这儿呢",  # astonished
        "什么？他竟然辞职了？",
    ]
    assert not texts & set(dropped) and len(texts) == 37 - len(dropped)


def test_a_changed_file_is_refused(cache, tmp_path):
    sources = _sources(cache)
    with (cache / "en_carer" / "val.txt").open("a", encoding="utf-8") as fh:
        fh.write("i feel odd;joy\n")
    with pytest.raises(InputError, match="pinned checksum"):
        training.build_data(tmp_path / "data", cache, offline=True, sources=sources)


def test_a_missing_file_says_where_it_should_be(cache, tmp_path):
    sources = _sources(cache)
    (cache / "zh_cped" / "test_split.csv").unlink()
    with pytest.raises(InputError, match=r"test_split\.csv is not in the cache"):
        training.build_data(tmp_path / "data", cache, offline=True, sources=sources)


def test_train_without_data_says_how_to_build_it(tmp_path):
    with pytest.raises(InputError, match="build-data"):
        training.train_model(tmp_path / "empty")


def test_train_from_the_fixtures_writes_a_loadable_model(cache, tmp_path, monkeypatch):
    """The whole rebuild on tiny data (one setting, so it runs in seconds)."""
    data = tmp_path / "data"
    training.build_data(data, cache, offline=True, sources=_sources(cache))
    # Fixture splits are tiny: put every row in train and dev so each label is seen.
    rows = _rows(data)
    for name in ("train", "dev", "test"):
        (data / f"{name}.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(training, "C_GRID", (16.0,))
    monkeypatch.setattr(training, "WEIGHTINGS", ("none",))
    monkeypatch.setattr(training, "MIN_ROWS", 1)
    summary = training.train_model(data, tmp_path / "model", log=lambda _: None)
    model = load_emotion_model(
        tmp_path / "model" / "emotion_model.npz", tmp_path / "model" / "emotion_model.json"
    )
    assert model is not None and set(model.known["zh"]) == {"joy", "sadness", "anger", "anxiety", "neutral"}
    assert summary["test"]["en"]["n"] > 0 and (tmp_path / "model" / "manifest.txt").is_file()
    assert analyze_text("万一他明天还不回来可怎么办", "zh", model=model).primary == "anxiety"


def test_the_cli_says_how_to_build_the_data_it_misses(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "carellm", "emotion", "train", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "build-data" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
