"""The Gradio page, assembled: the layout (`layout`), the handlers (`handlers`) and the wiring
between them (`wire_events`). Every decision is made by `WebConversation` and the counseling
session behind it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from carellm.config import Settings
from carellm.counseling.counselor import Counselor
from carellm.counseling.hooks import TurnRecorder
from carellm.web.feedback import FeedbackSink, JsonlFeedbackSink, takes_corrections
from carellm.web.handlers import PageHandlers
from carellm.web.layout import Page, PageTraits, build_page, labelled
from carellm.web.settings import WebSettings


def default_feedback_sink(settings: Settings, web: WebSettings) -> FeedbackSink:
    return JsonlFeedbackSink(web.feedback_file or settings.data_dir / "feedback" / "web.jsonl")


def build_app(
    counselor: Counselor,
    settings: Settings | None = None,
    web: WebSettings | None = None,
    *,
    feedback: FeedbackSink | None = None,
    gpu: Callable[[Callable], Callable] | None = None,
    recorder: TurnRecorder | None = None,
) -> gr.Blocks:
    """The whole page for `counselor`. `gpu` wraps the turn handler (the Spaces GPU decorator);
    `recorder` (the session store) receives every turn."""
    from carellm.dev.tiny_model import is_tiny_model

    settings = settings or counselor.settings
    web = web or WebSettings()
    fixed_lang = None if web.ui_lang == "auto" else web.ui_lang
    sink = feedback or default_feedback_sink(settings, web)
    traits = PageTraits(
        tiny=is_tiny_model(settings.model),
        can_speak=bool(counselor.backend.can_speak),
        voice=settings.voice,
        can_correct=takes_corrections(sink),
    )
    cache = (web.cache_sweep_s, web.cache_max_age_s)  # private files must not pile up in Gradio's cache
    with gr.Blocks(title="CareLLM", analytics_enabled=False, delete_cache=cache) as demo:
        page = build_page(fixed_lang or "en", traits)
        handlers = PageHandlers(page, counselor, settings, sink, fixed_lang=fixed_lang, recorder=recorder)
        wire_events(demo, page, handlers, gpu)
    return demo


def wire_events(
    demo: gr.Blocks, page: Page, handlers: PageHandlers, gpu: Callable[[Callable], Callable] | None = None
) -> None:
    """Which handler runs on which event, what it reads and what it may update. Handlers return
    updates keyed by component, so an output list here is the set a handler may touch, in any order."""
    p = page
    demo.load(handlers.on_load, None, [p.lang, *labelled(p), p.emotion], queue=False)
    p.ack_check.change(
        lambda ticked: gr.update(interactive=bool(ticked)), p.ack_check, p.ack_btn, queue=False
    )
    p.speak.change(lambda ticked: gr.update(visible=bool(ticked)), p.speak, p.reply_voice, queue=False)
    p.ack_btn.click(handlers.on_ack, [p.conv, p.ack_check, p.lang], [p.conv, p.gate, p.main, p.status])
    turn_shows = [p.conv, p.chatbot, p.box, p.status, *p.side, p.webcam_image, p.webcam_video]
    p.box.submit(
        gpu(handlers.on_send) if gpu else handlers.on_send,
        [p.conv, p.box, p.webcam_image, p.webcam_video, p.video_audio, p.speak, p.voice, p.lang],
        [*turn_shows, p.reply_voice, p.progress],
        concurrency_limit=1,
    )
    p.chatbot.like(handlers.on_like, [p.conv, p.lang], [p.conv, p.comment_row, p.correction_row, p.status])
    commented = [p.conv, p.comment, p.comment_row, p.status]
    p.comment_btn.click(handlers.on_comment, [p.conv, p.comment, p.lang], commented)
    p.comment.submit(handlers.on_comment, [p.conv, p.comment, p.lang], commented)
    corrected = [p.conv, p.correction, p.correction_row, p.status]
    p.correction_btn.click(handlers.on_correct, [p.conv, p.correction, p.lang], corrected)
    p.regen_btn.click(
        gpu(handlers.on_regenerate) if gpu else handlers.on_regenerate,
        [p.conv, p.speak, p.voice, p.lang],
        [*turn_shows, p.reply_voice, p.progress, p.comment_row, p.correction_row],
        concurrency_limit=1,
    )
    renewed = [p.conv, p.chatbot, p.status, p.comment_row, p.correction_row, *p.side]
    p.new_btn.click(handlers.on_new, [p.conv, p.lang], renewed)
    p.chatbot.clear(handlers.on_new, [p.conv, p.lang], renewed)
    p.lang_radio.change(handlers.on_lang, [p.conv, p.lang_radio], [p.lang, *labelled(p), *p.side])


def launch(app: gr.Blocks, web: WebSettings, **kwargs: Any) -> Any:
    """Start the page with the project's theme and CSS and the configured address and login."""
    from carellm.web.style import CSS, theme

    options: dict[str, Any] = {
        "server_name": web.host,
        "server_port": web.port,
        "auth": web.credentials(),
        "css": CSS,
        "theme": theme(),
        "footer_links": [],
        "show_error": False,
        "quiet": True,
    }
    options.update(kwargs)
    return app.queue(default_concurrency_limit=1).launch(**options)
