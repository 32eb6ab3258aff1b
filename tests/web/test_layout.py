"""How the page is laid out in a real Chromium, on a phone (390×844) and a desktop (1280×900):
what the first screen shows, where the crisis panel sits, and which fonts draw the text.

Every assertion reads the DOM (bounding boxes, computed styles, the fonts Chromium used);
the screenshots go to the test's tmp dir to look at.
"""

from __future__ import annotations

import pytest

from tests.web.pages import DESKTOP, PHONE, on_screen, open_page, overlap, scroll_to_bottom, send

pytestmark = pytest.mark.slow
CRISIS_EN = "I want to end my life. I have pills ready and I will do it tonight."
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])

# Elements that reach past the right edge of the window (the page would scroll sideways).
TOO_WIDE = """() => [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > innerWidth + 1 && getComputedStyle(e).visibility !== 'hidden';
}).map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`)"""


def open_at(browser, url, viewport, **kwargs):
    phone = viewport is PHONE
    return open_page(browser, url, viewport=viewport, is_mobile=phone, has_touch=phone, **kwargs)


def box(page, selector: str) -> dict:
    return page.locator(selector).bounding_box()


def lines_of(page, selector: str) -> float:
    """How many lines of text `selector` takes: its height over its line height."""
    return page.evaluate(
        "s => { const e = document.querySelector(s);"
        " return e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight); }",
        selector,
    )


def top_of_page(page) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function("window.scrollY === 0")


def name(viewport: dict) -> str:
    return "phone" if viewport is PHONE else "desktop"


@VIEWPORTS
def test_the_first_screen_shows_the_banner_the_conversation_and_the_message_box(
    browser, web_url, tmp_path, viewport
):
    page = open_at(browser, web_url, viewport)
    try:
        top_of_page(page)
        page.screenshot(path=tmp_path / f"web_{name(viewport)}.png")
        assert lines_of(page, "#header h1") < 1.5  # "CareLLM" on one line
        for part in ("#header", "#lang", "#notice", "#chat", "#message"):
            assert on_screen(box(page, part), viewport), part
        assert "Research prototype" in page.locator("#notice").inner_text()
        assert page.evaluate(TOO_WIDE) == []
    finally:
        page.context.close()


def test_on_a_phone_the_language_picker_sits_beside_the_title(browser, web_url):
    page = open_at(browser, web_url, PHONE)
    try:
        title, picker = box(page, "#header h1"), box(page, "#lang")
        assert picker["height"] <= 2 * title["height"]
        assert picker["y"] < title["y"] + title["height"]  # on the title's line, not below it
        assert not overlap(picker, page.locator("#header h1").evaluate(_TEXT_BOX))
    finally:
        page.context.close()


# The box of an element's text itself (the h1 block spans the whole width).
_TEXT_BOX = """e => { const r = document.createRange(); r.selectNodeContents(e);
    const b = r.getBoundingClientRect(); return {x: b.x, y: b.y, width: b.width, height: b.height}; }"""


@VIEWPORTS
def test_nothing_empty_leaves_a_gap_between_the_banner_and_the_conversation(browser, web_url, viewport):
    page = open_at(browser, web_url, viewport)
    try:
        top_of_page(page)
        gap = box(page, "#chat")["y"] - (box(page, "#notice")["y"] + box(page, "#notice")["height"])
        assert gap <= 24  # one gap between blocks (16 px), no empty panel in between
        chat, message = box(page, "#chat"), box(page, "#message")
        assert message["y"] - (chat["y"] + chat["height"]) <= 24
    finally:
        page.context.close()


@VIEWPORTS
def test_the_crisis_panel_sits_above_the_conversation_without_covering_it(
    browser, web_url, tmp_path, viewport
):
    page = open_at(browser, web_url, viewport)
    try:
        send(page, CRISIS_EN)
        send(page, "I don't know what to do.")
        top_of_page(page)
        page.screenshot(path=tmp_path / f"{name(viewport)}-crisis-top.png")
        panel, chat = box(page, "#crisis-panel"), box(page, "#chat")
        assert panel["y"] + panel["height"] <= chat["y"]  # above the conversation
        assert not overlap(panel, chat)
        scroll_to_bottom(page)
        page.locator("#message").scroll_into_view_if_needed()  # back to the message box, to type
        page.screenshot(path=tmp_path / f"{name(viewport)}-crisis-typing.png")
        panel, chat, message = box(page, "#crisis-panel"), box(page, "#chat"), box(page, "#message")
        assert on_screen(panel, viewport) and on_screen(chat, viewport) and on_screen(message, viewport)
        assert not overlap(panel, chat) and not overlap(panel, message)
        page.locator("#crisis summary").click()  # the whole message folds out: the panel grows
        page.wait_for_timeout(300)
        page.locator("#message").scroll_into_view_if_needed()
        page.screenshot(path=tmp_path / f"{name(viewport)}-crisis-open.png")
        panel, chat = box(page, "#crisis-panel"), box(page, "#chat")
        assert on_screen(panel, viewport) and on_screen(box(page, "#message"), viewport)
        assert not overlap(panel, chat)
        scroll_to_bottom(page)  # down to the emotion panel and the downloads: the lines still show
        page.screenshot(path=tmp_path / f"{name(viewport)}-crisis-bottom.png")
        assert on_screen(box(page, "#crisis-panel"), viewport)
    finally:
        page.context.close()


# The fonts Chromium drew an element's text with (DevTools' "Rendered fonts").
def rendered_fonts(page, selector: str) -> list[dict]:
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        cdp.send("CSS.enable")
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()


def test_bold_and_plain_text_are_drawn_in_the_pages_own_font(browser, web_url):
    """Gradio's semi-bold Source Sans file holds only "A" and "B": bold text was drawn in the
    system font except those letters ("Before", "RANDOM")."""
    page = open_at(browser, web_url, DESKTOP, acknowledge=False)
    try:
        page.evaluate("document.fonts.ready")
        for part in ("#header h1", "#header p", "#notice", "#disclaimer h2", "#disclaimer p", "#ack-button"):
            fonts = rendered_fonts(page, part)
            assert all(f["isCustomFont"] for f in fonts), (part, fonts)  # never the system's fallback
        bold = rendered_fonts(page, "#notice strong")
        assert len(bold) == 1 and bold[0]["isCustomFont"], bold  # one font draws all of "RANDOM"
    finally:
        page.context.close()
