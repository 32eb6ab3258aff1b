"""What a CareLLM JSONL file holds: counts, turns, tokens, languages, labels, licences.

Tokens are counted without a tokenizer, so the figure is comparable across models: one per
Latin word or number, one per Chinese/Japanese/Korean character (close to what BPE
tokenizers of Qwen-class models produce for Chinese, an undercount for English by ~25%).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from carellm.data.io import Reject, iter_conversations
from carellm.data.pii import PLACEHOLDERS

_TOKENS = re.compile(r"[A-Za-z0-9']+|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_PLACEHOLDER = re.compile(r"\[(" + "|".join(PLACEHOLDERS) + r")\]")


def count_tokens(text: str) -> int:
    return len(_TOKENS.findall(text))


def file_stats(path: Path, top: int = 15) -> dict[str, Any]:
    conversations = messages = tokens = bad = classification = 0
    roles: Counter[str] = Counter()
    langs: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    licences: Counter[str] = Counter()
    splits: Counter[str] = Counter()
    emotions: Counter[str] = Counter()
    scenes: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    strategies: Counter[str] = Counter()
    media: Counter[str] = Counter()
    pii: Counter[str] = Counter()
    turn_hist: Counter[int] = Counter()  # exact counts per length keep memory flat
    for _, conv in iter_conversations(path):
        if isinstance(conv, Reject):
            bad += 1
            continue
        conversations += 1
        classification += conv.is_classification
        n = sum(m.role != "system" for m in conv.messages)
        turn_hist[n] += 1
        messages += len(conv.messages)
        for m in conv.messages:
            roles[m.role] += 1
            tokens += count_tokens(m.content)
            media.update(m.media().keys())
            if m.strategy:
                strategies[m.strategy] += 1
            if "[" in m.content:
                pii.update(_PLACEHOLDER.findall(m.content))
        langs[conv.lang] += 1
        sources[conv.source] += 1
        licences[conv.license] += 1
        splits[str(conv.meta.get("split", "unsplit"))] += 1
        if conv.labels:
            emotions.update(conv.labels.emotion)
            if conv.labels.scene:
                scenes[conv.labels.scene] += 1
            if conv.labels.problem:
                problems[conv.labels.problem] += 1
    return {
        "file": str(path),
        "conversations": conversations,
        "classification_records": classification,
        "messages": messages,
        "roles": dict(roles),
        "turns": {
            "mean": round(sum(k * v for k, v in turn_hist.items()) / conversations, 2)
            if conversations
            else 0,
            "median": _median(turn_hist),
            "max": max(turn_hist) if turn_hist else 0,
        },
        "tokens": tokens,
        "tokens_per_conversation": round(tokens / conversations, 1) if conversations else 0,
        "languages": dict(langs.most_common()),
        "sources": dict(sources.most_common()),
        "licences": dict(licences.most_common()),
        "splits": dict(splits.most_common()),
        "labels": {
            "emotion": dict(emotions.most_common(top)),
            "scene": dict(scenes.most_common(top)),
            "problem": dict(problems.most_common(top)),
        },
        "strategies": dict(strategies.most_common(top)),
        "media": dict(media),
        "pii_placeholders": dict(pii),
        "invalid_lines": bad,
    }


def _median(histogram: Counter[int]) -> int | None:
    """The median of a {value: count} histogram, without expanding it."""
    total = sum(histogram.values())
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen * 2 > total:
            return value
    return None
