"""What a person does on the page, as functions the browser tests share."""

from __future__ import annotations

from pathlib import Path

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BOT = "#chat [data-testid=bot]"
USER = "#chat [data-testid=user]"


def bot_count(page) -> int:
    return page.locator(BOT).count()


def attach(page, *files: Path) -> None:
    """Upload files into the message box and wait until the page shows them."""
    page.locator("#message input[type=file]").set_input_files([str(f) for f in files])
    page.wait_for_function(
        "n => document.querySelectorAll('#message .thumbnail-item, #message .thumbnail-file').length >= n",
        arg=len(files),
    )


def send(page, text: str = "", *files: Path, timeout_ms: int = 30_000) -> None:
    """Type (and attach), press Enter, and wait until the turn is over (a reply or an error).

    The page counts the tab's ended turns in #turn-state (reply or error); wait for it to move.
    """
    ended = int(page.locator("#turn-state span").get_attribute("data-ended"))
    if files:
        attach(page, *files)
    page.locator("#message textarea").fill(text)
    page.locator("#message textarea").press("Enter")
    page.wait_for_function(
        "n => Number(document.querySelector('#turn-state span').dataset.ended) > n",
        arg=ended,
        timeout=timeout_ms,
    )
    page.wait_for_timeout(300)  # let the side panels' update land


def last_reply(page) -> str:
    return page.locator(BOT).last.inner_text()


def open_page(browser, url: str, viewport: dict = DESKTOP, acknowledge: bool = True, **context):
    ctx = browser.new_context(viewport=viewport, accept_downloads=True, **context)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.locator("#ack-button").wait_for()
    if acknowledge:
        page.locator("#ack-check input[type=checkbox]").check()
        page.locator("#ack-button").click()
        page.locator("#message textarea").wait_for()
    return page


def scroll_to_bottom(page) -> None:
    page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")


def on_screen(box: dict, viewport: dict) -> bool:
    """Whether a bounding box lies wholly inside the viewport (give or take a pixel of rounding)."""
    right, bottom = box["x"] + box["width"], box["y"] + box["height"]
    inside = right <= viewport["width"] + 1 and bottom <= viewport["height"] + 1
    return min(box["x"], box["y"]) >= -1 and inside


def overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
    )  # fmt: skip


# Whether `text` inside `selector` is on screen and uncovered: inside the viewport, not collapsed
# or scrolled out of its box, and the topmost thing where it is drawn.
_READABLE = """([selector, needle]) => {
    const root = document.querySelector(selector);
    if (!root) return false;
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walk.nextNode(); node; node = walk.nextNode()) {
        const at = node.data.indexOf(needle);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + needle.length);
        const r = range.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        if (!r.width || x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
        const hit = document.elementFromPoint(x, y);
        if (hit && node.parentElement.contains(hit)) return true;
    }
    return false;
}"""


def text_readable(page, selector: str, text: str) -> bool:
    return page.evaluate(_READABLE, [selector, text])


def wait_readable(page, selector: str, text: str) -> None:
    """Wait until `text` is readable (for a scroll the browser finishes on its own time)."""
    page.wait_for_function(_READABLE, arg=[selector, text])
