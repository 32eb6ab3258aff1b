"""The suites `carellm eval run --suite` knows, by name (`all` runs every one)."""

from __future__ import annotations

from carellm.errors import ConfigError
from carellm.eval.benchmarks.base import Suite
from carellm.eval.benchmarks.counselbench import CounselBench
from carellm.eval.benchmarks.cpsycoun import CPsyCoun
from carellm.eval.benchmarks.emollm import EmoLLM
from carellm.eval.benchmarks.mentalchat import MentalChat
from carellm.eval.benchmarks.safety import Safety

REPLY_SUITES: dict[str, Suite] = {
    s.name: s for s in (CPsyCoun(), CounselBench(), MentalChat(), EmoLLM(), Safety())
}
EMOTION = "emotion"  # scores the emotion analysis, not replies (benchmarks/emotion.py)
SUITE_NAMES = (*REPLY_SUITES, EMOTION)


def chosen_suites(names: list[str]) -> list[str]:
    """The suites named (in their canonical order), `all` for every one."""
    wanted = set(SUITE_NAMES) if "all" in names else set(names)
    unknown = wanted - set(SUITE_NAMES)
    if unknown or not wanted:
        raise ConfigError(
            f"Unknown suite: {', '.join(sorted(unknown)) or '(none given)'}.",
            f"Choose from {', '.join(SUITE_NAMES)} or all.",
        )
    return [name for name in SUITE_NAMES if name in wanted]
