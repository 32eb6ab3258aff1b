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
