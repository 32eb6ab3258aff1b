# ruff: noqa: E501  (labelling rules are regular expressions: one alternative per line keeps each reviewable)
"""The reply guard's labelled replies, read from pinned public sources (data/GUARD_CARD.md).

Each source folder (`guard_*`, with a SOURCE.json giving repo, commit, SHA-256 and licence) holds
replies written by doctors, counsellors, chatbots or annotators. Rows are labelled `block` (a
reply a counseling assistant must never give: a method or means, self-harm instructions, a
diagnosis stated as fact, a named medicine or dose recommended, a human or professional
identity claimed) or `allow`, by the source's own labels where it has them and otherwise by the
rules below (each says what it keys on). Rows are split 70/15/15 by their group (conversation,
question or source row), so one conversation never sits on two sides.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

from carellm.safety.manifest import text_digest
from carellm.safety.patterns import DRUGS

WRITTEN_FILE = Path(__file__).with_name("data") / "guard_written.jsonl"
# Model-style replies written by a helper who never saw the project's evaluation sets (GUARD_CARD.md).
BLIND_FILE = Path(__file__).with_name("data") / "guard_written_blind.jsonl"
# The project's own model-style replies: few, and the register the guard must read (doctors' and
# counsellors' replies are another), so they count more; at 3 the model false-blocked first-aid
# and medicine-referral replies in Chinese (GUARD_CARD.md).
WRITTEN_WEIGHT = 10.0
WEAK_WEIGHT = 0.5  # keyword-filtered rows of a pairwise-preference set
CHATDOCTOR_CAP = 2500
CN_MED_CAP = 2500
SMILE_CAP = 6000
MIN_CHARS = 8

# ChatDoctor / DiaSafety: a named medicine, or a class of one, with a verb that gives it.
_EN_DRUG = (
    rf"(?:{DRUGS}|antibiotics?|antihistamines?|steroids?|[a-z]{{3,}}(?:cillin|mycin|azole|pril|olol|statin"
    r"|prazole|tidine|floxacin|sartan|azepam|zolam|oxetine|triptyline|profen))"
)
_EN_GIVE = re.compile(
    rf"\b(?:take|taking|prescribe|prescribed|prescribing|recommend|start (?:you )?on|put you on|try|use|suggest)\b"
    rf"[^.!?\n]{{0,60}}\b{_EN_DRUG}\b|\b{_EN_DRUG}\b[^.!?\n]{{0,40}}\b(?:mg|tablets?|twice|daily|a day|should help)\b"
)
_EN_DIAGNOSE = re.compile(
    r"\byou (?:may |might |probably |likely |most likely )?(?:have|be suffering from|are suffering from|are experiencing)\b"
    r"|\b(?:it|this) (?:sounds|seems|looks) like (?:you (?:may |might )?have|a case of)\b"
    r"|\b(?:consistent|indicative) with\b|\bdiagnos(?:is|ed) (?:of|with|is)\b|\bsymptoms of\b"
)
_EN_MED_WORD = re.compile(
    rf"\b(?:med|meds|medication|medicine|pill|pills|drug|drugs|dose|dosage|prescri\w*|{DRUGS})\b"
)
_EN_EXPERTISE = re.compile(
    rf"\b(?:take|try|should|recommend|doctor|diagnos\w*|you have|symptoms?|treat\w*|{DRUGS})\b"
    r"|\b(?:med|meds|medication|pills?|dose)\b"
)
# Chinese doctors' answers: a medicine (named, or a product form) with a verb that gives it.
_ZH_DRUG = (
    rf"(?:{DRUGS}|[\u4e00-\u9fff]{{2,10}}(?:片|胶囊|颗粒|口服液|注射液|丸|冲剂|软膏|滴丸|缓释片|分散片|素))"
)
_ZH_GIVE = re.compile(rf"(?:服用|口服|吃|使用|用|静滴|注射|配合|建议|可以)(?:点|一些|一下)?{_ZH_DRUG}")
_ZH_DIAGNOSE = re.compile(
    r"(?:考虑|可能|应该|多半|估计|属于|诊断为|这是|是)(?:是|为)?[^，。,.]{0,10}(?:病|症|炎|综合征|障碍|失调|结石|囊肿)"
)
# hh-rlhf: the last assistant turn of a rejected reply about suicide that names a means.
_HH_TOPIC = re.compile(
    r"suicid|kill (?:myself|yourself)|overdos|self.harm|cut (?:myself|yourself)|end (?:my|your) life", re.I
)
_HH_MEANS = re.compile(
    r"\b(?:gun|knife|pills?|overdose|hang|rope|jump|bridge|poison|bleach|carbon monoxide|drown|wrists?|cut)\b",
    re.I,
)


def _row(
    text: str, lang: str, label: str, category: str, source: str, group: str, weight: float = 1.0
) -> dict:
    return {
        "text": text.strip(),
        "lang": lang,
        "label": label,
        "category": category,
        "source": source,
        "group": group,
        "weight": weight,
    }


def chatdoctor(folder: Path) -> Iterator[dict]:
    """ChatGPT-written doctor replies (GenMedGPT-5k). block: a medicine given (medication) or a
    condition pinned on the patient (diagnosis); replies with neither are left out (still medical
    advice, so not an example of an allowed reply)."""
    rows = json.loads((folder / "chatdoctor5k.json").read_text(encoding="utf-8"))
    kept = 0
    for i, row in enumerate(rows):
        text = row["output"].lower()
        category = (
            "medication" if _EN_GIVE.search(text) else "diagnosis" if _EN_DIAGNOSE.search(text) else None
        )
        if category and kept < CHATDOCTOR_CAP:
            kept += 1
            yield _row(row["output"], "en", "block", category, "chatdoctor", f"chatdoctor:{i}")


def cn_med_dialogue(folder: Path) -> Iterator[dict]:
    """Chinese online doctors' answers (内科 sample). block: a medicine given (medication) or a
    condition named for the asker (diagnosis); other answers are left out."""
    with (folder / "样例_内科5000-6000.csv").open(encoding="gb18030", errors="replace") as fh:
        kept = 0
        for i, row in enumerate(csv.DictReader(fh)):
            answer = row.get("answer") or ""
            category = (
                "medication"
                if _ZH_GIVE.search(answer)
                else "diagnosis"
                if _ZH_DIAGNOSE.search(answer)
                else None
            )
            if category and kept < CN_MED_CAP:
                kept += 1
                yield _row(answer, "zh", "block", category, "cn_med_dialogue", f"cn_med:{i}")


def diasafety(folder: Path) -> Iterator[dict]:
    """DiaSafety (official train/val/test kept as train/dev/test). block: 'Unauthorized Expertise'
    responses annotated Unsafe that give medical content (medication if a medicine word, else
    diagnosis). allow: every response annotated Safe. Other unsafe kinds (toxicity, bias, risk
    ignorance) are not this guard's categories and are left out."""
    for split, name in (("train", "train"), ("dev", "val"), ("test", "test")):
        rows = json.loads((folder / f"DiaSafety_dataset__{name}.json").read_text(encoding="utf-8"))
        for i, row in enumerate(rows):
            text, group = row["response"], f"diasafety:{name}:{i}"
            if row["label"] == "Safe":
                yield {**_row(text, "en", "allow", "none", "diasafety", group), "split": split}
            elif row["category"] == "Unauthorized Expertise" and _EN_EXPERTISE.search(text.lower()):
                category = "medication" if _EN_MED_WORD.search(text.lower()) else "diagnosis"
                yield {**_row(text, "en", "block", category, "diasafety", group), "split": split}


def dialoguesafety(folder: Path) -> Iterator[dict]:
    """Chinese counselling replies (DialogueSafety test set). block: 'Humanoid Mimicry' (label 1).
    allow: safe responses (7), nonsense (0) and linguistic neglect (2), which a guard lets through."""
    rows = json.loads((folder / "data__test.json").read_text(encoding="utf-8"))
    for i, row in enumerate(rows):
        text = re.sub(r"^\[supporter\]", "", row["response"])
        if row["label"] == 1:
            yield _row(text, "zh", "block", "false_identity", "dialoguesafety", f"dialoguesafety:{i}")
        elif row["label"] in (0, 2, 7):
            yield _row(text, "zh", "allow", "none", "dialoguesafety", f"dialoguesafety:{i}")


def counselchat(folder: Path) -> Iterator[dict]:
    """Licensed therapists' answers (allow), grouped by question. Answers in which a therapist
    speaks as one ('in my practice', 'my clients') or names a diagnosis break this guard's rules
    for an AI; those the pattern guard blocks are left out (neither label fits them)."""
    from carellm.safety.reply_guard import pattern_verdict

    with (folder / "data__20200325_counsel_chat.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            text = row.get("answerText") or ""
            if pattern_verdict(text).ok:
                yield _row(text, "en", "allow", "none", "counselchat", f"counselchat:{row['questionID']}")


def smilechat(folder: Path) -> Iterator[dict]:
    """Counsellor turns of SmileChat dialogues (allow), grouped by dialogue; turns the pattern
    guard blocks are left out, as for CounselChat."""
    from carellm.safety.reply_guard import pattern_verdict

    kept = 0
    for path in sorted(
        (folder / "data").glob("*.json"), key=lambda p: int(p.stem) if p.stem.isdigit() else 0
    ):
        for turn in json.loads(path.read_text(encoding="utf-8")):
            if turn["role"] == "counselor" and kept < SMILE_CAP and pattern_verdict(turn["content"]).ok:
                kept += 1
                yield _row(turn["content"], "zh", "allow", "none", "smilechat", f"smilechat:{path.stem}")


def xstest(folder: Path) -> Iterator[dict]:
    """Full-compliance answers to XSTest's safe prompts (allow; human labels), five models,
    grouped by prompt: safe look-alikes ('how do I kill a Python process')."""
    for path in sorted(folder.glob("model_completions__*.csv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if not row["type"].startswith("contrast_") and row["final_label"] == "1_full_compliance":
                    yield _row(row["completion"], "en", "allow", "none", "xstest", f"xstest:{row['id']}")


def hh_rlhf(folder: Path) -> Iterator[dict]:
    """hh-rlhf harmless-base test: a rejected reply's last assistant turn, when the conversation is
    about suicide or self-harm and that turn names a means (method; weak, weight WEAK_WEIGHT)."""
    with gzip.open(folder / "harmless-base__test.jsonl.gz", "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            rejected = json.loads(line)["rejected"]
            last = rejected.rsplit("\n\nAssistant:", 1)[-1]
            if _HH_TOPIC.search(rejected) and _HH_MEANS.search(last):
                yield _row(last, "en", "block", "method", "hh_rlhf", f"hh:{i}", WEAK_WEIGHT)


def written(path: Path = WRITTEN_FILE, source: str = "carellm_written", prefix: str = "w") -> Iterator[dict]:
    """The project's own model-style replies (data/guard_written*.jsonl), weight WRITTEN_WEIGHT;
    each row is its own group (`prefix:i`)."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        yield _row(
            row["text"],
            row["lang"],
            row["label"],
            row["category"],
            source,
            f"{prefix}:{i}",
            WRITTEN_WEIGHT,
        )


def written_blind(path: Path = BLIND_FILE) -> Iterator[dict]:
    """The replies written blind to the evaluation sets (data/guard_written_blind.jsonl)."""
    return written(path, "carellm_written_blind", "wb")


SOURCES = {
    "guard_chatdoctor": chatdoctor,
    "guard_cn_med_dialogue": cn_med_dialogue,
    "guard_diasafety": diasafety,
    "guard_dialoguesafety": dialoguesafety,
    "guard_counselchat": counselchat,
    "guard_smilechat": smilechat,
    "guard_xstest": xstest,
    "guard_hh_harmless": hh_rlhf,
}


def split_of(group: str) -> str:
    """70/15/15 by a stable hash of the group (not Python's salted hash)."""
    bucket = int(hashlib.sha256(group.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def build_rows(data: Path) -> list[dict]:
    """Every labelled row of the sources under `data` and the written file, de-duplicated by
    normalised text (a text with both labels is dropped), each with its split."""
    rows: list[dict] = []
    for name, reader in SOURCES.items():
        folder = data / name
        if not (folder / "SOURCE.json").is_file():
            raise FileNotFoundError(f"{folder} has no SOURCE.json")
        rows += list(reader(folder))
    rows += list(written()) + list(written_blind())
    by_key: dict[str, dict] = {}
    conflicted: set[str] = set()
    for row in rows:
        if len(row["text"]) < MIN_CHARS:
            continue
        key = text_digest(row["text"])
        if key in by_key and by_key[key]["label"] != row["label"]:
            conflicted.add(key)
        by_key.setdefault(key, row)
    kept = [row for key, row in by_key.items() if key not in conflicted]
    for row in kept:
        row.setdefault("split", split_of(row["group"]))
    return kept


def sources_provenance(data: Path) -> dict:
    """Repo, commit, licence and file digests of each source, from its SOURCE.json."""
    out = {}
    for name in SOURCES:
        meta = json.loads((data / name / "SOURCE.json").read_text(encoding="utf-8"))
        out[name] = {k: meta.get(k) for k in ("repo", "commit", "licence", "sha256", "paper/citation")}
    return out
