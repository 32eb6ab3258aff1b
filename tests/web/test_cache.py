"""Gradio's own copies of private files (uploads, reply audio, transcripts, plots) do not stay on disk."""

from __future__ import annotations

from carellm.web.app import build_app
from carellm.web.settings import WebSettings


def test_the_page_sweeps_gradios_file_cache(counselor):
    assert build_app(counselor, web=WebSettings()).delete_cache == (15 * 60, 60 * 60)


def test_the_sweep_follows_the_settings(counselor, monkeypatch):
    monkeypatch.setenv("CARELLM_WEB_CACHE_MAX_AGE_S", "600")
    assert build_app(counselor, web=WebSettings(cache_sweep_s=60)).delete_cache == (60, 600)
