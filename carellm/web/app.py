"""The Gradio page: layout and event wiring only. Every decision is made by `WebConversation`
and the counseling session behind it; this module turns their results into component updates."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from carellm.config import VOICES, Settings
from carellm.counseling.counselor import Counselor
from carellm.counseling.events import TurnOptions
from carellm.errors import CareLLMError
from carellm.media import to_wav_bytes
from carellm.web import views
from carellm.web.conversation import WebConversation
from carellm.web.feedback import FeedbackSink, JsonlFeedbackSink
from carellm.web.settings import WebSettings
from carellm.web.strings import t, ui_lang_from_header

log = logging.getLogger(__name__)


def default_feedback_sink(settings: Settings, web: WebSettings) -> FeedbackSink:
    return JsonlFeedbackSink(web.feedback_file or settings.data_dir / "feedback" / "web.jsonl")


def build_app(
    counselor: Counselor,
    settings: Settings | None = None,
    web: WebSettings | None = None,
    *,
    feedback: FeedbackSink | None = None,
    gpu: Callable[[Callable], Callable] | None = None,
    recorder=None,
) -> gr.Blocks:
    """The whole page for `counselor`. `gpu` wraps the turn handler (the Spaces GPU decorator);
    `recorder` (the session store) receives every turn."""
    settings = settings or counselor.settings
    web = web or WebSettings()
    sink = feedback or default_feedback_sink(settings, web)
    fixed_lang = None if web.ui_lang == "auto" else web.ui_lang
    start_lang = fixed_lang or "en"
    from carellm.dev.tiny_model import is_tiny_model

    tiny = is_tiny_model(settings.model)
    can_speak = bool(counselor.backend.can_speak)

    def new_conversation(request: gr.Request | None) -> WebConversation:
        return WebConversation(
            counselor, sink, lang=None, locale=settings.locale or _locale(request), recorder=recorder
        )

    cache = (web.cache_sweep_s, web.cache_max_age_s)  # private files must not pile up in Gradio's cache
    with gr.Blocks(title="CareLLM", analytics_enabled=False, delete_cache=cache) as demo:
        conv = gr.State(None, delete_callback=lambda c: c.close() if c else None)
        lang = gr.State(start_lang)

        with gr.Row(elem_id="topbar", equal_height=True):
            header = gr.Markdown(_header(start_lang), elem_id="header")
            lang_radio = gr.Radio(
                [("中文", "zh"), ("English", "en")], value=start_lang, label=t(start_lang, "language"),
                elem_id="lang", scale=0, min_width=240,
            )  # fmt: skip
        notice = gr.HTML(views.notice_html(start_lang, tiny), elem_id="notice")
        crisis = gr.HTML("", elem_id="crisis-panel")

        with gr.Column(elem_id="gate") as gate:
            disclaimer = gr.HTML(views.disclaimer_html(start_lang), elem_id="disclaimer")
            ack_check = gr.Checkbox(False, label=t(start_lang, "ack_check"), elem_id="ack-check")
            ack_btn = gr.Button(
                t(start_lang, "ack_button"), variant="primary", interactive=False, elem_id="ack-button"
            )

        with gr.Row(visible=False, elem_id="main") as main:
            with gr.Column(scale=3, min_width=300):
                chatbot = gr.Chatbot(
                    label=t(start_lang, "chat"), elem_id="chat", height=460,
                    feedback_options=("Like", "Dislike"), buttons=["copy"],
                )  # fmt: skip
                status = gr.HTML("", elem_id="status")
                # How many of this tab's turns have ended (reply or error): a signal for assistive
                # tech (aria-busy) and for the browser tests; hidden by CSS.
                progress = gr.HTML(_progress(0, False), elem_id="turn-state")
                box = gr.MultimodalTextbox(
                    placeholder=t(start_lang, "placeholder"), show_label=False, elem_id="message",
                    sources=["upload", "microphone"], file_count="multiple",
                    file_types=["audio", "image", "video"],
                )  # fmt: skip
                with gr.Row(visible=False, elem_id="comment-row") as comment_row:
                    comment = gr.Textbox(
                        label=t(start_lang, "feedback_prompt"),
                        placeholder=t(start_lang, "feedback_placeholder"),
                        elem_id="comment",
                        scale=4,
                    )
                    comment_btn = gr.Button(t(start_lang, "feedback_send"), elem_id="comment-send", scale=1)
                with gr.Row(equal_height=True):
                    speak = gr.Checkbox(
                        False, label=t(start_lang, "speak" if can_speak else "speak_unavailable"),
                        interactive=can_speak, elem_id="speak",
                    )  # fmt: skip
                    voice = gr.Radio(
                        list(VOICES), value=settings.voice, label=t(start_lang, "voice"), elem_id="voice"
                    )
                    new_btn = gr.Button(t(start_lang, "new_session"), elem_id="new-session")
                # The spoken reply as it is made: it starts with the first sentence while the rest
                # is still being written. Shown while "speak" is ticked; the whole reply's wav also
                # lands in the chat at the end of the turn.
                reply_voice = gr.Audio(
                    label=t(start_lang, "reply_voice"), streaming=True, autoplay=True, interactive=False,
                    visible=False, buttons=[], elem_id="reply-voice",
                )  # fmt: skip
                with gr.Accordion(t(start_lang, "camera"), open=False, elem_id="camera") as camera:
                    webcam_image = gr.Image(
                        sources=["webcam", "upload"], type="filepath", label=t(start_lang, "webcam_image"),
                        elem_id="webcam-image",
                    )  # fmt: skip
                    webcam_video = gr.Video(
                        sources=["webcam", "upload"],
                        label=t(start_lang, "webcam_video"),
                        elem_id="webcam-video",
                    )
                    video_audio = gr.Checkbox(
                        False, label=t(start_lang, "video_audio"), elem_id="video-audio"
                    )
            with gr.Column(scale=2, min_width=280, elem_id="side"):
                emotion_title = gr.Markdown(f"### {t(start_lang, 'emotion_title')}")
                emotion = gr.HTML(views.emotion_html(start_lang, None, None), elem_id="emotion")
                plot = gr.Image(
                    None, type="filepath", label=t(start_lang, "plot"), interactive=False, elem_id="plot",
                    buttons=[],
                )  # fmt: skip
                report_btn = gr.DownloadButton(
                    t(start_lang, "download_report"), interactive=False, elem_id="download-report"
                )
                transcript_btn = gr.DownloadButton(
                    t(start_lang, "download_transcript"), interactive=False, elem_id="download-transcript"
                )

        # ------------------------------------------------------------------ helpers
        def ensure(c: WebConversation | None, request: gr.Request | None) -> WebConversation:
            return c if c is not None else new_conversation(request)

        def side_panels(c: WebConversation, ui: str) -> list[Any]:
            report, transcript = c.export_report(ui), c.export_transcript()
            return [
                views.crisis_html(ui, c.crisis_text(ui), c.crisis_lines(ui)),
                views.emotion_html(ui, c.last_emotion, c.trajectory(), enabled=c.tracker is not None),
                c.plot(ui),
                gr.update(value=report, interactive=report is not None),
                gr.update(value=transcript, interactive=transcript is not None),
            ]

        # ------------------------------------------------------------------ events
        def on_load(request: gr.Request):
            ui = fixed_lang or ui_lang_from_header(_header_value(request, "accept-language"))
            return [ui, *relabel(ui), views.emotion_html(ui, None, None)]

        def on_ack(c, checked, ui, request: gr.Request):
            if not checked:
                return c, gr.update(), gr.update(), views.info_html(t(ui, "ack_needed"))
            c = ensure(c, request)
            c.acknowledge()
            return c, gr.update(visible=False), gr.update(visible=True), ""

        def on_send(
            c, message, image, video, with_audio, talk, who, ui, request: gr.Request
        ) -> Iterator[list]:
            c = ensure(c, request)
            message = message or {}
            text, files = message.get("text") or "", list(message.get("files") or [])
            before = list(c.messages)
            unchanged = [gr.update()] * 7  # side panels and camera inputs, while a turn runs or fails
            try:
                options = TurnOptions(speak=bool(talk) and can_speak, voice=who if who in VOICES else None)
                turn = c.stream(text, files, image, video, bool(with_audio), options)
                heard: Any = gr.update(value=None)  # the last turn's voice goes when this one starts
                for update in turn:
                    pending = _pending_view(before, text, files, image, video, update.text)
                    if update.reply is None:
                        if update.audio is not None:  # the streaming player appends each piece
                            heard = to_wav_bytes(update.audio, update.sample_rate)
                        busy = _progress(c.ended_turns, True)
                        yield [c, pending, gr.update(interactive=False), "", *unchanged, heard, busy]
                        heard = gr.update()
                c.ended_turns += 1
                box_ready = gr.MultimodalTextbox(value=None, interactive=True)
                yield [c, c.messages, box_ready, "", *side_panels(c, ui), None, None, gr.update(),
                       _progress(c.ended_turns, False)]  # fmt: skip
            except Exception as exc:  # the page must survive anything; the turn left no trace
                if not isinstance(exc, CareLLMError):
                    log.exception("web turn failed (%s)", type(exc).__name__)
                c.ended_turns += 1
                yield [c, before, gr.update(value=message, interactive=True), views.error_html(ui, exc),
                       *unchanged, gr.update(), _progress(c.ended_turns, False)]  # fmt: skip

        turn_handler = gpu(on_send) if gpu else on_send

        def on_like(c, ui, data: gr.LikeData, request: gr.Request):
            c = ensure(c, request)
            rating = 1 if data.liked is True else -1 if data.liked is False else 0
            index = data.index if isinstance(data.index, int) else data.index[0]
            try:
                c.rate(index, rating)
            except CareLLMError as exc:
                return c, gr.update(visible=False), views.error_html(ui, exc)
            return c, gr.update(visible=rating != 0), views.info_html(t(ui, "feedback_thanks"))

        def on_comment(c, text, ui, request: gr.Request):
            c = ensure(c, request)
            try:
                c.comment(text)
            except CareLLMError as exc:
                return c, gr.update(), gr.update(), views.error_html(ui, exc)
            return c, "", gr.update(visible=False), views.info_html(t(ui, "feedback_thanks"))

        def on_new(c, ui, request: gr.Request):
            c = ensure(c, request)
            c.new_session()
            return [c, [], views.info_html(t(ui, "new_session_done")), gr.update(visible=False),
                    *side_panels(c, ui)]  # fmt: skip

        def on_lang(c, ui):
            panels = side_panels(c, ui) if c is not None else [gr.update()] * 5
            return [ui, *relabel(ui), *panels]

        labelled = [
            header, lang_radio, notice, disclaimer, ack_check, ack_btn, chatbot, box, comment, comment_btn,
            speak, voice, new_btn, reply_voice, camera, webcam_image, webcam_video, video_audio,
            emotion_title, plot, report_btn, transcript_btn,
        ]  # fmt: skip

        def relabel(ui: str) -> list[Any]:
            return [
                _header(ui),
                gr.update(label=t(ui, "language"), value=ui),
                views.notice_html(ui, tiny),
                views.disclaimer_html(ui),
                gr.update(label=t(ui, "ack_check")),
                gr.update(value=t(ui, "ack_button")),
                gr.update(label=t(ui, "chat")),
                gr.update(placeholder=t(ui, "placeholder")),
                gr.update(label=t(ui, "feedback_prompt"), placeholder=t(ui, "feedback_placeholder")),
                gr.update(value=t(ui, "feedback_send")),
                gr.update(label=t(ui, "speak" if can_speak else "speak_unavailable")),
                gr.update(label=t(ui, "voice")),
                gr.update(value=t(ui, "new_session")),
                gr.update(label=t(ui, "reply_voice")),
                gr.update(label=t(ui, "camera")),
                gr.update(label=t(ui, "webcam_image")),
                gr.update(label=t(ui, "webcam_video")),
                gr.update(label=t(ui, "video_audio")),
                f"### {t(ui, 'emotion_title')}",
                gr.update(label=t(ui, "plot")),
                gr.update(label=t(ui, "download_report")),
                gr.update(label=t(ui, "download_transcript")),
            ]

        side = [crisis, emotion, plot, report_btn, transcript_btn]
        demo.load(on_load, None, [lang, *labelled, emotion], queue=False)
        ack_check.change(lambda ticked: gr.update(interactive=bool(ticked)), ack_check, ack_btn, queue=False)
        speak.change(lambda ticked: gr.update(visible=bool(ticked)), speak, reply_voice, queue=False)
        ack_btn.click(on_ack, [conv, ack_check, lang], [conv, gate, main, status])
        box.submit(
            turn_handler,
            [conv, box, webcam_image, webcam_video, video_audio, speak, voice, lang],
            [conv, chatbot, box, status, *side, webcam_image, webcam_video, reply_voice, progress],
            concurrency_limit=1,
        )
        chatbot.like(on_like, [conv, lang], [conv, comment_row, status])
        comment_btn.click(on_comment, [conv, comment, lang], [conv, comment, comment_row, status])
        comment.submit(on_comment, [conv, comment, lang], [conv, comment, comment_row, status])
        new_btn.click(on_new, [conv, lang], [conv, chatbot, status, comment_row, *side])
        chatbot.clear(on_new, [conv, lang], [conv, chatbot, status, comment_row, *side])
        lang_radio.change(on_lang, [conv, lang_radio], [lang, *labelled, *side])
    return demo


def _progress(ended: int, busy: bool) -> str:
    return f"<span data-ended='{ended}' aria-busy='{str(busy).lower()}'></span>"


def _header(lang: str) -> str:
    return f"# {t(lang, 'title')}\n{t(lang, 'subtitle')}"


def _header_value(request: gr.Request | None, name: str) -> str | None:
    headers = getattr(request, "headers", None)
    return headers.get(name) if headers is not None else None


def _locale(request: gr.Request | None) -> str | None:
    """The browser's preferred region for crisis lines (a hint; Settings.locale overrides it)."""
    from carellm.web.locale import locale_from_accept_language

    return locale_from_accept_language(_header_value(request, "accept-language"))


def _pending_view(
    before: list[dict], text: str, files: list[str], image: str | None, video: str | None, reply: str
) -> list[dict]:
    """The chat while a reply streams: history, the user's message, the reply so far."""
    shown: list[Any] = [{"path": p} for p in [*files, image, video] if p]
    if text.strip():
        shown.append(text.strip())
    user = shown if len(shown) > 1 else (shown[0] if shown else "")
    return [*before, {"role": "user", "content": user}, {"role": "assistant", "content": reply or "…"}]


def launch(app: gr.Blocks, web: WebSettings, **kwargs: Any) -> Any:
    """Start the page with the project's CSS and the configured address and login."""
    from carellm.web.views import CSS

    options: dict[str, Any] = {
        "server_name": web.host,
        "server_port": web.port,
        "auth": web.credentials(),
        "css": CSS,
        "footer_links": [],
        "show_error": False,
        "quiet": True,
    }
    options.update(kwargs)
    return app.queue(default_concurrency_limit=1).launch(**options)
