"""CareLLM: multimodal mental-health support research on Qwen2.5-Omni.

Research use only: CareLLM is not a medical device and not a substitute for professional care.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from carellm.version import __version__

if TYPE_CHECKING:  # so that `from carellm import Counselor` is typed
    from carellm.counseling.counselor import Counselor

__all__ = ["Counselor", "__version__"]


def __getattr__(name: str) -> Any:
    # Lazy: `import carellm` must stay cheap for the CLI and the safety layer.
    if name == "Counselor":
        from carellm.counseling.counselor import Counselor

        return Counselor
    raise AttributeError(name)
