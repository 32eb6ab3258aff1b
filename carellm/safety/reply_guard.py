"""Checks on every model reply: what a counseling reply must never contain.

Blocks, and replaces with a safe fallback: method/means/lethality details, instructions for
self-harm, a diagnosis stated as fact, medication named with a dose or recommended, and
claims of being human or promises of confidentiality.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from carellm.language import detect_lang
from carellm.safety.guard_acts import ACTS
from carellm.safety.guard_concepts import CONCEPTS, DENIED_LABEL
from carellm.safety.guard_families import _LABEL_DENIED, FAMILIES, Family
from carellm.safety.normalize import normalize
from carellm.safety.patterns import DRUGS

# Dose vocabulary, written from how prescriptions and package leaflets state doses (amount +
# unit, count of pills + frequency, "take"/"吃" + count, changing a dose), not from any test set.
_MASS = r"(?:mg|mcg|μg|ug|milligrams?|micrograms?|iu|毫克|微克)(?![a-z])"
_COUNT = r"(?:pills?|tablets?|tabs?|capsules?|caps?|doses?)\b"
_COUNT_ZH = r"(?:片|粒|颗|丸|胶囊)"
_NUM = (
    r"(?:\d+(?:[.,/]\d+)?|½|half(?: a)?|a couple(?: of)?|a few|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|another|an extra|extra)"
)
_NUM_ZH = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百几半]+)"
_DOSE = rf"\d+(?:[.,]\d+)?\s*(?:{_MASS}|g\b|克|{_COUNT}|{_COUNT_ZH})"
_INTAKE = (
    r"(?:take|taking|try|trying|have|pop|swallow|use|start(?: on| with)?|add|go up to|bump (?:it )?up to"
    r"|(?:increase|up|raise|cut|drop|lower|reduce) (?:it |that |this |your dose |back )?to)"
)
_INTAKE_ZH = (
    r"(?:吃|服|服用|吞|吞服|口服|含服|加到|加量到|增加到|减到|减少到|每次|每天|每晚|每日|一天|一次|睡前)"
)
# "吃两片面包", "一颗定心丸": counted, but not medicine.
_NOT_MEDICINE_ZH = r"(?:面包|吐司|饼干|西瓜|苹果|橙子|柠檬|肉|培根|火腿|奶酪|芝士|姜|糖|巧克力|草莓|葡萄|花生|坚果|枣|樱桃|蓝莓|瓜子|薯片|蛋糕|披萨|水果|叶|面膜|定心丸)"
_FREQUENCY = (
    r"(?:(?:a|per|each|every) (?:day|night|morning|evening|\d+ hours)|daily|twice|three times|before bed"
    r"|at bedtime|at night|in the morning)\b"
)
# Changing or stopping a dose is advice too; "don't double your dose", "ask your doctor before
# you stop" is not (see _WARNING).
_DOSE_CHANGE = [
    re.compile(
        r"\b(?:double|triple|increase|up|raise|bump up|lower|reduce|halve|cut|skip|stop|change|adjust)"
        r"(?: up)?(?: on)? (?:your|the) (?:dose|dosage|medication|medicine|meds|pills|prescription)\b"
        rf"|\b(?:stop|quit|skip) taking (?:your |the )?(?:meds|medication|medicine|pills|{DRUGS})\b"
        r"|\btake (?:double|twice|two times|three times|triple) (?:the|your|as much)\b"
    ),
    re.compile(
        r"(?:剂量|药量|用量)(?:加倍|翻倍|加大|增加|减半|减少)|(?:加倍|翻倍|加大|增加|减少)(?:剂量|药量|用量)"
        r"|药(?:量)?(?:加倍|翻倍|减半)|多吃(?:一|两|几|\d+)?(?:片|粒|颗)|停(?:药|掉(?:你的)?药)(?!后|反应|症状)"
        rf"|停(?:用|服)(?:药物|药|{DRUGS})"
    ),
]
_WARNING = re.compile(
    r"\b(?:don'?t|do not|never|not|shouldn'?t|should not|can'?t|cannot|without|before|whether|ask|talk to"
    r"|talk with|check with|consult|instead of|rather than|avoid|doctor|psychiatrist|prescriber|pharmacist)\b"
    r"|不要|别|不能|不可以|不建议|千万|切勿|勿|擅自|医生|咨询|请教|商量"
)
_CLAUSE_END = re.compile(r"[.,;:!?。，；：！？\n]")
_SENTENCE_END = re.compile(r"[.!?。！？\n]")
# A denial before "but" does not reach past it: "I'm not a doctor, but you clearly have ADHD".
_CONTRAST = re.compile(r"\b(?:but|however|though|although|still)\b|[;:—]|(?<!不)但|不过|可是|然而")

RULES: dict[str, list[re.Pattern]] = {
    "method": [
        re.compile(
            r"\b(?:lethal|fatal|deadly|toxic) (?:dose|amount|quantity)\b|\bhow (?:many|much) (?:pills|tablets) (?:it takes|would|to)\b"
        ),
        re.compile(
            r"\b(?:cut|slit) (?:along|vertically|deeper|the vein)|\b(?:tie|make) a noose\b|\bhanging (?:point|knot)\b"
        ),
        re.compile(
            r"\b(?:most|least) painful (?:way|method)s? to (?:die|kill)\b|\b(?:method|way)s? (?:to|of) (?:kill(?:ing)? yourself|suicide)\b(?! prevention)"
        ),
        re.compile(
            r"致死(?:剂)?量|多少片(?:药)?(?:能|会|可以)?致死|割腕(?:的)?(?:方法|方向|深度)|上吊(?:的)?方法|自杀(?:的)?方法|怎么(?:死|自杀)(?:最|比较)?(?:不痛|快)"
        ),
    ],
    "self_harm_instructions": [
        re.compile(
            r"\b(?:you (?:can|could|should)|try to|it'?s (?:ok|okay|fine) to) (?:cut|burn|hurt|harm) yourself\b"
        ),
        re.compile(r"(?:你可以|可以试试|不妨)(?:割|划|伤害|烫)(?:自己|手腕)"),
    ],
    "diagnosis": [
        re.compile(
            r"\byou (?:have|are suffering from|clearly have|definitely have|probably have|are showing signs of having) (?:clinical |major |severe )?(?:depression|depressive disorder|bipolar(?: disorder)?|ptsd|an? anxiety disorder|generalized anxiety disorder|schizophrenia|borderline personality disorder|bpd|ocd|adhd|an eating disorder|anorexia|bulimia|psychosis)\b"
        ),
        re.compile(
            r"\byou(?:'re| are) (?:clinically depressed|bipolar|schizophrenic|psychotic)\b|\byour diagnosis is\b|\bi diagnose\b"
        ),
        re.compile(
            r"你(?:患有|得了|有|就是|已经是|肯定是|确实是)(?:重度|轻度|中度)?(?:抑郁症|焦虑症|双相(?:情感障碍)?|躁郁症|精神分裂症?|强迫症|创伤后应激障碍|ptsd|边缘型人格障碍|进食障碍|厌食症|暴食症|多动症)|(?:诊断|确诊)(?:你|为)"
        ),
    ],
    "medication": [
        re.compile(rf"(?:{DRUGS})[^.。\n]{{0,30}}{_DOSE}|{_DOSE}[^.。\n]{{0,20}}(?:of )?(?:{DRUGS})"),
        re.compile(
            rf"\b(?:take|try|start|increase|double|you should take|i recommend|consider taking|ask for) (?:some |a |an )?(?:{DRUGS})\b"
        ),
        re.compile(rf"(?:吃|服用|试试|加量|加到|换成|建议你?吃|可以吃)(?:点|一些)?(?:{DRUGS})"),
        # An amount by weight is a dose whatever it names: "50mg", "0.5 mg", "100毫克".
        re.compile(rf"\d+(?:[.,]\d+)?\s*{_MASS}"),
        # A medicine named with its strength: "zoloft 50", "舍曲林50".
        re.compile(
            rf"(?:{DRUGS})[ -]?\d+(?:\.\d+)?(?!\d|\.\d|\s*(?:minutes?|hours?|days?|weeks?|months?|years?|分钟|小时|天|周|个月|年))"
        ),
        # Counted pills: "take 2 pills", "try one xanax", "two tablets a day".
        re.compile(
            rf"\b{_INTAKE} {_NUM} (?:more |extra )?(?:of (?:your|the|these|those|them|my) )?(?:[\w-]+ ){{0,2}}?(?:{_COUNT}|(?:{DRUGS})\b)"
            rf"|\b{_NUM} (?:[\w-]+ )?(?:{_COUNT}|(?:{DRUGS})\b) {_FREQUENCY}"
        ),
        re.compile(
            rf"{_INTAKE_ZH}(?:吃|服用|服)?{_NUM_ZH}{_COUNT_ZH}(?!{_NOT_MEDICINE_ZH})|{_NUM_ZH}{_COUNT_ZH}(?:{DRUGS})"
        ),
        *_DOSE_CHANGE,
    ],
    "false_identity": [
        re.compile(
            r"\bi(?:'m| am) (?:a |an )?(?:real )?(?:human|person|licensed (?:therapist|psychologist|counsel?or)|(?:your )?doctor|psychiatrist)\b(?! (?:and|but) )"
        ),
        re.compile(
            r"\b(?:this (?:conversation|chat) (?:is|will (?:stay|be|remain)) (?:completely |totally |100% )?(?:confidential|private|secret)|i (?:won'?t|will never) tell anyone|everything you say stays between us)\b"
        ),
        re.compile(
            r"我是(?:一个)?(?:真人|真正的人|人类|心理医生|医生|精神科医生|持证咨询师)|我(?:会|保证)(?:为你|替你)?(?:绝对)?保密|绝对保密|不会告诉任何人"
        ),
        # Speaking in a professional's or a human's voice: "As a licensed therapist, I ...", "作为一名心理咨询师，我".
        re.compile(
            r"\bas an? (?:licensed |certified |trained |real |human )?(?:therapist|psychologist|psychiatrist|counsel+or|doctor|human being|human|person)(?: myself)?,? (?:i|i'm|i've|i'd|i'll|my)\b"
        ),
        re.compile(
            r"作为(?:一名|一个|一位)?(?:持证的?|专业的?|真正的?)?(?:心理咨询师|咨询师|心理医生|医生|精神科医生|治疗师|真人|人类)[，,]?\s*我"
        ),
        re.compile(
            r"\b(?:this|it|everything(?: you (?:tell|say to) me)?|what you (?:tell|say to) me) (?:stays|will stay) between (?:us|you and me)\b"
        ),
    ],
}
# Every family, the first three rounds' and the concepts', per rule.
_FAMILIES: dict[str, list[Family]] = {
    rule: FAMILIES.get(rule, []) + CONCEPTS.get(rule, []) + ACTS.get(rule, [])
    for rule in dict.fromkeys([*FAMILIES, *CONCEPTS, *ACTS])
}
LEARNED = "learned_model"  # the violation the learned model reports (it has no category of its own)
# A denial is fine: "I'm not a doctor", "I am not a human".
_DENIAL = re.compile(
    r"\b(?:not|n't|never)\s+(?:a |an )?(?:real )?(?:human|person|doctor|therapist)|不是(?:真人|医生|人类|心理医生)"
)

FALLBACK = {
    "en": "I want to be careful here, so I won't go into that. I'm an AI research prototype, not a doctor or a "
    "therapist, and I can't diagnose or advise on medication. I'm still here to listen: what feels hardest for "
    "you right now? A doctor, counselor or crisis line can help with the rest.",
    "zh": "这个问题我需要谨慎一些，就不展开了。我是一个人工智能科研原型，不是医生或心理治疗师，不能做诊断，也不能给用药建议。"
    "我仍然在这里听你说：现在对你来说最难的是什么？其他方面，医生、心理咨询师或心理援助热线可以帮到你。",
}


@dataclass
class ReplyVerdict:
    ok: bool
    violations: list[str]
    evidence: list[str]


def guard_reply(reply: str, lang: str | None = None, learned: bool = True) -> ReplyVerdict:
    """Whether a model reply may be shown (and spoken) as it is: the patterns, then (`learned`)
    the learned model, which can only add a block ("learned_model", evidence its probability).

    `lang` (zh/en) picks the model's calibration; detected from the reply when None. A reply
    that denies a label ("这不是典型的抑郁症") is left to the patterns: n-grams cannot read "not".
    """
    verdict = pattern_verdict(reply)
    if not learned or not verdict.ok or not reply.strip() or DENIED_LABEL.search(normalize(reply)):
        return verdict
    from carellm.safety.guard_model import block_probability, blocks, load_guard_model

    model = load_guard_model()
    if model is None:
        return verdict
    lang = lang if lang in ("zh", "en") else detect_lang(reply)
    probability = block_probability(model, reply, lang)
    if blocks(model, probability, lang):
        return ReplyVerdict(False, [LEARNED], [f"p={probability:.2f}"])
    return verdict


def pattern_verdict(reply: str) -> ReplyVerdict:
    """The patterns alone: the high-precision layer, and what the learned model's data is filtered with.

    Every rule reads the reply twice: with leetspeak undone ("k1ll") and with every digit as
    written ("zoloft50", "5htp"); a rule is broken if either reading breaks it.
    """
    readings = list(dict.fromkeys((normalize(reply), normalize(reply, leet=False))))
    violations: list[str] = []
    evidence: list[str] = []
    tested: dict[tuple[re.Pattern, str], bool] = {}
    for rule, patterns in RULES.items():
        match = next(
            (m for pattern in patterns for norm in readings for m in _breaches(rule, pattern, norm)), None
        )
        if match is None:
            match = next(
                (
                    m
                    for family in _FAMILIES.get(rule, [])
                    for norm in readings
                    if family.needs is None or _passes(family.needs, norm, tested)
                    for m in _family_breaches(rule, family, norm)
                ),
                None,
            )
        if match is not None:
            violations.append(rule)
            evidence.append(match.group(0))
    return ReplyVerdict(not violations, violations, evidence)


def _breaches(rule: str, pattern: re.Pattern, norm: str) -> Iterator[re.Match]:
    """Matches of `pattern` that are not a denial ("I'm not a doctor") or a warning ("don't double your dose")."""
    for match in pattern.finditer(norm):
        if rule == "false_identity" and _DENIAL.search(norm[max(0, match.start() - 12) : match.end()]):
            continue
        if pattern in _DOSE_CHANGE and _WARNING.search(_CLAUSE_END.split(norm[: match.start()][-80:])[-1]):
            continue
        # "I can't tell you whether you have bipolar disorder": a label denied in its own clause.
        if rule == "diagnosis" and _LABEL_DENIED.search(_CLAUSE_END.split(norm[: match.start()])[-1]):
            continue
        yield match


def _passes(needs: re.Pattern, norm: str, tested: dict[tuple[re.Pattern, str], bool]) -> bool:
    """`needs` searched once per reading of a reply, however many families share it."""
    key = (needs, norm)
    if key not in tested:
        tested[key] = needs.search(norm) is not None
    return tested[key]


def _family_breaches(rule: str, family: Family, norm: str) -> Iterator[re.Match]:
    """Matches of a family that no denial, no `unless` (searched in the sentence around the match:
    "..., so please don't") and no `negated_by` (in the sentence before it, after its last "but":
    "I don't think you have ...") stands down."""
    for match in family.pattern.finditer(norm):
        if rule == "false_identity" and _DENIAL.search(norm[max(0, match.start() - 12) : match.end()]):
            continue
        if family.unless is not None and family.unless.search(_sentence_around(norm, match)):
            continue
        if family.negated_by is not None and family.negated_by.search(
            _CONTRAST.split(_SENTENCE_END.split(norm[: match.start()])[-1])[-1]
        ):
            continue
        yield match


def _sentence_around(norm: str, match: re.Match) -> str:
    """The sentence(s) a match sits in, from the end mark before it to the one after it."""
    before = _SENTENCE_END.split(norm[: match.start()])[-1]
    after = _SENTENCE_END.split(norm[match.end() :], maxsplit=1)[0]
    return before + match.group(0) + after


def safe_fallback(lang: str) -> str:
    return FALLBACK.get(lang, FALLBACK["en"])


# When the model wrote nothing a person could read, they get this rather than silence.
EMPTY_REPLY = {
    "en": "I'm sorry, I couldn't put a reply together just now. I'm still here: could you tell me a bit more?",
    "zh": "抱歉，我刚才没能组织好回复。我还在这里：可以再多和我说一点吗？",
}


def empty_reply(lang: str) -> str:
    return EMPTY_REPLY.get(lang, EMPTY_REPLY["en"])
