"""Text normalisation so that patterns see one spelling of each risky phrase.

Traditional Chinese is folded to simplified (OpenCC t2s), full-width forms to ASCII
(NFKC), spaces and punctuation between Chinese characters are dropped ("不 想 活 了"), and
common English obfuscations are undone ("k!ll mys3lf", "su1cide", "kil myself").

Numbers stay numbers: a quantity ("50mg", "0.5mg", "30pills", "2am") is not leetspeak, runs of
digits are not shortened ("1000"), and spaces between Chinese and digits are dropped ("吃了 30 片"
reads like "吃了30片"). Dose and overdose patterns depend on the digits.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[\s\-_.·,，、~～*]+(?=[{_CJK}])")
_CJK_DIGIT_GAP = re.compile(rf"(?<=[{_CJK}])\s+(?=\d)|(?<=\d)\s+(?=[{_CJK}])")
_REPEATS = re.compile(r"(\D)\1{2,}")  # "sooo" -> "soo"; digits are amounts and phone numbers
_SPACES = re.compile(r"\s+")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)
_LEET_WORD = re.compile(r"\b(?=\w*[a-z])[a-z0-9@$!]*[0-9@$!][a-z0-9@$!]*\b")
# A number with its unit is an amount, not a word spelled with digits ("50mg" must not read "somg").
_QUANTITY = re.compile(
    r"\d+(?:[.,]\d+)?(?:mg|mcg|μg|ug|g|kg|ml|iu|x|pills?|tabs?|tablets?|caps?|capsules?|doses?"
    r"|h|hrs?|hours?|mins?|minutes?|am|pm|yo|yrs?|years?|days?|wks?|weeks?|months?)"
)
# Frequent misspellings of the words the English patterns are built on.
_TYPOS = {
    r"\bsu[il]?c[il]?[dt]e?\b": "suicide",
    r"\bsuicd(e|al)\b": r"suicid\1",
    r"\bsucidal\b": "suicidal",
    r"\bsuicid(le|el)\b": "suicidal",
    r"\bkil+\b": "kill",
    r"\bmy ?sel[fv]e?\b": "myself",
    r"\bmyslef\b": "myself",
    r"\bwan+a\b": "want to",
    r"\bgon+a\b": "going to",
    r"\bdont\b": "don't",
    r"\bcant\b": "can't",
    r"\bwont\b": "won't",
    r"\bim\b": "i'm",
    r"\b(think|feel|try|go|want|plan|cutt|kill|dy|liv|noth|someth|hurt|end|sitt|stand)in\b": r"\1ing",
    r"\b(?:bout|abt)\b": "about",
    r"\b(?:tonite|tonigt|2nite)\b": "tonight",
    r"\b(?:tmrw|tmr|2moro|tomorow)\b": "tomorrow",
    r"\brn\b": "right now",
    r"\b(?:wnat|wnt|watn)\b": "want",
    r"\bu\b": "you",
    r"\bur\b": "your",
    r"\bive\b": "i've",
    r"\bid\b": "i'd",
}
_TYPO_RES = [(re.compile(p), r) for p, r in _TYPOS.items()]


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _unleet(match: re.Match) -> str:
    word = match.group(0)
    return word if _QUANTITY.fullmatch(word) else word.translate(_LEET)


def normalize(text: str, leet: bool = True) -> str:
    """Lower-case, simplified, de-obfuscated text for pattern matching (not for display).

    `leet=False` keeps every digit as written, for names and doses that contain digits
    ("5htp", "zoloft50") which leetspeak undoing would turn into letters.
    """
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = text.lower()
    if re.search(f"[{_CJK}]", text):
        text = _t2s().convert(text).replace("著", "着")  # OpenCC keeps 著 (著名); 活著 must read 活着
        text = _CJK_DIGIT_GAP.sub("", _CJK_GAP.sub("", text))
    if leet:
        text = _LEET_WORD.sub(_unleet, text)
    text = _REPEATS.sub(r"\1\1", text)
    for pattern, repl in _TYPO_RES:
        text = pattern.sub(repl, text)
    return _SPACES.sub(" ", text).strip()
