"""Corpus statistics for `carellm data stats`: counts, turns, tokens, languages, labels, licences.

Tokens are approximate and tokenizer-free (Latin words + CJK characters), so the figure is
comparable across zh and en without loading a model.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from carellm.data.io import dataset_files, read_conversations

_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[A-Za-z0-9]+")


def approx_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


def corpus_stats(path: Path) -> dict[str, Any]:
    conversations = turns = tokens = 0
    max_turns = 0
    counters: dict[str, Counter[str]] = {
        k: Counter()
        for k in ("roles", "languages", "sources", "licences", "emotion", "scene", "problem", "strategy")
    }
    for file in dataset_files(path):
        for conv in read_conversations(file):
            conversations += 1
            turns += len(conv.messages)
            max_turns = max(max_turns, len(conv.messages))
            counters["languages"][conv.lang] += 1
            counters["sources"][conv.source] += 1
            counters["licences"][conv.license] += 1
            for m in conv.messages:
                counters["roles"][m.role] += 1
                tokens += approx_tokens(m.content)
                if m.strategy:
                    counters["strategy"][m.strategy] += 1
            if conv.labels:
                counters["emotion"].update(conv.labels.emotion or [])
                for key in ("scene", "problem"):
                    value = getattr(conv.labels, key)
                    if value:
                        counters[key][value] += 1
    return {
        "conversations": conversations,
        "messages": turns,
        "mean_turns": round(turns / conversations, 2) if conversations else 0,
        "max_turns": max_turns,
        "approx_tokens": tokens,
        **{k: dict(c.most_common()) for k, c in counters.items()},
    }
