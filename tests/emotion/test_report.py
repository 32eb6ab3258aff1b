"""Session trajectory and the report, from a transcript file as `carellm chat` saves it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from PIL import Image

from carellm.emotion import SessionEmotionTracker


def _transcript(path, turns, audio=None):
    rows = []
    for i, (text, level) in enumerate(turns):
        row = {"role": "user", "text": text, "lang": "en", "safety_level": level}
        if audio and i == 0:
            row["audio"] = str(audio)
        rows += [row, {"role": "assistant", "text": "I hear you.", "lang": "en"}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "carellm", "emotion", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, HF_HUB_OFFLINE="1", COLUMNS="200"),
        timeout=180,
    )


def test_trajectory_sees_a_worsening_session():
    tracker = SessionEmotionTracker()
    for text in [
        "Today was good, I'm happy",
        "I'm a bit worried about work",
        "I feel sad and alone",
        "I feel hopeless and so sad",
    ]:
        tracker.observe(text, "en", None)
    traj = tracker.trajectory()
    assert traj["trend"] == "worsening" and traj["turns"] == 4 and "sadness" in traj["dominant"]


def test_html_report_with_plot_and_suggestions(tmp_path, voices):
    transcript = _transcript(
        tmp_path / "t.jsonl",
        [
            ("I'm so anxious I can't sleep", "none"),
            ("Work stresses me out", "none"),
            ("I keep worrying all night", "none"),
        ],
        audio=voices["agitated"],
    )
    done = run("report", "--file", str(transcript), "--out", str(tmp_path / "r.html"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "r.html").read_text()
    assert "data:image/png;base64," in page and "Box breathing" in page and "Sleep hygiene" in page
    assert "not a diagnosis" in page and "id='crisis'" not in page


def test_markdown_report_writes_a_real_png(tmp_path):
    transcript = _transcript(tmp_path / "t.jsonl", [("I feel lonely", "none"), ("Nobody calls me", "none")])
    assert run("report", "--file", str(transcript), "--out", str(tmp_path / "r.md")).returncode == 0
    with Image.open(tmp_path / "r.png") as img:
        assert img.format == "PNG" and img.size[0] > 300
    assert "Reach out to someone you trust" in (tmp_path / "r.md").read_text()


def test_a_flagged_session_leads_with_crisis_resources(tmp_path):
    from carellm.safety import crisis_response

    transcript = _transcript(tmp_path / "t.jsonl", [("I feel low", "none"), ("I don't want to live", "high")])
    assert run("report", "--file", str(transcript), "--out", str(tmp_path / "r.json")).returncode == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["crisis"] == crisis_response("en") and report["trajectory"]["flagged_turns"] == [1]
    run("report", "--file", str(transcript), "--out", str(tmp_path / "r.html"))
    page = (tmp_path / "r.html").read_text()
    assert page.index("id='crisis'") < page.index("<h1>")


def test_a_medium_turn_gets_the_chats_gentle_check_in_not_the_crisis_script(tmp_path):
    from carellm.safety import check_in, crisis_response

    transcript = _transcript(
        tmp_path / "t.jsonl", [("Work was long", "none"), ("I have been feeling low", "medium")]
    )
    assert run("report", "--file", str(transcript), "--out", str(tmp_path / "r.json")).returncode == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["crisis"] is None and report["check_in"] == check_in("en")
    assert report["trajectory"]["flagged_turns"] == [1]
    assert run("report", "--file", str(transcript), "--out", str(tmp_path / "r.html")).returncode == 0
    page = (tmp_path / "r.html").read_text()
    assert "id='crisis'" not in page and crisis_response("en").splitlines()[0] not in page
    assert page.index("<h1>") < page.index("id='check-in'")  # after the summary, not opening the report


def test_the_report_follows_the_chats_policy_at_every_level():
    from carellm.emotion.report import build_report
    from carellm.safety.assess import RiskAssessment
    from carellm.safety.policy import respond_to_risk

    for levels in (["none"], ["low", "none"], ["medium", "low"], ["medium", "high"], ["imminent", "medium"]):
        tracker = SessionEmotionTracker()
        for level in levels:
            tracker.observe("I have been feeling low", "en", None, safety_level=level)
        report = build_report(tracker, "en", [])
        highest = max(levels, key=["none", "low", "medium", "high", "imminent"].index)
        action = respond_to_risk(RiskAssessment(level=highest), "en")
        assert (report["crisis"], report["check_in"]) == (action.replace_with, action.append), levels
        assert (report["crisis"] is not None) == (highest in {"high", "imminent"})
        assert (report["check_in"] is not None) == (highest == "medium")


def test_analyze_cli_json_fields(voices):
    text = json.loads(run("analyze", "--json", "--text", "我好孤独，没人理解我").stdout)
    assert {"primary", "scores", "valence", "arousal", "keywords"} <= set(text) and text[
        "primary"
    ] == "loneliness"
    audio = json.loads(run("analyze", "--json", "--audio", str(voices["calm"])).stdout)
    assert {"pitch_mean_hz", "speaking_rate", "pause_ratio", "jitter", "shimmer", "hnr_db", "arousal"} <= set(
        audio
    )


def test_analyze_cli_bad_input(tmp_path):
    assert "Give exactly one" in run("analyze", "--text", "a", "--audio", "b.wav").stderr
    video_as_audio = tmp_path / "v.wav"
    video_as_audio.write_bytes(b"\x00\x00\x00 ftypisom" + b"\x00" * 100)
    done = run("analyze", "--audio", str(video_as_audio))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = tmp_path / "in.jsonl"
    lines.write_text('{"text": "I am happy"}\n{broken\n', encoding="utf-8")
    done = run("analyze", "--json", "--file", str(lines))
    assert json.loads(done.stdout.splitlines()[0])["primary"] == "joy" and "in.jsonl:2" in done.stderr
