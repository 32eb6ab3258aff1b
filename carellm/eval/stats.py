"""Reply statistics every suite reports, no judge needed: length, distinct-n, question ratio,
language match, reply-guard violations, time to first token and decode speed.

Per-reply values go into each item's record (so `compare` can bootstrap them); the suite's
summary is their mean (distinct-n is over the whole set of replies, as Li et al. 2016 define it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from carellm.eval.replies import ReplyRecord
from carellm.language import detect_lang
from carellm.safety.reply_guard import guard_reply

_QUESTION = re.compile(r"[?？]")


def words(text: str, lang: str) -> list[str]:
    """Words as the papers count them: jieba for Chinese, whitespace-split lowercase for English."""
    if lang == "zh":
        import jieba

        return [w for w in jieba.lcut(text) if w.strip()]
    return text.lower().split()


def distinct_n(texts: Sequence[list[str]], n: int) -> float:
    grams = [tuple(toks[i : i + n]) for toks in texts for i in range(len(toks) - n + 1)]
    return len(set(grams)) / len(grams) if grams else 0.0


def reply_stats(reply: ReplyRecord, lang: str) -> dict[str, float]:
    """One reply's numbers (None-free: a missing time is left out, not zero)."""
    shown = reply.text
    out: dict[str, float] = {
        "length_chars": float(len(shown)),
        "asks_question": float(bool(_QUESTION.search(shown))),
        "language_match": float(detect_lang(shown, default="zh" if lang == "zh" else "en") == lang)
        if shown.strip()
        else 0.0,
        # The guard's patterns and model on what was shown: 0 for the pipeline unless something slipped.
        "guard_violation": float(not guard_reply(shown, lang).ok) if shown.strip() else 0.0,
        "guard_blocked": float(reply.guard_blocked),
        "crisis_response": float(reply.crisis),
    }
    if reply.ttft_s is not None:
        out["ttft_s"] = reply.ttft_s
    if reply.tokens_per_s is not None:
        out["tokens_per_s"] = reply.tokens_per_s
    return out


def summarise(per_item: Sequence[dict[str, float]], replies: Sequence[str], langs: Sequence[str]) -> dict:
    """Means of the per-reply numbers, counts of guard events, distinct-1/2 over all replies."""
    keys = sorted({k for row in per_item for k in row})
    out: dict[str, float | int] = {}
    for key in keys:
        values = [row[key] for row in per_item if key in row]
        out[key] = float(np.mean(values)) if values else float("nan")
    for key in ("ttft_s",):
        values = [row[key] for row in per_item if key in row]
        if values:
            out["ttft_p50_s"] = float(np.percentile(values, 50))
            out["ttft_p90_s"] = float(np.percentile(values, 90))
    tokens = [words(text, lang) for text, lang in zip(replies, langs, strict=True)]
    out["distinct_1"] = distinct_n(tokens, 1)
    out["distinct_2"] = distinct_n(tokens, 2)
    out["n"] = len(per_item)
    out["guard_violations"] = int(sum(row.get("guard_violation", 0) for row in per_item))
    out["guard_blocks"] = int(sum(row.get("guard_blocked", 0) for row in per_item))
    out["crisis_responses"] = int(sum(row.get("crisis_response", 0) for row in per_item))
    return out
