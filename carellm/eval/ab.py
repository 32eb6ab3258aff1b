"""A/B: the same items answered by two runs, judged side by side with MT-bench's pairwise prompt.

Each pair is asked twice, A first and B first, and only a verdict both orders agree on counts
(judge.judge_pair); the win rate is given over all pairs and over length-matched pairs, so a
judge's taste for longer answers cannot decide it alone.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from carellm.errors import InputError
from carellm.eval.judge import Judge, judge_pair, win_rates
from carellm.eval.prompts import prompt


def ab_compare(a: dict[str, Any], b: dict[str, Any], suite: str, judge: Judge) -> dict[str, Any]:
    if suite not in a["suites"] or suite not in b["suites"]:
        raise InputError(f"Both runs need the {suite} suite.", "Run it in both, then compare.")
    replies_b = {row["id"]: row for row in b["suites"][suite].get("items", [])}
    pairs = [
        (row, replies_b[row["id"]]) for row in a["suites"][suite].get("items", []) if row["id"] in replies_b
    ]
    if not pairs:
        raise InputError(f"The two runs share no {suite} items.", "Run both on the same items (--limit).")
    template, system = prompt("mtbench_pair_judge"), prompt("mtbench_pair_judge_system")
    outcomes = []
    rows = []
    for row_a, row_b in pairs:

        def render(x: str, y: str, question: str = row_a["question"]) -> str:
            return template.format(question=question, answer_a=x, answer_b=y)

        outcome = judge_pair(judge, system, render, row_a["reply"]["text"], row_b["reply"]["text"])
        outcomes.append(outcome)
        rows.append({"id": row_a["id"], **asdict(outcome)})
    return {"suite": suite, **win_rates(outcomes), "judge": judge.stats.to_dict(), "pairs": rows}
