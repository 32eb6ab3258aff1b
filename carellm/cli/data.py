"""`carellm data`: convert public corpora to one schema, clean, inspect, export and mix them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from carellm.errors import InputError

app = typer.Typer(
    help="Datasets: converters, cleaning, stats, exporters, mixing (offline, CPU).", no_args_is_help=True
)
console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[], None]]:
    """A record counter with rate on stderr; silent when stderr is not a terminal."""
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn(label),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task(label, total=None)
        count = 0

        def advance() -> None:
            nonlocal count
            count += 1
            if count % 512 == 0:
                bar.update(task, completed=count)

        yield advance


def _summary(title: str, counts: dict, out: Path | None, as_json: bool, extra: dict | None = None) -> None:
    from carellm.data.io import rejects_path

    data = {**counts, **(extra or {})}
    if out is not None:
        data.update(out=str(out), rejects=str(rejects_path(out)))
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
        return
    console.print(f"[bold]{title}[/]: kept {data.get('kept', 0)}, rejected {data.get('rejected', 0)}")
    for reason, n in data.get("rejected_by_reason", {}).items():
        console.print(f"  rejected  {n:>7}  {reason}")
    for kind, n in data.get("repaired", {}).items():
        console.print(f"  repaired  {n:>7}  {kind}")
    if out is not None:
        console.print(f"→ {out}\n→ {data['rejects']} (every rejected record with its line and reason)")


@app.command("convert")
def convert_cmd(
    source: str = typer.Argument(..., help="Dataset file, or hf:<dataset id> to stream it from the hub."),
    fmt: str = typer.Option(
        ..., "--format", "-f", help="soulchat, empathetic_dialogues, goemotions, amod, esconv or mapped."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Output JSONL in the CareLLM schema."),
    mapping: Path | None = typer.Option(None, "--map", help="YAML mapping (for --format mapped)."),
    encoding: str | None = typer.Option(None, "--encoding", help="Force an encoding (default: detect)."),
    split: str = typer.Option("train", "--split", help="Split to read from the hub."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Convert a public dataset's own files into CareLLM JSONL (+ OUT.rejects.jsonl)."""
    from carellm.data.clean import write_stream
    from carellm.data.converters import convert
    from carellm.data.io import Counts, Reject

    counts = Counts()

    def counted(items):
        for item in items:
            if isinstance(item, Reject):
                counts.reject(item.reason)
            else:
                counts.read += 1
                counts.kept += 1
            yield item

    _check_out(out)
    with _progress(f"converting {fmt}") as advance:
        write_stream(
            counted(convert(fmt, source, mapping=mapping, encoding=encoding, split=split)), out, advance
        )
    _summary(f"convert {fmt}", counts.to_dict(), out, as_json)


@app.command("clean")
def clean_cmd(
    source: Path = typer.Argument(..., help="CareLLM JSONL (from `carellm data convert`)."),
    out: Path = typer.Option(..., "--out", "-o", help="Cleaned JSONL (+ OUT.rejects.jsonl)."),
    roles: str = typer.Option(
        "repair", "--roles", help="repair or reject conversations whose roles do not alternate."
    ),
    langs: str | None = typer.Option(None, "--lang", help="Keep only these languages, e.g. zh,en."),
    max_turn_chars: int = typer.Option(
        8000, "--max-turn-chars", help="Reject conversations with a longer turn."
    ),
    pii: bool = typer.Option(
        True, "--pii/--no-pii", help="Scrub e-mails, phones, ID numbers, URLs, handles."
    ),
    dedup: bool = typer.Option(True, "--dedup/--no-dedup", help="Drop exact duplicates."),
    near: bool = typer.Option(True, "--near-dedup/--no-near-dedup", help="Drop near duplicates (MinHash)."),
    validation: float = typer.Option(0.05, "--validation", help="Share of the validation split."),
    test: float = typer.Option(0.05, "--test", help="Share of the test split."),
    workers: int = typer.Option(1, "--workers", min=1, help="Cleaning processes (output identical to 1)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Normalise, scrub PII, repair roles, detect language, deduplicate and split."""
    from pydantic import ValidationError

    from carellm.data.clean import CleanConfig, clean_file

    try:
        config = CleanConfig(
            roles=roles,
            langs=frozenset(x.strip() for x in langs.split(",") if x.strip()) if langs else None,
            max_turn_chars=max_turn_chars,
            pii=pii,
            dedup=dedup,
            near_dedup=near,
            validation=validation,
            test=test,
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise InputError(
            f"Bad option {problem['loc'][0]}: {problem['msg']}.", "See carellm data clean --help."
        ) from None
    if not source.is_file():
        raise InputError(f"No such file: {source}", "Give the JSONL written by `carellm data convert`.")
    _check_out(out, source)
    with _progress("cleaning") as advance:
        counts = clean_file(source, out, config, advance, workers=workers)
    if counts.read == 0 and counts.rejected:
        raise InputError(
            f"{source} holds no valid CareLLM record.", "Run `carellm data convert` on it first."
        )
    _summary("clean", counts.to_dict(), out, as_json)


@app.command("stats")
def stats_cmd(
    source: Path = typer.Argument(..., help="CareLLM JSONL."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Counts, turns, tokens, languages, labels and licences of a CareLLM file."""
    from carellm.data.stats import file_stats

    if not source.is_file():
        raise InputError(f"No such file: {source}", "Give a CareLLM JSONL file.")
    stats = file_stats(source)
    if stats["conversations"] == 0 and stats["invalid_lines"]:
        raise InputError(
            f"{source} holds no valid CareLLM record.", "Run `carellm data convert` on it first."
        )
    if as_json:
        print(json.dumps(stats, ensure_ascii=False))
        return
    table = Table(title=str(source), show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    for key in ("conversations", "classification_records", "messages", "tokens", "tokens_per_conversation"):
        table.add_row(key.replace("_", " "), f"{stats[key]:,}")
    turns = stats["turns"]
    table.add_row("turns", f"mean {turns['mean']}, median {turns['median']}, max {turns['max']}")
    for key in (
        "roles",
        "languages",
        "sources",
        "licences",
        "splits",
        "strategies",
        "media",
        "pii_placeholders",
    ):
        if stats[key]:
            table.add_row(key.replace("_", " "), _pairs(stats[key]))
    for key, value in stats["labels"].items():
        if value:
            table.add_row(f"labels.{key}", _pairs(value))
    if stats["invalid_lines"]:
        table.add_row("invalid lines", f"[red]{stats['invalid_lines']}[/]")
    console.print(table)


def _pairs(counts: dict) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items())


@app.command("export")
def export_cmd(
    source: Path = typer.Argument(..., help="CareLLM JSONL (cleaned)."),
    to: str = typer.Option(..., "--to", help="llamafactory, swift, trl, openai or hf."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Write the files a fine-tuning tool reads, one per split."""
    from carellm.data.exporters import export

    with _progress(f"exporting to {to}"):
        report = export(to, source, out).to_dict()
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    console.print(f"[bold]export {to}[/] → {out}: " + _pairs(report["records"]))
    for name in report["files"]:
        console.print(f"  {out / name}")
    for reason, n in report["skipped"].items():
        console.print(f"  skipped {n}: {reason}")
    if report["bad_input_lines"]:
        console.print(f"  [red]{report['bad_input_lines']} invalid input line(s) ignored[/]")


@app.command("mix")
def mix_cmd(
    sources: list[str] = typer.Argument(
        ..., help="FILE:WEIGHT or FILE:WEIGHT:CAP, e.g. a.jsonl:0.7 b.jsonl:0.3:5000."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Mixed JSONL."),
    seed: int = typer.Option(0, "--seed", help="Which records are chosen and how they interleave."),
    total: int | None = typer.Option(
        None, "--total", help="Output size (default: as large as the weights allow)."
    ),
    commercial: bool = typer.Option(
        False, "--commercial", help="Refuse sources whose licence forbids commercial use."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Mix files in proportions, with per-source caps; licences are carried and summarised."""
    from carellm.data.mix import mix, parse_source

    specs = [parse_source(s) for s in sources]
    _check_out(out, *(s.path for s in specs))
    with _progress("mixing"):
        summary = mix(specs, out, seed=seed, total=total, commercial=commercial)
    (out.with_name(out.name + ".licences.json")).write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
        return
    console.print(f"[bold]mix[/] → {out}: {summary['records']} records (seed {seed})")
    for s in summary["sources"]:
        console.print(
            f"  {s['file']}: {s['taken']} of {s['available']} (weight {s['weight']}, cap {s['cap']})"
        )
    console.print("  licences: " + _pairs(summary["licences"]))


def _check_out(out: Path, *inputs: Path) -> None:
    if out.is_dir():
        raise InputError(f"--out {out} is a folder.", "Give a file name ending in .jsonl.")
    for path in inputs:
        if path.exists() and out.exists() and out.resolve() == path.resolve():
            raise InputError("--out is the input file.", "Write to a new file.")
