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


def send(page, text: str = "", *files: Path) -> None:
    """Type (and attach), press Enter, and wait until the turn is over (a reply or an error).

    Over means: the box is usable again and either the user's message joined the chat (it is
    shown only with its reply, or while the reply streams with the box disabled) or an error showed.
    """
    users = page.locator(USER).count()
    errors = page.locator("#status .carellm-error").count()
    if files:
        attach(page, *files)
    page.locator("#message textarea").fill(text)
    page.locator("#message textarea").press("Enter")
    page.wait_for_function(
        """([user, n, e]) => {
            const box = document.querySelector('#message textarea');
            const sent = document.querySelectorAll(user).length > n;
            const failed = document.querySelectorAll('#status .carellm-error').length > e;
            return box && !box.disabled && (sent || failed);
        }""",
        arg=[USER, users, errors],
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
