"""The web page's sessions and ratings land in the session store."""

from __future__ import annotations

from carellm.config import Settings
from carellm.counseling.counselor import Counselor
from carellm.store import open_store
from carellm.store.recorder import FallbackRecorder
from carellm.web.conversation import WebConversation
from carellm.web.feedback import Feedback, StoreFeedbackSink


def test_turns_and_ratings_reach_the_store(omni_backend, tiny_model_dir, tmp_path):
    settings = Settings(model=str(tiny_model_dir), data_dir=tmp_path, max_new_tokens=8, seed=0)
    store = open_store(settings)
    recorder = FallbackRecorder(store, warn=lambda text: None)
    conversation = WebConversation(
        Counselor(omni_backend, settings), StoreFeedbackSink(store), recorder=recorder
    )
    reply = conversation.session.send("I feel lonely these days")
    StoreFeedbackSink(store).record_feedback(Feedback(conversation.session.id, reply.turn_index, 1, "kind"))
    assert [s.id for s in store.sessions()] == [conversation.session.id]
    assert store.feedback(conversation.session.id)
    assert store.transcript(conversation.session.id)[0]["text"] == "I feel lonely these days"
