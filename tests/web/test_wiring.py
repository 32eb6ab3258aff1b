"""The page's wiring, without a browser: every handler can be handed the request Gradio injects,
and every update a handler returns lands on a component its event declared as an output."""

from __future__ import annotations

import inspect

import gradio as gr
import pytest
from gradio.blocks import convert_component_dict_to_list
from gradio.utils import get_type_hints

from carellm.web.app import build_app
from carellm.web.conversation import WebConversation
from carellm.web.handlers import PageHandlers
from carellm.web.settings import WebSettings


@pytest.fixture(scope="module")
def demo(counselor):
    return build_app(counselor, web=WebSettings())


def events(demo) -> dict[str, list]:
    """Each event's handler name and its declared outputs (one handler may serve several events)."""
    found: dict[str, list] = {}
    for fn in demo.fns.values():
        name = getattr(fn.fn, "__name__", "")
        if name.startswith("on_"):
            found.setdefault(name, []).append(list(fn.outputs))
    return found


def test_every_handler_is_wired(demo):
    handlers = {name for name, _ in inspect.getmembers(PageHandlers) if name.startswith("on_")}
    assert set(events(demo)) == handlers


@pytest.mark.parametrize(
    "name", sorted(n for n, _ in inspect.getmembers(PageHandlers) if n.startswith("on_"))
)
def test_handler_annotations_resolve_at_run_time(name):
    # Gradio injects gr.Request / gr.LikeData by annotation; an unresolvable name hides them all.
    method = getattr(PageHandlers, name)
    hints = get_type_hints(method)
    assert hints, f"{name}: its annotations do not resolve, so Gradio would not pass the request"
    for param in inspect.signature(method).parameters:
        if param == "request":
            assert hints[param] is gr.Request
        if param == "data":
            assert hints[param] is gr.LikeData


def lands(demo, name: str, updates: dict) -> None:
    assert updates, f"{name} returned no update (an empty dict means one value to Gradio)"
    for outputs in events(demo)[name]:
        convert_component_dict_to_list(outputs, updates)  # raises for a component not declared


def handler(demo, name: str):
    return next(fn.fn for fn in demo.fns.values() if getattr(fn.fn, "__name__", "") == name)


def test_updates_land_on_declared_outputs(demo):
    lands(demo, "on_load", handler(demo, "on_load")(None))
    lands(demo, "on_ack", handler(demo, "on_ack")(None, False, "en", None))
    acknowledged = handler(demo, "on_ack")(None, True, "zh", None)
    lands(demo, "on_ack", acknowledged)
    conv = next(value for value in acknowledged.values() if isinstance(value, WebConversation))
    lands(demo, "on_lang", handler(demo, "on_lang")(None, "zh"))
    lands(demo, "on_lang", handler(demo, "on_lang")(conv, "en"))
    lands(demo, "on_new", handler(demo, "on_new")(conv, "en", None))
    lands(demo, "on_comment", handler(demo, "on_comment")(conv, "no reply rated yet", "en", None))
    for update in handler(demo, "on_send")(
        conv, {"text": "  ", "files": []}, None, None, False, False, "", "en", None
    ):
        lands(demo, "on_send", update)  # an empty message: the error path, without running the model
