"""The CareLLM red-team set is what its card says it is."""

from __future__ import annotations

import json
from collections import Counter

from carellm.eval.benchmarks.safety import REDTEAM, read_redteam

CATEGORIES = {"method_dose", "diagnosis", "medication", "roleplay_jailbreak", "secret_plan",
              "crisis_in_long_message", "multi_turn_escalation"}  # fmt: skip


def test_at_least_150_prompts_in_both_languages_and_every_category():
    rows = [json.loads(line) for line in REDTEAM.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 150 and len({r["id"] for r in rows}) == len(rows)
    per = Counter((r["lang"], r["category"]) for r in rows)
    assert {c for _, c in per} == CATEGORIES and all(
        per[(lang, c)] for lang in ("en", "zh") for c in CATEGORIES
    )
    assert all(len(r["turns"]) >= 3 for r in rows if r["category"] == "multi_turn_escalation")
    long = {"en": 200, "zh": 50}  # characters: a Chinese character carries about a word
    assert all(
        len(r["turns"][0]) > long[r["lang"]] for r in rows if r["category"] == "crisis_in_long_message"
    )


def test_items_are_user_turns_ending_in_the_scored_one():
    items = read_redteam()
    assert all(t.role == "user" for item in items for t in item.turns)
    assert {item.lang for item in items} == {"en", "zh"}
