"""CounselBench-Eval's 100 questions, rebuilt from CounselChat by the rules of the paper's
selection script (llm-eval-mental-health/CounselBench, preprocess/counsel_chat.py), with the
human answer each question is shown beside.

The rules, as that script applies them (described here, not copied):
1. Each question once: its most-upvoted answer, ties broken by a seeded draw (seed 42).
2. Topics by how many questions they have, most first, with intimacy, human-sexuality, lgbtq and
   spirituality left out; the first 20 remain.
3. Answers longer than 250 words are dropped; a question with none left is dropped; each
   remaining question keeps its most-upvoted short answer (ties: the seeded draw).
4. Per topic, questions by upvotes, most first, minus the ones the authors removed by hand
   (relationships 766 and 737, self-esteem 351 and 347, counseling-fundamentals 934,
   domestic-violence 446 and 441); the top 5 are taken, a tie at the cut settled by the seeded draw.
5. The human reference: the question's most-upvoted answer of at most 250 words (ties: the
   seeded draw); for questions 250 and 355 the second most-upvoted, as the authors chose.

"The seeded draw" is pandas' `sample(random_state=42)`: the first rows of NumPy's
`RandomState(42).permutation` over the tied rows in their current order, reproduced here with
NumPy alone. It depends on row order, so the result depends on the input: the script read the
Hugging Face copy of CounselChat, this reads the pinned GitHub CSV (same people's data, other
rows and order), and the released list is on Hugging Face only, so the reconstruction cannot be
checked against it here. Where pandas sorts by upvotes it uses NumPy's unstable quicksort, which
is reproduced the same way (its order among equal upvotes can differ between NumPy builds).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from carellm.errors import InputError

SEED = 42
MAX_WORDS = 250
N_TOPICS = 20
PER_TOPIC = 5
LEFT_OUT_TOPICS = ("intimacy", "human-sexuality", "lgbtq", "spirituality")
REMOVED = {
    "relationships": (766, 737),
    "self-esteem": (351, 347),
    "counseling-fundamentals": (934,),
    "domestic-violence": (446, 441),
}
SECOND_BEST = (250, 355)  # questions whose best short answer the authors passed over
COLUMNS = ("questionID", "questionTitle", "questionText", "topic", "answerText", "upvotes")


@dataclass(frozen=True)
class Answer:
    """One row of CounselChat: a question and one therapist's answer to it."""

    question_id: int
    title: str
    text: str | None  # None: the question has a title only
    topic: str
    answer: str | None
    upvotes: int


@dataclass(frozen=True)
class Question:
    question_id: int
    topic: str
    title: str
    text: str | None
    human_answer: str

    @property
    def post(self) -> str:
        """What the responders were given: the title, then the text when there is one."""
        return self.title if self.text is None else f"{self.title} {self.text}"


def read_csv(path: Path) -> list[Answer]:
    """CounselChat's CSV (data/20200325_counsel_chat.csv): one row per answer."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    f"{path} is not CounselChat's CSV (missing columns: {', '.join(missing)}).",
                    "Use nbertagnolli/counsel-chat's data/20200325_counsel_chat.csv.",
                )
            return [
                Answer(
                    int(row["questionID"]),
                    row["questionTitle"],
                    row["questionText"] or None,  # empty as pandas reads it: missing
                    row["topic"],
                    row["answerText"] or None,
                    int(float(row["upvotes"])),
                )
                for row in reader
            ]
    except (OSError, UnicodeDecodeError, csv.Error, ValueError) as exc:
        message = f"{path} could not be read as CounselChat's CSV ({exc})."
        raise InputError(message, "Check the file.") from exc


def draw(rows: Sequence[Answer], n: int) -> list[Answer]:
    """pandas' `sample(n, random_state=42)`: a permutation of the positions, its first n."""
    picked = np.random.RandomState(SEED).permutation(len(rows))[:n]
    return [rows[int(i)] for i in picked]


def most_upvoted(rows: Sequence[Answer]) -> Answer:
    best = max(r.upvotes for r in rows)
    return draw([r for r in rows if r.upvotes == best], 1)[0]


def short(row: Answer) -> bool:
    return row.answer is not None and len(row.answer.split()) <= MAX_WORDS


def by_upvotes(rows: Sequence[Answer]) -> list[Answer]:
    """pandas' `sort_values("upvotes", ascending=False)` (its nargsort over NumPy's quicksort)."""
    reversed_rows = list(rows)[::-1]
    order = np.asarray([r.upvotes for r in reversed_rows]).argsort(kind="quicksort")[::-1]
    return [reversed_rows[int(i)] for i in order]


def _grouped(rows: Sequence[Answer]) -> dict[int, list[Answer]]:
    groups: dict[int, list[Answer]] = {}
    for row in rows:  # first appearance order, as pandas' unique()
        groups.setdefault(row.question_id, []).append(row)
    return groups


def top_topics(groups: dict[int, list[Answer]]) -> list[str]:
    """Topics by number of questions (each question's topic from its most-upvoted answer); equal
    counts keep first-appearance order."""
    counts = Counter(most_upvoted(rows).topic for rows in groups.values())
    ranked = [topic for topic, _ in counts.most_common() if topic not in LEFT_OUT_TOPICS]
    return ranked[:N_TOPICS]


def top_five(candidates: Sequence[Answer]) -> list[Answer]:
    """The 5 most upvoted; a group of equal upvotes that does not fit whole is drawn from."""
    ranked = by_upvotes(candidates)
    chosen: list[Answer] = []
    for upvotes in sorted({r.upvotes for r in ranked}, reverse=True):
        if len(chosen) == PER_TOPIC:
            break
        tied = [r for r in ranked if r.upvotes == upvotes]
        if len(chosen) + len(tied) <= PER_TOPIC:
            chosen += tied
        else:
            chosen += draw(tied, PER_TOPIC - len(chosen))
            break
    return chosen


def human_answer(rows: Sequence[Answer]) -> str:
    kept = [r for r in rows if short(r)]
    if rows[0].question_id in SECOND_BEST:
        second = sorted({r.upvotes for r in kept}, reverse=True)[1]
        return draw([r for r in kept if r.upvotes == second], 1)[0].answer or ""
    return most_upvoted(kept).answer or ""


def select_questions(rows: Sequence[Answer]) -> list[Question]:
    """The 100 questions (20 topics x 5), topic by topic in the selection's order."""
    groups = _grouped(rows)
    topics = top_topics(groups)
    best_short = [
        most_upvoted(kept) for rows_of in groups.values() if (kept := [r for r in rows_of if short(r)])
    ]
    out: list[Question] = []
    for topic in topics:
        removed = REMOVED.get(topic, ())
        candidates = [r for r in best_short if r.topic == topic and r.question_id not in removed]
        if len(candidates) < PER_TOPIC:
            raise InputError(
                f"CounselChat has {len(candidates)} usable questions on {topic}, fewer than {PER_TOPIC}.",
                "Use the pinned CounselChat CSV (data/20200325_counsel_chat.csv).",
            )
        for row in top_five(candidates):
            answers = groups[row.question_id]
            first = answers[0]
            out.append(Question(row.question_id, topic, first.title, first.text, human_answer(answers)))
    return out
