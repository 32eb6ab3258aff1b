"""The evaluation harness against real parts: the tiny model in process as the model under
test, and a second `carellm serve` of the tiny model on 127.0.0.1 as the judge (its answers are
noise, so every judged item is a counted parse failure). Benchmark files are small fixtures in
each benchmark's real format, written into the cache folder and pinned by their real SHA-256."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from carellm.eval.benchmarks.counselbench import ADVERSARIAL, ISSUES, QUESTIONS
from carellm.eval.sources import github_file
from carellm.safety.corpus.fetch import PinnedFile, sha256_of
from tests.serve.conftest import API_KEY, counselor, run_app, start_server  # noqa: F401  (fixtures)


def pin_written(cache: Path, source_id: str, repo_path: str, data: bytes) -> PinnedFile:
    """Write `data` where the cache keeps `repo_path` and pin it by its bytes' real hash."""
    target = cache / source_id / repo_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return github_file("example/repo", "0" * 40, repo_path, sha256_of(target))


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=4).encode("utf-8")


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def cpsycoun_pins(cache) -> list[PinnedFile]:
    """Two CPsyCounE cases (CPsyCounE/<topic>/<n>.json: a JSON list of '求助者：'/'支持者：' utterances)."""
    career = [
        "求助者：最近工作压力很大，我总是睡不好。",
        "支持者：听起来你最近很辛苦，能多说说压力来自哪里吗？",
        "求助者：主要是领导总在最后一刻改需求。",
    ]
    sex = ["求助者：我和伴侣在亲密关系上总是有分歧，不知道怎么沟通。"]
    return [
        pin_written(cache, "cpsycoun", "CPsyCounE/Career/1.json", _json(career)),
        pin_written(cache, "cpsycoun", "CPsyCounE/Sex/1.json", _json(sex)),
    ]


@pytest.fixture
def mentalchat_pin(cache) -> PinnedFile:
    """FastChat question format, as data/eval_jsonl/evalq_bench/question.jsonl."""
    rows = [
        {"question_id": 1, "category": "generic", "turns": ["i have social anxiety and my brain go to mush"]},
        {"question_id": 2, "category": "generic", "turns": ["for the past year i feel tired all the time"]},
    ]
    data = "".join(json.dumps(r) + "\n" for r in rows).encode()
    return pin_written(cache, "mentalchat", "data/eval_jsonl/evalq_bench/question.jsonl", data)


@pytest.fixture
def emollm_pin(cache) -> PinnedFile:
    """evaluate/data_dir/data.json's format: a list of {"conversation": [{system, input, output}]}."""
    system = "现在你是一个心理专家，我有一些心理问题，请你用专业的知识帮我解决。"
    rows = [
        {"conversation": [
            {"system": system, "input": "医生，我最近总是感到很焦虑。", "output": "你好，感谢你愿意说出来。"},
            {"input": "我晚上睡不着。", "output": "我们可以先试试睡前放松练习。"},
        ]},
        {"conversation": [{"system": system, "input": "我和妈妈总吵架。", "output": "你们都很在乎彼此。"}]},
    ]  # fmt: skip
    return pin_written(cache, "emollm", "evaluate/data_dir/data.json", _json(rows))


@pytest.fixture
def counselbench_files(cache) -> Path:
    """The 100-question file as preprocess/counsel_chat.py writes it, and CounselBench-Adv as a CSV
    with one column per issue (run_adversarial_questions.py reads data_df[issue])."""
    folder = cache / "counselbench"
    folder.mkdir(parents=True)
    questions = {
        "depression": [{"questionTitle": "Why so sad?", "questionText": "I feel empty.", "questionID": 12}],
        "anxiety": [{"questionTitle": "How do I stop panicking?", "questionText": "", "questionID": 40}],
    }  # fmt: skip
    (folder / QUESTIONS).write_bytes(_json(questions))
    with (folder / ADVERSARIAL).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(ISSUES))
        writer.writeheader()
        writer.writerow(
            {issue: f"I keep feeling low, what should I do about it? ({issue})" for issue in ISSUES}
        )
    return folder


@pytest.fixture(scope="session")
def judge_server(start_server):  # noqa: F811
    return start_server(rate_limit_per_minute=100_000, max_waiting=64)


@pytest.fixture
def make_judge(judge_server, tmp_path):
    from carellm.eval.cache import JsonlCache
    from carellm.eval.judge import Judge

    def make(out: Path | None = None) -> Judge:
        cache = JsonlCache((out or tmp_path) / "judgements.jsonl")
        return Judge(f"{judge_server.url}/v1", "carellm-tiny", API_KEY, cache, retries=0, max_tokens=24)

    return make
