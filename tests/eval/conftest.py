"""The evaluation harness against real parts: the tiny model in process as the model under
test, and a second `carellm serve` of the tiny model on 127.0.0.1 as the judge (its answers are
noise, so every judged item is a counted parse failure). Benchmark files are small fixtures in
each benchmark's real format, written into the cache folder and pinned by their real SHA-256."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from carellm.eval.benchmarks.counselbench import ADVERSARIAL, ISSUES
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


COUNSELCHAT_COLUMNS = [
    "", "questionID", "questionTitle", "questionText", "questionLink", "topic", "therapistInfo",
    "therapistURL", "answerText", "upvotes", "views", "split",
]  # fmt: skip
LONG_ANSWER = " ".join(["word"] * 260)  # over CounselBench's 250-word limit


def counselchat_rows() -> list[tuple[int, str, str, str, str, int]]:
    """(questionID, title, text, topic, answer, upvotes), one per answer, shaped to exercise each
    selection rule: ties drawn by seed 42, a long best answer, hand-removed and second-best ids,
    a left-out topic with the most questions, a title-only question and an empty answer."""
    rows = [
        (1, "Why so sad?", "I feel empty.", "depression", LONG_ANSWER, 20),
        (1, "Why so sad?", "I feel empty.", "depression", "short best for 1", 10),
        (2, "Tired all day", "I sleep 12 hours.", "depression", "A", 8),
        (2, "Tired all day", "I sleep 12 hours.", "depression", "B", 8),
        (3, "Can depression go away on its own?", "", "depression", "answer 3", 3),
        (4, "No motivation", "Nothing feels worth it.", "depression", "answer 4", 3),
        (5, "Crying a lot", "I cry every night.", "depression", "", 9),
        (5, "Crying a lot", "I cry every night.", "depression", "answer 5", 3),
        (6, "Lost interest", "Hobbies feel flat.", "depression", "answer 6", 3),
        (766, "Removed by hand", "text", "relationships", "answer 766", 50),
        (250, "Partner ignores me", "text", "relationships", "best 250", 9),
        (250, "Partner ignores me", "text", "relationships", "second 250", 4),
        (250, "Partner ignores me", "text", "relationships", "third 250", 1),
        (20, "Arguing", "text", "relationships", "answer 20", 7),
        (21, "Trust", "text", "relationships", "answer 21", 6),
        (22, "Jealousy", "text", "relationships", "answer 22", 5),
        (23, "Moving in", "text", "relationships", "answer 23", 2),
    ]
    rows += [(100 + k, f"intimacy {k}", "text", "intimacy", "answer", 30) for k in range(7)]
    return rows


def counselchat_csv(rows) -> bytes:
    """The rows as nbertagnolli/counsel-chat's data/20200325_counsel_chat.csv lays them out."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COUNSELCHAT_COLUMNS)
    for n, (qid, title, text, topic, answer, upvotes) in enumerate(rows):
        link = f"https://counselchat.com/questions/q{qid}"
        writer.writerow([n, qid, title, text, link, topic, "A Therapist, LPC", "https://counselchat.com/t",
                         answer, upvotes, 100, "train"])  # fmt: skip
    return out.getvalue().encode("utf-8")


@pytest.fixture
def counselchat_pin(cache) -> PinnedFile:
    return pin_written(
        cache, "counselbench", "data/20200325_counsel_chat.csv", counselchat_csv(counselchat_rows())
    )


@pytest.fixture
def counselbench_files(cache) -> Path:
    """CounselBench-Adv as a CSV with one column per issue (run_adversarial_questions.py reads
    data_df[issue]), put in the cache folder by hand as a user would."""
    folder = cache / "counselbench"
    folder.mkdir(parents=True, exist_ok=True)
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
