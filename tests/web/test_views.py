"""The panels' HTML, from plain data."""

from __future__ import annotations

from carellm.safety import crisis_lines, crisis_response
from carellm.web.views import crisis_html


def test_the_crisis_panel_lists_the_lines_and_folds_the_whole_response_beneath():
    page = crisis_html("en", crisis_response("en", "en-GB"), crisis_lines("en", "en-GB"))
    assert "<li>Samaritans: 116 123" in page
    assert "<details class='carellm-crisis-more'><summary>" in page


def test_without_lines_the_crisis_panel_shows_the_whole_response_open():
    page = crisis_html("en", crisis_response("en"))
    assert "<details class='carellm-crisis-more' open>" in page
    assert "988" in page
