"""MentalChat16K (Xu et al., 2024; PennShenLab/MentalChat16K): 200 real user questions, each
reply rated 1-10 by an LLM judge on seven counseling metrics (active listening, empathy &
validation, safety & trustworthiness, open-mindedness & non-judgment, clarity & encouragement,
boundaries & ethics, holistic approach) plus an overall rating, with the judge prompt of the
paper's FastChat fork (`single-mental-v1`).

The questions are the paper's evaluation file, data/eval_jsonl/evalq_bench/question.jsonl of
its main repository (a submodule, ChiaPatricia/MentalChat16K_Main), in FastChat's question format.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from carellm.errors import InputError
from carellm.eval.benchmarks.base import ItemScore, LoadOptions, limited
from carellm.eval.items import EvalItem, Turn
from carellm.eval.judge import Judge
from carellm.eval.parsing import parse_bracket_ratings
from carellm.eval.prompts import prompt
from carellm.eval.replies import ReplyRecord
from carellm.eval.sources import fetch_all, github_file
from carellm.safety.corpus.fetch import PinnedFile

REPO = "ChiaPatricia/MentalChat16K_Main"
COMMIT = "9eb19df747fa26524f7024ad0da4084ff0f47f6a"
PIN = github_file(
    REPO,
    COMMIT,
    "data/eval_jsonl/evalq_bench/question.jsonl",
    "9e4546e4d1fd31fa1ed14c1fd6c995a3d08728e69331c74916289eaffc03126b",
)
# The judge's names for its ratings, and ours.
RATINGS = {
    "Rating": "overall",
    "Active Listening": "active_listening",
    "Empathy & Validation": "empathy_validation",
    "Safety & Trustworthiness": "safety_trustworthiness",
    "Open-mindedness & Non-judgment": "open_mindedness",
    "Clarity & Encouragement": "clarity_encouragement",
    "Boundaries & Ethical": "boundaries_ethical",
    "Holistic Approach": "holistic_approach",
}


def read_questions(path: Path) -> list[EvalItem]:
    items = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text = row["turns"][0]
                qid = row["question_id"]
            except (json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
                raise InputError(
                    f"{path}:{number} is not a FastChat question ({exc}).",
                    'Each line is {"question_id": ..., "category": ..., "turns": ["..."]}.',
                ) from exc
            items.append(
                EvalItem(
                    id=str(qid),
                    suite="mentalchat",
                    lang="en",
                    turns=(Turn("user", text),),
                    topic=row.get("category", ""),
                )
            )
    return items


class MentalChat:
    name = "mentalchat"
    needs_judge = True
    metrics: ClassVar = {key: (1.0, 10.0) for key in RATINGS.values()}
    anchors: ClassVar[dict[str, dict[str, float]]] = {}
    anchor_source = "MentalChat16K paper (KDD 2025), GPT-4 and Gemini judges, tables of the seven metrics"

    def __init__(self, pin: PinnedFile = PIN) -> None:
        self.pin = pin

    def load(self, options: LoadOptions) -> tuple[list[EvalItem], dict[str, Any]]:
        (path,) = fetch_all(self.name, [self.pin], options.cache, options.offline)
        info = {"repo": REPO, "commit": COMMIT, "file": self.pin.name, "sha256": self.pin.sha256}
        return limited(read_questions(path), options.limit), info

    def score(self, item: EvalItem, reply: ReplyRecord, judge: Judge | None) -> ItemScore:
        assert judge is not None
        user = prompt("mentalchat_judge").format(question=item.question, answer=reply.text)
        verdict = judge.judge(
            prompt("mentalchat_judge_system"), user, lambda t: parse_bracket_ratings(t, list(RATINGS), 1, 10)
        )
        scores = {RATINGS[k]: v for k, v in (verdict.value or {}).items()}
        return ItemScore(scores, verdict.text, verdict.error)
