"""The page in a real Chromium: what a visitor does, and what they must see.

Screenshots of each step go to $CARELLM_TEST_SCREENSHOTS (default /tmp/carellm-web-shots).
"""

from __future__ import annotations

import json

import pytest

from tests.web.pages import (
    BOT,
    DESKTOP,
    PHONE,
    USER,
    bot_count,
    last_reply,
    on_screen,
    open_page,
    overlap,
    scroll_to_bottom,
    send,
    text_readable,
    wait_readable,
)

pytestmark = pytest.mark.slow
CRISIS_EN = "I want to end my life. I have pills ready and I will do it tonight."
CRISIS_ZH = "我不想活了，药已经准备好了，今晚就结束。"


def test_the_chat_stays_closed_until_the_notice_is_acknowledged(browser, web_url, shots):
    page = open_page(browser, web_url, acknowledge=False)
    try:
        assert page.locator("#disclaimer h2").inner_text() == "Before you start"
        assert not page.locator("#message textarea").is_visible()
        assert page.locator("#ack-button").is_disabled()
        page.screenshot(path=shots / "01-disclaimer.png", full_page=True)
        page.locator("#ack-check input[type=checkbox]").check()
        page.locator("#ack-button").click()
        page.locator("#message textarea").wait_for()
        assert "Research prototype" in page.locator("#notice").inner_text()
    finally:
        page.context.close()


def test_a_reply_streams_in(page, shots):
    page.evaluate(
        """() => { window.seen = [];
        new MutationObserver(() => {
            const r = document.querySelectorAll('#chat [data-testid=bot]');
            if (r.length) window.seen.push(r[r.length - 1].innerText);
        }).observe(document.querySelector('#chat'),
                   {subtree: true, childList: true, characterData: true}); }"""
    )
    send(page, "I have been feeling stressed about my exams.")
    seen = [s.strip() for s in page.evaluate("window.seen") if s.strip() and s.strip() != "…"]
    final = last_reply(page).strip()
    assert final and len(set(seen)) >= 2, seen  # the reply was shown in more than one piece
    assert page.locator(USER).last.inner_text().strip() == "I have been feeling stressed about my exams."
    assert page.locator("#emotion-primary").inner_text()
    page.screenshot(path=shots / "02-reply.png", full_page=True)


def test_a_spoken_wav_gets_a_reply_with_playable_audio(page, media_dir, shots):
    page.locator("#speak input[type=checkbox]").check()
    send(page, "", media_dir / "speech.wav", timeout_ms=150_000)  # the tiny talker speaks slowly on CPU
    audio = page.locator("#chat audio").last
    audio.wait_for(state="attached")
    duration = page.evaluate(
        """async (el) => {
            if (!(el.duration > 0))
                await new Promise(r => el.addEventListener('loadedmetadata', r, {once: true}));
            return el.duration; }""",
        audio.element_handle(),
    )
    assert duration > 0
    page.screenshot(path=shots / "03-spoken-reply.png", full_page=True)


def test_a_crisis_message_shows_the_panel_with_the_right_hotline_and_it_stays(page, shots):
    assert not page.locator("#crisis").is_visible()
    try:
        send(page, CRISIS_EN)
    finally:
        page.screenshot(path=shots / "04-crisis.png", full_page=True)
    assert page.locator("#crisis").is_visible()
    assert "988" in page.locator("#crisis").inner_text()
    page.screenshot(path=shots / "04-crisis.png", full_page=True)
    send(page, "Thank you for listening.")
    assert "988" in page.locator("#crisis").inner_text()


def test_the_crisis_panel_uses_the_browsers_region(browser, web_url):
    page = open_page(browser, web_url, locale="en-GB")
    try:
        send(page, CRISIS_EN)
        text = page.locator("#crisis").inner_text()
        assert "Samaritans" in text and "116 123" in text
    finally:
        page.context.close()


def test_switching_to_chinese_translates_the_page_and_the_crisis_panel(page, shots):
    send(page, CRISIS_EN)
    page.locator("#lang label", has_text="中文").click()
    page.locator("#crisis h2", has_text="请现在就联系他们").wait_for()
    assert "12356" in page.locator("#crisis").inner_text()
    assert "科研原型" in page.locator("#notice").inner_text()
    assert page.locator("#message textarea").get_attribute("placeholder").startswith("输入消息")
    assert page.locator("#new-session").inner_text().strip() == "新对话"
    page.screenshot(path=shots / "05-chinese.png", full_page=True)


def test_a_chinese_browser_gets_the_chinese_page(browser, web_url):
    page = open_page(browser, web_url, acknowledge=False, locale="zh-CN")
    try:
        page.locator("#disclaimer h2", has_text="开始之前").wait_for()
    finally:
        page.context.close()


def test_the_report_and_transcript_download(page, shots):
    send(page, "I feel lonely since I moved to a new city.")
    with page.expect_download() as report:
        page.locator("#download-report").click()
    html = report.value.path().read_text(encoding="utf-8")
    assert report.value.suggested_filename.endswith(".html")
    assert "<html" in html and "Session emotion report" in html
    with page.expect_download() as transcript:
        page.locator("#download-transcript").click()
    data = json.loads(transcript.value.path().read_text(encoding="utf-8"))
    assert [m["role"] for m in data["messages"]] == ["user", "assistant"]
    assert data["messages"][0]["text"] == "I feel lonely since I moved to a new city."
    page.screenshot(path=shots / "06-downloads.png", full_page=True)


def test_rating_a_reply_and_commenting_is_stored(page, feedback_file, shots):
    send(page, "Talking helps a little.")
    page.locator(BOT).last.hover()
    page.locator("#chat button[aria-label='Like']").last.click()
    page.locator("#comment textarea").wait_for()
    page.locator("#comment textarea").fill("Kind and clear.")
    page.locator("#comment-send").click()
    page.locator("#status .carellm-info").wait_for()
    page.screenshot(path=shots / "07-feedback.png", full_page=True)
    rows = [json.loads(line) for line in feedback_file.read_text(encoding="utf-8").splitlines()]
    assert (rows[-2]["rating"], rows[-2]["comment"]) == (1, None)
    assert (rows[-1]["rating"], rows[-1]["comment"], rows[-1]["turn_index"]) == (1, "Kind and clear.", 0)


def test_new_session_clears_the_chat(page):
    send(page, "Hello there.")
    page.locator("#new-session").click()
    page.wait_for_function("s => document.querySelectorAll(s).length === 0", arg=BOT)
    send(page, "Starting again.")
    assert bot_count(page) == 1


def test_the_page_works_on_a_phone(browser, web_url, shots):
    page = open_page(browser, web_url, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page.screenshot(path=shots / "08-phone-start.png", full_page=True)
        send(page, CRISIS_EN)
        assert page.locator("#crisis").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        page.screenshot(path=shots / "09-phone-crisis.png")
        page.screenshot(path=shots / "10-phone-full.png", full_page=True)
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_crisis_lines_stay_on_screen_as_the_chat_goes_on(browser, web_url, shots, viewport):
    phone = viewport is PHONE
    page = open_page(browser, web_url, viewport=viewport, is_mobile=phone, has_touch=phone)
    name = "phone" if phone else "desktop"
    try:
        send(page, CRISIS_EN)
        send(page, "I don't know what to do.")
        send(page, "Everyone is asleep here.")
        scroll_to_bottom(page)
        page.screenshot(path=shots / f"11-{name}-crisis-bottom.png")
        assert on_screen(page.locator("#crisis-panel").bounding_box(), viewport)
        assert text_readable(page, "#crisis", "988")
        box = page.locator("#message")
        box.scroll_into_view_if_needed()  # back to the message box, as before typing
        page.screenshot(path=shots / f"12-{name}-crisis-typing.png")
        assert on_screen(box.bounding_box(), viewport)
        assert not overlap(page.locator("#crisis-panel").bounding_box(), box.bounding_box())
        assert text_readable(page, "#crisis", "988")
    finally:
        page.context.close()


def test_on_a_phone_the_whole_crisis_message_folds_out_above_the_message_box(browser, web_url, shots):
    page = open_page(browser, web_url, viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    try:
        send(page, CRISIS_ZH)  # Chinese: the most lines to call
        send(page, "谢谢你。")
        page.locator("#crisis summary").click()
        whole = page.locator("#crisis .carellm-crisis-text")
        whole.hover()
        page.mouse.wheel(0, 2000)  # read on to its end, inside the panel
        wait_readable(page, "#crisis .carellm-crisis-text", "身边有人陪着你吗")
        box = page.locator("#message")
        box.scroll_into_view_if_needed()
        page.screenshot(path=shots / "13-phone-crisis-open.png")
        panel = page.locator("#crisis-panel").bounding_box()
        assert panel["height"] <= PHONE["height"] / 2
        assert on_screen(panel, PHONE) and on_screen(box.bounding_box(), PHONE)
        assert not overlap(panel, box.bounding_box())
        assert text_readable(page, "#crisis .carellm-crisis-lines", "12356")
    finally:
        page.context.close()
