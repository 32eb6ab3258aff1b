"""CareLLM: multimodal mental-health support research on Qwen2.5-Omni.

Research use only: CareLLM is not a medical device and not a substitute for professional care.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["Counselor", "__version__"]


def __getattr__(name: str):
    # Lazy: `import carellm` must stay cheap for the CLI and the safety layer.
    if name == "Counselor":
        from carellm.counseling.counselor import Counselor

        return Counselor
    raise AttributeError(name)
