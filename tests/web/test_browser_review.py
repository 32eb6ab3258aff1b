"""In a real Chromium, on a page that keeps the session store: a reviewer's better reply for a
reply rated down, and "try another reply", both end up as pairs in `carellm feedback export --to dpo`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.web.conftest import free_port
from tests.web.pages import BOT, DESKTOP, bot_count, last_reply, open_page, send

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store_page(counselor, tmp_path_factory):
    """The page as `carellm web` serves it: turns and ratings into a SQLite session store."""
    from carellm.config import Settings
    from carellm.store import open_store
    from carellm.store.recorder import FallbackRecorder
    from carellm.web.app import build_app, launch
    from carellm.web.feedback import StoreFeedbackSink
    from carellm.web.settings import WebSettings

    data = tmp_path_factory.mktemp("review-data")
    store = open_store(Settings(data_dir=data))
    recorder = FallbackRecorder(store, warn=lambda text: None)
    web = WebSettings(host="127.0.0.1", port=free_port())
    demo = build_app(counselor, counselor.settings, web, feedback=StoreFeedbackSink(store), recorder=recorder)
    launch(demo, web, prevent_thread_lock=True)
    yield f"http://127.0.0.1:{web.port}", store, data
    demo.close()
    store.close()


def export_dpo(data, tmp_path) -> list[dict]:
    from carellm.cli.feedback import app

    out = tmp_path / "pairs.jsonl"
    env = {"CARELLM_DATA_DIR": str(data), "CARELLM_DB_URL": ""}
    done = CliRunner().invoke(app, ["export", "--to", "dpo", "--out", str(out)], env=env)
    assert done.exit_code == 0, done.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_a_reply_rated_down_gets_a_reviewers_better_reply(browser, store_page, tmp_path, shots):
    url, store, data = store_page
    page = open_page(browser, url, DESKTOP)
    assert not page.locator("#correction textarea").is_visible()  # only after a thumbs-down
    send(page, "Nobody at my new school talks to me.")
    page.locator(BOT).last.hover()
    page.locator("#chat button[aria-label='Dislike']").last.click()
    page.locator("#correction textarea").wait_for()
    better = "That sounds lonely. What was lunch like today?"
    page.locator("#correction textarea").fill(better)
    page.locator("#correction-send").click()
    page.locator("#correction-row").wait_for(state="hidden")
    page.screenshot(path=shots / "20-correction.png", full_page=True)
    assert "better reply was saved" in page.locator("#status").inner_text()

    (session,) = [s for s in store.sessions() if store.corrections(s.id)]
    (turn,) = store.turns(session.id)
    pair = next(p for p in export_dpo(data, tmp_path) if p["chosen"][0]["content"] == better)
    assert pair["rejected"][0]["content"] == turn.model_text
    assert pair["prompt"] == [{"role": "user", "content": "Nobody at my new school talks to me."}]
    page.context.close()


def test_another_reply_replaces_the_last_and_rating_it_up_makes_a_pair(browser, store_page, tmp_path, shots):
    url, store, data = store_page
    page = open_page(browser, url, DESKTOP)
    message = "I failed my driving test again."
    send(page, message)
    first = last_reply(page)
    ended = int(page.locator("#turn-state span").get_attribute("data-ended"))
    page.locator("#regenerate").click()
    page.wait_for_function(
        "n => Number(document.querySelector('#turn-state span').dataset.ended) > n", arg=ended
    )
    page.locator("#status .carellm-info").wait_for()
    assert bot_count(page) == 1 and last_reply(page) != first  # in its place, not below it
    page.locator(BOT).last.hover()
    page.locator("#chat button[aria-label='Like']").last.click()
    page.locator("#comment textarea").wait_for()
    page.screenshot(path=shots / "21-regenerated.png", full_page=True)

    session = next(s for s in store.sessions() if store.replaced_replies(s.id))
    (turn,) = store.turns(session.id)
    (old,) = store.replaced_replies(session.id)
    pair = next(p for p in export_dpo(data, tmp_path) if p["prompt"][-1]["content"] == message)
    assert pair["chosen"][0]["content"] == turn.reply_text
    assert pair["rejected"][0]["content"] == old.model_text != turn.reply_text
    page.context.close()
