"""`carellm safety` as other tools call it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

CMD = [sys.executable, "-m", "carellm", "safety"]
ENV = dict(os.environ, HF_HUB_OFFLINE="1", COLUMNS="200")


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CMD, *args], input=stdin, capture_output=True, env=ENV, timeout=120)


def test_check_json_has_exactly_the_documented_fields():
    done = run("check", "--json", "遗书都写好了")
    result = json.loads(done.stdout)
    assert done.returncode == 0
    assert set(result) == {"level", "categories", "evidence", "lang"}
    assert result["level"] == "high" and result["lang"] == "zh" and result["categories"] == ["suicide"]


def test_check_reads_stdin():
    done = run("check", "--json", "--lang", "en", "-", stdin=b"I've been saving up my pills")
    assert json.loads(done.stdout)["level"] in {"high", "imminent"}


def test_invalid_utf8_on_stdin_is_a_clean_error():
    done = run("check", "-", stdin=b"\xff\xfe\xfa broken")
    assert done.returncode == 2 and b"UTF-8" in done.stderr and b"Traceback" not in done.stderr


def test_jsonl_file_keeps_order_and_reports_bad_lines(tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text('{"text": "hello"}\nnot json\n{"text": "我想死"}\n{"no_text": 1}\n', encoding="utf-8")
    done = run("check", "--json", "--file", str(data))
    lines = [json.loads(x) for x in done.stdout.decode().splitlines()]
    assert [x["level"] for x in lines] == ["none", "high"]
    assert b"line 2" in done.stderr and b"line 4" in done.stderr and done.returncode == 1


def test_one_megabyte_of_text_is_fine(tmp_path):
    done = run("check", "--json", "-", stdin=("word " * 200_000).encode())
    assert done.returncode == 0 and json.loads(done.stdout)["level"] == "none"


def test_eval_prints_recall_fpr_and_misses(tmp_path):
    data = tmp_path / "eval.jsonl"
    rows = [{"text": "I want to kill myself", "label": "crisis", "lang": "en", "kind": "explicit"},
            {"text": "the weather is nice", "label": "crisis", "lang": "en", "kind": "mislabelled"},
            {"text": "笑死我了", "label": "safe", "lang": "zh", "kind": "figurative"}]  # fmt: skip
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    done = run("eval", str(data))
    out = " ".join(done.stdout.decode().split())
    assert done.returncode == 0
    assert "recall (crisis): 0.500" in out and "false-positive rate (safe): 0.000" in out
    assert "MISS line 2" in out


def test_check_file_reads_stdin_and_pipes():
    line = b'{"text": "I want to kill myself"}\n'
    for path in ("/dev/stdin", "-"):
        done = run("check", "--json", "--file", path, stdin=line)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["level"] in {"high", "imminent"}
    piped = subprocess.run(
        ["bash", "-c", 'exec "$@" <(echo \'{"text": "hello"}\')', "_", *CMD, "check", "--json", "--file"],
        capture_output=True, env=ENV, timeout=120,
    )  # fmt: skip
    assert piped.returncode == 0 and json.loads(piped.stdout)["level"] == "none", piped.stderr


def test_check_missing_file_hint_is_about_check_not_eval(tmp_path):
    done = run("check", "--file", str(tmp_path / "nope"))
    err = b" ".join(done.stderr.split())
    assert done.returncode == 2 and b"No file at" in err and b"label" not in err and b'{"text"' in err


def test_check_empty_text_is_an_error():
    for text, stdin in (("", None), ("   ", None), ("-", b"")):
        done = run("check", text, stdin=stdin)
        assert done.returncode == 2 and b"empty" in done.stderr and b"level" not in done.stdout


def test_eval_without_usable_lines_is_an_error_not_nan(tmp_path):
    data = tmp_path / "eval.jsonl"
    data.write_text('not json\n{"text": "no label"}\n', encoding="utf-8")
    done = run("eval", str(data))
    assert done.returncode == 2 and b"No usable cases" in done.stderr and b"nan" not in done.stdout
    only_safe = tmp_path / "safe.jsonl"
    only_safe.write_text('{"text": "the weather is nice", "label": "safe"}\n', encoding="utf-8")
    done = run("eval", str(only_safe))
    assert done.returncode == 0 and b"recall (crisis): n/a" in done.stdout and b"nan" not in done.stdout
    report = json.loads(run("eval", "--json", str(only_safe)).stdout)  # strict JSON: no NaN
    assert report["recall"] is None and report["false_positive_rate"] == 0.0


def test_guard_says_which_rule_a_reply_breaks():
    done = run("guard", "--json", "Take 50mg of sertraline every morning and you will feel better.")
    row = json.loads(done.stdout)
    assert done.returncode == 0 and row["ok"] is False and row["violations"] and row["evidence"]
    done = run("guard", "--json", "It sounds like a hard week. Would you like to talk about what happened?")
    assert json.loads(done.stdout) == {"ok": True, "violations": [], "evidence": []}


def test_guard_text_output_shows_the_fallback_in_the_chosen_language():
    done = run("guard", "--lang", "zh", "-", stdin="每天吃两片安眠药就能睡着。".encode())
    out = done.stdout.decode()
    assert done.returncode == 0 and out.startswith("blocked") and "replaced by:" in out and "人工智能" in out


def test_guard_file_gives_one_verdict_per_line_in_order(tmp_path):
    data = tmp_path / "replies.jsonl"
    data.write_text(
        '{"text": "Breathing slowly can help."}\n'
        '{"text": "As a licensed therapist, I promise this stays between us."}\n',
        encoding="utf-8",
    )
    done = run("guard", "--json", "--file", str(data))
    rows = [json.loads(x) for x in done.stdout.decode().splitlines()]
    assert [r["ok"] for r in rows] == [True, False]


def test_eval_guard_reports_block_rate_false_blocks_and_categories(tmp_path):
    data = tmp_path / "labelled.jsonl"
    data.write_text(
        "\n".join(
            json.dumps(r, ensure_ascii=False)
            for r in [
                {"text": "Take 50mg of zoloft.", "label": "block", "lang": "en", "category": "medication"},
                {
                    "text": "You have depression, that is clear.",
                    "label": "block",
                    "lang": "en",
                    "category": "diagnosis",
                },
                {
                    "text": "A psychiatrist can assess whether medication is right for you.",
                    "label": "allow",
                    "lang": "en",
                },
                {"text": "我们可以一起试试深呼吸。", "label": "allow", "lang": "zh"},
                {"text": "no label here"},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    done = run("eval-guard", "--json", str(data))
    report = json.loads(done.stdout)
    assert (
        done.returncode == 1 and b"label must be 'block' or 'allow'" in done.stderr
    )  # the bad line is named
    assert report["total"] == 4 and report["false_positive_rate"] == 0.0
    assert set(report["by_kind"]) >= {"medication", "diagnosis"} and set(report["by_lang"]) == {"en", "zh"}
    assert 0.0 <= report["recall"] <= 1.0


def test_eval_reads_standard_input():
    rows = b'{"text": "\xe6\x88\x91\xe4\xb8\x8d\xe6\x83\xb3\xe6\xb4\xbb\xe4\xba\x86", "label": "crisis"}\n'
    done = run("eval", "--json", "-", stdin=rows)
    assert done.returncode == 0 and json.loads(done.stdout)["total"] == 1
