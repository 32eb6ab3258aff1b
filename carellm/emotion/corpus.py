"""The emotion model's training set: real labelled zh + en texts mapped to the seven labels.

The files are the crisis layer's pinned copies (same URLs, same SHA-256, same cache), read
here for their emotion labels instead of as "safe" negatives, plus one the crisis layer does
not read: SMP2020-EWECT's general-domain Weibo training file, whose posts lifted the dev
split's general-domain Weibo posts from 0.52 to 0.74 (docs/emotion.md). Each source's labels
map to CareLLM's seven with the tables below (docs/emotion.md prints them); a label that does not
map cleanly (surprise, "other", curiosity...) drops the row rather than guessing. The
assembly (de-duplication by manifest digest, conflicts dropped, 70/15/15 split by a hash of
the text) is the crisis corpus's own `build`.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

from carellm.emotion.labels import GOEMOTIONS
from carellm.safety.corpus.build import LabelledText, build
from carellm.safety.corpus.fetch import PinnedFile
from carellm.safety.corpus.sources import RAW, Reader, Source
from carellm.safety.corpus.sources import SOURCES as CRISIS_SOURCES
from carellm.safety.manifest import text_digest

HANDWRITTEN = Path(__file__).parents[2] / "tests" / "data" / "emotion" / "labelled.jsonl"

# GoEmotions: the Ekman grouping published with the dataset (data/ekman_mapping.json), with its
# disgust read as anger and embarrassment/remorse as shame (labels.py); its "surprise" group
# (surprise, realization, confusion, curiosity) is dropped. A comment keeps a label only when
# all its mapped labels agree (joy *and* sadness: dropped).
GOEMOTIONS_MAP = {
    "anger": "anger", "annoyance": "anger", "disgust": "anger", "disapproval": "anger",
    "fear": "anxiety", "nervousness": "anxiety",
    "sadness": "sadness", "grief": "sadness", "disappointment": "sadness",
    "embarrassment": "shame", "remorse": "shame",
    "joy": "joy", "amusement": "joy", "excitement": "joy", "gratitude": "joy", "love": "joy",
    "optimism": "joy", "relief": "joy", "pride": "joy", "admiration": "joy", "approval": "joy",
    "caring": "joy", "desire": "joy",
    "neutral": "neutral",
}  # fmt: skip
CARER_MAP = {"sadness": "sadness", "joy": "joy", "love": "joy", "anger": "anger", "fear": "anxiety"}
CLUE_MAP = {
    "sadness": "sadness", "happiness": "joy", "like": "joy", "anger": "anger", "disgust": "anger",
    "fear": "anxiety",
}  # fmt: skip
EWECT_MAP = {"happy": "joy", "sad": "sadness", "angry": "anger", "fear": "anxiety", "neutral": "neutral"}
CPED_MAP = {
    "neutral": "neutral", "anger": "anger", "disgust": "anger", "depress": "sadness",
    "sadness": "sadness", "happy": "joy", "relaxed": "joy", "grateful": "joy", "worried": "anxiety",
    "fear": "anxiety",
}  # fmt: skip
MAPPINGS = {
    "goemotions": GOEMOTIONS_MAP,
    "carer": CARER_MAP,
    "clue_emotion": CLUE_MAP,
    "ewect_virus_train": EWECT_MAP,
    "ewect_usual_train": EWECT_MAP,
    "cped": CPED_MAP,
}


def _mapped(text: str, label: str, source: str, lang: str, kind: str) -> LabelledText | None:
    target = MAPPINGS[source].get(label)
    return LabelledText(text, target, lang, source, kind) if target else None


def _goemotions(files: dict[str, Path]) -> Iterator[LabelledText]:
    """GoEmotions train/dev TSV (text, label ids, comment id); the 28 labels stay in `kind`."""
    for name in sorted(files):
        for line in files[name].read_text(encoding="utf-8").splitlines():
            text, ids, _ = line.split("\t")
            names = [GOEMOTIONS[int(i)] for i in ids.split(",")]
            targets = {GOEMOTIONS_MAP[n] for n in names if n in GOEMOTIONS_MAP}
            if len(targets) == 1:
                yield LabelledText(text, targets.pop(), "en", "goemotions", "goemotions:" + ",".join(names))


def _carer(files: dict[str, Path]) -> Iterator[LabelledText]:
    """CARER "i feel ..." tweets, `text;label` per line (hashtag-derived labels)."""
    for name in ("train.txt", "val.txt"):
        for line in files[name].read_text(encoding="utf-8").splitlines():
            text, _, label = line.rpartition(";")
            if text.strip() and (item := _mapped(text, label, "carer", "en", f"carer:{label}")):
                yield item


def _clue(files: dict[str, Path]) -> Iterator[LabelledText]:
    """CLUEmotionAnalysis2020 Weibo posts, one JSON object per line."""
    for name in ("valid.txt", "test.txt"):
        for line in files[name].read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if item := _mapped(
                    row["content"], row["label"], "clue_emotion", "zh", f"clue:{row['label']}"
                ):
                    yield item


def _ewect(files: dict[str, Path]) -> Iterator[LabelledText]:
    """SMP2020-EWECT COVID-19 Weibo *training* posts (one JSON array; never its evaluation sets)."""
    for row in json.loads(files["virus_train.txt"].read_text(encoding="utf-8")):
        label = row["label"]
        if item := _mapped(row["content"], label, "ewect_virus_train", "zh", f"ewect:{label}"):
            yield item


def _ewect_usual(files: dict[str, Path]) -> Iterator[LabelledText]:
    """SMP2020-EWECT general-domain ("usual") Weibo *training* posts, as a CSV (id, content, label)
    made from the organisers' JSON by the repository that publishes it; never its evaluation sets."""
    with files["usual_train.csv"].open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            label = row["label"]
            if item := _mapped(row["content"], label, "ewect_usual_train", "zh", f"ewect_usual:{label}"):
                yield item


def _cped(files: dict[str, Path]) -> Iterator[LabelledText]:
    """CPED TV-series dialogue lines (CSV with a BOM), 13 emotions."""
    for name in ("valid_split.csv", "test_split.csv"):
        with files[name].open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                label = row["Emotion"]
                if item := _mapped(row["Utterance"], label, "cped", "zh", f"cped:{label}"):
                    yield item


_READERS: dict[str, Reader] = {
    "en_goemotions": _goemotions,
    "en_carer": _carer,
    "zh_clue_emotion": _clue,
    "zh_ewect_virus_train": _ewect,
    "zh_cped": _cped,
}
# Emotion-only sources (the crisis layer does not read them). The usual training file is read from
# a repository that also holds the task's test file: only this path is pinned, fetched and read.
EWECT_USUAL = Source(
    "zh_ewect_usual_train",
    "zh",
    "none stated (SMP2020-EWECT research release)",
    (
        PinnedFile(
            f"{RAW}/Moeary/Artificial_Intelligence_Homework/b9e811878a80fac3bf2b2d90586d22bc0ccf276a/"
            "dataset/text2emo/usual_train.csv",
            "usual_train.csv",
            "e0cbeb928b0843237b42d6c5f005b6c6d7108239dba2469ea1c3c1943ed56843",
        ),
    ),
    _ewect_usual,
)
EMOTION_SOURCES: tuple[Source, ...] = (
    *(Source(s.id, s.lang, s.licence, s.files, _READERS[s.id]) for s in CRISIS_SOURCES if s.id in _READERS),
    EWECT_USUAL,
)


def _without(read: Reader, held_out: frozenset[str]) -> Reader:
    def reader(files: dict[str, Path]) -> Iterator[LabelledText]:
        return (row for row in read(files) if text_digest(row.text) not in held_out)

    return reader


def build_emotion_data(
    out: Path, cache: Path, offline: bool = False, sources: tuple[Source, ...] = EMOTION_SOURCES
) -> dict:
    """Fetch (or read from `cache`), check, map, de-duplicate and split into out/{train,dev,test}.jsonl.

    A text of the project's hand-written set is left out wherever it occurs (CPED and CLUE have
    都是我的错), so that set stays one the model never saw.
    """
    held_out = frozenset(text_digest(t) for t in handwritten_texts())
    kept = tuple(dataclasses.replace(s, read=_without(s.read, held_out)) for s in sources)
    return build(kept, out, cache, offline)


def handwritten_texts() -> list[str]:
    """The texts of tests/data/emotion/labelled.jsonl (empty where the tests are not shipped)."""
    if not HANDWRITTEN.is_file():
        return []
    lines = HANDWRITTEN.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]
