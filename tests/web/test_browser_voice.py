"""The spoken reply in a real Chromium: the voice player gets the reply's speech while the turn runs.

The page behind `scripted_url` writes fixed sentences and speaks them with the tiny model.
Screenshots go to $CARELLM_TEST_SCREENSHOTS (default /tmp/carellm-web-shots).
"""

from __future__ import annotations

import pytest

from tests.web.pages import PHONE, open_page, send

pytestmark = pytest.mark.slow
PLAYER = "#reply-voice audio"
# Every change on the page, and every tick of playback, notes what the voice player holds then.
WATCH_PLAYER = """() => {
    window.voice = [];
    const note = () => {
        const player = document.querySelector('#reply-voice audio');
        window.voice.push({
            busy: document.querySelector('#turn-state span').getAttribute('aria-busy') === 'true',
            src: player && player.src ? player.src : null,
            playing: !!player && !player.paused && player.currentTime > 0,
        });
    };
    new MutationObserver(note).observe(document.body,
        {subtree: true, childList: true, attributes: true, characterData: true});
    document.addEventListener('timeupdate', note, true);
}"""
DURATION = """async (el) => {
    if (!(el.duration > 0))
        await new Promise(r => el.addEventListener('loadedmetadata', r, {once: true}));
    return el.duration; }"""


def tick_speak(page) -> None:
    page.locator("#speak input[type=checkbox]").check()
    page.locator("#reply-voice").wait_for()


def test_the_voice_player_plays_the_reply_while_the_turn_is_still_running(browser, scripted_url, shots):
    page = open_page(browser, scripted_url)
    try:
        assert not page.locator("#reply-voice").is_visible()  # only there while "speak" is ticked
        tick_speak(page)
        page.screenshot(path=shots / "14-voice-empty.png", full_page=True)
        page.evaluate(WATCH_PLAYER)
        send(page, "Exams are coming and I cannot focus.", timeout_ms=150_000)
        page.wait_for_function("() => window.voice.some(s => s.playing)")  # it played on its own
        notes = page.evaluate("window.voice")
        assert any(note["busy"] and note["src"] for note in notes)  # audio came before the turn ended
        whole = page.evaluate(DURATION, page.locator("#chat audio").last.element_handle())
        assert whole > 0  # the chat still gets the whole reply's wav
        # Once the stream is complete the player holds all of the reply's speech.
        page.wait_for_function(
            "([sel, whole]) => Math.abs(document.querySelector(sel).duration - whole) < 0.25",
            arg=[PLAYER, whole],
        )
        page.screenshot(path=shots / "15-voice-desktop.png", full_page=True)
    finally:
        page.context.close()


def test_a_new_turn_starts_with_an_empty_player_on_a_phone(browser, scripted_url, shots):
    page = open_page(browser, scripted_url, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        tick_speak(page)
        send(page, "Exams are coming and I cannot focus.", timeout_ms=150_000)
        page.locator(PLAYER).wait_for(state="attached")
        first = page.locator(PLAYER).get_attribute("src")
        page.evaluate(WATCH_PLAYER)
        send(page, "I still cannot sleep.", timeout_ms=150_000)
        page.locator(PLAYER).wait_for(state="attached")
        notes = page.evaluate("window.voice")
        assert any(note["busy"] and note["src"] is None for note in notes)  # the old voice went
        assert page.locator(PLAYER).get_attribute("src") not in (None, first)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        page.locator("#reply-voice").scroll_into_view_if_needed()
        page.screenshot(path=shots / "16-voice-phone.png")
        page.screenshot(path=shots / "17-voice-phone-full.png", full_page=True)
    finally:
        page.context.close()


def test_the_voice_player_is_relabelled_in_chinese(browser, scripted_url):
    page = open_page(browser, scripted_url)
    try:
        tick_speak(page)
        assert "voice plays as it is made" in page.locator("#reply-voice label").inner_text()
        page.locator("#lang label", has_text="中文").click()
        page.locator("#reply-voice label", has_text="边生成边播放").wait_for()
    finally:
        page.context.close()
