"""`carellm safety`: check text for crisis risk, and evaluate the layer on a labelled file."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from carellm.errors import InputError

app = typer.Typer(help="Crisis/safety layer (runs offline on CPU, no model needed).", no_args_is_help=True)
console = Console(highlight=False)

MAX_TEXT_BYTES = 5_000_000


def _read_stdin() -> str:
    data = sys.stdin.buffer.read(MAX_TEXT_BYTES + 1)
    if len(data) > MAX_TEXT_BYTES:
        raise InputError("More than 5 MB on standard input.", "Split the text, or use --file with JSONL.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"Standard input is not valid UTF-8 (byte {exc.start}).", "Convert the text to UTF-8 first."
        ) from exc


def _lang(lang: str) -> str | None:
    if lang not in {"zh", "en", "auto"}:
        raise InputError(f"Unknown --lang {lang!r}.", "Use zh, en or auto.")
    return None if lang == "auto" else lang


@app.command("check")
def check(
    text: str | None = typer.Argument(None, help="The text, or - to read standard input."),
    lang: str = typer.Option("auto", "--lang", help="zh, en or auto."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per result."),
    file: str | None = typer.Option(
        None, "--file", help='JSONL with one {"text": ...} per line (any readable path; - for stdin).'
    ),
) -> None:
    """Assess TEXT (or every line of --file) for crisis risk."""
    from carellm.safety import assess

    chosen = _lang(lang)
    if file is not None:
        _no_text_beside(text, "TEXT")

        def judge(record: dict) -> tuple[dict, str]:
            result = assess(record["text"], chosen or record.get("lang")).to_dict()
            return result, result["level"]

        _each_row(file, judge, as_json)
        return
    text = _given_text(text, "text", 'carellm safety check "some text"', "the words to check")
    risk = assess(text, chosen)
    if as_json:
        print(json.dumps(risk.to_dict(), ensure_ascii=False))
        return
    color = {"none": "green", "low": "cyan", "medium": "yellow", "high": "red", "imminent": "bold red"}[
        risk.level
    ]
    console.print(f"level: [{color}]{risk.level}[/]   lang: {risk.lang}")
    if risk.categories:
        console.print("categories: " + ", ".join(risk.categories))
    for span in risk.evidence:
        console.print(f"  evidence: {span!r}", markup=False)


def _no_text_beside(text: str | None, name: str) -> None:
    if text is not None:
        raise InputError(f"Give either {name} or --file, not both.", "Drop one of them.")


def _given_text(text: str | None, noun: str, example: str, what: str) -> str:
    """The text argument, read from standard input for -; missing or blank is a clear error."""
    if text is None:
        raise InputError(f"No {noun} given.", f"{example}   (or - to read stdin)")
    if text == "-":
        text = _read_stdin()
    if not text.strip():
        raise InputError(f"The {noun} is empty.", f"Give {what}: {example}")
    return text


def _each_row(path: str, judge: Callable[[dict], tuple[dict, str]], as_json: bool) -> None:
    """One result per usable line of a JSONL file, in order (JSON, or a word and the text's start);
    unusable lines are named on stderr and make the exit status 1."""
    from carellm.jsonl import read_text_rows

    cases, bad_lines = read_text_rows(path)
    for _, record in cases:
        result, word = judge(record)
        print(json.dumps(result, ensure_ascii=False) if as_json else f"{word}\t{record['text'][:80]}")
    for number, why in bad_lines:
        print(f"{path}: line {number}: {why}", file=sys.stderr)
    if bad_lines:
        raise typer.Exit(1)


@app.command("build-data")
def build_data(
    out: Path = typer.Option(..., "--out", help="Folder for train/dev/test.jsonl and stats.json."),
    cache: Path = typer.Option(
        Path("~/.cache/carellm/safety-sources"), "--cache", help="Where downloaded source files are kept."
    ),
    offline: bool = typer.Option(False, "--offline", help="Use only files already in the cache."),
) -> None:
    """Rebuild the crisis model's training set from its pinned public sources (see data/CARD.md)."""
    from carellm.safety.corpus.build import build
    from carellm.safety.corpus.sources import SOURCES

    summary = build(SOURCES, out.expanduser(), cache.expanduser(), offline)
    for split, counts in summary["splits"].items():
        console.print(f"{split}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    console.print(f"Wrote {out}/train.jsonl, dev.jsonl, test.jsonl and stats.json.", markup=False)


def _needs_training_packages() -> None:
    """Training (not checking) needs scikit-learn and scipy: say how to get them, not a traceback."""
    try:
        import scipy  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise InputError(
            "Training needs scikit-learn and scipy.", "pip install 'carellm[emotion]' (they come with it)."
        ) from exc


@app.command("train")
def train_cmd(
    data: Path = typer.Option(..., "--data", help="The folder `carellm safety build-data` wrote."),
    report: Path = typer.Option(
        Path("risk_model_report.json"), "--report", help="Where the JSON report goes."
    ),
    minilm: bool = typer.Option(True, "--minilm/--no-minilm", help="Also compare MiniLM embeddings + LR."),
    figures: Path | None = typer.Option(None, "--figures", help="Folder for the reliability and PR plots."),
) -> None:
    """Train, compare, calibrate and save the learned crisis model (carellm/safety/data/risk_model.*)."""
    _needs_training_packages()
    from carellm.safety.training import train

    for name in ("train.jsonl", "dev.jsonl", "test.jsonl", "stats.json"):
        if not (data / name).is_file():
            raise InputError(f"No {name} in {data}.", "Run `carellm safety build-data --out DIR` first.")
    train(data, report, log=lambda line: console.print(line, markup=False), minilm=minilm, figures=figures)
    console.print(f"Saved the model; report in {report}.", markup=False)


@app.command("train-guard")
def train_guard_cmd(
    data: Path = typer.Option(
        ..., "--data", help="The folder holding the guard_* source folders (each with its SOURCE.json)."
    ),
    report: Path = typer.Option(
        Path("guard_model_report.json"), "--report", help="Where the JSON report goes."
    ),
) -> None:
    """Train, threshold and save the reply guard's learned model (carellm/safety/data/guard_model.*)."""
    _needs_training_packages()
    from carellm.safety.guard_corpus import SOURCES
    from carellm.safety.guard_training import train

    for name in SOURCES:
        if not (data / name / "SOURCE.json").is_file():
            raise InputError(
                f"No {name}/SOURCE.json in {data}.", "Point --data at the folder of guard_* sources."
            )
    train(data, report, log=lambda line: console.print(line, markup=False))
    console.print(f"Saved the guard model; report in {report}.", markup=False)


@app.command("guard")
def guard_cmd(
    text: str | None = typer.Argument(None, help="A model reply, or - to read standard input."),
    lang: str = typer.Option("auto", "--lang", help="zh, en or auto: the language of the fallback shown."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per reply."),
    file: str | None = typer.Option(
        None, "--file", help='JSONL with one {"text": ...} per line (any readable path; - for stdin).'
    ),
) -> None:
    """Would the reply guard let REPLY (or every line of --file) through? Violations and evidence."""
    from carellm.language import detect_lang
    from carellm.safety import guard_reply, safe_fallback

    chosen = _lang(lang)
    if file is not None:
        _no_text_beside(text, "REPLY")
        _each_row(
            file, lambda record: _verdict(guard_reply(record["text"], record.get("lang") or chosen)), as_json
        )
        return
    text = _given_text(text, "reply", 'carellm safety guard "a model reply"', "the reply to check")
    verdict = guard_reply(text, chosen)
    row, _ = _verdict(verdict)
    if as_json:
        print(json.dumps(row, ensure_ascii=False))
        return
    console.print("allowed" if verdict.ok else "[red]blocked[/]: " + ", ".join(verdict.violations))
    for span in verdict.evidence:
        console.print(f"  evidence: {span!r}", markup=False)
    if not verdict.ok:
        console.print("replaced by: " + safe_fallback(chosen or detect_lang(text)), markup=False)


def _verdict(verdict) -> tuple[dict, str]:
    row = {"ok": verdict.ok, "violations": verdict.violations, "evidence": verdict.evidence}
    return row, "allowed" if verdict.ok else "blocked:" + ",".join(verdict.violations)


@app.command("eval-guard")
def evaluate_guard_cmd(
    file: Path = typer.Argument(
        ..., help="JSONL with text, label (block|allow), optional lang and category."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the whole report as JSON."),
) -> None:
    """Block rate on replies labelled block, false blocks on allow, per language and category."""
    from carellm.safety.evaluate import evaluate_guard

    _report(evaluate_guard(file), file, as_json, ("block", "allow"), "category")


@app.command("eval")
def evaluate_cmd(
    file: Path = typer.Argument(..., help="JSONL with text, label (crisis|safe), optional lang and kind."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole report as JSON."),
) -> None:
    """Recall on crisis, false-positive rate on safe, per language and kind, and the misses."""
    from carellm.safety.evaluate import evaluate

    _report(evaluate(file), file, as_json, ("crisis", "safe"), "kind")


def _report(report, file: Path, as_json: bool, labels: tuple[str, str], group: str) -> None:
    positive, negative = labels
    if report.total == 0:
        for message in report.bad_lines:
            print(f"{file}: {message}", file=sys.stderr)
        raise InputError(
            f"No usable cases in {file}.",
            f'Each line needs {{"text": ..., "label": "{positive}" or "{negative}"}}.',
        )
    if as_json:
        rates = {k: _rate_or_none(getattr(report, k)) for k in ("recall", "false_positive_rate", "precision")}
        print(json.dumps(report.to_dict() | rates, ensure_ascii=False))
    else:
        hit, alarm = (
            ("block rate", "false blocks") if positive == "block" else ("recall", "false-positive rate")
        )
        console.print(
            f"cases: {report.total}   {hit} ({positive}): {_rate(report.recall)}   "
            f"{alarm} ({negative}): {_rate(report.false_positive_rate)}   "
            f"precision: {_rate(report.precision)}"
        )
        for title, groups in (("language", report.by_lang), (group, report.by_kind)):
            table = Table(title=f"by {title}")
            for col in (title, "tp", "fn", "fp", "tn"):
                table.add_column(col)
            for key in sorted(groups):
                table.add_row(key, *(str(groups[key][c]) for c in ("tp", "fn", "fp", "tn")))
            console.print(table)
        for miss in report.misses:
            console.print(
                f"MISS line {miss['line']} ({miss['lang']}, {miss['kind']}): {miss['text']}", markup=False
            )
        for alarm in report.false_alarms:
            console.print(
                f"FALSE ALARM line {alarm['line']} ({alarm['level']}): {alarm['text']}", markup=False
            )
    for message in report.bad_lines:
        print(f"{file}: {message}", file=sys.stderr)
    if report.bad_lines:
        raise typer.Exit(1)


def _rate(value: float) -> str:
    """A rate with no cases to count (only safe lines: no recall) reads n/a, not nan."""
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def _rate_or_none(value: float) -> float | None:
    return None if math.isnan(value) else value  # JSON has no NaN
