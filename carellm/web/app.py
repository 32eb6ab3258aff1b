"""The Gradio page: components and wiring only. What happens on each event lives in turns.py.

`build_app(counselor, settings)` is the one factory: `carellm web`, the Spaces `app.py` and
the browser tests all call it, then `launch_app` with the page's CSS and limits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import gradio as gr

from carellm.config import VOICES, Settings
from carellm.counseling.disclaimer import disclaimer
from carellm.errors import CareLLMError
from carellm.web import turns
from carellm.web.feedback import FeedbackSink, JsonlFeedbackSink
from carellm.web.settings import WebSettings
from carellm.web.strings import LANG_CHOICES, t, ui_lang

CSS = """
#notice {background: #fff8e1; border-left: 4px solid #f0b400; padding: 6px 12px; border-radius: 6px}
#notice p {margin: 0; font-size: 0.9em}
#disclaimer {border: 2px solid #f0b400; border-radius: 8px; padding: 12px}
#crisis-panel {border: 3px solid #c62828; background: #ffebee; color: #3b0000;
  border-radius: 8px; padding: 8px 16px}
#crisis-panel * {color: #3b0000}
#status:empty {display: none}
#status {color: #8a1c1c}
#chat {min-height: 320px}
@media (max-width: 640px) {
  #chat {height: 55vh !important}
  #header h1 {font-size: 1.4em}
}
"""


def build_app(
    counselor,
    settings: Settings | None = None,
    *,
    feedback: FeedbackSink | None = None,
    ui_language: str = "en",
    gpu: Callable[[Callable], Callable] | None = None,
) -> gr.Blocks:
    """The CareLLM page for `counselor`.

    feedback: where thumbs and comments go (default: a JSONL file under settings.data_dir).
    gpu: a decorator for the function that runs the model (Spaces' `spaces.GPU`), or None.
    """
    settings = settings or counselor.settings
    sink = feedback or JsonlFeedbackSink.in_data_dir(settings.data_dir)
    locale = settings.locale
    lang0 = ui_lang(ui_language)
    can_speak = bool(getattr(counselor.backend, "can_speak", False))

    def tab_of(tab: turns.TabState | None) -> turns.TabState:
        return tab or turns.new_tab(counselor, voice=settings.voice)

    with gr.Blocks(title="CareLLM", fill_width=False) as demo:
        tab_state = gr.State(None, delete_callback=_close_tab)
        with gr.Row(elem_id="header"):
            title = gr.Markdown(f"# {t('title', lang0)}\n{t('subtitle', lang0)}")
            lang = gr.Radio(
                LANG_CHOICES, value=lang0, label=t("ui_language", lang0), elem_id="ui-lang", scale=0,
                min_width=180,
            )  # fmt: skip
        notice = gr.Markdown(f"⚠️ {t('notice', lang0)}", elem_id="notice")
        with gr.Group(elem_id="disclaimer", visible=True) as disclaimer_box:
            disclaimer_md = gr.Markdown(_disclaimer_md(lang0))
            ack = gr.Button(t("acknowledge", lang0), variant="primary", elem_id="ack")
        crisis = gr.Markdown("", elem_id="crisis-panel", visible=False)
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chat = gr.Chatbot(
                    label=t("chat", lang0), elem_id="chat", height=460, buttons=["copy"],
                    feedback_options=("Like", "Dislike"),
                )  # fmt: skip
                status = gr.Markdown("", elem_id="status")
                with gr.Row():
                    text = gr.Textbox(
                        show_label=False, placeholder=t("placeholder_locked", lang0), lines=2, scale=4,
                        interactive=False, elem_id="message", min_width=200,
                    )  # fmt: skip
                    send = gr.Button(t("send", lang0), variant="primary", interactive=False, scale=1,
                                     elem_id="send", min_width=80)  # fmt: skip
                with gr.Accordion(t("attach", lang0), open=False, elem_id="attach") as attach:
                    audio_in = gr.Audio(
                        sources=["microphone", "upload"], type="filepath", label=t("audio_in", lang0),
                        elem_id="audio-in",
                    )  # fmt: skip
                    with gr.Row():
                        image_in = gr.Image(
                            sources=["upload", "webcam"], type="filepath", label=t("image_in", lang0),
                            elem_id="image-in", height=200,
                        )  # fmt: skip
                        video_in = gr.Video(
                            sources=["upload", "webcam"], label=t("video_in", lang0), elem_id="video-in",
                            height=200,
                        )  # fmt: skip
                    video_audio = gr.Checkbox(False, label=t("video_audio", lang0), elem_id="video-audio")
                with gr.Row():
                    speak = gr.Checkbox(
                        False, label=t("speak", lang0), interactive=can_speak, elem_id="speak", scale=1
                    )
                    voice = gr.Dropdown(
                        list(VOICES), value=settings.voice, label=t("voice", lang0), elem_id="voice", scale=1
                    )
                reply_audio = gr.Audio(
                    label=t("reply_audio", lang0), autoplay=True, interactive=False, elem_id="reply-audio",
                    visible=False,
                )  # fmt: skip
            with gr.Column(scale=2, min_width=280):
                emotion_title = gr.Markdown(f"### {t('emotion', lang0)}")
                emotion = gr.Markdown(t("emotion_empty", lang0), elem_id="emotion")
                plot = gr.Image(
                    label=t("plot", lang0), type="filepath", interactive=False, elem_id="plot", visible=False,
                    buttons=[],
                )  # fmt: skip
                report = gr.DownloadButton(t("report", lang0), visible=False, elem_id="report")
                transcript = gr.DownloadButton(t("transcript", lang0), visible=False, elem_id="transcript")
                new = gr.Button(t("new_session", lang0), elem_id="new-session")
                with gr.Accordion(t("feedback", lang0), open=False, elem_id="feedback") as fb_box:
                    fb_help = gr.Markdown(t("feedback_help", lang0))
                    comment = gr.Textbox(label=t("comment", lang0), lines=2, elem_id="comment")
                    send_comment = gr.Button(t("send_comment", lang0), elem_id="send-comment")

        # ---------------------------------------------------------------- events
        def acknowledge(tab, lang):
            tab = tab_of(tab)
            tab.acknowledged = True
            return (
                tab,
                gr.update(visible=False),
                gr.update(interactive=True, placeholder=t("placeholder", lang)),
                gr.update(interactive=True),
            )

        ack.click(acknowledge, [tab_state, lang], [tab_state, disclaimer_box, text, send])

        panels = [crisis, emotion, plot, report, transcript]

        def panel_updates(tab: turns.TabState, lang: str) -> list:
            """Crisis, emotion, plot and downloads for the session as it stands."""
            files = turns.write_downloads(tab, lang, locale)
            return [
                gr.update(value=turns.crisis_markdown(tab, lang, locale), visible=tab.crisis),
                turns.emotion_markdown(tab, tab.last, lang),
                _file_update(files.plot, label=t("plot", lang)),
                _file_update(files.report, label=t("report", lang)),
                _file_update(files.transcript, label=t("transcript", lang)),
            ]

        def respond(message, audio, image, video, with_video_audio, speak_on, voice_name, lang, history, tab):
            tab = tab_of(tab)
            before = list(history or [])
            shown = [
                *before,
                {"role": "user", "content": _user_bubble(message, [audio, image, video], lang)},
                {"role": "assistant", "content": t("thinking", lang)},
            ]
            skip = [gr.skip()] * (len(panels) + 4)
            yield tab, shown, "", t("working", lang), *skip
            updates = turns.run_turn(
                tab, lang, message, audio, image, video, bool(with_video_audio), bool(speak_on), voice_name
            )
            for update in updates:
                if update.error:
                    # The session is unchanged: restore the page to match it, keep the typed text.
                    yield tab, before, message, update.error, *skip
                    return
                shown[-1] = {"role": "assistant", "content": update.text or t("thinking", lang)}
                if update.reply is None:
                    yield tab, shown, gr.skip(), gr.skip(), *skip
                    continue
                audio_update = gr.update(
                    value=update.audio_path and str(update.audio_path), visible=update.audio_path is not None
                )
                cleared = [None, None, None]
                yield tab, shown, gr.skip(), "", *panel_updates(tab, lang), audio_update, *cleared

        run = gpu(respond) if gpu else respond
        turn_inputs = [text, audio_in, image_in, video_in, video_audio, speak, voice, lang, chat, tab_state]
        turn_outputs = [tab_state, chat, text, status, *panels, reply_audio, audio_in, image_in, video_in]
        send.click(run, turn_inputs, turn_outputs)
        text.submit(run, turn_inputs, turn_outputs)

        def rate(tab, lang, data: gr.LikeData):
            if tab is None or data.liked not in (True, False):
                return gr.skip()
            index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
            return _feedback(sink, tab, index // 2, "up" if data.liked else "down", None, lang)

        chat.like(rate, [tab_state, lang], [status])

        def add_comment(tab, note, lang):
            if tab is None:
                return gr.skip(), t("no_reply_yet", lang)
            message = _feedback(sink, tab, None, None, note, lang)
            return ("" if message == t("thanks", lang) else gr.skip()), message

        send_comment.click(add_comment, [tab_state, comment, lang], [comment, status])

        def new_session(tab, lang):
            tab = turns.reset_tab(tab, counselor) if tab else tab_of(None)
            no_audio = gr.update(value=None, visible=False)
            return tab, [], t("new_session_done", lang), *panel_updates(tab, lang), no_audio

        new.click(new_session, [tab_state, lang], [tab_state, chat, status, *panels, reply_audio])

        def switch_language(lang, tab):
            tab = tab_of(tab)
            locked = not tab.acknowledged
            labels = [
                f"# {t('title', lang)}\n{t('subtitle', lang)}",
                gr.update(label=t("ui_language", lang)),
                f"⚠️ {t('notice', lang)}",
                _disclaimer_md(lang),
                gr.update(value=t("acknowledge", lang)),
                gr.update(label=t("chat", lang)),
                gr.update(placeholder=t("placeholder_locked" if locked else "placeholder", lang)),
                gr.update(value=t("send", lang)),
                gr.update(label=t("attach", lang)),
                gr.update(label=t("audio_in", lang)),
                gr.update(label=t("image_in", lang)),
                gr.update(label=t("video_in", lang)),
                gr.update(label=t("video_audio", lang)),
                gr.update(label=t("speak", lang)),
                gr.update(label=t("voice", lang)),
                gr.update(label=t("reply_audio", lang)),
                f"### {t('emotion', lang)}",
                gr.update(value=t("new_session", lang)),
                gr.update(label=t("feedback", lang)),
                t("feedback_help", lang),
                gr.update(label=t("comment", lang)),
                gr.update(value=t("send_comment", lang)),
            ]
            return tab, *labels, *panel_updates(tab, lang)

        labelled = [
            title, lang, notice, disclaimer_md, ack, chat, text, send, attach, audio_in, image_in, video_in,
            video_audio, speak, voice, reply_audio, emotion_title, new, fb_box, fb_help, comment,
            send_comment,
        ]  # fmt: skip
        lang.change(switch_language, [lang, tab_state], [tab_state, *labelled, *panels])
    return demo


def _close_tab(tab) -> None:
    """Gradio calls this when a tab's state expires: remove its downloads from disk."""
    if tab is not None:
        tab.close()


def _file_update(path: Path | None, label: str) -> dict:
    return gr.update(value=path and str(path), visible=path is not None, label=label)


def _disclaimer_md(lang: str) -> str:
    return f"### {t('disclaimer_title', lang)}\n\n{disclaimer(lang)}"


def _user_bubble(message: str, files: list[str | None], lang: str) -> str:
    names = [Path(f).name for f in files if f]
    text = (message or "").strip()
    if names:
        text += ("\n\n" if text else "") + f"📎 {t('attached', lang)}: " + ", ".join(names)
    return text or "…"


def _feedback(sink: FeedbackSink, tab, index, rating, comment, lang: str) -> str:
    try:
        turns.record_feedback(sink, tab, index, rating, comment)
    except CareLLMError as exc:
        return f"{exc.message} {exc.hint}".strip()
    return t("thanks", lang)


def launch_app(
    demo: gr.Blocks, web: WebSettings, settings: Settings, *, block: bool = True, quiet: bool = False
):
    """Start the page with its CSS, the configured address and login, and the media size limit."""
    return demo.launch(
        server_name=web.host,
        server_port=web.port,
        auth=web.credentials(),
        css=CSS,
        max_file_size=f"{settings.media.max_file_mb:g}mb",
        prevent_thread_lock=not block,
        quiet=quiet,
        show_error=False,
        footer_links=[],
        ssr_mode=False,
    )
