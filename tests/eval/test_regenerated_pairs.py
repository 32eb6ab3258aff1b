"""A regenerated reply and the one it replaced become a DPO pair once either is rated: through
the real session (tiny model, crisis layer, reply guard) and a real SQLite store."""

from __future__ import annotations

import pytest

from carellm.cli.feedback import rated_sessions
from carellm.config import Settings
from carellm.counseling.counselor import Counselor
from carellm.data.feedback import EarlierReply, ExportSummary, RatedTurn, dpo_pairs
from carellm.store import open_store
from carellm.store.recorder import FallbackRecorder
from carellm.web.conversation import WebConversation
from carellm.web.feedback import StoreFeedbackSink


@pytest.fixture
def web(omni_backend, tiny_model_dir, tmp_path):
    settings = Settings(model=str(tiny_model_dir), data_dir=tmp_path, max_new_tokens=8, seed=0)
    store = open_store(settings)
    recorder = FallbackRecorder(store, warn=lambda text: None)
    conv = WebConversation(Counselor(omni_backend, settings), StoreFeedbackSink(store), recorder=recorder)
    conv.acknowledge()
    yield conv, store
    conv.close()
    store.close()


def _reply(updates) -> object:
    return [u for u in updates if u.reply is not None][-1].reply


def _pairs(store) -> tuple[list[dict], ExportSummary]:
    summary = ExportSummary()
    return list(dpo_pairs(rated_sessions(store), summary)), summary


def test_old_reply_down_new_reply_up_makes_the_new_one_chosen(web):
    conv, store = web
    first = _reply(conv.stream("I keep arguing with my sister."))
    conv.rate(1, -1)
    second = _reply(conv.regenerate())
    assert second.turn_index == first.turn_index == 0 and second.model_text != first.model_text
    assert [m["content"] for m in conv.messages] == ["I keep arguing with my sister.", second.text]
    assert len(conv.session.history.exchanges) == 1 and conv.session.turns == 1
    conv.rate(1, 1)

    (turn,) = store.turns(conv.session.id)
    assert turn.reply_text == second.text
    assert [r.reply_text for r in store.replaced_replies(conv.session.id)] == [first.text]
    (pair,), _ = _pairs(store)
    assert pair["prompt"] == [{"role": "user", "content": "I keep arguing with my sister."}]
    assert pair["chosen"][0]["content"] == second.text and pair["rejected"][0]["content"] == first.model_text


def test_the_next_turn_follows_the_regenerated_reply(web):
    conv, store = web
    _reply(conv.stream("Work has been hard."))
    again = _reply(conv.regenerate())
    nxt = _reply(conv.stream("My manager keeps changing plans."))
    assert nxt.turn_index == 1
    assert conv.session.history.exchanges[0].reply == again.text
    assert [t.reply_text for t in store.turns(conv.session.id)] == [again.text, nxt.text]


def test_a_regenerated_crisis_turn_gets_the_crisis_response_again_and_no_pair(web):
    conv, store = web
    crisis = "I want to end my life tonight, I have the pills ready."
    first = _reply(conv.stream(crisis))
    conv.rate(1, -1)
    second = _reply(conv.regenerate())
    assert first.user_gate.replace_with and second.text == first.text  # the same safety path
    conv.rate(1, 1)
    pairs, summary = _pairs(store)
    assert pairs == [] and "regenerated, but the better reply came from the safety layer" in summary.skipped


def test_nothing_to_regenerate_is_a_clear_error(web):
    from carellm.errors import InputError

    conv, _ = web
    with pytest.raises(InputError, match="no reply to replace"):
        list(conv.regenerate())


def _turn(rating, old_rating, *, old_model="old reply", replaced=False) -> RatedTurn:
    return RatedTurn(
        "s", 0, "en", "hello", "new reply", "new reply", rating=rating, replaced=replaced,
        earlier=[EarlierReply("old reply", old_model, old_rating)],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("new", "old", "want"),
    [
        (1, None, ("new reply", "old reply")),  # the new one rated up
        (None, -1, ("new reply", "old reply")),  # the old one rated down
        (-1, 1, ("old reply", "new reply")),  # the new one worse than the one it replaced
        (5, 2, ("new reply", "old reply")),  # stars
    ],
)
def test_which_reply_is_chosen(new, old, want):
    (pair,) = dpo_pairs([[_turn(new, old)]], ExportSummary())
    assert (pair["chosen"][0]["content"], pair["rejected"][0]["content"]) == want


@pytest.mark.parametrize(("new", "old"), [(1, 1), (-1, -1), (None, None)])
def test_no_pair_when_neither_reply_is_rated_better(new, old):
    assert list(dpo_pairs([[_turn(new, old)]], ExportSummary())) == []


def test_a_crisis_response_is_never_rejected_text():
    summary = ExportSummary()
    assert list(dpo_pairs([[_turn(1, None, old_model="")]], summary)) == []
    assert summary.skipped == {"regenerated, but the worse reply was a crisis response": 1}
