"""CareLLM on Hugging Face Spaces, and locally with `python app.py`.

The same page as `carellm web`: configure it with CARELLM_* variables (CARELLM_MODEL,
CARELLM_BACKEND=openai + CARELLM_BASE_URL, CARELLM_WEB_AUTH=user:pass, CARELLM_WEB_UI_LANG...).
On a ZeroGPU Space the `spaces` package is present and each turn runs under its GPU decorator.
"""

from __future__ import annotations

import os
from collections.abc import Callable


def gpu_decorator() -> Callable | None:
    """`spaces.GPU` when the package is installed (a no-op outside ZeroGPU hardware)."""
    try:
        import spaces
    except ImportError:
        return None
    return spaces.GPU(duration=int(os.environ.get("CARELLM_SPACES_GPU_SECONDS", "120")))


def main() -> None:
    from carellm.cli.web import run_web
    from carellm.config import load_settings
    from carellm.web.settings import WebSettings

    settings = load_settings()
    web = WebSettings()
    if os.environ.get("SPACE_ID"):  # inside a Space the page must listen on all interfaces
        web = web.model_copy(update={"host": os.environ.get("GRADIO_SERVER_NAME", "0.0.0.0")})
    run_web(settings, web, gpu=gpu_decorator())


if __name__ == "__main__":
    main()
