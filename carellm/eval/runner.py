"""Run suites: load items, get replies (pipeline or --raw, cached), score them, write results.

Replies and judgements are cached in the run folder (replies.jsonl, judgements.jsonl), so a run
that stops resumes where it was. Work goes through a thread pool: one worker for an in-process
model (it generates one reply at a time), `concurrency` for a remote one. results.json is
written after each suite, so a long run keeps what it finished.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

from carellm.counseling.counselor import Counselor
from carellm.counseling.events import TurnOptions
from carellm.errors import ConfigError
from carellm.eval.benchmarks.base import LoadOptions, Suite, by_topic, means
from carellm.eval.benchmarks.emotion import evaluate_file
from carellm.eval.benchmarks.safety import safety_counts
from carellm.eval.cache import JsonlCache
from carellm.eval.items import EvalItem
from carellm.eval.judge import Judge
from carellm.eval.registry import EMOTION, REPLY_SUITES
from carellm.eval.replies import ReplyMaker
from carellm.eval.stats import reply_stats, summarise
from carellm.version import __version__

RESULTS = "results.json"
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class RunOptions:
    out: Path
    load: LoadOptions
    raw: bool = False
    seed: int = 0
    concurrency: int = 1  # items at once against a remote engine (an in-process model takes one)
    turn: TurnOptions = field(default_factory=TurnOptions)
    emotion_files: list[Path] = field(default_factory=list)


def parallel_map(
    fn: Callable[[T], R], items: list[T], workers: int, label: str, console: Console | None = None
) -> list[R]:
    """`fn` over `items` in order, `workers` at a time, with a progress bar and an ETA."""
    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn())
    timing = (TimeElapsedColumn(), "eta", TimeRemainingColumn())
    with Progress(*columns, *timing, console=console or Console(stderr=True), transient=False) as bar:
        task = bar.add_task(label, total=len(items))
        results: list[R] = []
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for result in pool.map(fn, items):
                results.append(result)
                bar.advance(task)
    return results


def _describe(counselor: Counselor, options: RunOptions, judge: Judge | None) -> dict[str, Any]:
    s = counselor.settings
    return {
        "carellm": __version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "model": s.model,
        "backend": s.backend,
        "base_url": s.base_url,
        "mode": "raw" if options.raw else "pipeline",
        "seed": options.seed,
        "generation": {k: v for k, v in asdict(options.turn).items() if v is not None},
        "judge": {"base_url": judge.base_url, "model": judge.model} if judge else None,
    }


def load_suite(
    suite: Suite, judge: Judge | None, options: RunOptions
) -> tuple[list[EvalItem], dict[str, Any]]:
    """The suite's items, or a clear error before anything slow starts (no judge, no data)."""
    if suite.needs_judge and judge is None:
        raise ConfigError(
            f"The {suite.name} suite is scored by a judge.",
            "Pass --judge-base-url and --judge-model (any OpenAI-compatible endpoint).",
        )
    items, data = suite.load(options.load)
    if not items:
        raise ConfigError(f"The {suite.name} suite has no items to run.", "Check --limit and the data files.")
    return items, data


def run_reply_suite(
    suite: Suite,
    loaded: tuple[list[EvalItem], dict[str, Any]],
    maker: ReplyMaker,
    judge: Judge | None,
    options: RunOptions,
    console: Console | None,
) -> dict[str, Any]:
    items, data = loaded
    before = judge.stats.to_dict() if judge else None

    def one(item: EvalItem) -> dict[str, Any]:
        reply, cached = maker.reply(item)
        score = suite.score(item, reply, judge)
        return {
            "id": item.id,
            "topic": item.topic,
            "lang": item.lang,
            "question": item.question,
            "reply": reply.to_dict(),
            "reply_cached": cached,
            "scores": score.scores,
            "stats": reply_stats(reply, item.lang),
            "judge_text": score.judge_text,
            "error": score.error,
            "extra": score.extra,
        }

    rows = parallel_map(one, items, options.concurrency, suite.name, console)
    score_rows = [r["scores"] for r in rows]
    keys = list(suite.metrics)
    result: dict[str, Any] = {
        "data": data,
        "n": len(rows),
        "metrics": means(score_rows, keys),
        "metric_ranges": suite.metrics,
        "by_topic": by_topic(items, score_rows, keys),
        "stats": summarise(
            [r["stats"] for r in rows], [r["reply"]["text"] for r in rows], [r["lang"] for r in rows]
        ),
        "judge": _judge_delta(before, judge),
        "anchors": suite.anchors,
        "anchor_source": suite.anchor_source,
        "items": rows,
    }
    if suite.name == "safety":
        result["counts"] = safety_counts(rows)
    references = [r["extra"]["reference"]["scores"] for r in rows if "reference" in r["extra"]]
    if references:  # a human answer per item, rated by the same judge: a row to read ours beside
        name = getattr(suite, "reference_name", "reference")
        result["reference"] = {"name": name, "n": len(references), "metrics": means(references, keys)}
        result["anchors"] = {**suite.anchors, name: result["reference"]["metrics"]}
    return result


def _judge_delta(before: dict | None, judge: Judge | None) -> dict[str, Any] | None:
    """This suite's share of the judge's counts (one judge serves every suite of a run)."""
    if judge is None or before is None:
        return None
    now = judge.stats.to_dict()
    out = {k: now[k] - before[k] for k in ("calls", "cached", "errors", "parse_failures")}
    out["failures"] = now["failures"][len(before["failures"]) :]
    return out


def run_emotion(files: Iterable[Path], seed: int) -> dict[str, Any]:
    files = list(files)
    if not files:
        raise ConfigError(
            "The emotion suite needs labelled files.",
            "Pass --emotion-data FILE (GoEmotions .tsv or unified-schema .jsonl), once per file.",
        )
    return {"files": {path.name: evaluate_file(path, seed) for path in files}}


def run_suites(
    names: list[str],
    load_counselor: Callable[[], Counselor],
    judge: Judge | None,
    options: RunOptions,
    console: Console | None = None,
    suites: Mapping[str, Suite] = REPLY_SUITES,
) -> dict[str, Any]:
    """Run `names` in order into options.out/results.json (kept up to date after each suite).

    Every suite's data is loaded (and the emotion files checked) before the model is."""
    loaded = {n: load_suite(suites[n], judge, options) for n in names if n != EMOTION}
    if EMOTION in names and not options.emotion_files:
        run_emotion([], options.seed)  # raises the message saying what to pass
    options.out.mkdir(parents=True, exist_ok=True)
    results_path = options.out / RESULTS
    results: dict[str, Any] = {"run": {}, "suites": {}}
    if loaded:
        counselor = load_counselor()
        results["run"] = _describe(counselor, options, judge)
        if counselor.settings.backend != "openai":  # one in-process model writes one reply at a time
            options = replace(options, concurrency=1)
        turn = TurnOptions(**{**asdict(options.turn), "seed": options.seed})
        maker = ReplyMaker(counselor, options.raw, turn, JsonlCache(options.out / "replies.jsonl"))
    for name in names:
        if name == EMOTION:
            results["suites"][name] = run_emotion(options.emotion_files, options.seed)
        else:
            results["suites"][name] = run_reply_suite(
                REPLY_SUITES[name], loaded[name], maker, judge, options, console
            )
        results_path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return results
