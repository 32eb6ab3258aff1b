"""The page's components: laid out once by `build_page`, each one a named field of `Page`, and
relabelled together by `labels` when the visitor switches language.

Handlers address components by these names (`page.chatbot`), never by their position in a list,
so adding a component or an update cannot shift another one onto the wrong widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr
from gradio.blocks import Block

from carellm.config import VOICES
from carellm.web import views
from carellm.web.strings import t

Updates = dict[Block, Any]  # what a handler changes, keyed by the component; the rest stay as they are


@dataclass(frozen=True)
class PageTraits:
    """What the page shows that depends on the setup, not on the visitor."""

    tiny: bool  # the model is a tiny random checkpoint: the notice says its replies are noise
    can_speak: bool  # the backend makes speech: "spoken reply" can be ticked
    voice: str  # the voice chosen when the page opens
    can_correct: bool = False  # ratings go to the session store: a reviewer may write the better reply


@dataclass(frozen=True, eq=False)
class Page:
    """Every component a handler reads or updates."""

    traits: PageTraits
    conv: gr.State  # this tab's WebConversation, made on its first event
    lang: gr.State  # the page's language, zh or en
    header: gr.Markdown
    lang_radio: gr.Radio
    notice: gr.HTML
    crisis: gr.HTML
    gate: gr.Column  # the disclaimer to acknowledge; hidden once acknowledged
    disclaimer: gr.HTML
    ack_check: gr.Checkbox
    ack_btn: gr.Button
    main: gr.Row  # the chat and side panels; shown once acknowledged
    chatbot: gr.Chatbot
    status: gr.HTML
    progress: gr.HTML
    box: gr.MultimodalTextbox
    comment_row: gr.Row
    comment: gr.Textbox
    comment_btn: gr.Button
    correction_row: gr.Row  # shown after a thumbs-down when the page keeps a session store
    correction: gr.Textbox
    correction_btn: gr.Button
    regen_btn: gr.Button
    speak: gr.Checkbox
    voice: gr.Radio
    new_btn: gr.Button
    reply_voice: gr.Audio
    camera: gr.Accordion
    webcam_image: gr.Image
    webcam_video: gr.Video
    video_audio: gr.Checkbox
    emotion_title: gr.Markdown
    emotion: gr.HTML
    plot: gr.Image
    report_btn: gr.DownloadButton
    transcript_btn: gr.DownloadButton

    @property
    def side(self) -> list[Block]:
        """The panels that follow the conversation (see `handlers.side_panels`)."""
        return [self.crisis, self.emotion, self.plot, self.report_btn, self.transcript_btn]


def build_page(lang: str, traits: PageTraits) -> Page:
    """Lay out the page in `lang` inside the current `gr.Blocks`."""
    conv = gr.State(None, delete_callback=lambda c: c.close() if c else None)
    lang_state = gr.State(lang)

    with gr.Row(elem_id="topbar", equal_height=True):
        header = gr.Markdown(header_text(lang), elem_id="header")
        lang_radio = gr.Radio(
            [("中文", "zh"), ("English", "en")], value=lang, label=t(lang, "language"),
            elem_id="lang", scale=0, min_width=240,
        )  # fmt: skip
    notice = gr.HTML(views.notice_html(lang, traits.tiny), elem_id="notice")
    crisis = gr.HTML("", elem_id="crisis-panel")

    with gr.Column(elem_id="gate") as gate:
        disclaimer = gr.HTML(views.disclaimer_html(lang), elem_id="disclaimer")
        ack_check = gr.Checkbox(False, label=t(lang, "ack_check"), elem_id="ack-check")
        ack_btn = gr.Button(t(lang, "ack_button"), variant="primary", interactive=False, elem_id="ack-button")

    with gr.Row(visible=False, elem_id="main") as main:
        with gr.Column(scale=3, min_width=300):
            chatbot = gr.Chatbot(
                label=t(lang, "chat"), elem_id="chat", height=460,
                feedback_options=("Like", "Dislike"), buttons=["copy"],
            )  # fmt: skip
            status = gr.HTML("", elem_id="status")
            # How many of this tab's turns have ended (reply or error): a signal for assistive
            # tech (aria-busy) and for the browser tests; hidden by CSS.
            progress = gr.HTML(progress_html(0, False), elem_id="turn-state")
            box = gr.MultimodalTextbox(
                placeholder=t(lang, "placeholder"), show_label=False, elem_id="message",
                sources=["upload", "microphone"], file_count="multiple",
                file_types=["audio", "image", "video"],
            )  # fmt: skip
            with gr.Row(visible=False, elem_id="comment-row") as comment_row:
                comment = gr.Textbox(
                    label=t(lang, "feedback_prompt"), placeholder=t(lang, "feedback_placeholder"),
                    elem_id="comment", scale=4,
                )  # fmt: skip
                comment_btn = gr.Button(t(lang, "feedback_send"), elem_id="comment-send", scale=1)
            with gr.Row(visible=False, elem_id="correction-row") as correction_row:
                correction = gr.Textbox(
                    label=t(lang, "correction_prompt"), placeholder=t(lang, "correction_placeholder"),
                    elem_id="correction", lines=2, scale=4,
                )  # fmt: skip
                correction_btn = gr.Button(t(lang, "correction_send"), elem_id="correction-send", scale=1)
            with gr.Row(equal_height=True):
                speak = gr.Checkbox(
                    False, label=t(lang, speak_label(traits)), interactive=traits.can_speak, elem_id="speak"
                )
                voice = gr.Radio(list(VOICES), value=traits.voice, label=t(lang, "voice"), elem_id="voice")
                regen_btn = gr.Button(t(lang, "regenerate"), elem_id="regenerate")
                new_btn = gr.Button(t(lang, "new_session"), elem_id="new-session")
            # The spoken reply as it is made: it starts with the first sentence while the rest
            # is still being written. Shown while "speak" is ticked; the whole reply's wav also
            # lands in the chat at the end of the turn.
            reply_voice = gr.Audio(
                label=t(lang, "reply_voice"), streaming=True, autoplay=True, interactive=False,
                visible=False, buttons=[], elem_id="reply-voice",
            )  # fmt: skip
            with gr.Accordion(t(lang, "camera"), open=False, elem_id="camera") as camera:
                webcam_image = gr.Image(
                    sources=["webcam", "upload"], type="filepath", label=t(lang, "webcam_image"),
                    elem_id="webcam-image",
                )  # fmt: skip
                webcam_video = gr.Video(
                    sources=["webcam", "upload"], label=t(lang, "webcam_video"), elem_id="webcam-video"
                )
                video_audio = gr.Checkbox(False, label=t(lang, "video_audio"), elem_id="video-audio")
        with gr.Column(scale=2, min_width=280, elem_id="side"):
            emotion_title = gr.Markdown(emotion_title_text(lang))
            emotion = gr.HTML(views.emotion_html(lang, None, None), elem_id="emotion")
            plot = gr.Image(
                None, type="filepath", label=t(lang, "plot"), interactive=False, elem_id="plot", buttons=[]
            )
            report_btn = gr.DownloadButton(
                t(lang, "download_report"), interactive=False, elem_id="download-report"
            )
            transcript_btn = gr.DownloadButton(
                t(lang, "download_transcript"), interactive=False, elem_id="download-transcript"
            )

    return Page(
        traits=traits, conv=conv, lang=lang_state, header=header, lang_radio=lang_radio,
        notice=notice, crisis=crisis, gate=gate, disclaimer=disclaimer, ack_check=ack_check,
        ack_btn=ack_btn, main=main, chatbot=chatbot, status=status, progress=progress, box=box,
        comment_row=comment_row, comment=comment, comment_btn=comment_btn, correction_row=correction_row,
        correction=correction, correction_btn=correction_btn, regen_btn=regen_btn, speak=speak, voice=voice,
        new_btn=new_btn, reply_voice=reply_voice, camera=camera, webcam_image=webcam_image,
        webcam_video=webcam_video, video_audio=video_audio, emotion_title=emotion_title,
        emotion=emotion, plot=plot, report_btn=report_btn, transcript_btn=transcript_btn,
    )  # fmt: skip


def labels(page: Page, ui: str) -> Updates:
    """Every fixed text of the page in `ui`: the language switch (and the first load) apply these."""
    return {
        page.header: header_text(ui),
        page.lang_radio: gr.update(label=t(ui, "language"), value=ui),
        page.notice: views.notice_html(ui, page.traits.tiny),
        page.disclaimer: views.disclaimer_html(ui),
        page.ack_check: gr.update(label=t(ui, "ack_check")),
        page.ack_btn: gr.update(value=t(ui, "ack_button")),
        page.chatbot: gr.update(label=t(ui, "chat")),
        page.box: gr.update(placeholder=t(ui, "placeholder")),
        page.comment: gr.update(label=t(ui, "feedback_prompt"), placeholder=t(ui, "feedback_placeholder")),
        page.comment_btn: gr.update(value=t(ui, "feedback_send")),
        page.correction: gr.update(
            label=t(ui, "correction_prompt"), placeholder=t(ui, "correction_placeholder")
        ),
        page.correction_btn: gr.update(value=t(ui, "correction_send")),
        page.regen_btn: gr.update(value=t(ui, "regenerate")),
        page.speak: gr.update(label=t(ui, speak_label(page.traits))),
        page.voice: gr.update(label=t(ui, "voice")),
        page.new_btn: gr.update(value=t(ui, "new_session")),
        page.reply_voice: gr.update(label=t(ui, "reply_voice")),
        page.camera: gr.update(label=t(ui, "camera")),
        page.webcam_image: gr.update(label=t(ui, "webcam_image")),
        page.webcam_video: gr.update(label=t(ui, "webcam_video")),
        page.video_audio: gr.update(label=t(ui, "video_audio")),
        page.emotion_title: emotion_title_text(ui),
        page.plot: gr.update(label=t(ui, "plot")),
        page.report_btn: gr.update(label=t(ui, "download_report")),
        page.transcript_btn: gr.update(label=t(ui, "download_transcript")),
    }


def labelled(page: Page) -> list[Block]:
    """The components `labels` changes: the outputs of the events that apply it."""
    return list(labels(page, "en"))


def speak_label(traits: PageTraits) -> str:
    return "speak" if traits.can_speak else "speak_unavailable"


def header_text(lang: str) -> str:
    return f"# {t(lang, 'title')}\n{t(lang, 'subtitle')}"


def emotion_title_text(lang: str) -> str:
    return f"### {t(lang, 'emotion_title')}"


def progress_html(ended: int, busy: bool) -> str:
    return f"<span data-ended='{ended}' aria-busy='{str(busy).lower()}'></span>"
