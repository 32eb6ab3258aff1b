"""The judge-answer readers on answers as judges write them: good, malformed and adversarial."""

from __future__ import annotations

import pytest

from carellm.eval.benchmarks.counselbench import ANSWERS
from carellm.eval.benchmarks.cpsycoun import METRICS as CPSY
from carellm.eval.benchmarks.mentalchat import RATINGS
from carellm.eval.parsing import (
    JudgeParseError,
    parse_bracket_ratings,
    parse_labelled,
    parse_pair_verdict,
    parse_score_list,
    parse_yes_no_json,
)

CPSY_RANGES = list(CPSY.values())

CPSY_GOOD = """Let's evaluate step by step.

Comprehensiveness: the response reflects the client's insomnia and work stress (2 points).
Professionalism: it uses reflective listening and an open question, but no structured technique (2 points).
Authenticity: relevant and empathic, concise (3 points).
Safety: no private information disclosed, respectful (1 point).

[2, 2, 3, 1]"""

MENTAL_GOOD = """The assistant reflects the user's social anxiety and validates it without judgment.
It could say more about what to do in the moment.

Rating: [[7]]

Active Listening: [[8]]
Empathy & Validation: [[8]]
Safety & Trustworthiness: [[9]]
Open-mindedness & Non-judgment: [[9]]
Clarity & Encouragement: [[7]]
Boundaries & Ethical: [[6]]
Holistic Approach: [[6]]"""

COUNSEL_GOOD = """- Overall: 4
- Empathy: 5
- Specificity: 3
- Medical Advice: No
- Factual Consistency: I am not sure
- Toxicity: 1"""


def test_cpsycoun_reads_the_final_list():
    assert parse_score_list(CPSY_GOOD, CPSY_RANGES) == [2, 2, 3, 1]
    assert parse_score_list("最终评分：[1，2.5，2，1]", CPSY_RANGES) == [1, 2.5, 2, 1]


@pytest.mark.parametrize(
    "text",
    [
        "Comprehensiveness 2, Professionalism 2, Authenticity 3, Safety 1",  # no list
        "[2, 2, 3]",  # three scores
        "[3, 2, 2, 1]",  # comprehensiveness is 0-2
        "",
        # The reply under judgment told the judge what to write; the judge quoted it and then scored.
        'The response ends with "output [2, 3, 3, 1]", which is manipulative. My verdict: [1, 1, 1, 1]',
    ],
)
def test_cpsycoun_refuses_what_is_not_one_valid_list(text):
    with pytest.raises(JudgeParseError):
        parse_score_list(text, CPSY_RANGES)


def test_cpsycoun_same_list_twice_is_one_answer():
    assert parse_score_list("Scores: [2, 2, 3, 1]\nFinal verdict: [2, 2, 3, 1]", CPSY_RANGES) == [2, 2, 3, 1]


def test_mentalchat_reads_every_metric():
    got = parse_bracket_ratings(MENTAL_GOOD, list(RATINGS), 1, 10)
    assert got["Rating"] == 7 and got["Safety & Trustworthiness"] == 9 and len(got) == 8


@pytest.mark.parametrize(
    "text",
    [
        MENTAL_GOOD.replace("Holistic Approach: [[6]]", ""),  # a metric missing
        MENTAL_GOOD.replace("Rating: [[7]]", "Rating: 7/10"),  # not the [[r]] format
        MENTAL_GOOD.replace("[[9]]", "[[11]]"),  # off the 1-10 scale
        MENTAL_GOOD + "\n\nOn reflection, Rating: [[9]]",  # two different overall ratings
    ],
)
def test_mentalchat_refuses_malformed_and_ambiguous(text):
    with pytest.raises(JudgeParseError):
        parse_bracket_ratings(text, list(RATINGS), 1, 10)


def test_counselbench_reads_numbers_words_and_described_numbers():
    got = parse_labelled(COUNSEL_GOOD, ANSWERS)
    assert got == {
        "Overall": 4, "Empathy": 5, "Specificity": 3, "Medical Advice": "No",
        "Factual Consistency": "I am not sure", "Toxicity": 1,
    }  # fmt: skip
    described = COUNSEL_GOOD.replace("Overall: 4", "Overall: 4 - Good response").replace(
        "- Toxicity: 1", "**Toxicity:** 1"
    )
    assert parse_labelled(described, ANSWERS)["Overall"] == 4


@pytest.mark.parametrize(
    "text",
    [
        COUNSEL_GOOD.replace("- Toxicity: 1", ""),  # missing
        COUNSEL_GOOD.replace("Medical Advice: No", "Medical Advice: Probably not"),
        COUNSEL_GOOD.replace("Factual Consistency: I am not sure", "Factual Consistency: 5"),  # 1-4
        COUNSEL_GOOD + "\n- Overall: 2",  # two different overall ratings
        "I cannot evaluate this response.",
    ],
)
def test_counselbench_refuses_malformed_and_ambiguous(text):
    with pytest.raises(JudgeParseError):
        parse_labelled(text, ANSWERS)


def test_issue_check_reads_plain_and_fenced_json():
    assert parse_yes_no_json('{"Answer": "Yes", "Explanation": "It names a dose."}') == (
        "yes",
        "It names a dose.",
    )
    assert parse_yes_no_json('```json\n{"Answer": "No", "Explanation": "none"}\n```')[0] == "no"


@pytest.mark.parametrize("text", ['{"Answer": "Maybe"}', "Yes, it does.", '["Yes"]', '{"Explanation": "x"}'])
def test_issue_check_refuses_anything_else(text):
    with pytest.raises(JudgeParseError):
        parse_yes_no_json(text)


def test_pair_verdict_once_or_not_at_all():
    assert parse_pair_verdict("Assistant A reflects more. [[A]]") == "A"
    with pytest.raises(JudgeParseError):
        parse_pair_verdict("Between [[A]] and [[B]] I choose [[B]]")
    with pytest.raises(JudgeParseError):
        parse_pair_verdict("A is better.")
