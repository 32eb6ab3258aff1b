"""The cleaning pipeline, stage by stage, on real records."""

from __future__ import annotations

from carellm.data.clean import CleanConfig, Cleaner
from carellm.data.dedup import MinHasher
from carellm.data.pii import scrub
from carellm.data.schema import Conversation, Labels, Message
from carellm.data.split import assign_split


def conv(*turns: tuple[str, str], id: str = "c1", **kwargs) -> Conversation:
    messages = [Message(role=role, content=text) for role, text in turns]
    return Conversation(id=id, source="test", license="mit", messages=messages, **kwargs)


def clean(*convs: Conversation, **config):
    cleaner = Cleaner(CleanConfig(**config))
    out = list(cleaner.run(convs))
    return (
        [x for x in out if isinstance(x, Conversation)],
        [x for x in out if not isinstance(x, Conversation)],
        cleaner,
    )


def test_unicode_is_nfc_with_control_and_zero_width_characters_removed():
    kept, _, _ = clean(conv(("user", "Cafe\u0301\u200b  is   nice\r\n\n\n\nok"), ("assistant", "\ufeffyes")))
    assert kept[0].messages[0].content == "Café is nice\n\nok" and kept[0].messages[1].content == "yes"


def test_chinese_full_width_punctuation_is_kept():
    kept, _, _ = clean(conv(("user", "我很难过，怎么办？"), ("assistant", "我在这里。")))
    assert kept[0].messages[0].content == "我很难过，怎么办？" and kept[0].lang == "zh"


def test_pii_becomes_typed_placeholders():
    text, n = scrub(
        "Mail jane.doe@mail.com, call +1 (415) 555-0132 or 138 1234 5678, "
        "ID 11010519491231002X, see https://t.co/x and ping @jane_d"
    )
    assert text == "Mail [EMAIL], call [PHONE] or [PHONE], ID [ID_NUMBER], see [URL] and ping [HANDLE]"
    assert n == 6


def test_pii_in_chinese_text():
    text, _ = scrub("我的手机是13812345678，座机010-62345678，身份证号110105194912310021X不对")
    assert "[PHONE]" in text and "010-62345678" not in text


def test_numbers_that_are_not_pii_are_left_alone():
    for text in (
        "我存了20000元，2023年毕业",
        "I slept 4 hours, 3 nights in a row",
        "ID 110105194912310022 (bad check digit)",
    ):
        assert scrub(text) == (text, 0)


def test_role_repair_merges_drops_and_counts():
    messy = conv(
        ("assistant", "Hi, how can I help?"),
        ("user", "I feel low."),
        ("user", "Since last week."),
        ("assistant", "I'm sorry to hear that."),
        ("user", "Thanks."),
    )
    kept, _, cleaner = clean(messy)
    assert [(m.role, m.content) for m in kept[0].messages] == [
        ("user", "I feel low.\nSince last week."),
        ("assistant", "I'm sorry to hear that."),
    ]
    assert cleaner.counts.repaired == {
        "consecutive_turns_merged": 1,
        "leading_assistant_dropped": 1,
        "trailing_user_dropped": 1,
    }


def test_role_reject_mode_rejects_with_the_reason():
    _, rejects, cleaner = clean(conv(("user", "a"), ("user", "b"), ("assistant", "c")), roles="reject")
    assert rejects[0].reason == "roles: two user turns in a row" and rejects[0].stage == "clean"
    assert cleaner.counts.to_dict()["rejected"] == 1


def test_classification_records_are_not_role_checked():
    record = conv(("user", "I love this so much"), labels=Labels(emotion=["love"]))
    kept, _, _ = clean(record)
    assert kept[0].is_classification


def test_empty_turns_are_dropped_and_overlong_turns_reject():
    kept, _, cleaner = clean(conv(("user", "hi there"), ("assistant", "   "), ("assistant", "hello you")))
    assert len(kept[0].messages) == 2 and cleaner.counts.repaired["empty_turn_dropped"] == 1
    _, rejects, _ = clean(conv(("user", "x" * 50), ("assistant", "ok")), max_turn_chars=20)
    assert rejects[0].reason.startswith("overlong turn: 50 characters")


def test_language_is_detected_and_filtered():
    zh = conv(("user", "我最近睡不着"), ("assistant", "能说说发生了什么吗？"), id="zh")
    en = conv(("user", "I can't sleep lately"), ("assistant", "What has been happening?"), id="en")
    es = conv(("user", "No puedo dormir"), ("assistant", "¿Qué ha pasado?"), id="es")
    kept, rejects, _ = clean(zh, en, es, langs=frozenset({"zh", "en"}))
    assert [(c.id, c.lang) for c in kept] == [("zh", "zh"), ("en", "en")]
    assert rejects[0].id == "es" and rejects[0].reason.startswith("language: und")


def test_exact_and_near_duplicates_are_removed_first_kept():
    base = "I have been feeling really anxious about my exams next week and I cannot focus on anything at all"
    reply = "That sounds stressful. What part of the exams worries you most?"
    a = conv(("user", base), ("assistant", reply), id="a")
    b = conv(("user", base.upper()), ("assistant", reply), id="b")
    c = conv(("user", base + " today"), ("assistant", reply), id="c")
    d = conv(("user", "My sister moved abroad and the house feels empty"), ("assistant", reply), id="d")
    kept, rejects, _ = clean(a, b, c, d)
    assert [x.id for x in kept] == ["a", "d"]
    assert [(r.id, r.reason) for r in rejects] == [("b", "exact duplicate"), ("c", "near duplicate")]


def test_minhash_estimates_jaccard():
    hasher = MinHasher(num_perm=256, bands=8)
    words = [f"w{i}" for i in range(120)]
    a = hasher.shingles(" ".join(words))
    b = hasher.shingles(" ".join(words[:90] + [f"x{i}" for i in range(30)]))
    true = len(set(a.tolist()) & set(b.tolist())) / len(set(a.tolist()) | set(b.tolist()))
    estimate = float((hasher.signature(a) == hasher.signature(b)).mean())
    assert abs(estimate - true) < 0.1


def test_split_is_deterministic_and_proportional():
    assert assign_split("abc") == assign_split("abc")
    splits = [assign_split(str(i), validation=0.1, test=0.1) for i in range(20000)]
    assert abs(splits.count("test") / 20000 - 0.1) < 0.01
    assert abs(splits.count("validation") / 20000 - 0.1) < 0.01


def test_split_does_not_depend_on_what_else_is_in_the_file():
    one = conv(("user", "I feel alone"), ("assistant", "I'm here."), id="x1")
    alone, _, _ = clean(one.model_copy(deep=True))
    other = conv(("user", "Work is hard"), ("assistant", "Tell me more."), id="x0")
    mixed, _, _ = clean(other, one.model_copy(deep=True))
    assert alone[0].meta["split"] == mixed[1].meta["split"]


def test_worker_processes_give_the_same_output_as_one(tmp_path, fixtures):
    from carellm.data.clean import clean_stream, write_stream
    from carellm.data.converters import convert

    def records():
        yield from convert("soulchat", fixtures / "soulchat.json")
        yield from convert("esconv", fixtures / "esconv.json")
        yield from convert("empathetic_dialogues", fixtures / "empathetic_dialogues_train.csv")
        yield from convert("empathetic_dialogues", fixtures / "empathetic_dialogues_train.csv")  # duplicates
        yield from convert("goemotions", fixtures / "goemotions_raw.csv")  # with a convert-stage reject

    outputs = []
    for workers in (1, 2):
        stream, counts = clean_stream(records(), CleanConfig(), workers)
        write_stream(stream, tmp_path / f"{workers}.jsonl")
        outputs.append(counts.to_dict())
    assert outputs[0] == outputs[1] and outputs[0]["rejected_by_reason"]["exact duplicate"] == 3
    for name in ("{}.jsonl", "{}.rejects.jsonl"):
        one, two = (tmp_path / name.format(w) for w in (1, 2))
        assert one.read_text() == two.read_text()
