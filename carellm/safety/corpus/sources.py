"""Every public source of the crisis model's training set, pinned by URL and SHA-256.

Label mapping per source is in each reader below and in carellm/safety/data/CARD.md. Texts
are real posts (no synthetic rows: PsySUICIDE's LLM-written rows are dropped). Rows that a
source labels "not at risk" but that mention suicide or self-harm are dropped rather than
trusted as negatives (`_MENTIONS_RISK`): a label about stress or a subreddit name is not a
reading of the text.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from carellm.safety.corpus.build import LabelledText
from carellm.safety.corpus.fetch import PinnedFile

csv.field_size_limit(1 << 26)
RAW = "https://raw.githubusercontent.com"
PACKAGE_DATA = Path(__file__).parents[1] / "data"
_MENTIONS_RISK = re.compile(
    r"suicid|kill (?:my ?self|me)|self[- ]?harm|cutting myself|end (?:my|it all)|want(?:ed)? to die|"
    r"overdose|自杀|自殺|自残|自殘|自伤|想死|轻生|輕生|不想活|跳楼|跳樓|割腕|寻死|尋死|活不下去|结束(?:自己的?)?生命|"
    r"安眠药|安眠藥|上吊",
    re.IGNORECASE,
)

Reader = Callable[[dict[str, Path]], Iterator[LabelledText]]


@dataclass(frozen=True)
class Source:
    id: str
    lang: str
    licence: str
    files: tuple[PinnedFile, ...]
    read: Reader


def _csv_rows(path: Path, member: str | None = None) -> Iterator[dict[str, str]]:
    """Rows of a CSV file, or of `member` inside the zip archive (or wheel) at `path`."""
    if member is None:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            yield from csv.DictReader(fh)
        return
    with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))


def _safe_unless_risky(text: str, source: str, lang: str, kind: str, group: str = "") -> LabelledText | None:
    if _MENTIONS_RISK.search(text):
        return None
    return LabelledText(text, "safe", lang, source, kind, group)


# ----------------------------------------------------------------------------- English
def _cssrs500(files: dict[str, Path]) -> Iterator[LabelledText]:
    """Gaur et al. 2019: 500 Reddit users (r/SuicideWatch and related, 2005-2016), one C-SSRS
    label per *user*, so a user's posts are read together, as labelled: Ideation/Behavior/
    Attempt -> crisis; Supportive users (who comment to help others) -> safe, hard negatives that
    talk about suicide; Indicator (risk factors without ideation) is left out. Single posts
    would inherit a label most of them do not show (the patterns find risk in 1 post in 10)."""
    labels = {"Ideation": "crisis", "Behavior": "crisis", "Attempt": "crisis", "Supportive": "safe"}
    for row in _csv_rows(files["500_Reddit_users_posts_labels.csv"]):
        label = labels.get((row.get("Label") or "").strip())
        if label is None:
            continue
        try:
            posts = ast.literal_eval(row["Post"])
        except (ValueError, SyntaxError):
            continue  # 28 cells are cut off mid-list in the release
        text = " ".join(p.strip() for p in posts if isinstance(p, str) and p.strip())
        kind = "support_for_others" if label == "safe" else f"cssrs_{row['Label'].strip().lower()}"
        yield LabelledText(text, label, "en", "cssrs500", kind, f"cssrs500:{row['User']}")


def _twitter_intention(files: dict[str, Path]) -> Iterator[LabelledText]:
    """laxmimerit: tweets and posts labelled for suicidal intention (1) or not (0)."""
    for row in _csv_rows(files["twitter-suicidal_data.csv"]):
        if row["intention"].strip() == "1":
            yield LabelledText(row["tweet"], "crisis", "en", "twitter_intention", "suicidal_intention")
        elif (
            item := _safe_unless_risky(row["tweet"], "twitter_intention", "en", "everyday_tweet")
        ) is not None:
            yield item


def _twitter_1787(files: dict[str, Path]) -> Iterator[LabelledText]:
    """Suicide Ideation Dataset (Twitter-based): 'Potential Suicide post' vs 'Not Suicide post'.
    Rows over 280 characters are dropped: they are Reddit posts of unknown date, not tweets."""
    for row in _csv_rows(files["suicide tweets.zip"], "Suicide_Ideation_Dataset(Twitter-based).csv"):
        text = row["Tweet"]
        if len(text) > 280:
            continue
        if row["Suicide"].strip().startswith("Potential"):
            yield LabelledText(text, "crisis", "en", "twitter_1787", "potential_suicide_tweet")
        elif (item := _safe_unless_risky(text, "twitter_1787", "en", "everyday_tweet")) is not None:
            yield item


_RMHD_WHEEL = "construct_tracker-1.0.16-py3-none-any.whl"
_RMHD_MEMBER = "construct_tracker/data/datasets/reddit_27_subreddits/rmhd_27subreddits_260posts_test.csv"
_RMHD_RISK = {"suicidewatch"}
_RMHD_AMBIGUOUS = {"depression", "bpd", "bipolarreddit", "mentalhealth", "lonely", "ForeverAlone"}


def _rmhd27(files: dict[str, Path]) -> Iterator[LabelledText]:
    """Low et al. 2020 Reddit Mental Health Dataset sample (2018-11..2019-11): r/suicidewatch
    -> crisis; subreddits where ideation is common but not the topic are left out; the rest
    (everyday and other mental-health subreddits) -> safe unless the post mentions risk."""
    for row in _csv_rows(files[_RMHD_WHEEL], _RMHD_MEMBER):
        sub, text, group = row["subreddit"], row["post"], f"rmhd:{row['author']}"
        if sub in _RMHD_RISK:
            yield LabelledText(text, "crisis", "en", "rmhd27", "r/suicidewatch", group)
        elif sub not in _RMHD_AMBIGUOUS and (
            item := _safe_unless_risky(text, "rmhd27", "en", f"r/{sub}", group)
        ):
            yield item


def _dreaddit(files: dict[str, Path]) -> Iterator[LabelledText]:
    """Turcan & McKeown 2019: stressed and non-stressed Reddit post excerpts (2017-2018): safe."""
    for name in ("dreaddit-train.csv", "dreaddit-test.csv"):
        for row in _csv_rows(files[name]):
            kind = "stress" if row["label"] == "1" else "no_stress"
            item = _safe_unless_risky(row["text"], "dreaddit", "en", kind, f"dreaddit:{row['post_id']}")
            if item:
                yield item


def _counselchat(files: dict[str, Path]) -> Iterator[LabelledText]:
    """CounselChat: people's questions to licensed counsellors (emotional, mostly not crisis)."""
    seen: set[str] = set()
    for row in _csv_rows(files["20200325_counsel_chat.csv"]):
        if row["questionID"] in seen or row["topic"] in {"self-harm", "domestic-violence"}:
            continue
        seen.add(row["questionID"])
        text = f"{row['questionTitle']} {row['questionText']}".strip()
        if item := _safe_unless_risky(text, "counselchat", "en", f"question:{row['topic']}"):
            yield item


def _goemotions(files: dict[str, Path]) -> Iterator[LabelledText]:
    """GoEmotions (Demszky et al. 2020), its train and dev splits only (never test): Reddit
    comments with 27 emotions, figurative death words included ("I'm dying", "kill me now lol").
    Safe unless they mention risk; the test split is held out by the project."""
    for name in sorted(files):
        for line in files[name].read_text(encoding="utf-8").splitlines():
            text, labels, comment_id = line.split("\t")
            if item := _safe_unless_risky(text, "goemotions", "en", f"reddit_comment:{labels}", comment_id):
                yield item


# ----------------------------------------------------------------------------- Chinese
_PSY_CRISIS = {
    "自杀未遂": "attempt",
    "自杀准备": "preparation",
    "自杀计划": "plan",
    "主动自杀意图": "active_ideation",
    "被动自杀意图": "passive_ideation",
    "关于自杀的探索": "asking_about_suicide",
    "自伤行为": "self_harm",
    "自伤意图": "self_harm_intent",
    "用户攻击行为": "harm_to_others",
    "他人攻击行为": "abuse",
}


def _psysuicide(files: dict[str, Path]) -> Iterator[LabelledText]:
    """PsyGUARD's PsySUICIDE (Qiu et al., EMNLP 2024), its published valid and test files:
    counselling-platform client messages with 11 expert labels. Dropped: `synthetic` rows (LLM
    written) and `social_media` rows (platform not stated; may share posts with held-out sets)."""
    for name in ("valid.json", "test.json"):
        for row in json.loads(files[name].read_text(encoding="utf-8")):
            if row["data_source"] not in {"client_counselor", "client_machine"}:
                continue
            labels = row["labels"] if isinstance(row["labels"], list) else ast.literal_eval(row["labels"])
            kinds = [_PSY_CRISIS[x] for x in labels if x in _PSY_CRISIS]
            if kinds:
                yield LabelledText(row["text"], "crisis", "zh", "psysuicide", kinds[0])
            else:
                yield LabelledText(row["text"], "safe", "zh", "psysuicide", "counselling_unrelated")


def _tw_suicide(files: dict[str, Path]) -> Iterator[LabelledText]:
    """openaifab/suicide_multiclass: Taiwanese forum posts (traditional script), risk 0/1/2;
    medium and high -> crisis, low (distress without stated risk) -> safe."""
    seen: set[str] = set()
    for name in ("suicide5_train.csv", "suicide_train_100.csv"):
        for row in _csv_rows(files[name]):
            text = row["Description"].strip()
            if text in seen:
                continue
            seen.add(text)
            risk = row["Class"].strip()
            if risk in {"1", "2"}:
                yield LabelledText(
                    text, "crisis", "zh", "tw_suicide", {"1": "medium_risk", "2": "high_risk"}[risk]
                )
            elif risk == "0":
                yield LabelledText(text, "safe", "zh", "tw_suicide", "low_risk_distress")


def _ewect_virus_train(files: dict[str, Path]) -> Iterator[LabelledText]:
    """SMP2020-EWECT, the *training* set of its COVID-19 Weibo task (never its evaluation sets):
    everyday emotional Weibo posts -> safe unless they mention risk."""
    for row in json.loads(files["virus_train.txt"].read_text(encoding="utf-8")):
        if item := _safe_unless_risky(row["content"], "ewect_virus_train", "zh", f"weibo_{row['label']}"):
            yield item


_TOKEN_GAPS = re.compile(r"(?<=\S) (?=\S)")


def _lccc_toy(files: dict[str, Path]) -> Iterator[LabelledText]:
    """LCCC's published sample (CDial-GPT): everyday Weibo post/reply pairs, one character per
    token -> the spaces are removed. Safe unless they mention risk ("笑死", "想你" stay)."""
    for name in ("toy_train.txt", "toy_valid.txt"):
        for line in files[name].read_text(encoding="utf-8").splitlines():
            for turn in line.split("\t"):
                text = _TOKEN_GAPS.sub("", turn.strip())
                if item := _safe_unless_risky(text, "lccc_toy", "zh", "weibo_chitchat"):
                    yield item


def _cped(files: dict[str, Path]) -> Iterator[LabelledText]:
    """CPED (Chen et al. 2022): lines of everyday conversation from Chinese TV series, labelled
    with 13 emotions; safe unless they mention risk."""
    for name in ("valid_split.csv", "test_split.csv"):
        for row in _csv_rows(files[name]):
            kind = f"dialogue_{row['Emotion']}"
            if item := _safe_unless_risky(row["Utterance"], "cped", "zh", kind, f"cped:{row['Dialogue_ID']}"):
                yield item


def _clue_emotion(files: dict[str, Path]) -> Iterator[LabelledText]:
    """CLUEmotionAnalysis2020 (Weibo posts, Li et al. 2016), 7 emotions: sad, angry and lonely
    posts that are not a crisis; safe unless they mention risk."""
    for name in ("valid.txt", "test.txt"):
        for line in files[name].read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if item := _safe_unless_risky(row["content"], "clue_emotion", "zh", f"weibo_{row['label']}"):
                    yield item


def _carer(files: dict[str, Path]) -> Iterator[LabelledText]:
    """CARER (Saravia et al. 2018): English "i feel ..." tweets with six emotions from hashtags;
    first-person sadness, fear and anger that is not a crisis, safe unless it mentions risk."""
    for name in ("train.txt", "val.txt"):
        for line in files[name].read_text(encoding="utf-8").splitlines():
            text, _, emotion = line.rpartition(";")
            if text.strip() and (item := _safe_unless_risky(text, "carer", "en", f"feel_{emotion}")):
                yield item


# ----------------------------------------------------------------------------- the project's own
def _handwritten(files: dict[str, Path]) -> Iterator[LabelledText]:
    """The project's own labelled sentences (data/train.jsonl; docs/safety.md says how written)."""
    path = PACKAGE_DATA / "train.jsonl"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                lang = row.get("lang") or "en"
                yield LabelledText(
                    row["text"], row["label"], lang, "carellm_handwritten", row.get("kind", "written")
                )


def _gh(repo: str, commit: str, path: str, sha256: str, name: str | None = None) -> PinnedFile:
    return PinnedFile(f"{RAW}/{repo}/{commit}/{path}", name or path.rsplit("/", 1)[-1], sha256)


SOURCES: tuple[Source, ...] = (
    Source(
        "en_cssrs500",
        "en",
        "CC BY 4.0 (Zenodo 10.5281/zenodo.2667859)",
        (
            _gh(
                "jahnavithutta129/Moodify",
                "6eeb64c44056d5e73f35a63010bfe9402dabd8fa",
                "500_Reddit_users_posts_labels.csv",
                "f4356b888eef4734885465a4d0720c0dcc62f7b84c39dbd0c95b4e9b9f3a234a",
            ),
        ),
        _cssrs500,
    ),
    Source(
        "en_tw_intention",
        "en",
        "none stated",
        (
            _gh(
                "laxmimerit/twitter-suicidal-intention-dataset",
                "77bf93df7c1cd3efff7eced4a01fc1df577a0fe6",
                "twitter-suicidal_data.csv",
                "e2abd725b4f1c3d758e4df0c9f04416954ac96d9be61dc25a6c73cdaeecc470e",
            ),
        ),
        _twitter_intention,
    ),
    Source(
        "en_tw_suicidal_1787",
        "en",
        "none stated",
        (
            _gh(
                "mrinmoyxb/Suicidal-Tweet-Detection-NLP-Model",
                "57529d75a42b56bf49bc1aa8307c1a6f3d12c570",
                "suicide%20tweets.zip",
                "f5781540ec8a5bbc1dc2374ff8707308958dfc27d170cf4bcbf61cf677de6c11",
                "suicide tweets.zip",
            ),
        ),
        _twitter_1787,
    ),
    Source(
        "en_rmhd27_sample",
        "en",
        "Apache-2.0 (package); RMHD CC BY 4.0",
        (
            PinnedFile(
                "https://files.pythonhosted.org/packages/py3/c/construct-tracker/" + _RMHD_WHEEL,
                _RMHD_WHEEL,
                "be23277ca17daa8a3af5a2ec73af4e47fb90d0ec75085c4d3a0f75c4f2241437",
            ),
        ),
        _rmhd27,
    ),
    Source(
        "en_dreaddit",
        "en",
        "none stated",
        (
            _gh(
                "rradulov/dreaddit",
                "51513e7232cfd5741d5895578dd7fb4b83b391f7",
                "raw_data/dreaddit-train.csv",
                "c18e8b47aa016a78d5c277525bf1bded407bb31a47f4b018846c7efbe6bd6720",
            ),
            _gh(
                "rradulov/dreaddit",
                "51513e7232cfd5741d5895578dd7fb4b83b391f7",
                "raw_data/dreaddit-test.csv",
                "a3b6c9bf5d685f49d57e05d24266dddc52999843256b13e65c07267c543175fe",
            ),
        ),
        _dreaddit,
    ),
    Source(
        "en_counselchat",
        "en",
        "MIT",
        (
            _gh(
                "nbertagnolli/counsel-chat",
                "bc06d4ecfc46021a17e333a5b79e8fce73b48e06",
                "data/20200325_counsel_chat.csv",
                "c36fbce1c12271a17f3f355f6aaeb0b04987b217b53b600c5677985f15c9f1a8",
            ),
        ),
        _counselchat,
    ),
    Source(
        "en_goemotions",
        "en",
        "CC BY 4.0 (GoEmotions data)",
        (
            _gh(
                "google-research/google-research",
                "2adf640a14f11025ae5a9d0ec493b78530d276d3",
                "goemotions/data/dev.tsv",
                "575489c079c9de1097062a01738f998590d6b7ead66dd1c9fd1d2ba01fd8bc62",
            ),
        ),
        _goemotions,
    ),
    Source(
        "zh_psysuicide",
        "zh",
        "MIT",
        (
            _gh(
                "qiuhuachuan/PsyGUARD",
                "e16397baaaa3070d05b513674a6579be42a8d350",
                "data/valid.json",
                "4c3dc1ad51b3b118c1c19c37d240e0d7a75c55d7b9f735e53d9b8c158f91b593",
            ),
            _gh(
                "qiuhuachuan/PsyGUARD",
                "e16397baaaa3070d05b513674a6579be42a8d350",
                "data/test.json",
                "0c80014b71b80cc591c84ab46ccaaedcf43e792f6356670e0c3a07d8ec0104e1",
            ),
        ),
        _psysuicide,
    ),
    Source(
        "zh_twsuicide3",
        "zh",
        "GPL-3.0 (repository; no separate data terms)",
        (
            _gh(
                "openaifab/suicide_multiclass",
                "ae866f3f8a324bdc4c99fe7320cc92395c7dc016",
                "data/suicide5_train.csv",
                "5780c20fd1a6f8a7006eeed4df1bd548757820c80c5bf27d114b08b25e15dc43",
            ),
            _gh(
                "openaifab/suicide_multiclass",
                "ae866f3f8a324bdc4c99fe7320cc92395c7dc016",
                "data/suicide_train_100.csv",
                "33f9906f480ad9eaad9a5e5c6d0826b07d5404d7df03b88cde3bb07bb45bd8bc",
            ),
        ),
        _tw_suicide,
    ),
    Source(
        "zh_ewect_virus_train",
        "zh",
        "none stated (SMP2020-EWECT research release)",
        (
            _gh(
                "BrownSweater/BERT_SMP2020-EWECT",
                "e928cec001824668999ed02326aacbea0d369563",
                "data/raw/virus_train.txt",
                "1962fac5476da80a344c0b96bf091b92d5cd265c4989f84a4cc872ec9e8df9cf",
            ),
        ),
        _ewect_virus_train,
    ),
    Source(
        "zh_lccc_toy",
        "zh",
        "MIT (repository); LCCC for research use only",
        tuple(
            _gh("thu-coai/CDial-GPT", "81064865221d3503251d633f3d0b651004c938a6", f"data/{name}", digest)
            for name, digest in (
                ("toy_train.txt", "04b3c4a9c70937dae585abd3832b228e90443d6c8f983530bfb482ef4b352421"),
                ("toy_valid.txt", "b84508ecc6d6b267c4e0cb8c44c4e4e099d913b0c77bfe6bf4e960d9bab678e4"),
            )
        ),
        _lccc_toy,
    ),
    Source(
        "zh_cped",
        "zh",
        "Apache-2.0 (repository)",
        tuple(
            _gh("scutcyr/CPED", "1e4b81c28a123f22387e06664f37e5dc9322380f", f"data/CPED/{name}", digest)
            for name, digest in (
                ("valid_split.csv", "f434a04d21640bb38c849f3e9598c2b7b2fbdb49be6a7365b2ae016019bd389b"),
                ("test_split.csv", "a4bcde678438ba1f95224d8e772e40f1f1df7c72f348796b3fafd421c2443a53"),
            )
        ),
        _cped,
    ),
    Source(
        "zh_clue_emotion",
        "zh",
        "none stated",
        tuple(
            _gh(
                "CLUEbenchmark/CLUEmotionAnalysis2020",
                "ff1bc945fc3a5854e0013de5a2f222dd1da61516",
                f"CLUEdataset/emotion/{name}",
                digest,
            )
            for name, digest in (
                ("valid.txt", "a644591424f4c9798c9f61f3bfde18faa7da0f91ac02ce3f4406c9b6ecde85c2"),
                ("test.txt", "651457927a6130006380d9596bae398f372b749b3820af017231b7ead0dd9324"),
            )
        ),
        _clue_emotion,
    ),
    Source(
        "en_carer",
        "en",
        "none stated (dataset: educational and research use, per dair-ai)",
        tuple(
            _gh(
                "Lejjudas/emotion-detection-using-NLP",
                "e58c6c28313d585f05e18e52953f1ea6261f5c5e",
                f"emotion_detection_text/data/{name}",
                digest,
            )
            for name, digest in (
                ("train.txt", "3ab03d945a6cb783d818ccd06dafd52d2ed8b4f62f0f85a09d7d11870865b190"),
                ("val.txt", "34faaa31962fe63cdf5dbf6c132ef8ab166c640254ab991af78f3aea375e79ef"),
            )
        ),
        _carer,
    ),
    Source("carellm_handwritten", "zh+en", "Apache-2.0 (this project)", (), _handwritten),
)
