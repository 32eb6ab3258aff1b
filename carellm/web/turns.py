"""What the page does for one browser tab, without Gradio: turns, panels, downloads, feedback.

The Gradio layer (app.py) only maps these results onto components, so everything here can
be tested directly and the page never talks to a backend: it calls the counseling `Session`.
"""

from __future__ import annotations

import html
import json
import logging
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from carellm.counseling.session import Reply, Session
from carellm.errors import CareLLMError, InputError
from carellm.media import OUTPUT_SAMPLE_RATE, to_wav_bytes
from carellm.web.feedback import Feedback, FeedbackSink, Rating
from carellm.web.strings import emotion_name, t

log = logging.getLogger("carellm.web")


@dataclass
class TabState:
    """One browser tab: its counseling session and what the page must keep showing."""

    session: Session
    folder: Path  # the tab's downloads (report, transcript, plot, spoken replies)
    acknowledged: bool = False
    crisis_lang: str | None = None  # set once risk is flagged: the crisis panel stays up
    crisis_categories: list[str] = field(default_factory=list)
    last: Reply | None = None  # the newest reply: emotion panel, comments

    @property
    def crisis(self) -> bool:
        return self.crisis_lang is not None

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class TurnUpdate:
    """One step of a turn as the page shows it: the reply so far, then the finished Reply."""

    text: str
    reply: Reply | None = None
    audio_path: Path | None = None
    error: str | None = None  # a message for the page (never a traceback)


def new_tab(counselor, root: Path | None = None, speak: bool = False, voice: str | None = None) -> TabState:
    """A tab's state with its own session and a private folder for its downloads."""
    folder = Path(tempfile.mkdtemp(prefix="carellm-web-", dir=root))
    return TabState(counselor.session(speak=speak, voice=voice), folder)


def error_message(exc: BaseException, lang: str) -> str:
    """A clear message for the page; unexpected errors are logged (without user text) and summarised."""
    if isinstance(exc, CareLLMError):
        detail = exc.message + (f" {exc.hint}" if exc.hint else "")
    else:
        log.exception("web turn failed (%s)", type(exc).__name__)
        detail = f"{t('unexpected', lang)} {t('unexpected_hint', lang)}"
    return f"**{t('error', lang)}.** {detail} {t('kept', lang)}"


def run_turn(
    tab: TabState,
    lang: str,
    text: str = "",
    audio: str | None = None,
    image: str | None = None,
    video: str | None = None,
    video_audio: bool = False,
    speak: bool = False,
    voice: str | None = None,
) -> Iterator[TurnUpdate]:
    """Stream one turn. On any failure the session is unchanged and the last update has `error`."""
    shown = ""
    try:
        if not tab.acknowledged:
            raise InputError(t("must_acknowledge", lang))
        if voice:
            tab.session.voice = voice
        stream = tab.session.stream(text, audio, image, video, video_audio, speak=speak)
        for chunk in stream:
            if chunk.kind == "text":
                shown += chunk.text
                yield TurnUpdate(shown)
            elif chunk.kind == "replace":
                shown = chunk.text
                yield TurnUpdate(shown)
            elif chunk.kind == "done":
                reply = chunk.reply
                assert isinstance(reply, Reply)
                yield finish_turn(tab, reply)
                return
    except Exception as exc:  # the page must always recover; CareLLMErrors carry their own advice
        yield TurnUpdate(shown, error=error_message(exc, lang))


def finish_turn(tab: TabState, reply: Reply) -> TurnUpdate:
    tab.last = reply
    if reply.user_gate.flagged and not tab.crisis:
        tab.crisis_lang = reply.lang
        tab.crisis_categories = list(reply.user_gate.categories)
    audio_path = None
    if reply.audio is not None:
        audio_path = tab.folder / f"reply-{reply.turn_index + 1:03d}.wav"
        audio_path.write_bytes(to_wav_bytes(reply.audio, OUTPUT_SAMPLE_RATE))
    return TurnUpdate(reply.text, reply=reply, audio_path=audio_path)


def crisis_html(tab: TabState, lang: str, locale: str | None = None) -> str:
    """The crisis panel: page language, lines for the conversation's region (or the configured locale)."""
    if not tab.crisis:
        return ""
    from carellm.safety.resources import DEFAULT_LOCALE, crisis_response

    locale = locale or DEFAULT_LOCALE.get(tab.crisis_lang or "", None)
    body = html.escape(crisis_response(lang, locale, tab.crisis_categories))
    return f"<h2>🆘 {html.escape(t('crisis_title', lang))}</h2><div class='crisis-body'>{body}</div>"


def emotion_markdown(tab: TabState, reply: Reply | None, lang: str) -> str:
    """The current turn's emotion and the session's trend, in the page language."""
    tracker = tab.session.emotion
    if reply is None or reply.emotion is None or tracker is None:
        return t("emotion_empty", lang)
    emo = reply.emotion
    rows = [
        f"**{t('emotion_turn', lang)}** — {t('emotion_primary', lang)}: "
        f"**{emotion_name(emo.primary, lang)}**",
        f"- {t('emotion_valence', lang)}: {emo.valence:+.2f}",
        f"- {t('emotion_arousal', lang)}: {emo.arousal:.2f}",
    ]
    if emo.voice is not None and emo.voice.flags:
        rows.append(f"- {t('emotion_voice', lang)}: {', '.join(emo.voice.flags)}")
    trend = tracker.trajectory()["trend"]
    trend_text = t(f"trend_{trend}", lang) if f"trend_{trend}" in _TRENDS else trend
    if trend_text:
        rows.append(f"- {t('emotion_trend', lang)}: {trend_text}")
    rows.append(f"\n*{t('emotion_note', lang)}*")
    return "\n".join(rows)


_TRENDS = {"trend_improving", "trend_worsening", "trend_steady", "trend_too few turns", "trend_no turns yet"}


@dataclass
class Downloads:
    plot: Path | None
    report: Path | None
    transcript: Path | None


def write_downloads(tab: TabState, lang: str, locale: str | None = None) -> Downloads:
    """Plot, HTML report and JSON transcript of the session so far (none before the first turn)."""
    tracker = tab.session.emotion
    if not tab.session.turns or tracker is None or not getattr(tracker, "timeline", None):
        return Downloads(None, None, None)
    from carellm.emotion.report import build_report, plot_png, render_html

    rows = tab.session.transcript()
    stem = f"carellm-{tab.session.id[:8]}"
    png = plot_png(tracker, lang)
    plot = tab.folder / f"{stem}-mood.png"
    plot.write_bytes(png)
    texts = [row["text"] for row in rows if row["role"] == "user"]
    report = tab.folder / f"{stem}-report.html"
    report.write_text(render_html(build_report(tracker, lang, texts, locale), png), encoding="utf-8")
    transcript = tab.folder / f"{stem}-transcript.json"
    payload = {"session_id": tab.session.id, "messages": rows}
    transcript.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return Downloads(plot, report, transcript)


def record_feedback(
    sink: FeedbackSink,
    tab: TabState,
    turn_index: int | None,
    rating: Rating | None = None,
    comment: str | None = None,
) -> None:
    """Rate a reply and/or comment on it; `turn_index` None means the newest reply."""
    index = (tab.last.turn_index if tab.last else None) if turn_index is None else turn_index
    if index is None or index >= tab.session.turns:
        raise InputError("There is no reply to rate yet.", "Send a message first.")
    comment = (comment or "").strip() or None
    if rating is None and comment is None:
        raise InputError("Nothing to send: the comment is empty.", "Write a comment or use 👍 / 👎.")
    sink.record_feedback(Feedback(tab.session.id, index, rating, comment, tab.session.lang))


def reset_tab(tab: TabState, counselor) -> TabState:
    """A new session in the same tab: a fresh session (and emotion tracker), no panels, no files.

    The acknowledgement of the disclaimer carries over: it is the same person in the same tab.
    """
    fresh = new_tab(counselor, tab.folder.parent, tab.session.speak, tab.session.voice)
    fresh.acknowledged = tab.acknowledged
    tab.close()
    return fresh
