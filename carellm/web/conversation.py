"""One visitor's conversation on the web page: the logic behind the page, free of Gradio.

It turns what the page collected (text, uploaded file paths) into a counseling `Session`
turn, keeps what the chat shows, remembers risk for the crisis panel, exports the report and
transcript, and records feedback. A failed turn changes nothing here, just as in the session.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from carellm.counseling.counselor import Counselor
from carellm.counseling.hooks import TurnRecorder
from carellm.counseling.session import Reply, Session, TurnOptions, attachments
from carellm.emotion.tracker import SessionEmotionTracker
from carellm.errors import InputError, MediaError
from carellm.media import AUDIO_EXTS, IMAGE_EXTS, OUTPUT_SAMPLE_RATE, VIDEO_EXTS, media_kind_for, to_wav_bytes
from carellm.web.feedback import CorrectionSink, Feedback, FeedbackSink


@dataclass
class Attachments:
    audio: list[str] = field(default_factory=list)
    image: list[str] = field(default_factory=list)
    video: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return self.audio + self.image + self.video


def sort_files(paths: Sequence[str | None]) -> Attachments:
    """Files by kind, from their extension; anything else is refused before the turn starts."""
    out = Attachments()
    for path in paths:
        if not path:
            continue
        kind = media_kind_for(path)
        if kind is None:
            supported = ", ".join(sorted(AUDIO_EXTS | IMAGE_EXTS | VIDEO_EXTS))
            raise MediaError(
                f"{Path(path).name} is not an audio, image or video file.", f"Supported: {supported}."
            )
        getattr(out, kind).append(str(path))
    return out


@dataclass
class TurnUpdate:
    """The reply as far as it has streamed; `reply` is set on the last update of a turn.

    `audio` is the piece of speech that has just been made (not all so far), so the page can
    play the voice while the text is still being written.
    """

    text: str
    reply: Reply | None = None
    audio_path: Path | None = None
    audio: np.ndarray | None = None
    sample_rate: int = OUTPUT_SAMPLE_RATE


@dataclass
class RiskState:
    """Why the crisis panel is up: kept for the rest of the visit so the resources stay on screen."""

    lang: str
    level: str
    categories: list[str] = field(default_factory=list)


class WebConversation:
    """The state one browser tab holds: a session, the chat as shown, risk, exports, feedback."""

    def __init__(
        self,
        counselor: Counselor,
        feedback: FeedbackSink,
        lang: str | None = None,
        locale: str | None = None,
        recorder: TurnRecorder | None = None,
    ) -> None:
        self.counselor = counselor
        self.lang = lang
        self.recorder = recorder  # the session store, when the page has one
        self.session: Session = counselor.session(lang=lang, recorder=recorder)
        self.feedback = feedback
        self.locale = locale
        self.acknowledged = False
        self.ended_turns = 0  # turns this tab has finished, with a reply or an error
        self.messages: list[dict[str, Any]] = []  # the chat as shown: {"role", "content"}
        self.message_turns: list[int | None] = []  # which session turn each shown message belongs to
        self.risk: RiskState | None = None
        self.last_emotion: dict | None = None
        self.rated_turn: int | None = None
        self.rating: int = 0
        self.workdir = Path(tempfile.mkdtemp(prefix="carellm-web-"))

    # ------------------------------------------------------------------ turns
    def acknowledge(self) -> None:
        self.acknowledged = True

    def stream(
        self,
        text: str,
        files: Sequence[str | None] = (),
        image: str | None = None,
        video: str | None = None,
        video_audio: bool = False,
        options: TurnOptions | None = None,
    ) -> Iterator[TurnUpdate]:
        """Run one turn, yielding the reply as it grows. On any error the conversation is untouched.

        `files` are uploads sorted by extension; `image`/`video` are camera captures (a webcam
        video is .webm, which as an upload would count as audio). `options`: this turn's voice
        and whether to speak (the page's controls).
        """
        if not self.acknowledged:
            raise InputError(
                "Please acknowledge the research-use notice first.", "Tick the box and press Start."
            )
        attached = sort_files(files)
        if image:
            attached.image.append(image)
        if video:
            attached.video.append(video)
        media = attachments(attached.audio, attached.image, attached.video, video_audio)
        reply = yield from self._follow(self.session.stream(text, media, options))
        audio_path = self._save_audio(reply)
        self._remember(text, attached, reply, audio_path)
        yield TurnUpdate(reply.text, reply, audio_path)

    def regenerate(self, options: TurnOptions | None = None) -> Iterator[TurnUpdate]:
        """Another reply to the last message, through the session's own turn (`Session.regenerate`:
        the same crisis layer and reply guard). It takes the last reply's place in the chat; the
        store keeps the replaced one with the turn, so rating either makes a preference pair."""
        if not self.acknowledged:
            raise InputError(
                "Please acknowledge the research-use notice first.", "Tick the box and press Start."
            )
        last = self.message_turns[-1] if self.message_turns else None
        if last is None:
            raise InputError("There is no reply to replace yet.", "Send a message first.")
        reply = yield from self._follow(self.session.regenerate(options))
        audio_path = self._save_audio(reply)
        kept = [
            (m, n) for m, n in zip(self.messages, self.message_turns, strict=True)
            if not (n == last and m["role"] == "assistant")
        ]  # fmt: skip
        self.messages, self.message_turns = [m for m, _ in kept], [n for _, n in kept]
        self._add("assistant", reply.text, reply.turn_index)
        if audio_path is not None:
            self._add("assistant", {"path": str(audio_path)}, reply.turn_index)
        if self.rated_turn == last:
            self.rated_turn, self.rating = None, 0  # the rating was of the reply that went
        yield TurnUpdate(reply.text, reply, audio_path)

    def _follow(self, events: Iterator) -> Generator[TurnUpdate, None, Reply]:
        """The session's turn events as the page shows them; returns the finished reply."""
        shown = ""
        reply: Reply | None = None
        for event in events:
            if event.kind == "text":
                shown += event.text
                yield TurnUpdate(shown)
            elif event.kind == "replace":
                shown = event.text
                yield TurnUpdate(shown)
            elif event.kind == "audio" and len(event.audio):
                yield TurnUpdate(shown, audio=event.audio)
            elif event.kind == "done":
                reply = event.reply
        if reply is None:  # pragma: no cover - the session always ends with done
            raise InputError("The reply ended early.", "Send your message again.")
        return reply

    def _save_audio(self, reply: Reply) -> Path | None:
        if reply.audio is None or not len(reply.audio):
            return None
        path = self.workdir / f"reply-{self.session.id[:8]}-{reply.turn_index + 1:03d}.wav"
        path.write_bytes(to_wav_bytes(reply.audio, reply.sample_rate or OUTPUT_SAMPLE_RATE))
        return path

    def _remember(self, text: str, attached: Attachments, reply: Reply, audio_path: Path | None) -> None:
        turn = reply.turn_index
        user: list[Any] = [{"path": p} for p in attached.paths]
        if text.strip():
            user.append(text.strip())
        self._add("user", user if len(user) > 1 else user[0], turn)
        self._add("assistant", reply.text, turn)
        if audio_path is not None:
            self._add("assistant", {"path": str(audio_path)}, turn)
        gate = reply.user_gate
        if gate.flagged:
            categories = sorted(set(gate.categories) | set(self.risk.categories if self.risk else ()))
            self.risk = RiskState(reply.lang, gate.level, categories)
        self.last_emotion = reply.emotion.to_dict() if reply.emotion is not None else None

    def _add(self, role: str, content: Any, turn: int | None) -> None:
        self.messages.append({"role": role, "content": content})
        self.message_turns.append(turn)

    def new_session(self) -> None:
        """A fresh session (and emotion tracker); the crisis panel stays, the notice stays acknowledged."""
        old = self.session
        self.session = self.counselor.session(
            lang=self.lang, voice=old.voice, speak=old.speak, recorder=self.recorder
        )
        self.messages, self.message_turns = [], []
        self.last_emotion = None
        self.rated_turn, self.rating = None, 0
        self.clear_exports()

    # ------------------------------------------------------------------ panels and exports
    @property
    def tracker(self) -> SessionEmotionTracker | None:
        """The session's emotion timeline, when it tracks one (the emotion package's tracker)."""
        emotion = self.session.emotion
        return emotion if isinstance(emotion, SessionEmotionTracker) else None

    def crisis_text(self, ui_lang: str) -> str | None:
        """The safety layer's crisis resources in the page's language, once risk was flagged."""
        if self.risk is None:
            return None
        from carellm.safety import crisis_response

        return crisis_response(ui_lang, self._crisis_locale(ui_lang), self.risk.categories)

    def crisis_lines(self, ui_lang: str) -> list[str]:
        """The lines to call from that text, for the panel's always-visible part (none before risk)."""
        if self.risk is None:
            return []
        from carellm.safety import crisis_lines

        return crisis_lines(ui_lang, self._crisis_locale(ui_lang))

    def _crisis_locale(self, ui_lang: str) -> str | None:
        # A browser region only counts for its own language (an en-US browser says little about
        # where a Chinese-speaking visitor is); otherwise the language's default lines apply.
        return self.locale if self.locale and self.locale.lower().startswith(ui_lang) else None

    def trajectory(self) -> dict | None:
        tracker = self.tracker
        return tracker.trajectory() if tracker is not None else None

    def plot(self, ui_lang: str) -> Path | None:
        tracker = self.tracker
        if tracker is None or not tracker.timeline:
            return None
        from carellm.emotion.report import plot_png

        path = self.workdir / f"mood-{self.session.id[:8]}-{len(tracker.timeline)}-{ui_lang}.png"
        path.write_bytes(plot_png(tracker, ui_lang))
        return path

    def export_transcript(self) -> Path | None:
        if not self.session.turns:
            return None
        path = self.workdir / f"carellm-transcript-{self.session.id[:8]}.json"
        data = {
            "session_id": self.session.id,
            "exported_at": time.time(),
            "messages": self.session.transcript(),
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    def export_report(self, ui_lang: str) -> Path | None:
        tracker = self.tracker
        if tracker is None or not tracker.timeline:
            return None
        from carellm.emotion.report import write_report

        texts = [row["text"] for row in self.session.transcript() if row["role"] == "user"]
        path = self.workdir / f"carellm-report-{self.session.id[:8]}.html"
        return write_report(tracker, ui_lang, texts, path, self.locale)

    def clear_exports(self) -> None:
        for path in self.workdir.glob("*"):
            path.unlink(missing_ok=True)

    # ------------------------------------------------------------------ feedback
    def rate(self, message_index: int, rating: int) -> int:
        """Thumbs on the shown message at `message_index`; returns the turn it belongs to."""
        if not 0 <= message_index < len(self.message_turns) or self.message_turns[message_index] is None:
            raise InputError("That message cannot be rated.", "Rate one of CareLLM's replies.")
        if self.messages[message_index]["role"] != "assistant":
            raise InputError("Only CareLLM's replies can be rated.", "Rate one of CareLLM's replies.")
        turn = self.message_turns[message_index]
        assert turn is not None
        self.rated_turn, self.rating = turn, rating
        self.feedback.record_feedback(Feedback(self.session.id, turn, rating, None, self.session.lang))
        return turn

    def comment(self, text: str) -> None:
        """A comment on the reply rated last (stored with that rating)."""
        text = (text or "").strip()
        if self.rated_turn is None:
            raise InputError("Rate a reply first.", "Use the thumbs under a reply, then add a comment.")
        if not text:
            raise InputError("The comment is empty.", "Type a comment, or just keep the rating.")
        self.feedback.record_feedback(
            Feedback(self.session.id, self.rated_turn, self.rating, text, self.session.lang)
        )

    def correct(self, text: str) -> int:
        """A reviewer's better reply for the reply rated down last, kept with its turn by the same
        store call as `carellm feedback correct`; returns the turn."""
        text = (text or "").strip()
        if self.rated_turn is None or self.rating >= 0:
            raise InputError(
                "Rate a reply down first.", "Use the thumbs-down under it, then write the better reply."
            )
        if not text:
            raise InputError("The better reply is empty.", "Write the reply the person should have got.")
        if not isinstance(self.feedback, CorrectionSink):
            raise InputError(
                "This page keeps no session store, so a correction would be lost.",
                "Run `carellm web` with the session store (CARELLM_DB_URL, SQLite by default).",
            )
        self.feedback.record_correction(self.session.id, self.rated_turn, text)
        return self.rated_turn

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)
