"""Checks on every model reply: what a counseling reply must never contain.

Blocks, and replaces with a safe fallback: method/means/lethality details, instructions for
self-harm, a diagnosis stated as fact, medication named with a dose or recommended, and
claims of being human or promises of confidentiality.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from carellm.safety.normalize import normalize
from carellm.safety.patterns import DRUGS

_DOSE = r"\d+(?:\.\d+)?\s*(?:mg|milligrams?|毫克|g\b|克|片|粒|颗|tablets?|pills?|capsules?)"

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
    ],
}
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


def guard_reply(reply: str) -> ReplyVerdict:
    """Whether a model reply may be shown (and spoken) as it is."""
    norm = normalize(reply)
    violations: list[str] = []
    evidence: list[str] = []
    for rule, patterns in RULES.items():
        for pattern in patterns:
            match = pattern.search(norm)
            if match is None:
                continue
            if rule == "false_identity" and _DENIAL.search(norm[max(0, match.start() - 12) : match.end()]):
                continue
            violations.append(rule)
            evidence.append(match.group(0))
            break
    return ReplyVerdict(not violations, violations, evidence)


def safe_fallback(lang: str) -> str:
    return FALLBACK.get(lang, FALLBACK["en"])
