"""`carellm emotion`: analyse text or a recording, train the classifier, write a session report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from carellm.errors import InputError

if TYPE_CHECKING:
    from carellm.emotion.classifier import EmotionClassifier
    from carellm.emotion.text import TextEmotion

app = typer.Typer(help="Emotion analysis (offline, CPU; no model needed).", no_args_is_help=True)
console = Console(highlight=False)


def _classifier(model: Path | None) -> EmotionClassifier | None:
    from carellm.config import load_settings

    path = model or load_settings().emotion_model  # --model, else CARELLM_EMOTION_MODEL
    if path is None:
        return None
    from carellm.emotion.classifier import EmotionClassifier

    return EmotionClassifier.load(path)


@app.command("analyze")
def analyze(
    text: str | None = typer.Option(None, "--text", help="Text to analyse."),
    audio: Path | None = typer.Option(None, "--audio", help="A recording (wav/flac/mp3/ogg/webm)."),
    file: str | None = typer.Option(
        None, "--file", help='JSONL with one {"text": ...} per line (any readable path; - for stdin).'
    ),
    lang: str = typer.Option("auto", "--lang", help="zh, en or auto."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per result."),
    model: Path | None = typer.Option(None, "--model", help="A classifier trained with `emotion train`."),
) -> None:
    """Emotion of a text (or each line of --file), or voice tone of a recording."""
    if lang not in {"zh", "en", "auto"}:
        raise InputError(f"Unknown --lang {lang!r}.", "Use zh, en or auto.")
    if sum(x is not None for x in (text, audio, file)) != 1:
        raise InputError(
            "Give exactly one of --text, --audio or --file.", 'e.g. carellm emotion analyze --text "..."'
        )
    if audio is not None:
        from carellm.emotion import analyze_voice

        _show(analyze_voice(audio).to_dict(), as_json)
        return
    from carellm.emotion import analyze_text

    classifier = _classifier(model)
    chosen = None if lang == "auto" else lang
    if text is not None:
        if not text.strip():
            raise InputError("The text is empty.", "Give some words to analyse.")
        _show(_text_result(analyze_text(text, chosen, classifier)), as_json)
        return
    assert file is not None
    from carellm.emotion import analyze_texts
    from carellm.jsonl import read_text_rows

    rows, bad = read_text_rows(file)
    for number, why in bad:
        print(f"{file}:{number}: {why}", file=sys.stderr)
    texts = [row["text"] for _, row in rows]
    for result in analyze_texts(texts, [chosen or row.get("lang") for _, row in rows], classifier):
        _show(_text_result(result), True)
    if bad:
        raise typer.Exit(1)


def _text_result(emotion: TextEmotion) -> dict[str, Any]:
    d = emotion.to_dict()
    keep = ["primary", "scores", "valence", "arousal", "keywords", "lang", "source"]
    return {k: d[k] for k in keep} | ({"goemotions": d["goemotions"]} if d["goemotions"] else {})


def _show(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        console.print(f"{key}: {value}", markup=False)


@app.command("build-data")
def build_data_cmd(
    out: Path = typer.Option(..., "--out", help="Folder for train/dev/test.jsonl and stats.json."),
    cache: Path = typer.Option(Path("data/cache"), "--cache", help="Where downloads are kept (and checked)."),
    offline: bool = typer.Option(False, "--offline", help="Use only files already in --cache."),
) -> None:
    """Fetch (cached, checked against pinned SHA-256), map to the seven labels, de-duplicate, split."""
    from carellm.emotion.training import build_data

    summary = build_data(out, cache, offline)
    for split, counts in summary["splits"].items():
        console.print(f"{split}: {sum(counts.values())} texts", markup=False)
    console.print(f"Written to {out} (counts in stats.json)", markup=False)


def _write_results(summary: dict, results: Path | None) -> None:
    """The measured figures as JSON, where --results asks for them."""
    if results is not None:
        results.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@app.command("train")
def train_cmd(
    data: Path | None = typer.Option(
        None,
        "--data",
        help="A folder from `emotion build-data` (the shipped model), or a GoEmotions .tsv / .jsonl "
        "file (the embedding classifier, with --out).",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Where to save (default for the shipped model: carellm/emotion/data)."
    ),
    cache: Path | None = typer.Option(
        None, "--cache", help="Build the data from this download cache first (into --data, or a temp folder)."
    ),
    offline: bool = typer.Option(False, "--offline", help="With --cache: use only files already there."),
    results: Path | None = typer.Option(None, "--results", help="Write the measured figures here (JSON)."),
) -> None:
    """Train the shipped emotion model (from a build-data folder or --cache), or the embedding classifier."""
    if data is not None and data.is_file():
        if out is None:
            raise InputError(
                "Training the embedding classifier needs --out DIR.", "e.g. --out models/emotion"
            )
        from carellm.emotion.classifier import train

        card = train(data, out)
        labels = ", ".join(card["label_counts"])
        console.print(f"Trained on {card['examples']} examples, labels: {labels}. Saved to {out}")
        return
    if data is None and cache is None:
        raise InputError(
            "Give --data DIR (from `emotion build-data`) or --cache DIR.", "See docs/emotion.md."
        )
    from carellm.emotion.training import train_model

    summary = train_model(data, out, cache, offline, log=lambda line: console.print(line, markup=False))
    _write_results(summary, results)
    for lang, figures in summary["test"].items():
        console.print(
            f"test {lang}: accuracy {figures['accuracy']}, macro-F1 {figures['macro_f1']} (n={figures['n']})",
            markup=False,
        )


@app.command("voice-eval")
def voice_eval_cmd(
    data: Path = typer.Option(..., "--data", help="RAVDESS speech: the folder of Actor_01 ... Actor_24."),
    results: Path | None = typer.Option(None, "--results", help="Write the measured figures here (JSON)."),
) -> None:
    """Measure how well voice tone tells high from low arousal on real acted speech (RAVDESS)."""
    from carellm.emotion.voice_eval import evaluate

    summary = evaluate(data, log=lambda line: console.print(line, markup=False))
    _write_results(summary, results)
    test = summary["test"]
    console.print(
        f"held-out speakers: AUC {test['auc']}, accuracy {test['accuracy']} "
        f"(threshold {summary['threshold_chosen_on_dev']} chosen on dev); in sessions, "
        f"in context {summary['sessions_test']['in_context']['accuracy']}",
        markup=False,
    )


@app.command("report")
def report_cmd(
    out: Path = typer.Option(..., "--out", help="report.html, report.md or report.json"),
    file: Path | None = typer.Option(None, "--file", help="A transcript saved with /save in `carellm chat`."),
    session: str | None = typer.Option(None, "--session", help="A session id from the session store."),
    lang: str | None = typer.Option(
        None,
        "--lang",
        help="zh or en, or a locale for its hotlines: zh-CN, zh-TW, en-GB ... (default: the session's).",
    ),
    old_locale: str | None = typer.Option(None, "--locale", hidden=True, help="Old name of --lang."),
) -> None:
    """Timeline plot, summary and personalised suggestions for one session."""
    from carellm.emotion.report import plot_path, read_transcript, tracker_from_transcript, write_report

    wanted = lang or old_locale
    if wanted is not None and wanted.replace("_", "-").split("-")[0].lower() not in {"zh", "en"}:
        raise InputError(f"Unknown --lang {wanted!r}.", "Use zh, en, or a locale such as zh-CN or en-GB.")
    if (file is None) == (session is None):
        raise InputError("Give exactly one of --file or --session.", "e.g. --file transcript.jsonl")
    if session is not None:
        from carellm.config import load_settings
        from carellm.emotion.sources import transcript_for_session

        rows, base = transcript_for_session(session, load_settings()), Path.cwd()
    else:
        assert file is not None
        rows, base = read_transcript(file), file.parent
    tracker, session_lang = tracker_from_transcript(rows, base)
    texts = [r["text"] for r in rows if r.get("role") == "user"]
    report_lang = wanted.replace("_", "-").split("-")[0].lower() if wanted else session_lang
    locale = wanted if wanted and len(wanted) > 2 else None
    written = write_report(tracker, report_lang, texts, out, locale)
    console.print(f"Report written to {written}", markup=False)
    if written.suffix.lower() == ".md":
        console.print(f"Timeline plot written to {plot_path(written)}", markup=False)
