"""`carellm emotion analyze|report` flags and inputs, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

CMD = [sys.executable, "-m", "carellm", "emotion"]
ENV = dict(os.environ, HF_HUB_OFFLINE="1", COLUMNS="200")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CMD, *args], input=stdin, capture_output=True, text=True, env=ENV, timeout=180)


def test_analyze_file_reads_stdin():
    lines = '{"text": "I am so happy today"}\n'
    for path in ("/dev/stdin", "-"):
        done = run("analyze", "--json", "--file", path, stdin=lines)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["primary"] == "joy"


def test_chinese_text_prints_nothing_from_jieba():
    done = run("analyze", "--text", "我好孤独，没人理解我")
    assert done.returncode == 0 and "loneliness" in done.stdout
    assert "prefix dict" not in done.stderr and "Loading model" not in done.stderr


def _transcript(tmp_path):
    path = tmp_path / "t.jsonl"
    rows = [{"role": "user", "text": "I feel lonely", "lang": "en", "safety_level": "none"},
            {"role": "assistant", "text": "I hear you.", "lang": "en"}]  # fmt: skip
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def test_report_takes_lang_like_the_other_commands(tmp_path):
    out = tmp_path / "r.json"
    done = run("report", "--file", str(_transcript(tmp_path)), "--out", str(out), "--lang", "zh-CN")
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["lang"] == "zh"
    old = run("report", "--file", str(_transcript(tmp_path)), "--out", str(out), "--locale", "en-GB")
    assert old.returncode == 0 and json.loads(out.read_text())["lang"] == "en"
    assert "--locale" not in run("report", "--help").stdout
    bad = run("report", "--file", str(_transcript(tmp_path)), "--out", str(out), "--lang", "fr")
    assert bad.returncode == 2 and "--lang" in bad.stderr and "Traceback" not in bad.stderr


def test_markdown_report_says_where_its_plot_went(tmp_path):
    done = run("report", "--file", str(_transcript(tmp_path)), "--out", str(tmp_path / "r.md"))
    assert done.returncode == 0 and (tmp_path / "r.png").is_file()
    assert f"Timeline plot written to {tmp_path / 'r.png'}" in done.stdout
