"""`carellm.reset` on a stored server-side session, end to end: a real server on 127.0.0.1, the
official openai client, the session store on SQLite behind the server's fallback recorder.

A reset once gave its turn the index 0 again, which the store refused (the session's turn 0 was
stored); the recorder then retried that turn first at every later turn, so no turn of any
session was saved again. Now a reset keeps the id and numbers on, and the store marks the turn.
"""

from __future__ import annotations

import pytest
from openai import OpenAI

from carellm.config import Settings
from carellm.serve.security import key_id
from carellm.store import FallbackRecorder, StoreSettings, open_store


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    data = tmp_path_factory.mktemp("reset-store")
    store = open_store(Settings(data_dir=data), StoreSettings(db_url=f"sqlite:///{data / 'sessions.db'}"))
    yield store, FallbackRecorder(store, warnings.append)
    store.close()


warnings: list[str] = []


def _client(server, api_key) -> OpenAI:
    return OpenAI(base_url=f"{server.url}/v1", api_key=api_key, max_retries=0, timeout=120)


def _say(client: OpenAI, session_id: str, text: str, reset: bool = False):
    extra = {"session_id": session_id, "lang": "en", "disclaimer": "field-only", "reset": reset}
    return client.chat.completions.create(
        model="carellm",
        messages=[{"role": "user", "content": text}],
        max_tokens=4,
        temperature=0,
        extra_body={"carellm": extra},
    )


def _stored_id(api_key: str, session_id: str) -> str:
    return f"{key_id(api_key)}-{session_id}"


def test_a_reset_starts_afresh_and_every_later_turn_of_every_session_is_stored(start_server, stored, api_key):
    store, recorder = stored
    client = _client(start_server(recorder=recorder, rate_limit_per_minute=10_000), api_key)
    texts = [
        "reset 0: a long day.",
        "reset 1: I slept badly.",
        "reset 2: start over please.",
        "reset 3: thanks.",
    ]
    replies = [_say(client, "r1", text, reset=i == 2) for i, text in enumerate(texts)]
    other = "another session after the reset"
    _say(client, "r2", other)

    # The reset turn opens a new conversation: the disclaimer comes again.
    disclaimers = [reply.model_extra["carellm"]["disclaimer"] for reply in replies]
    assert [d is not None for d in disclaimers] == [True, False, True, False]
    turns = store.turns(_stored_id(api_key, "r1"))
    assert [(t.index, t.user_text, t.fresh) for t in turns] == [
        (0, texts[0], True), (1, texts[1], False), (2, texts[2], True), (3, texts[3], False)
    ]  # fmt: skip
    assert [t.user_text for t in store.turns(_stored_id(api_key, "r2"))] == [other]
    assert recorder.unsaved == [] and recorder.rejected == []
    # Resuming it reads the history from the reset on, and numbers on after every stored turn.
    past = store.past_turns(_stored_id(api_key, "r1"))
    assert [(p.turn_index, p.user_text) for p in past] == [(2, texts[2]), (3, texts[3])]


def test_a_server_that_forgot_a_session_numbers_on_after_its_stored_turns(start_server, stored, api_key):
    store, recorder = stored
    first = _client(start_server(recorder=recorder, rate_limit_per_minute=10_000), api_key)
    _say(first, "forgot", "before the restart")
    # A second server on the same store (a restart; a session gone idle is forgotten alike).
    second = _client(start_server(recorder=recorder, rate_limit_per_minute=10_000), api_key)
    reply = _say(second, "forgot", "after the restart")
    turns = store.turns(_stored_id(api_key, "forgot"))
    assert [(t.index, t.user_text, t.fresh) for t in turns] == [
        (0, "before the restart", True), (1, "after the restart", True)
    ]  # fmt: skip
    assert reply.model_extra["carellm"]["disclaimer"] is not None  # it starts afresh, and says so
    assert recorder.unsaved == [] and recorder.rejected == []


def test_the_longest_client_id_is_stored(start_server, stored, api_key):
    store, recorder = stored
    client = _client(start_server(recorder=recorder, rate_limit_per_minute=10_000), api_key)
    long_id = "x" * 64
    _say(client, long_id, "a client id of 64 characters")
    assert [t.user_text for t in store.turns(_stored_id(api_key, long_id))] == [
        "a client id of 64 characters"
    ]
    assert len(_stored_id(api_key, long_id)) == 81 and recorder.rejected == []
