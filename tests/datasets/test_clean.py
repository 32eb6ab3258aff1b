"""The cleaning pipeline: each step observable on real schema files."""

from __future__ import annotations

import json
from pathlib import Path

from carellm.data.clean import clean_file
from carellm.data.pii import scrub_pii
from carellm.data.split import assign_split


def conv(i, msgs, **kw):
    return {
        "id": str(i),
        "source": "t",
        "license": "mit",
        "messages": [{"role": r, "content": c} for r, c in msgs],
        **kw,
    }


def clean(tmp_path: Path, records: list[dict], **settings):
    from carellm.data.settings import CleanSettings

    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    report = clean_file(src, tmp_path / "out", CleanSettings(**settings))
    kept = [
        json.loads(x)
        for s in ("train", "validation", "test")
        for x in (tmp_path / "out" / f"{s}.jsonl").open()
    ]
    rejects = [json.loads(x) for x in (tmp_path / "out" / "rejects.jsonl").open()]
    return report, kept, rejects


def test_pii_placeholders_for_zh_and_en():
    text = "邮箱 a.b@x.com 手机13812345678 身份证11010519900307123X https://x.org @bob_1 call (415) 555-2671"
    assert scrub_pii(text) == "邮箱 [EMAIL] 手机[PHONE] 身份证[ID_NUMBER] [URL] [HANDLE] call [PHONE]"


def test_pii_leaves_short_numbers_and_years():
    assert scrub_pii("I was 17 in 2019, room 305.") == "I was 17 in 2019, room 305."


def test_split_is_deterministic_and_roughly_proportional():
    splits = [assign_split(str(i)) for i in range(4000)]
    assert splits == [assign_split(str(i)) for i in range(4000)]
    assert 0.85 < splits.count("train") / 4000 < 0.95


def test_consecutive_turns_merged_and_leading_assistant_dropped(tmp_path):
    report, kept, _ = clean(
        tmp_path, [conv(1, [("assistant", "Hi"), ("user", "a"), ("user", "b"), ("assistant", "ok")])]
    )
    assert [m["content"] for m in kept[0]["messages"]] == ["a\nb", "ok"]
    assert report.repairs == {"merged_turns": 1, "dropped_leading_assistant": 1}


def test_no_repair_rejects_non_alternating(tmp_path):
    _, kept, rejects = clean(
        tmp_path, [conv(1, [("user", "a"), ("user", "b"), ("assistant", "ok")])], repair_roles=False
    )
    assert kept == [] and rejects == [{"reason": "roles do not alternate", "line": 1, "id": "1"}]


def test_exact_and_near_duplicates_rejected(tmp_path):
    base = "I had a really rough day at work today and my boss yelled at me in front of everyone."
    records = [
        conv(1, [("user", base), ("assistant", "That sounds painful.")]),
        conv(2, [("user", base), ("assistant", "That sounds painful.")]),
        conv(3, [("user", base.replace("really", "very")), ("assistant", "That sounds painful.")]),
        conv(4, [("user", "My cat is sick and I am worried."), ("assistant", "I'm sorry to hear that.")]),
    ]
    _, kept, rejects = clean(tmp_path, records)
    assert sorted(c["id"] for c in kept) == ["1", "4"]
    assert [r["reason"] for r in rejects] == ["exact duplicate", "near duplicate"]


def test_language_detected_and_filtered(tmp_path):
    records = [
        conv(1, [("user", "我很难过"), ("assistant", "我在这里陪你")]),
        conv(2, [("user", "I am sad"), ("assistant", "I hear you")]),
    ]
    _, kept, rejects = clean(tmp_path, records, langs=["zh"])
    assert [(c["id"], c["lang"]) for c in kept] == [("1", "zh")]
    assert rejects[0]["reason"] == "language not wanted"


def test_invisible_characters_and_empty_turns_removed(tmp_path):
    report, kept, _ = clean(
        tmp_path, [conv(1, [("user", "he\u200bllo  there"), ("assistant", " "), ("assistant", "hi")])]
    )
    assert [m["content"] for m in kept[0]["messages"]] == ["hello there", "hi"]
    assert report.repairs["dropped_empty_turns"] == 1


def test_bad_lines_go_to_rejects_not_silently_dropped(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "1"\n{"id": "2", "source": "t", "license": "x", "messages": []}\n')
    report = clean_file(src, tmp_path / "out")
    assert dict(report.rejected) == {"invalid JSON": 1, "schema": 1}


def test_overlong_turn_rejected(tmp_path):
    _, kept, rejects = clean(
        tmp_path, [conv(1, [("user", "x" * 50), ("assistant", "ok")])], max_turn_chars=10
    )
    assert kept == [] and rejects[0]["reason"] == "overlong turn"
