"""EmoLLM's general metrics (SmartFlowAI/EmoLLM, evaluate/): BLEU-1..4 and ROUGE-1/2/L of the
reply against the dataset's own counselor reply, on jieba words, computed exactly as its
evaluate/metric.py does (nltk's sentence_bleu with smoothing method1, the `rouge` package's F,
both x100). The items are evaluate/data_dir/data.json's 1,600 conversations; as its convert.py
does, every turn but the last is history and the last counselor reply is the reference.

These metrics reward wording close to one reference reply, not good counseling; they are here
so our numbers sit beside EmoLLM's published table, not as a quality score.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from carellm.errors import ConfigError, InputError
from carellm.eval.benchmarks.base import ItemScore, LoadOptions, limited
from carellm.eval.items import EvalItem, Turn
from carellm.eval.judge import Judge
from carellm.eval.replies import ReplyRecord
from carellm.eval.sources import fetch_all, github_file
from carellm.safety.corpus.fetch import PinnedFile

REPO = "SmartFlowAI/EmoLLM"
COMMIT = "955155bb536eb1c28ff4500c6dc6a093a24e8209"
PIN = github_file(
    REPO,
    COMMIT,
    "evaluate/data_dir/data.json",
    "5ed86654cc2a38b2c10b05ece2fc7ee3e25bdae38deaaf236e3ab3110e46f2e4",
)
METRICS = {
    "rouge_1": (0.0, 100.0),
    "rouge_2": (0.0, 100.0),
    "rouge_l": (0.0, 100.0),
    "bleu_1": (0.0, 100.0),
    "bleu_2": (0.0, 100.0),
    "bleu_3": (0.0, 100.0),
    "bleu_4": (0.0, 100.0),
}
_WEIGHTS = [(1.0, 0.0, 0.0, 0.0), (0.5, 0.5), (1 / 3, 1 / 3, 1 / 3), (0.25, 0.25, 0.25, 0.25)]


def read_conversations(path: Path) -> list[EvalItem]:
    """Every conversation convert.py turns into a test item; like it, those it cannot convert
    (empty, or a turn missing its input or output: 4 of the 1,600) are left out."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"{path} is not EmoLLM's evaluation data ({exc}).", "Delete it: it is downloaded again."
        ) from exc
    if not isinstance(data, list):
        raise InputError(
            f"{path} is not EmoLLM's evaluation data.", 'It is a JSON list of {"conversation": [...]}.'
        )
    items = []
    for n, row in enumerate(data):
        try:
            conversation = row["conversation"]
            turns: list[Turn] = []
            for k, step in enumerate(conversation):
                turns.append(Turn("user", step["input"]))
                if k < len(conversation) - 1:
                    turns.append(Turn("assistant", step["output"]))
            reference, system = conversation[-1]["output"], conversation[0]["system"]
        except (KeyError, IndexError, TypeError):
            continue
        items.append(
            EvalItem(
                id=str(n), suite="emollm", lang="zh", turns=tuple(turns), reference=reference, system=system
            )
        )
    return items


def bleu_rouge(reply: str, reference: str) -> dict[str, float]:
    """metric.py's compute_metrics for one pair (its corpus figure is the mean of these)."""
    try:
        import jieba
        from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu
        from rouge import Rouge
    except ImportError as exc:
        raise ConfigError("EmoLLM's metrics need nltk and rouge.", "pip install 'carellm[eval]'") from exc
    pred = " ".join(jieba.cut(reply.replace(" ", "")))
    label = " ".join(jieba.cut(reference.replace(" ", "")))
    bleu = sentence_bleu(
        references=[label.split(" ")],
        hypothesis=pred.split(" "),
        smoothing_function=SmoothingFunction().method1,
        weights=_WEIGHTS,
    )
    out = {f"bleu_{n + 1}": float(b) * 100 for n, b in enumerate(bleu)}
    if pred.strip() and label.strip():
        rouge = Rouge().get_scores(pred, label)[0]
        out.update({k.replace("-", "_"): float(v["f"]) * 100 for k, v in rouge.items()})
    else:  # the rouge package refuses an empty text; nothing in common is a score of 0
        out.update({"rouge_1": 0.0, "rouge_2": 0.0, "rouge_l": 0.0})
    return out


class EmoLLM:
    name = "emollm"
    needs_judge = False
    metrics: ClassVar = METRICS
    anchors: ClassVar = {
        "InternLM2_7B_chat_full": dict(
            zip(METRICS, (32.45, 10.82, 20.17, 30.48, 15.67, 8.84, 5.02), strict=True)
        ),
        "Qwen1_5-0_5B-chat": dict(zip(METRICS, (27.23, 8.55, 17.05, 26.65, 13.11, 7.19, 4.05), strict=True)),
    }
    anchor_source = "EmoLLM evaluate/General_evaluation.md (its data.json, word level)"

    def __init__(self, pin: PinnedFile = PIN) -> None:
        self.pin = pin

    def load(self, options: LoadOptions) -> tuple[list[EvalItem], dict[str, Any]]:
        (path,) = fetch_all(self.name, [self.pin], options.cache, options.offline)
        info = {"repo": REPO, "commit": COMMIT, "file": self.pin.name, "sha256": self.pin.sha256}
        return limited(read_conversations(path), options.limit), info

    def score(self, item: EvalItem, reply: ReplyRecord, judge: Judge | None) -> ItemScore:
        return ItemScore(bleu_rouge(reply.text, item.reference))
