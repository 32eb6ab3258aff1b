"""Does a tuned checkpoint still speak like its base? The same approved replies, spoken by both.

Fine-tuning changes only the thinker, but the talker reads the thinker's hidden states, so its
speech codes can drift (users of other tools report changed pace and garbled speech after
thinker-only tuning). Each reply is given to both checkpoints with the same prompt, voice and
sampling seed: where the thinker did not change, the codes are identical; where it did, they
part. Reported per reply: code agreement (same code at the same position, over the longer
utterance), the first position where they differ, and the duration ratio (tuned / base; the
talker makes 50 codes a second).
"""

from __future__ import annotations

import gc
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from carellm.backends.base import Message
from carellm.errors import InputError

CODES_PER_SECOND = 50
DURATION_BOUNDS = (2 / 3, 3 / 2)  # outside this the pace changed enough to hear
LOW_AGREEMENT = 0.5

# Approved replies in both languages, used when no data file is given.
DEFAULT_REPLIES: tuple[tuple[str, str, str], ...] = (
    ("en", "I have been so stressed at work that I cannot sleep.",
     "That sounds exhausting. When work follows you into the night, rest gets hard. "
     "What has been weighing on you most this week?"),
    ("en", "My best friend moved away and I feel alone.",
     "Missing someone close can leave a real gap in your days. It makes sense to feel lonely. "
     "How have you been spending the evenings since they left?"),
    ("en", "I keep worrying that I will fail my exams.",
     "Exams can feel like they decide everything. Let's slow down for a moment: "
     "which subject worries you the most, and what would help you feel a little more ready?"),
    ("zh", "最近工作压力很大，晚上总是睡不着。",
     "听起来你真的很累。压力跟着你到了夜里，休息就变得很难。这周最让你放不下的是什么呢？"),
    ("zh", "好朋友搬走了，我觉得很孤单。",
     "身边重要的人离开，日子里会空出一块，感到孤单是很自然的。她走了以后，你的晚上一般怎么过？"),
    ("zh", "我总担心考试会考砸。",
     "考试有时候会让人觉得决定了一切。我们先慢一点：哪一科最让你担心？做些什么会让你觉得更有准备一些？"),
)  # fmt: skip


@dataclass
class SpokenReply:
    prompt: list[Message]
    reply: str


@dataclass
class ReplyComparison:
    reply: str
    base_codes: int
    tuned_codes: int
    agreement: float
    first_difference: int | None

    @property
    def duration_ratio(self) -> float:
        return self.tuned_codes / self.base_codes if self.base_codes else float("inf")

    @property
    def drifted(self) -> bool:
        low, high = DURATION_BOUNDS
        return self.agreement < LOW_AGREEMENT or not low <= self.duration_ratio <= high


@dataclass
class SpeechCheck:
    base: str
    tuned: str
    voice: str
    replies: list[ReplyComparison]

    @property
    def mean_agreement(self) -> float:
        return statistics.fmean(r.agreement for r in self.replies)

    @property
    def median_duration_ratio(self) -> float:
        return statistics.median(r.duration_ratio for r in self.replies)

    def to_dict(self) -> dict:
        return {
            "base": self.base,
            "tuned": self.tuned,
            "voice": self.voice,
            "mean_agreement": round(self.mean_agreement, 4),
            "median_duration_ratio": round(self.median_duration_ratio, 4),
            "drifted": sum(r.drifted for r in self.replies),
            "replies": [
                {
                    "reply": r.reply,
                    "base_seconds": r.base_codes / CODES_PER_SECOND,
                    "tuned_seconds": r.tuned_codes / CODES_PER_SECOND,
                    "agreement": round(r.agreement, 4),
                    "first_difference": r.first_difference,
                    "duration_ratio": round(r.duration_ratio, 4),
                    "drifted": r.drifted,
                }
                for r in self.replies
            ],
        }


def compare_codes(base: Sequence[int], tuned: Sequence[int]) -> tuple[float, int | None]:
    """(agreement, first differing position or None)."""
    longest = max(len(base), len(tuned))
    if longest == 0:
        return 1.0, None
    same = sum(a == b for a, b in zip(base, tuned, strict=False))
    first = next((i for i, (a, b) in enumerate(zip(base, tuned, strict=False)) if a != b), None)
    if first is None and len(base) != len(tuned):
        first = min(len(base), len(tuned))
    return same / longest, first


def default_replies() -> list[SpokenReply]:
    from carellm.train.data import with_system_prompt

    return [
        SpokenReply(with_system_prompt([Message("user", user)], lang), reply)
        for lang, user, reply in DEFAULT_REPLIES
    ]


def replies_from_file(path: str | Path, limit: int) -> list[SpokenReply]:
    """The last assistant reply of each conversation in a training file, after what led to it."""
    from carellm.train.data import read_conversations

    out = []
    for messages in read_conversations(path)[:limit]:
        *prompt, last = messages
        out.append(SpokenReply(list(prompt), last.text))
    return out


def _codes(model: str, replies: list[SpokenReply], voice: str, seed: int) -> list[list[int]]:
    from carellm.backends.omni import OmniBackend
    from carellm.config import Settings

    backend = OmniBackend.load(Settings(model=model, audio_output=True))
    try:
        if not backend.can_speak:
            raise InputError(
                f"{model} has no talker, so there is no speech to compare.",
                "Pass complete Qwen2.5-Omni checkpoints (`carellm train merge` writes one).",
            )
        return [backend.speech_codes(r.prompt, r.reply, voice, seed + i) for i, r in enumerate(replies)]
    finally:
        del backend
        gc.collect()


def check_speech(
    base: str, tuned: str, replies: list[SpokenReply], voice: str = "Chelsie", seed: int = 0
) -> SpeechCheck:
    """Speak every reply with `base`, then with `tuned` (one model in memory at a time)."""
    if not replies:
        raise InputError(
            "No replies to speak.", "Pass a data file with assistant replies, or none for the defaults."
        )
    before = _codes(base, replies, voice, seed)
    after = _codes(tuned, replies, voice, seed)
    compared = []
    for reply, a, b in zip(replies, before, after, strict=True):
        agreement, first = compare_codes(a, b)
        compared.append(ReplyComparison(reply.reply, len(a), len(b), agreement, first))
    return SpeechCheck(base, tuned, voice, compared)
