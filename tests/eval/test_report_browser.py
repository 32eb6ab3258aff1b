"""The report opens in a real headless Chromium, offline, with every plot drawn."""

from __future__ import annotations

import json

from carellm.eval.benchmarks.emollm import EmoLLM
from carellm.eval.report import write_report
from carellm.eval.runner import RESULTS
from tests.eval.test_suites import _run


def test_report_page_shows_its_plots_without_the_network(counselor, emollm_pin, cache, tmp_path, browser):
    _run("emollm", EmoLLM(emollm_pin), counselor, None, cache, tmp_path)
    report = write_report(json.loads((tmp_path / RESULTS).read_text()), tmp_path)
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    sizes = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.complete, i.naturalWidth])")
    page.close()
    assert len(sizes) >= 2  # the EmoLLM radar with its published anchors, and the latency histogram
    assert all(complete and width > 100 for complete, width in sizes)
    assert all(url.startswith(("file:", "data:")) for url in requests)
