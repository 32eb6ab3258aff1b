"""CounselBench's 100 questions rebuilt from CounselChat by the paper's selection rules, on a
small CSV in CounselChat's real layout, and the human answer judged beside each reply by the
tiny `carellm serve` judge."""

from __future__ import annotations

import json

import pytest

from carellm.errors import InputError
from carellm.eval.benchmarks.base import LoadOptions
from carellm.eval.benchmarks.counselbench import COUNSELCHAT, REFERENCE, CounselBench, adversarial_file
from carellm.eval.benchmarks.counselchat_select import read_csv, select_questions
from carellm.eval.report import write_report
from carellm.eval.runner import RESULTS
from tests.eval.conftest import counselchat_csv, counselchat_rows
from tests.eval.test_suites import _run

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def questions(tmp_path):
    path = tmp_path / "counsel_chat.csv"
    path.write_bytes(counselchat_csv(counselchat_rows()))
    ordered = select_questions(read_csv(path))
    return {(q.topic, q.question_id): q for q in ordered}, ordered


def test_the_selection_follows_the_papers_rules(questions):
    _, ordered = questions
    # intimacy has the most questions but is left out; the other topics keep first-appearance order
    assert [(q.topic, q.question_id) for q in ordered] == [
        ("depression", 1), ("depression", 2),
        # four questions tie at 3 upvotes for the last three places: pandas' sample(3,
        # random_state=42) over them in upvote order takes positions 1, 3, 0 (not the first three)
        ("depression", 4), ("depression", 6), ("depression", 3),
        # 766 removed by hand; 250 leads on its best answer's upvotes
        ("relationships", 250), ("relationships", 20), ("relationships", 21), ("relationships", 22),
        ("relationships", 23),
    ]  # fmt: skip


def test_the_human_answers_are_the_ones_the_paper_used(questions):
    by_key, _ = questions
    assert by_key["depression", 1].human_answer == "short best for 1"  # the best one is over 250 words
    assert by_key["depression", 2].human_answer == "B"  # a tie at 8 upvotes: the seed-42 draw
    assert by_key["relationships", 250].human_answer == "second 250"  # the authors' exception


def test_the_post_is_the_title_and_text_as_the_responders_got_it(questions):
    by_key, _ = questions
    assert by_key["depression", 1].post == "Why so sad? I feel empty."
    assert by_key["depression", 3].post == "Can depression go away on its own?"  # no question text


def test_a_topic_with_too_few_questions_is_a_clear_error(tmp_path):
    rows = [r for r in counselchat_rows() if r[0] not in (20, 21)]  # relationships keeps 3
    path = tmp_path / "short.csv"
    path.write_bytes(counselchat_csv(rows))
    with pytest.raises(InputError, match="relationships"):
        select_questions(read_csv(path))


def test_the_csv_is_pinned_like_the_safety_corpus_copy():
    from carellm.safety.corpus.sources import SOURCES

    (source,) = [s for s in SOURCES if s.id == "en_counselchat"]
    assert COUNSELCHAT.url == source.files[0].url and COUNSELCHAT.sha256 == source.files[0].sha256


def test_the_adversarial_set_says_it_is_not_available(cache):
    with pytest.raises(InputError) as caught:
        adversarial_file(cache)
    assert "Hugging Face" in str(caught.value.hint) and "not reachable" in str(caught.value.hint)


def test_replies_and_the_human_answer_are_judged_and_reported(
    counselor, make_judge, counselchat_pin, cache, tmp_path
):
    result = _run("counselbench", CounselBench(counselchat_pin), counselor, make_judge(tmp_path), cache,
                  tmp_path, limit=2)  # fmt: skip
    assert result["data"]["pinned"] and "could not be compared" in result["data"]["questions"]
    first = result["items"][0]
    assert first["question"] == "Why so sad? I feel empty." and "reference" in first["extra"]
    assert result["reference"]["name"] == REFERENCE and result["reference"]["n"] == 2
    assert REFERENCE in result["anchors"]  # drawn on the radar beside this run
    assert result["judge"]["calls"] == 4  # each reply and each human answer
    html = write_report(json.loads((tmp_path / RESULTS).read_text()), tmp_path).read_text()
    assert f"{REFERENCE} (n=2)" in html


def test_loading_offline_without_the_csv_says_how_to_get_it(cache):
    with pytest.raises(InputError):
        CounselBench().load(LoadOptions(cache=cache, offline=True))
