"""`carellm data`: convert public corpora to the CareLLM schema, clean, inspect, export, mix."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Datasets: convert, clean, stats, export, mix (offline, CPU).", no_args_is_help=True)
console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int], None]]:
    """A record counter on stderr (only on a terminal); updated every 2,048 records."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description} {task.completed:,} records"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task(label, total=None)
        seen = 0

        def step(n: int) -> None:
            nonlocal seen
            seen += n
            if seen % 2048 == 0:
                bar.update(task, completed=seen)

        yield step


def _counts(title: str, counts: dict[str, int]) -> None:
    if counts:
        console.print(f"{title}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))


@app.command("convert")
def convert(
    source: str = typer.Argument(..., help="Local file (or, online, a Hugging Face dataset id)."),
    fmt: str = typer.Option(
        ..., "--format", help="soulchat, empathetic_dialogues, goemotions, amod, esconv, mapped."
    ),
    out: Path = typer.Option(..., "--out", help="Output JSONL in the CareLLM schema."),
    mapping: Path | None = typer.Option(None, "--map", help="YAML mapping (for --format mapped)."),
    licence: str | None = typer.Option(None, "--license", help="Override the dataset's default licence id."),
    encoding: str = typer.Option("auto", "--encoding", help="auto detects UTF-8 / GBK."),
    rejects: Path | None = typer.Option(None, "--rejects", help="Default: OUT with .rejects.jsonl."),
) -> None:
    """Convert one published dataset file into CareLLM schema JSONL."""
    from carellm.data.converters import convert_file

    rejects = rejects or out.with_suffix(".rejects.jsonl")
    with _progress("converting") as step:
        report = convert_file(
            fmt, source, out, rejects, licence=licence, encoding=encoding, mapping=mapping, progress=step
        )
    console.print(f"Wrote {report.written:,} conversations to {out}.")
    if report.rejected:
        _counts(f"Rejected {sum(report.rejected.values()):,} (see {rejects})", dict(report.rejected))


@app.command("clean")
def clean(
    source: Path = typer.Argument(..., help="Schema JSONL from `convert`."),
    out: Path = typer.Option(..., "--out", help="Folder for train/validation/test.jsonl + rejects.jsonl."),
    lang: list[str] = typer.Option(None, "--lang", help="Keep only these languages (repeatable: zh, en)."),
    max_turn_chars: int | None = typer.Option(
        None, "--max-turn-chars", help="Reject conversations with longer turns."
    ),
    no_repair: bool = typer.Option(
        False, "--no-repair", help="Reject non-alternating roles instead of repairing."
    ),
    no_near_dedup: bool = typer.Option(False, "--no-near-dedup", help="Only exact duplicates are removed."),
    no_pii: bool = typer.Option(False, "--no-pii", help="Do not scrub PII (not recommended)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Normalise, filter, repair roles, scrub PII, deduplicate and split a converted file."""
    from carellm.data.clean import clean_file
    from carellm.data.io import require_file
    from carellm.data.settings import CleanSettings

    overrides: dict = {
        "repair_roles": not no_repair,
        "dedup_near": not no_near_dedup,
        "scrub_pii": not no_pii,
    }
    if lang:
        overrides["langs"] = lang
    if max_turn_chars:
        overrides["max_turn_chars"] = max_turn_chars
    settings = CleanSettings().model_copy(update=overrides)
    with _progress("cleaning") as step:
        report = clean_file(require_file(source), out, settings, progress=step)
    (out / "report.json").write_text(json.dumps(report.as_dict(), indent=2) + "\n", encoding="utf-8")
    if as_json:
        console.print_json(data=report.as_dict())
        return
    console.print(f"Read {report.read:,}; kept {sum(report.kept.values()):,} in {out}.")
    for title, counts in (
        ("Splits", report.kept),
        ("Rejected", report.rejected),
        ("Repairs", report.repairs),
        ("PII replaced", report.pii),
    ):
        _counts(title, dict(counts))


@app.command("stats")
def stats(
    source: Path = typer.Argument(..., help="Schema JSONL file or a `clean` output folder."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object instead of a table."),
) -> None:
    """Counts, turns, approximate tokens, languages, labels and licences."""
    from carellm.data.stats import corpus_stats

    result = corpus_stats(source)
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        return
    table = Table(title=str(source))
    table.add_column("measure")
    table.add_column("value")
    for key, value in result.items():
        shown = (
            ", ".join(f"{k}: {v:,}" for k, v in list(value.items())[:12])
            if isinstance(value, dict)
            else (f"{value:,}" if isinstance(value, int) else str(value))
        )
        table.add_row(key, shown or "-")
    console.print(table)


@app.command("export")
def export(
    source: Path = typer.Argument(..., help="Schema JSONL file or a `clean` output folder."),
    to: str = typer.Option(..., "--to", help="llamafactory, swift, trl, openai or hf."),
    out: Path = typer.Option(..., "--out", help="Output folder."),
) -> None:
    """Write the dataset in a fine-tuning tool's own format."""
    from carellm.data.exporters import export as run_export

    report = run_export(to, source, out)
    console.print(f"Wrote {report.written:,} records to {out}: {', '.join(report.files)}.")
    _counts("Skipped", dict(report.skipped))


@app.command("mix")
def mix(
    sources: list[str] = typer.Argument(..., help="FILE:WEIGHT pairs, e.g. a.jsonl:0.7 b.jsonl:0.3."),
    out: Path = typer.Option(
        ..., "--out", help="Mixed JSONL (a .licences.json summary is written beside it)."
    ),
    seed: int = typer.Option(0, "--seed"),
    cap: int | None = typer.Option(None, "--cap", help="At most this many records from any one source."),
    total: int | None = typer.Option(
        None, "--total", help="Target size (default: largest the weights allow)."
    ),
    commercial: bool = typer.Option(False, "--commercial", help="Refuse sources whose licence forbids it."),
) -> None:
    """Mix schema files by weight; licences are carried and summarised."""
    from carellm.data.mix import mix as run_mix

    summary = run_mix(sources, out, seed=seed, cap=cap, total=total, commercial=commercial)
    console.print(f"Wrote {summary['records']:,} records to {out}.")
    for s in summary["sources"]:
        console.print(f"  {s['path']}: {s['taken']:,} of {s['available']:,} (weight {s['weight']})")
    _counts("Licences", summary["licences"])
