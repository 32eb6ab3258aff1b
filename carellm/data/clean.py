"""The cleaning pipeline: one pass over a stream of conversations, in bounded memory.

Stages, in order, for every conversation:
 1. Unicode normalisation of each turn (text.normalize) and PII scrubbing (pii.scrub);
 2. empty turns dropped; a turn longer than `max_turn_chars` rejects the conversation
    (cutting a counselling turn in half changes what it says);
 3. role alternation: system only first, then user/assistant alternating, starting with
    the user and ending with the assistant. `roles="repair"` merges consecutive turns of
    one speaker and drops leading assistant / trailing user turns (counted by kind);
    `roles="reject"` rejects the conversation instead. Classification records (one user
    turn with labels) are exempt;
 4. language detection over the whole conversation (`lang` is set; `langs` filters);
 5. exact and near-duplicate removal (dedup.py; the first one seen is kept);
 6. the split, from a hash of the conversation id (split.py), stored in `meta.split`.

Every conversation that is not kept becomes a `Reject` with the stage and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel, Field

from carellm.data.dedup import Deduplicator
from carellm.data.io import Counts, JsonlWriter, Reject, iter_conversations, rejects_path
from carellm.data.pii import scrub
from carellm.data.schema import Conversation, Message
from carellm.data.split import assign_split
from carellm.data.text import detect_language, normalize


class CleanConfig(BaseModel):
    max_turn_chars: int = Field(8000, ge=1)
    roles: str = Field("repair", pattern="^(repair|reject)$")
    langs: frozenset[str] | None = None  # keep only these languages; None keeps all
    pii: bool = True
    dedup: bool = True
    near_dedup: bool = True
    validation: float = Field(0.05, ge=0, lt=1)
    test: float = Field(0.05, ge=0, lt=1)
    salt: str = "carellm"


class Cleaner:
    def __init__(self, config: CleanConfig | None = None) -> None:
        self.config = config or CleanConfig()
        self.counts = Counts()
        self.dedup = Deduplicator(near=self.config.near_dedup) if self.config.dedup else None

    def run(
        self, items: Iterable[Conversation | Reject], batch: int = 512
    ) -> Iterator[Conversation | Reject]:
        """Cleaned conversations and rejects, in input order.

        Conversations wait in a buffer of `batch` so that deduplication runs vectorised;
        the buffer bounds memory.
        """
        pending: list[tuple[Conversation | Reject, str | None]] = []
        waiting = 0
        for item in items:
            if isinstance(item, Reject):
                pending.append((item, None))
                continue
            self.counts.read += 1
            reason = self.prepare(item)
            pending.append((item, reason))
            waiting += reason is None
            if waiting >= batch:
                yield from self._flush(pending)
                pending, waiting = [], 0
        yield from self._flush(pending)

    def _flush(
        self, pending: list[tuple[Conversation | Reject, str | None]]
    ) -> Iterator[Conversation | Reject]:
        candidates = [item for item, reason in pending if reason is None and isinstance(item, Conversation)]
        verdicts = iter(self.dedup.check_batch([_texts(c) for c in candidates]) if self.dedup else [])
        cfg = self.config
        for item, reason in pending:
            if isinstance(item, Reject):
                self.counts.reject(item.reason)
                yield item
                continue
            if reason is None and self.dedup is not None:
                reason = next(verdicts)
            if reason is None:
                item.meta["split"] = assign_split(item.split_key, cfg.validation, cfg.test, cfg.salt)
                self.counts.kept += 1
                yield item
                continue
            self.counts.reject(reason)
            record = item.model_dump(exclude_none=True)
            yield Reject(reason, item.meta.get("line"), item.id, stage="clean", record=record)

    def prepare(self, conv: Conversation) -> str | None:
        """Stages 1-4 on `conv`, in place; the reason it must be rejected, or None."""
        cfg = self.config
        kept: list[Message] = []
        for message in conv.messages:
            text = normalize(message.content)
            if cfg.pii and text:
                text, found = scrub(text)
                if found:
                    self.counts.repair("pii_replaced", found)
            if not text and not message.media():
                self.counts.repair("empty_turn_dropped")
                continue
            if len(text) > cfg.max_turn_chars:
                return f"overlong turn: {len(text)} characters (limit {cfg.max_turn_chars})"
            if text != message.content:
                message.content = text
            kept.append(message)
        if not kept:
            return "empty: no turn has text"
        conv.messages = kept
        if not conv.is_classification:
            reason = self._roles(conv)
            if reason:
                return reason
        detected = detect_language(" ".join(m.content for m in conv.messages[:6])[:2000])
        if detected != "und":
            conv.lang = detected
        if cfg.langs is not None and conv.lang not in cfg.langs:
            return f"language: {conv.lang} is not in {','.join(sorted(cfg.langs))}"
        return None

    def _roles(self, conv: Conversation) -> str | None:
        repair = self.config.roles == "repair"
        system = [m for m in conv.messages[:1] if m.role == "system"]
        turns = conv.messages[len(system) :]
        if any(m.role == "system" for m in turns):
            if not repair:
                return "roles: system message after the start"
            self.counts.repair("late_system_dropped", sum(m.role == "system" for m in turns))
            turns = [m for m in turns if m.role != "system"]
        merged: list[Message] = []
        for message in turns:
            if merged and merged[-1].role == message.role:
                if not repair:
                    return f"roles: two {message.role} turns in a row"
                joined = _merge(merged[-1], message)
                if joined is None:
                    return "roles: two turns in a row both carry the same kind of media"
                self.counts.repair("consecutive_turns_merged")
                merged[-1] = joined
            else:
                merged.append(message)
        while merged and merged[0].role == "assistant":
            if not repair:
                return "roles: starts with the assistant"
            self.counts.repair("leading_assistant_dropped")
            merged.pop(0)
        while merged and merged[-1].role == "user":
            if not repair:
                return "roles: ends with the user"
            self.counts.repair("trailing_user_dropped")
            merged.pop()
        if not merged:
            return "roles: no user turn followed by an assistant turn"
        conv.messages = system + merged
        return None


def _texts(conv: Conversation) -> tuple[list[str], list[str]]:
    return [m.role for m in conv.messages], [m.content for m in conv.messages]


def _merge(first: Message, second: Message) -> Message | None:
    """One turn from two of the same speaker; annotations that differ are joined with ' + '.

    None when both carry the same kind of media: a turn holds one file per kind.
    """
    if set(first.media()) & set(second.media()):
        return None

    def join(a: str | None, b: str | None) -> str | None:
        if a and b and a != b:
            return f"{a} + {b}"
        return a or b

    media = {k: getattr(first, k) or getattr(second, k) for k in ("audio", "image", "video")}
    return Message(
        role=first.role,
        content=f"{first.content}\n{second.content}",
        emotion=join(first.emotion, second.emotion),
        strategy=join(first.strategy, second.strategy),
        **media,
    )


def write_stream(items: Iterable, out: Path, progress=None) -> tuple[int, int]:
    """Good records to OUT, rejects to OUT.rejects.jsonl; (kept, rejected)."""
    with JsonlWriter(out) as good, JsonlWriter(rejects_path(out)) as bad:
        for item in items:
            if isinstance(item, Reject):
                bad.write(item.to_json())
            else:
                good.write(item.to_json())
            if progress is not None:
                progress()
    return good.count, bad.count


def clean_stream(
    items: Iterable[Conversation | Reject], config: CleanConfig | None = None, workers: int = 1
) -> tuple[Iterator, Counts]:
    """(cleaned stream, its counts), with `workers` processes when more than one."""
    config = config or CleanConfig()
    if workers <= 1:
        cleaner = Cleaner(config)
        return cleaner.run(items), cleaner.counts
    from carellm.data.parallel import clean_parallel

    counts = Counts()
    return clean_parallel(items, config, workers, counts), counts


def clean_file(
    path: Path, out: Path, config: CleanConfig | None = None, progress=None, workers: int = 1
) -> Counts:
    stream, counts = clean_stream((item for _, item in iter_conversations(path)), config, workers)
    write_stream(stream, out, progress)
    return counts
