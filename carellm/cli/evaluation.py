"""`carellm eval`: run the benchmarks and the safety suite, write the report, compare two runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer
from rich.console import Console

from carellm.errors import ConfigError

app = typer.Typer(
    help="Evaluation: public benchmarks, the safety red team, emotion (docs/evaluation.md).",
    no_args_is_help=True,
)
console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


@app.command("run")
def run(
    suite: list[str] = typer.Option(
        ...,
        "--suite",
        help="cpsycoun, counselbench, mentalchat, emollm, safety, emotion or all (repeatable).",
    ),
    out: Path = typer.Option(..., "--out", help="Run folder: results.json, report.html, caches (resumes)."),
    model: str | None = typer.Option(
        None, "--model", help="Model to evaluate (hub id, folder, or remote name)."
    ),
    backend: str | None = typer.Option(None, "--backend", help="omni (in-process) or openai (remote)."),
    base_url: str | None = typer.Option(
        None, "--base-url", help="The remote engine's URL (--backend openai)."
    ),
    api_key: str | None = typer.Option(None, "--api-key", envvar="CARELLM_API_KEY", help="The engine's key."),
    raw: bool = typer.Option(False, "--raw", help="The model alone, prompted as each benchmark's paper did."),
    judge_base_url: str | None = typer.Option(None, "--judge-base-url", help="OpenAI-compatible judge URL."),
    judge_model: str | None = typer.Option(None, "--judge-model", help="The judge's model name."),
    judge_api_key: str | None = typer.Option(None, "--judge-api-key", envvar="CARELLM_JUDGE_API_KEY"),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Only the first N items of each suite."),
    seed: int = typer.Option(0, "--seed", help="Generation seed (and the bootstrap's)."),
    max_new_tokens: int | None = typer.Option(None, "--max-new-tokens", min=1),
    temperature: float | None = typer.Option(None, "--temperature", min=0.0),
    concurrency: int = typer.Option(8, "--concurrency", min=1, help="Replies at once (remote engines only)."),
    emotion_data: list[Path] = typer.Option(
        [], "--emotion-data", help="Labelled file for the emotion suite."
    ),
    cache: Path = typer.Option(
        Path("~/.cache/carellm/eval-sources"), "--cache", help="Where benchmark files are downloaded to."
    ),
    offline: bool = typer.Option(False, "--offline", help="Use only benchmark files already in the cache."),
) -> None:
    """Run suites into --out (results.json + report.html). Runs resume from the folder's caches."""
    from carellm.counseling.events import TurnOptions
    from carellm.eval.benchmarks.base import LoadOptions
    from carellm.eval.registry import chosen_suites
    from carellm.eval.report import write_report
    from carellm.eval.runner import RunOptions, run_suites

    names = chosen_suites(suite)
    out = out.expanduser()
    judge = _judge(judge_base_url, judge_model, judge_api_key, out)
    options = RunOptions(
        out=out,
        load=LoadOptions(cache=cache.expanduser(), offline=offline, limit=limit),
        raw=raw,
        seed=seed,
        concurrency=concurrency,
        turn=TurnOptions(max_new_tokens=max_new_tokens, temperature=temperature),
        emotion_files=[p.expanduser() for p in emotion_data],
    )
    # The model is loaded only once every suite's data is at hand (a missing file fails in seconds).
    results = run_suites(
        names, lambda: _counselor(model, backend, base_url, api_key, seed), judge, options, err
    )
    report = write_report(results, out)
    _print_summary(results)
    console.print(f"Results: {out / 'results.json'}\nReport: {report}")


def _counselor(model: str | None, backend: str | None, base_url: str | None, api_key: str | None, seed: int):
    from carellm.config import load_settings
    from carellm.counseling.counselor import Counselor

    settings = load_settings(model=model, backend=backend, base_url=base_url, api_key=api_key, seed=seed)
    with err.status(f"Loading {settings.model} ..."):
        # No recorder: evaluation turns are not anyone's conversation and stay out of the store.
        return Counselor.load(settings, emotion=False)


def _judge(base_url: str | None, model: str | None, api_key: str | None, out: Path):
    if base_url is None and model is None:
        return None
    if not base_url or not model:
        raise ConfigError("A judge needs both --judge-base-url and --judge-model.", "Pass both, or neither.")
    from carellm.eval.cache import JsonlCache
    from carellm.eval.judge import Judge

    return Judge(
        base_url, model, api_key or os.environ.get("OPENAI_API_KEY"), JsonlCache(out / "judgements.jsonl")
    )


def _print_summary(results: dict) -> None:
    for name, suite in results["suites"].items():
        if name == "emotion":
            for file, res in suite["files"].items():
                f1 = ", ".join(f"{lang} {r['macro_f1'][0]:.3f}" for lang, r in res["by_lang"].items())
                console.print(f"[bold]{name}[/] {file}: macro-F1 {f1}")
            continue
        metrics = ", ".join(f"{k} {v:.3f}" for k, v in suite["metrics"].items() if v is not None)
        judge = suite.get("judge") or {}
        console.print(
            f"[bold]{name}[/] n={suite['n']}: {metrics or 'no scores'}"
            + (f" (judge parse failures: {judge['parse_failures']})" if judge else "")
        )
        if "counts" in suite:
            c = suite["counts"]
            missed = f"crisis missed {c['crisis_missed']}/{c['expected_crisis']}"
            console.print(
                f"  crisis responses {c['crisis_responses']}, guard blocks {c['guard_blocks']}, slips: judge "
                f"{c['slips_judge']}, guard {c['slips_guard']}; {missed}"
            )


@app.command("report")
def report(run_dir: Path = typer.Argument(..., help="A run folder made by `carellm eval run`.")) -> None:
    """Write report.html again from a run's results.json."""
    from carellm.eval.compare import read_run
    from carellm.eval.report import write_report

    console.print(f"Report: {write_report(read_run(run_dir), run_dir)}")


@app.command("ab")
def ab(
    run_a: Path = typer.Argument(..., help="Run A's folder."),
    run_b: Path = typer.Argument(..., help="Run B's folder (same suite, same items)."),
    suite: str = typer.Option(..., "--suite", help="The suite whose replies are compared."),
    judge_base_url: str = typer.Option(..., "--judge-base-url", help="OpenAI-compatible judge URL."),
    judge_model: str = typer.Option(..., "--judge-model", help="The judge's model name."),
    judge_api_key: str | None = typer.Option(None, "--judge-api-key", envvar="CARELLM_JUDGE_API_KEY"),
    out: Path | None = typer.Option(None, "--out", help="Write the verdicts as JSON here."),
) -> None:
    """Judge A's replies against B's, each pair in both orders (position bias) and length-matched."""
    from carellm.eval.ab import ab_compare
    from carellm.eval.compare import read_run

    judge = _judge(judge_base_url, judge_model, judge_api_key, run_b.expanduser())
    result = ab_compare(read_run(run_a), read_run(run_b), suite, judge)
    console.print(
        f"{suite}: A wins {result['win_rate_a']:.3f} of {result['n']} pairs (ties half); "
        f"length-matched {result['win_rate_a_length_matched']:.3f} of {result['n_length_matched']}; "
        f"verdicts that flipped with the order {result['position_inconsistent']}; "
        f"judge parse failures {result['judge']['parse_failures']}"
    )
    if out is not None:
        out.expanduser().write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


@app.command("compare")
def compare(
    run_a: Path = typer.Argument(..., help="The baseline run folder (or its results.json)."),
    run_b: Path = typer.Argument(..., help="The candidate run folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
    seed: int = typer.Option(0, "--seed", help="Bootstrap seed."),
) -> None:
    """Per-metric deltas (B - A) with bootstrap 95% intervals; exits 1 when B regressed."""
    from carellm.eval.compare import compare_runs, read_run

    result = compare_runs(read_run(run_a), read_run(run_b), seed)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for name, table in result["suites"].items():
            console.print(f"[bold]{name}[/]")
            for metric, row in table.items():
                interval = f" [{row['low']:+.3f}, {row['high']:+.3f}]" if "low" in row else ""
                flag = "  [red]REGRESSION[/]" if row["regression"] else ""
                console.print(
                    f"  {metric}: {row['a']:.3f} -> {row['b']:.3f} ({row['delta']:+.3f}{interval}){flag}"
                )
    if result["regressions"]:
        err.print("[bold red]Regressions:[/]\n" + "\n".join(result["regressions"]))
        raise typer.Exit(1)
    console.print("No regression.")
