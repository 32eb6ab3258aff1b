"""`carellm feedback`: a reviewer's better reply for a stored turn, and training data from ratings."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer
from rich.console import Console

from carellm.config import load_settings
from carellm.errors import InputError

app = typer.Typer(
    help="Feedback loop: corrections and DPO/SFT export from rated sessions.", no_args_is_help=True
)
console = Console(highlight=False)


def _store():
    from carellm.store import open_store

    return open_store(load_settings())


@app.command("correct")
def correct(
    session_id: str = typer.Argument(..., help="Session id (see `carellm sessions list`)."),
    turn: int = typer.Argument(..., min=0, help="The turn's index (0 is the first; `sessions show`)."),
    text: str = typer.Option(..., "--text", help="The reply the person should have got."),
) -> None:
    """Store a better reply for a turn: `feedback export --to dpo` pairs it with the rated-down one."""
    _store().save_correction(session_id, turn, text)
    console.print(f"Saved a correction for turn {turn} of {session_id}.")


def rated_sessions(store) -> list[list]:
    """Every stored session with feedback or corrections, as the data package's RatedTurns.

    A turn whose reply was regenerated has several replies: a rating counts for the reply shown
    when it was given (ratings before a reply was replaced rated that one)."""
    from carellm.data.feedback import EarlierReply, RatedTurn

    out = []
    for info in store.sessions():
        feedback = store.feedback(info.id)  # oldest first: the newest of each reply's wins
        fixes = {c.turn_index: c.text for c in store.corrections(info.id)}
        if not feedback and not fixes:
            continue
        earlier: dict[int, list] = {}
        for old in store.replaced_replies(info.id):
            earlier.setdefault(old.turn_index, []).append(old)
        turns = []
        for t in store.turns(info.id):
            olds = earlier.get(t.index, [])
            bounds = [
                0.0,
                *(o.at for o in olds),
                float("inf"),
            ]  # reply k was shown in [bounds[k], bounds[k+1])
            rated: list[int | None] = [None] * (len(olds) + 1)
            for f in feedback:
                if f.turn_index == t.index:
                    k = next(k for k in range(len(rated)) if f.at < bounds[k + 1])
                    rated[k] = f.rating or None  # 0 withdrew a rating
            turns.append(
                RatedTurn(
                    session_id=info.id,
                    index=t.index,
                    lang=t.lang,
                    user_text=t.user_text,
                    reply_text=t.reply_text,
                    model_text=t.model_text,
                    rating=rated[-1],
                    correction=fixes.get(t.index),
                    replaced=_by_safety(t.model_text, t.reply_reason),
                    earlier=[
                        EarlierReply(o.reply_text, o.model_text, r, _by_safety(o.model_text, o.reply_reason))
                        for o, r in zip(olds, rated, strict=False)
                    ],
                )
            )
        out.append(turns)
    return out


def _by_safety(model_text: str, reply_reason: str) -> bool:
    """The crisis layer answered (the model wrote nothing) or the guard replaced the reply."""
    return not model_text.strip() or reply_reason.startswith("reply-")


@app.command("export")
def export(
    to: str = typer.Option(..., "--to", help="dpo (preference pairs, TRL format) or sft (unified schema)."),
    out: Path = typer.Option(..., "--out", help="The JSONL file to write."),
    license: str = typer.Option("user-provided", "--license", help="Licence id for the SFT records."),
) -> None:
    """Training data from rated sessions, PII scrubbed (docs/evaluation.md, feedback loop)."""
    from carellm.data.feedback import ExportSummary, dpo_line, dpo_pairs, sft_conversations

    if to not in ("dpo", "sft"):
        raise InputError(f"Unknown --to {to!r}.", "Use dpo or sft.")
    kind: Literal["dpo", "sft"] = "dpo" if to == "dpo" else "sft"
    sessions = rated_sessions(_store())
    summary = ExportSummary()
    out = out.expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        if kind == "dpo":
            for pair in dpo_pairs(sessions, summary):
                fh.write(dpo_line(pair) + "\n")
        else:
            for conv in sft_conversations(sessions, summary, license):
                fh.write(conv.to_json() + "\n")
    console.print(
        f"Wrote {summary.written} {kind} records to {out} ({summary.pii_replaced} PII spans replaced)."
    )
    for why, n in sorted(summary.skipped.items()):
        console.print(f"  skipped {n}: {why}")
