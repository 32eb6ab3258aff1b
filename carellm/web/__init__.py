"""The CareLLM web page (Gradio): `build_app(counselor, settings)` returns the Blocks app."""

from carellm.web.feedback import Feedback, FeedbackSink, JsonlFeedbackSink
from carellm.web.settings import WebSettings


def build_app(*args, **kwargs):
    """See `carellm.web.app.build_app` (imported lazily: Gradio is slow to import)."""
    from carellm.web.app import build_app as build

    return build(*args, **kwargs)


__all__ = ["Feedback", "FeedbackSink", "JsonlFeedbackSink", "WebSettings", "build_app"]
