"""The cleaning pipeline: schema JSONL in, train/validation/test JSONL + rejects out.

One streaming pass, one conversation in memory at a time (plus the dedup tables):
normalise Unicode → drop empty turns / reject overlong ones → repair or reject role
alternation → detect language → scrub PII → exact and near dedup → split by id hash.
Every dropped conversation lands in rejects.jsonl with its line and reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from carellm.data.dedup import HashSet64, NearDuplicates, exact_key, normalise_for_dedup
from carellm.data.io import InvalidJson, JsonlWriter, Rejects, iter_jsonl
from carellm.data.pii import scrub_pii
from carellm.data.schema import Conversation, Message
from carellm.data.settings import CleanSettings
from carellm.data.split import SPLITS, assign_split
from carellm.language import detect_lang

# Zero-width and bidi controls, and C0/C1 controls other than tab/newline.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


class Rejected(Exception):
    """A conversation that cannot be kept; the message is the rejects-file reason."""


@dataclass
class CleanReport:
    read: int = 0
    kept: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    repairs: Counter[str] = field(default_factory=Counter)
    pii: Counter[str] = field(default_factory=Counter)
    utterances: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "utterances": self.utterances,
            "kept": dict(self.kept),
            "rejected": dict(self.rejected),
            "repairs": dict(self.repairs),
            "pii": dict(self.pii),
        }


def normalise_text(text: str) -> str:
    """NFC (not NFKC: NFKC would turn Chinese full-width punctuation into ASCII), no
    invisible characters, runs of spaces collapsed, CRLF unified."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n"))
    return _SPACES.sub(" ", text).strip()


def _merge(a: Message, b: Message) -> Message:
    merged = a.model_copy(update={"content": f"{a.content}\n{b.content}"})
    for media in ("audio", "image", "video"):
        both = (getattr(a, media) or []) + (getattr(b, media) or [])
        setattr(merged, media, both or None)
    merged.strategy = a.strategy or b.strategy
    return merged


def repair_roles(messages: list[Message], repair: bool, counts: Counter[str]) -> list[Message]:
    """System first (at most one), then user/assistant alternating, starting with user and
    ending with assistant; a lone user message is a classification record and stays."""
    system = [m for m in messages[:1] if m.role == "system"]
    turns = messages[len(system) :]
    if any(m.role == "system" for m in turns):
        raise Rejected("system message after the start")
    if len(turns) == 1 and turns[0].role == "user":
        return system + turns
    fixed: list[Message] = []
    for m in turns:
        if fixed and fixed[-1].role == m.role:
            if not repair:
                raise Rejected("roles do not alternate")
            fixed[-1] = _merge(fixed[-1], m)
            counts["merged_turns"] += 1
        else:
            fixed.append(m)
    while fixed and fixed[0].role == "assistant":
        if not repair:
            raise Rejected("starts with assistant")
        fixed.pop(0)
        counts["dropped_leading_assistant"] += 1
    if fixed and fixed[-1].role == "user":
        if not repair:
            raise Rejected("ends with user")
        fixed.pop()
        counts["dropped_trailing_user"] += 1
    if not fixed:
        raise Rejected("no user/assistant exchange")
    return system + fixed


class Cleaner:
    """Cleans one conversation at a time; holds the dedup state across a run."""

    def __init__(self, settings: CleanSettings, report: CleanReport) -> None:
        self.settings, self.report = settings, report
        self._exact = HashSet64()
        self._near = NearDuplicates() if settings.dedup_near else None

    def clean(self, conv: Conversation) -> Conversation:
        s, report = self.settings, self.report
        messages = []
        for m in conv.messages:
            text = normalise_text(m.content)
            if not text:
                report.repairs["dropped_empty_turns"] += 1
                continue
            if len(text) > s.max_turn_chars:
                raise Rejected("overlong turn")
            if s.scrub_pii:
                text = scrub_pii(text, report.pii)
            messages.append(m.model_copy(update={"content": text}) if text != m.content else m)
        if not messages:
            raise Rejected("all turns empty")
        messages = repair_roles(messages, s.repair_roles, report.repairs)
        sample = " ".join(m.content for m in messages if m.role != "system")[:2000]
        lang = detect_lang(sample, default=conv.lang if conv.lang in {"zh", "en"} else "en")
        if s.langs and lang not in s.langs:
            raise Rejected("language not wanted")
        if s.dedup_exact:
            key = exact_key([f"{m.role}:{normalise_for_dedup(m.content)}" for m in messages])
            if self._exact.add(key):
                raise Rejected("exact duplicate")
        if self._near is not None and self._near.seen_or_add(normalise_for_dedup(sample)):
            raise Rejected("near duplicate")
        return conv.model_copy(update={"messages": messages, "lang": lang})


def clean_file(
    source: Path,
    out_dir: Path,
    settings: CleanSettings | None = None,
    progress: Callable[[int], None] | None = None,
) -> CleanReport:
    """Writes out_dir/{train,validation,test}.jsonl and out_dir/rejects.jsonl."""
    settings = settings or CleanSettings()
    report = CleanReport()
    cleaner = Cleaner(settings, report)
    writers = {name: JsonlWriter(out_dir / f"{name}.jsonl") for name in SPLITS}
    with Rejects(out_dir / "rejects.jsonl") as rejects:
        for lineno, obj in iter_jsonl(source):
            report.read += 1
            if progress is not None:
                progress(1)
            if isinstance(obj, InvalidJson):
                rejects.reject("invalid JSON", line=lineno, detail=str(obj))
                continue
            try:
                conv = Conversation.model_validate(obj)
            except ValidationError as exc:
                first = exc.errors()[0]
                loc = ".".join(str(p) for p in first["loc"])
                rejects.reject("schema", line=lineno, detail=f"{loc}: {first['msg']}")
                continue
            try:
                cleaned = cleaner.clean(conv)
            except Rejected as exc:
                rejects.reject(str(exc), line=lineno, record_id=conv.id)
                continue
            split = assign_split(cleaned.id, settings.validation, settings.test, settings.split_seed)
            writers[split].write(cleaned.to_json_dict())
            report.kept[split] += 1
            report.utterances += len(cleaned.messages)
        report.rejected = rejects.reasons
    for writer in writers.values():
        writer.close()
    return report
