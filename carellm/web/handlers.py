"""What each event of the page does. Decisions belong to `WebConversation` and the counseling
session behind it; a handler turns their results into updates keyed by the component they change
(`layout.Updates`), and components a handler leaves out keep what they show.

Gradio reads the handlers' annotations to hand them the request and the like data, so every name
in a signature here must exist at run time (an unresolvable one silently drops the request).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from carellm.config import VOICES, Settings
from carellm.counseling.counselor import Counselor
from carellm.counseling.events import TurnOptions
from carellm.counseling.hooks import TurnRecorder
from carellm.errors import CareLLMError
from carellm.media import to_wav_bytes
from carellm.web import views
from carellm.web.conversation import TurnUpdate, WebConversation
from carellm.web.feedback import FeedbackSink
from carellm.web.layout import Page, Updates, labels, progress_html
from carellm.web.strings import t, ui_lang_from_header

log = logging.getLogger(__name__)


class PageHandlers:
    """The handlers of one page, for every tab that opens it; each tab's state is its `conv`."""

    def __init__(
        self,
        page: Page,
        counselor: Counselor,
        settings: Settings,
        feedback: FeedbackSink,
        fixed_lang: str | None = None,
        recorder: TurnRecorder | None = None,
    ) -> None:
        self.page = page
        self.counselor = counselor
        self.settings = settings
        self.feedback = feedback
        self.fixed_lang = fixed_lang  # the page's language when set, else the browser's
        self.recorder = recorder

    # ------------------------------------------------------------------ helpers
    def ensure(self, c: WebConversation | None, request: gr.Request | None) -> WebConversation:
        """The tab's conversation, made on its first event."""
        if c is not None:
            return c
        locale = self.settings.locale or _locale(request)
        return WebConversation(
            self.counselor, self.feedback, lang=None, locale=locale, recorder=self.recorder
        )

    def side_panels(self, c: WebConversation, ui: str) -> Updates:
        """Crisis panel, emotion, plot and downloads as the conversation now stands."""
        p = self.page
        report, transcript = c.export_report(ui), c.export_transcript()
        return {
            p.crisis: views.crisis_html(ui, c.crisis_text(ui), c.crisis_lines(ui)),
            p.emotion: views.emotion_html(ui, c.last_emotion, c.trajectory(), enabled=c.tracker is not None),
            p.plot: c.plot(ui),
            p.report_btn: gr.update(value=report, interactive=report is not None),
            p.transcript_btn: gr.update(value=transcript, interactive=transcript is not None),
        }

    # ------------------------------------------------------------------ events
    def on_load(self, request: gr.Request) -> Updates:
        """A tab opens: the page in the fixed language, or the one the browser prefers."""
        ui = self.fixed_lang or ui_lang_from_header(_header_value(request, "accept-language"))
        return {
            self.page.lang: ui,
            **labels(self.page, ui),
            self.page.emotion: views.emotion_html(ui, None, None),
        }

    def on_ack(self, c: WebConversation | None, checked: bool, ui: str, request: gr.Request) -> Updates:
        """The disclaimer is acknowledged: the chat opens (only once the box is ticked)."""
        p = self.page
        if not checked:
            return {p.status: views.info_html(t(ui, "ack_needed"))}
        c = self.ensure(c, request)
        c.acknowledge()
        return {p.conv: c, p.gate: gr.update(visible=False), p.main: gr.update(visible=True), p.status: ""}

    def on_send(
        self,
        c: WebConversation | None,
        message: dict | None,
        image: str | None,
        video: str | None,
        with_audio: bool,
        talk: bool,
        who: str,
        ui: str,
        request: gr.Request,
    ) -> Iterator[Updates]:
        """One turn: the reply streams into the chat (and the player), then the panels follow it.
        A failed turn leaves the chat as it was and gives the message back to edit."""
        p = self.page
        c = self.ensure(c, request)
        message = message or {}
        text, files = message.get("text") or "", list(message.get("files") or [])
        before = list(c.messages)

        def pending(reply: str) -> list[dict]:
            return _pending_view(before, text, files, image, video, reply)

        turn = c.stream(text, files, image, video, bool(with_audio), self._options(talk, who))
        done: Updates = {
            p.box: gr.MultimodalTextbox(value=None, interactive=True),
            p.webcam_image: None,
            p.webcam_video: None,
        }
        yield from self._run_turn(
            c, turn, pending, done, {p.box: gr.update(value=message, interactive=True)}, ui
        )

    def on_regenerate(
        self, c: WebConversation | None, talk: bool, who: str, ui: str, request: gr.Request
    ) -> Iterator[Updates]:
        """Another reply to the last message, streamed in place of the last one (the same turn
        pipeline); the replaced reply stays with the turn in the store for preference pairs."""
        p = self.page
        c = self.ensure(c, request)
        before = list(c.messages)
        last = c.message_turns[-1] if c.message_turns else None
        shown = [
            m
            for m, n in zip(before, c.message_turns, strict=True)
            if not (n == last and m["role"] == "assistant")
        ]

        def pending(reply: str) -> list[dict]:
            return [*shown, {"role": "assistant", "content": reply or "…"}]

        closed: Updates = {
            p.comment_row: gr.update(visible=False),
            p.correction_row: gr.update(visible=False),
        }
        done = {p.box: gr.update(interactive=True), p.status: views.info_html(t(ui, "regenerated")), **closed}
        yield from self._run_turn(
            c, c.regenerate(self._options(talk, who)), pending, done, {p.box: gr.update(interactive=True)}, ui
        )

    def _options(self, talk: bool, who: str) -> TurnOptions:
        return TurnOptions(
            speak=bool(talk) and self.page.traits.can_speak, voice=who if who in VOICES else None
        )

    def _run_turn(
        self,
        c: WebConversation,
        turn: Iterator[TurnUpdate],
        pending: Callable[[str], list[dict]],
        done: Updates,
        failed: Updates,
        ui: str,
    ) -> Iterator[Updates]:
        """Stream a turn into the chat (and the player), then the panels follow it. A failed turn
        leaves the chat as it was (`failed`: what else to restore, the message to edit)."""
        p = self.page
        before = list(c.messages)
        try:
            heard: Updates = {p.reply_voice: gr.update(value=None)}  # the last turn's voice goes now
            for update in turn:
                if update.reply is not None:
                    continue
                if update.audio is not None:  # the streaming player appends each piece
                    heard = {p.reply_voice: to_wav_bytes(update.audio, update.sample_rate)}
                yield {
                    p.conv: c,
                    p.chatbot: pending(update.text),
                    p.box: gr.update(interactive=False),
                    p.status: "",
                    p.progress: progress_html(c.ended_turns, True),
                    **heard,
                }
                heard = {}
            c.ended_turns += 1
            yield {
                p.conv: c,
                p.chatbot: c.messages,
                p.status: "",
                **self.side_panels(c, ui),
                p.progress: progress_html(c.ended_turns, False),
                **done,
            }
        except Exception as exc:  # the page must survive anything; the turn left no trace
            if not isinstance(exc, CareLLMError):
                log.exception("web turn failed (%s)", type(exc).__name__)
            c.ended_turns += 1
            yield {
                p.conv: c,
                p.chatbot: before,
                p.status: views.error_html(ui, exc),
                p.progress: progress_html(c.ended_turns, False),
                **failed,
            }

    def on_like(self, c: WebConversation | None, ui: str, data: gr.LikeData, request: gr.Request) -> Updates:
        """A reply is rated: the comment row opens for a thumbs up or down, closes when undone."""
        p = self.page
        c = self.ensure(c, request)
        rating = 1 if data.liked is True else -1 if data.liked is False else 0
        index = data.index if isinstance(data.index, int) else data.index[0]
        closed: Updates = {
            p.comment_row: gr.update(visible=False),
            p.correction_row: gr.update(visible=False),
        }
        try:
            c.rate(index, rating)
        except CareLLMError as exc:
            return {p.conv: c, **closed, p.status: views.error_html(ui, exc)}
        return {
            p.conv: c,
            p.comment_row: gr.update(visible=rating != 0),
            # A reviewer may write the better reply to one rated down (kept in the session store).
            p.correction_row: gr.update(visible=rating < 0 and p.traits.can_correct),
            p.status: views.info_html(t(ui, "feedback_thanks")),
        }

    def on_correct(self, c: WebConversation | None, text: str, ui: str, request: gr.Request) -> Updates:
        """A reviewer's better reply to the reply rated down: stored with its turn, and the row closes."""
        p = self.page
        c = self.ensure(c, request)
        try:
            c.correct(text)
        except CareLLMError as exc:
            return {p.conv: c, p.status: views.error_html(ui, exc)}
        return {
            p.conv: c,
            p.correction: "",
            p.correction_row: gr.update(visible=False),
            p.status: views.info_html(t(ui, "correction_saved")),
        }

    def on_comment(self, c: WebConversation | None, text: str, ui: str, request: gr.Request) -> Updates:
        """A comment on the rated reply: kept with the rating, and the row closes."""
        p = self.page
        c = self.ensure(c, request)
        try:
            c.comment(text)
        except CareLLMError as exc:
            return {p.conv: c, p.status: views.error_html(ui, exc)}
        return {
            p.conv: c,
            p.comment: "",
            p.comment_row: gr.update(visible=False),
            p.status: views.info_html(t(ui, "feedback_thanks")),
        }

    def on_new(self, c: WebConversation | None, ui: str, request: gr.Request) -> Updates:
        """A new session in the same tab: empty chat, panels reset."""
        p = self.page
        c = self.ensure(c, request)
        c.new_session()
        return {
            p.conv: c,
            p.chatbot: [],
            p.status: views.info_html(t(ui, "new_session_done")),
            p.comment_row: gr.update(visible=False),
            p.correction_row: gr.update(visible=False),
            **self.side_panels(c, ui),
        }

    def on_lang(self, c: WebConversation | None, ui: str) -> Updates:
        """The visitor switches language: every label, and the panels if a conversation exists."""
        panels = self.side_panels(c, ui) if c is not None else {}
        return {self.page.lang: ui, **labels(self.page, ui), **panels}


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
