"""`carellm emotion`: analyse text or a recording, train the classifier, write a session report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console

from carellm.errors import InputError

app = typer.Typer(help="Emotion analysis (offline, CPU; no model needed).", no_args_is_help=True)
console = Console(highlight=False)


def _classifier(model: Path | None):
    import os

    path = model or (
        Path(os.environ["CARELLM_EMOTION_MODEL"]) if os.environ.get("CARELLM_EMOTION_MODEL") else None
    )
    if path is None:
        return None
    from carellm.emotion.classifier import EmotionClassifier

    return EmotionClassifier.load(path)


@app.command("analyze")
def analyze(
    text: str | None = typer.Option(None, "--text", help="Text to analyse."),
    audio: Path | None = typer.Option(None, "--audio", help="A recording (wav/flac/mp3/ogg/webm)."),
    file: Path | None = typer.Option(None, "--file", help='JSONL with one {"text": ...} per line.'),
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

        result = analyze_voice(audio).to_dict()
        _show(result, as_json)
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
    if not file.is_file():
        raise InputError(f"No file at {file}.", 'Give a JSONL file with one {"text": ...} per line.')
    bad = 0
    rows: list[tuple[str, str | None]] = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            value = row["text"]
            assert isinstance(value, str)
        except (json.JSONDecodeError, KeyError, TypeError, AssertionError):
            print(f"{file}:{number}: needs a JSON object with a string 'text'", file=sys.stderr)
            bad += 1
            continue
        rows.append((value, chosen or row.get("lang")))
    from carellm.emotion import analyze_texts

    for result in analyze_texts([r[0] for r in rows], [r[1] for r in rows], classifier):
        _show(_text_result(result), True)
    if bad:
        raise typer.Exit(1)


def _text_result(emotion) -> dict:
    d = emotion.to_dict()
    keep = ["primary", "scores", "valence", "arousal", "keywords", "lang", "source"]
    return {k: d[k] for k in keep} | ({"goemotions": d["goemotions"]} if d["goemotions"] else {})


def _show(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        console.print(f"{key}: {value}", markup=False)


@app.command("train")
def train_cmd(
    data: Path = typer.Option(
        ..., "--data", help="GoEmotions .tsv, or .jsonl (GoEmotions or unified schema)."
    ),
    out: Path = typer.Option(..., "--out", help="Folder to save the classifier in."),
) -> None:
    """Train the embedding classifier (all-MiniLM-L6-v2 + logistic regression)."""
    from carellm.emotion.classifier import train

    card = train(data, out)
    console.print(
        f"Trained on {card['examples']} examples, labels: {', '.join(card['label_counts'])}. Saved to {out}"
    )


@app.command("report")
def report_cmd(
    out: Path = typer.Option(..., "--out", help="report.html, report.md or report.json"),
    file: Path | None = typer.Option(None, "--file", help="A transcript saved with /save in `carellm chat`."),
    session: str | None = typer.Option(None, "--session", help="A session id from the session store."),
    locale: str | None = typer.Option(None, "--locale", help="Hotlines for this locale, e.g. zh-CN, en-GB."),
) -> None:
    """Timeline plot, summary and personalised suggestions for one session."""
    from carellm.emotion.report import read_transcript, tracker_from_transcript, write_report

    if (file is None) == (session is None):
        raise InputError("Give exactly one of --file or --session.", "e.g. --file transcript.jsonl")
    if session is not None:
        from carellm.emotion.sources import transcript_for_session

        rows, base = transcript_for_session(session), Path.cwd()
    else:
        assert file is not None
        rows, base = read_transcript(file), file.parent
    tracker, lang = tracker_from_transcript(rows, base)
    texts = [r["text"] for r in rows if r.get("role") == "user"]
    console.print(f"Report written to {write_report(tracker, lang, texts, out, locale)}")
