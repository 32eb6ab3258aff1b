# ruff: noqa: E501  (patterns are data: one regex alternative per line keeps each reviewable)
"""Reply-guard pattern families for what a model says when it slips, in English and Chinese.

The first rules in `reply_guard.RULES` catch the blunt forms ("the lethal dose is", "you have
depression", "take 50mg"). A model under a role-play or a long conversation says the same
things indirectly, and those passed: a method framed as information ("X is usually considered
quick and painless, which is why some choose it"), where means are ("that bridge has no
railings"), self-harm done "more safely", a medicine with alcohol as a lethal combination, a
diagnosis as a label ("this is typical depression", "你已经患上了焦虑症"), a named drug through
the doctor ("ask your doctor for Xanax, it works fast") and a human counsellor's voice
("作为一个人类咨询师"). Each family below was written from how such replies are phrased (and
from safe-messaging guidance: never describe a method as quick, painless or effective, never
say where means are), not from any labelled set; `tests/safety/test_reply_guard.py` lists, for
each, replies it blocks and look-alikes it must let through.

A family may carry `unless`: a pattern searched in the same sentence that stands the match
down (a warning: "mixing Xanax and alcohol can be fatal, please don't").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from carellm.safety.patterns import DRUGS

# Named medicines only: "antidepressants work for many people" is information, "Xanax works
# fast" is a recommendation.
_CLASSES = {"benzodiazepines?", "ssris?", "antidepressants?", "抗抑郁药", "安眠药"}
NAMED_DRUGS = "|".join(d for d in DRUGS.split("|") if d not in _CLASSES)
_PILLS = rf"(?:{DRUGS}|sleeping pills?|sleeping tablets?|pills|tablets|painkillers?|benzos|opioids?|opiates?|meds|medication|medicine)"
_PILLS_ZH = rf"(?:{DRUGS}|药片|药物|止痛药|镇静药|处方药|药)"

# Methods, as safe-messaging guidance lists them (no detail, only the name).
_METHOD = (
    r"(?:overdos(?:e|es|ing)(?! on)|hanging(?! out| around| on| up| in there)|jumping (?:off|from)|carbon monoxide"
    r"|charcoal(?: burning)?|exhaust fumes|helium|nitrogen|gassing|drowning(?! in| out)|a gun|firearms?|shooting yourself"
    r"|poisoning|pesticides?|cyanide|antifreeze|slitting|cutting (?:your |the )?wrists?|bleeding out|suffocation"
    r"|(?:jumping )?in front of a train)"
)
_METHOD_ZH = (
    r"(?:烧炭|上吊|自缢|跳楼|跳桥|跳河|跳江|跳海|跳轨|卧轨|割腕|服毒|喝农药|农药|百草枯|敌敌畏|吞药|过量服药|吃安眠药"
    r"|一氧化碳|煤气|开煤气|溺水|投河|氦气|枪|跳下去|跳下|坠楼|从高处跳)"
)
_LETHAL = (
    r"(?:quick|quicker|quickest|fast|faster|fastest|painless|peaceful|gentle|reliable|certain|surest"
    r"|most effective|least painful|less painful|instant|instantaneous|gentlest|easiest|most gentle)"
)
_LETHAL_ZH = (
    r"(?:很快|快速|迅速|最快|比较快|无痛|不痛|不疼|不会痛|不会疼|不会有痛苦|没有痛苦|没什么痛苦|不痛苦|安详|平静|舒服|有效|可靠|致命|必死|死得(?:快|透)"
    r"|成功率(?:很|比较|最)?高|最温和|温和|最轻松)"
)
# A negation between the method and its adjective is the safe message ("hanging is not painless").
_NO_NEGATION = r"(?:(?!\b(?:not|never|isn'?t|aren'?t|wasn'?t|no|rarely|hardly|far from)\b)[^.!?\n])"
_NO_NEGATION_ZH = r"(?:(?!不会|并不|不是|并非|绝不|没有那么|一点也不|远不)[^。！？\n])"
_CHOOSE = (
    r"(?:which is why|that'?s why|so|and so) (?:some|many|a lot of|lots of|so many|most) (?:people )?"
    r"(?:choose|chose|pick|use|prefer|go for|opt for|turn to)"
    r"|(?:which is why|that'?s why|so) (?:it'?s|it is) (?:so )?(?:often |commonly |usually )?(?:chosen|used|picked|preferred|popular|common)"
)
_CHOOSE_ZH = r"(?:所以|因此|因而|这也是为什么)[^。！？\n]{0,4}(?:有些|很多|不少|一些|许多|大多数)?人(?:会|都会)?(?:选择|用|采用)"

# Places that hold means, and what would keep a person from them.
_PLACE = (
    r"(?:bridge|building|roof|rooftop|cliff|tower|overpass|parking (?:garage|structure|deck)|balcony|platform"
    r"|station|place|spot|area|floor|top|ledge|viaduct|dam|path|stretch|edge|car park|carpark|garage|dorm)"
)
_BARRIER = r"(?:barriers?|railings?|rails|guardrails?|fences?|fencing|safety nets?|nets|security|cameras|guards|patrols|locks)"
_PLACE_ZH = r"(?:那个地方|那个位置|那里|那儿|那边|桥上|大桥|桥|楼顶|天台|顶楼|楼上|江边|河边|海边|悬崖|站台|高楼|高架|阳台)"
_BARRIER_ZH = r"(?:护栏|栏杆|围栏|防护网|隔离网|防护栏|安全网|监控|摄像头|保安|人看守|人管|人巡逻)"

# Conditions a reply may talk about but never pin on the person.
_CONDITION = (
    r"(?:(?:clinical |major |severe |mild |moderate )?depression|(?:major )?depressive disorder|(?:generalized |social )?anxiety disorder"
    r"|panic disorder|bipolar(?: disorder)?|ptsd|post-?traumatic stress disorder|ocd|obsessive-compulsive disorder|adhd"
    r"|schizophrenia|psychosis|borderline personality disorder|bpd|(?:an )?eating disorder|anorexia|bulimia"
    r"|dysthymia|insomnia disorder|social phobia|agoraphobia|a personality disorder|postpartum depression)"
)
_CONDITION_ZH = (
    r"(?:(?:重度|轻度|中度|严重的|轻微的)?(?:抑郁症|抑郁障碍|焦虑症|焦虑障碍|广泛性焦虑(?:障碍|症)?|惊恐障碍|社交焦虑(?:障碍|症)"
    r"|双相(?:情感)?障碍|双相|躁郁症|精神分裂症?|强迫症|创伤后应激障碍|ptsd|边缘型人格障碍|人格障碍|进食障碍|厌食症|暴食症"
    r"|多动症|注意缺陷多动障碍|失眠症|恐惧症|社交恐惧症|产后抑郁(?:症)?|抑郁发作))"
)
_PROFESSION = r"(?:therapist|psychotherapist|psychologist|psychiatrist|counsel+or|doctor|physician|social worker|clinician)"
_PROFESSION_ZH = r"(?:心理咨询师|咨询师|心理治疗师|治疗师|心理医生|精神科医生|医生|社工)"
# A warning tells the person not to (or to get help); "most people don't know" is not one.
_WARNING = (
    r"\b(?:please|avoid|never (?:mix|combine|take|drink)|don'?t (?:mix|combine|take|drink|do)|do not (?:mix|combine|take|drink|do)"
    r"|talk to|call|emergency|poison control|pharmacist|doctor)\b|不要|别(?![人的处])|千万|切勿|危险|请咨询|药剂师|医生|急救"
)
_WARNING_RE = re.compile(_WARNING)
# An urgent safety message names the danger to send the person to help: "an overdose can act
# fast, please call 911 now". Narrower than a warning: "don't tell anyone" must not excuse a method.
_URGENT_RE = re.compile(
    r"\b(?:call|emergency|poison control|ambulance|911|988|999|112|000|hospital|a&e|get help)\b|急救|120|110|12356|热线|医院"
)


@dataclass(frozen=True)
class Family:
    """One phrasing of a rule: the pattern, and what in the same sentence stands it down."""

    name: str
    pattern: re.Pattern
    unless: re.Pattern | None = None
    negated_by: re.Pattern | None = None  # searched in the sentence before the match only
    needs: re.Pattern | None = None  # a cheap test the reply must pass first (one search a reply)


def _family(
    name: str, pattern: str, unless: re.Pattern | None = None, negated_by: re.Pattern | None = None
) -> Family:
    needs = _NAMES_A_DRUG if name.startswith("named_drug") else None
    return Family(name, re.compile(pattern), unless, negated_by, needs)


# The named-drug families scan a long alternation of medicine names at every position; most
# replies name none, so one search for any name first saves ~1 ms a reply (5 families, 2 readings).
_NAMES_A_DRUG = re.compile(rf"(?:{NAMED_DRUGS}|安眠药)")


# "I don't think you have developed an anxiety disorder", "我并不觉得你已经患上了抑郁症": the
# label is denied or put as a question, which is what a careful reply does.
_LABEL_DENIED = re.compile(
    r"n't\b|\b(?:not|never|whether|if|unless)\b|不觉得|不认为|不代表|不一定|不意味着|不等于|不说明|是否|并不|未必|不能说明|不能确定|如果|假如|不是说"
)


FAMILIES: dict[str, list[Family]] = {
    "method": [
        # "Overdose is usually considered quick", "carbon monoxide is a peaceful way to go".
        _family(
            "method_framed_as_information",
            rf"\b{_METHOD}\b{_NO_NEGATION}{{0,60}}\b{_LETHAL}\b"
            rf"|\b{_LETHAL}\b{_NO_NEGATION}{{0,30}}\b(?:way|method|means|option)s? (?:to|of) (?:die|dying|end(?:ing)? (?:it|your life|things)|kill|suicide)\b",
            _URGENT_RE,
        ),
        # "..., which is why some choose it": whatever "it" is, the reply sells a method.
        _family(
            "lethality_then_choice",
            rf"\b(?:quick|painless|peaceful|gentle|reliable|certain|lethal|fatal|instant)\b[^.!?\n]{{0,40}}{_CHOOSE}",
        ),
        _family(
            "method_framed_as_information_zh",
            rf"{_METHOD_ZH}{_NO_NEGATION_ZH}{{0,20}}{_LETHAL_ZH}"
            rf"|{_LETHAL_ZH}{_NO_NEGATION_ZH}{{0,6}}(?:的)?(?:死法|自杀方(?:法|式)|离开(?:的)?方式|结束(?:生命|自己)的方(?:法|式))"
            rf"|(?:快|无痛|不痛|没有痛苦|安详|可靠|致命)[^。！？\n]{{0,12}}{_CHOOSE_ZH}",
            _URGENT_RE,
        ),
        # Where means are: "that bridge has no railings", "the roof door is usually unlocked".
        _family(
            "where_means_are",
            rf"\b{_PLACE}\b[^.!?\n]{{0,40}}\b(?:has|have|had|with|there(?:'s| is| are)) no (?:\w+ )?{_BARRIER}\b"
            rf"|\bthere (?:are|is|'s) no (?:\w+ )?{_BARRIER} (?:there|on (?:it|the \w+)|at the top|up there|at that \w+)\b"
            r"|\b(?:no|without|missing) (?:any )?(?:railings?|guardrails?|safety nets?|suicide nets?|suicide barriers?)\b"
            r"|\b(?:roof|rooftop|roof door|door to the roof|roof access)\b[^.!?\n]{0,30}\b(?:unlocked|left open|always open|accessible)\b"
            r"|\bhigh enough (?:to|that you) (?:die|kill|be fatal|be lethal|not survive|wouldn'?t survive)\b"
            rf"|\b(?:you can|it'?s easy to|easy to|you could) (?:buy|get|find|order|pick up) (?:\w+ )?(?:charcoal|pesticides?|a gun|a rope|helium|cyanide|{_PILLS})\b"
            r"[^.!?\n]{0,40}\b(?:without (?:a )?prescription|no prescription|online|over the counter|at any)\b",
        ),
        _family(
            "where_means_are_zh",
            rf"{_PLACE_ZH}[^。！？\n]{{0,15}}(?:没有|没装|没|不设|无)(?:任何|什么)?{_BARRIER_ZH}"
            r"|(?:天台|楼顶|顶楼)(?:的门)?[^。！？\n]{0,6}(?:不锁|没锁|没上锁|一直开着|随便(?:就能)?上去|能上去|可以上去)"
            r"|(?:够|足够)高[^。！？\n]{0,6}(?:死|致命|活不了|没救)"
            rf"|(?:网上|药店|药房|农资店)[^。！？\n]{{0,10}}(?:就能|就可以|可以|能)?买到(?:{_PILLS_ZH}|农药|木炭|炭|百草枯|氦气)"
            rf"|(?:不需要|不用|无需)处方[^。！？\n]{{0,10}}(?:就能|就可以|可以|能)?买到",
        ),
        # A medicine with alcohol as the way: "sleeping pills with alcohol is a lethal combination".
        _family(
            "lethal_combination",
            rf"\b{_PILLS}\b[^.!?\n]{{0,30}}\b(?:with|and|plus|on top of|washed down with) (?:\w+ )?(?:alcohol|vodka|whiskey|wine|beer|drinking|booze)\b"
            r"[^.!?\n]{0,50}\b(?:lethal|fatal|deadly|kill|die|stop (?:your )?breathing|won'?t wake up|never wake up|enough to|much stronger|work faster|knock you out)"
            r"|\b(?:lethal|deadly|fatal) (?:combination|combo|mix|cocktail)\b",
            _WARNING_RE,
        ),
        _family(
            "lethal_combination_zh",
            rf"{_PILLS_ZH}(?:配|加|和|跟|混|就着|混着|一起)(?:上)?(?:白酒|啤酒|红酒|烈酒|酒精|酒)(?:一起)?(?:吃|喝|服用|服)?"
            r"(?:[^。！？\n]{0,20}(?:致命|会死|必死|最快|更快|效果(?:更|最)?(?:强|好)|呼吸(?:停止|抑制)|一睡不醒|醒不过来|没救)|(?=[，。,.！？\n]|$))",
            _WARNING_RE,
        ),
    ],
    "self_harm_instructions": [
        # "cut more safely", "self-harm more effectively", "hurt yourself without leaving scars".
        _family(
            "self_harm_done_better",
            r"\b(?:cut(?!\s+(?:down|back|off|out|ties|it out|yourself some slack))|cutting(?!\s+(?:down|back|off|out|ties))|self-?harm(?:ing)?"
            r"|harm(?:ing)? yourself|hurt(?:ing)? yourself|burn(?:ing)? yourself|scratch(?:ing)? yourself)"
            r"(?:\s+\w+){0,2}?\s+(?:more |a bit more |less )?(?:effectively|safely|safer|properly|deeper|cleanly|discreetly"
            r"|without (?:leaving )?(?:any )?(?:scars?|marks?|anyone (?:noticing|knowing|seeing)|getting caught))\b"
            r"|\b(?:safer|safest|better|more effective|cleaner|less visible|hidden|discreet|subtle) (?:ways?|places?|spots?|methods?|areas?) to (?:cut|self-?harm|hurt yourself|burn yourself)\b"
            r"|\b(?:cut|cutting|self-?harm(?:ing)?|hurt(?:ing)? yourself)\b[^.!?\n]{0,40}\bdo(?:ing)? it (?:more |a bit more )?(?:safely|safer|effectively|properly|deeper)\b"
            r"|\b(?:use|using|with) (?:a )?(?:clean|sterile|sterili[sz]ed|new|sharp|sharper|fresh) (?:blade|razor(?: blade)?|knife|needle)s?\b"
            r"|\b(?:cuts|scars|marks|wounds|burns)\b[^.!?\n]{0,20}\bso (?:that )?(?:no one|nobody|they|people|others|your (?:parents|family|friends))(?: will)? (?:won'?t|can'?t|doesn'?t|don'?t|never|will not)\b"
            r"|\b(?:thighs?|upper arms?|legs?|stomach|hips?)\b[^.!?\n]{0,20}\bwhere (?:no one|nobody|people|others) (?:can(?:'t|not)?|won'?t|will(?:n'?t| not)?|would(?:n'?t)?) (?:see|notice|find)\b",
        ),
        _family(
            "self_harm_done_better_zh",
            r"(?:(?<![分收切宰])割|(?<![计规策比筹刻])划|自残|自伤|伤害自己|割腕|烫自己)(?:得|的时候)?(?:更|比较|会更)?(?:有效|安全|深|干净|隐蔽|不留疤)"
            r"|(?:更|比较|最)(?:安全|有效|隐蔽|不容易被发现)(?:地|的)(?:自残|自伤|割|划|伤害自己)"
            r"|(?:不会|不容易|不)(?:留疤|留下疤痕|被(?:人|别人|家人|父母)?发现)(?:地|的)?(?:自残|自伤|割|划|方法|部位|方式)"
            r"|(?:割|划)(?:在|到)(?:别人|人|家人|父母)?(?:看不到|看不见|不容易看到|发现不了)的(?:地方|位置|部位)"
            r"|用(?:干净|消过毒|消毒过|锋利|新)的(?:刀片|刀|剃须刀|针)"
            r"|(?:(?:藏|遮)(?:好|住)?(?:伤口|疤痕|伤疤)|(?:伤口|疤痕|伤疤)(?:藏|遮)(?:好|住|起来))[^。！？\n]{0,8}(?:不会|不让|就不会|别人)",
        ),
    ],
    "diagnosis": [
        # "This is typical depression", "what you describe is a classic case of PTSD".
        _family(
            "diagnosis_as_label",
            r"\b(?:this|that|it|these|those|what you(?:'re| are)? (?:describ\w*|going through|feeling)|your symptoms?|your situation|you)"
            r"(?:'s| is| are| sounds? like| looks? like| seems? like| fits?| match(?:es)?)\s+(?:definitely |clearly |obviously |certainly |just )?"
            r"(?:an? )?(?:typical|classic|textbook|clear|obvious|definite|full-blown)(?: (?:case|sign|signs|symptoms?|form|example|presentation))?(?: of)?"
            rf"\s+(?:an? )?{_CONDITION}\b"
            rf"|(?:^|[.!?;:,\u2014-]\s*|\b(?:so|and|but|honestly|clearly)\s+)(?:this|that|it)(?:'s| is) (?:definitely |clearly |obviously |certainly )?{_CONDITION}\b(?!-|,? (?:or|is|can|and|isn'?t|doesn'?t|talking|speaking|lying))",
            negated_by=_LABEL_DENIED,
        ),
        # "You have already developed an anxiety disorder", "you meet the criteria for bipolar".
        _family(
            "diagnosis_developed",
            rf"\byou(?:'ve| have)? (?:already |probably |clearly |definitely |now )?(?:developed|got|gotten|come down with) (?:a |an )?(?:\w+ )?{_CONDITION}\b"
            rf"|\byou (?:meet|fit|satisfy) (?:the )?(?:criteria|diagnosis|diagnostic criteria) (?:for|of) (?:an? )?{_CONDITION}\b"
            r"|\byou(?:'re| are) (?:clearly |definitely |obviously |certainly )(?:depressed|bipolar|anorexic|bulimic|psychotic|traumati[sz]ed)\b"
            r"|\byou (?:clearly|definitely|certainly|obviously) (?:suffer|are suffering) from\b",
            negated_by=_LABEL_DENIED,
        ),
        _family(
            "diagnosis_as_label_zh",
            rf"(?:这|你这|你这种情况|你的(?:情况|症状|表现|状态))(?:就|已经|应该|明显|很明显|确实|肯定)?(?:是|属于|符合)(?:一种|一个)?(?:很)?(?:典型的|明显的|标准的|很典型的)?{_CONDITION_ZH}(?!的(?:常见|一些|某些|可能)|吗|？)"
            rf"|(?<!不是)(?<!不一定是)(?<!并非)(?<!是否是)(?<!未必是)(?:典型的|明显的|标准的){_CONDITION_ZH}(?:表现|症状|特征)?"
            rf"|你(?:已经|应该|明显|很可能|肯定)?(?:患上|得上|得了|发展成|发展为|出现了|有了)了?(?:一种|一定程度的)?{_CONDITION_ZH}"
            rf"|你(?:已经)?(?:符合|达到)(?:了)?{_CONDITION_ZH}的(?:诊断)?(?:标准|诊断)",
            negated_by=_LABEL_DENIED,
        ),
    ],
    "medication": [
        # "Ask your doctor for Xanax, it works fast": a named drug chosen for the person.
        _family(
            "named_drug_through_doctor",
            r"\b(?:ask|tell|get) (?:your |a |the )?(?:doctor|gp|psychiatrist|physician|prescriber)s? (?:for|to prescribe(?: you)?|to give you|to put you on|to try|to start you on)"
            rf" (?:some |a |an )?(?:{NAMED_DRUGS})\b"
            rf"|\b(?:get|request) (?:a )?(?:prescription|script) for (?:some )?(?:{NAMED_DRUGS})\b",
        ),
        _family(
            "named_drug_praised",
            rf"\b(?:{NAMED_DRUGS})\b[^.!?\n]{{0,25}}\b(?:works?|acts?|kicks? in|helps?|calms?) (?:really |very |pretty |quite |so )?(?:fast|quickly|right away|wonders|well|great)\b"
            rf"|\b(?:{NAMED_DRUGS})\b(?: is| are|'s) (?:really |very |pretty |quite |a )?(?:effective|good|great|best|the best|helpful|perfect|ideal)(?: choice| option| fit)?(?: for (?:you|anxiety|sleep|panic|depression|insomnia))?\b"
            rf"|\b(?:you could|you might|maybe|perhaps|i'?d) (?:try|suggest|recommend|consider|look into) (?:some |a |an )?(?:{NAMED_DRUGS})\b"
            rf"|\b(?:{NAMED_DRUGS})\b (?:could|might|would|should|will) (?:really )?help (?:you|with)\b",
        ),
        _family(
            "named_drug_zh",
            rf"(?:让|请|找|跟|和)(?:你的)?医生(?:给你|帮你|为你)?开(?:点|一点|一些|些)?(?:{NAMED_DRUGS}|安眠药)"
            rf"|(?:{NAMED_DRUGS}|安眠药)[^。！？\n]{{0,6}}(?:见效|起效|生效)(?:很|比较|非常|特别)?快"
            rf"|(?:{NAMED_DRUGS})[^。！？\n]{{0,6}}(?:效果|疗效)(?:很|挺|非常|特别|比较)?(?:好|不错|明显)"
            rf"|(?:{NAMED_DRUGS})(?:对|治)(?:失眠|焦虑|抑郁|惊恐|睡眠)(?:很|挺|非常|特别)?(?:有效|管用|有用|好)"
            rf"|(?:建议|推荐|不妨|可以)(?:你)?(?:试试|试一下|用|服用|吃|考虑)(?:一下)?(?:{NAMED_DRUGS}|安眠药)"
            rf"|开(?:点|一点|一些|些)(?:{NAMED_DRUGS}|安眠药)(?:吃|来吃|试试)?",
        ),
    ],
    "false_identity": [
        # "As a real human counselor, I", "speaking as your therapist", "in my years as a therapist".
        _family(
            "professional_voice",
            rf"\bas (?:an? |your )(?:(?:licensed|certified|trained|real|actual|human|live|flesh-and-blood|experienced|professional) ){{0,3}}(?:{_PROFESSION}|human being|human|person)(?: myself)?,? (?:i|i'm|i've|i'd|i'll|my|we)\b"
            rf"|\bspeaking as (?:an? |your )(?:\w+ ){{0,2}}?(?:{_PROFESSION}|human|person)\b"
            rf"|\bin my (?:\w+ ){{0,2}}?(?:years|experience|practice|work|career|training) as (?:an? )?(?:\w+ )?{_PROFESSION}\b"
            rf"|\bi(?:'ve| have) (?:been (?:working as )?(?:an? )?(?:\w+ )?{_PROFESSION}|worked as (?:an? )?(?:\w+ )?{_PROFESSION})\b"
            r"|\bmy (?:other )?(?:clients|patients|caseload)\b"
            rf"|\bi(?:'m| am) (?:a |an |your )(?:real |actual |live )?human (?:\w+ )?{_PROFESSION}\b",
        ),
        _family(
            "professional_voice_zh",
            rf"作为(?:一名|一个|一位|你的)?(?:人类|真人|真正的|持证的?|专业的?|资深的?|有经验的)(?:的)?{_PROFESSION_ZH}"
            rf"|我(?:是|作为)(?:一名|一个|一位|个|你的)?(?:人类|真人|真正的|持证的?|专业的?|资深的?)?(?:的)?{_PROFESSION_ZH}"
            r"|在我(?:多年|这些年|十几年|几年|这么多年)?(?:的)?(?:咨询|从业|执业|临床|治疗)(?:经验|生涯|经历|实践)?(?:中|里)"
            r"|我的(?:来访者|患者|病人|咨询者|个案)"
            r"|我(?:从事|做)(?:心理)?(?:咨询|治疗)(?:工作)?(?:已经)?(?:有)?[\d一二三四五六七八九十几多]+年",
        ),
    ],
}


# Second round, written from the project's written development replies
# (carellm/safety/data/guard_written.jsonl) that the first round missed: the same families in
# other words.
_SELF_HARM_VERB = (
    r"(?:cut|cutting|self-?harm(?:ing)?|hurt(?:ing)? yourself|burn(?:ing)? yourself|scratch(?:ing)? yourself)"
)
_SELF_HARM_ZH = r"(?:(?<![分收切宰])割|(?<![计规策比筹刻])划|自残|自伤|伤害自己|烫)"
_NOT_ZH = re.compile(r"不要|别(?![人的处])|千万|不能|不可以|不应该|绝对不")
_MORE: dict[str, list[Family]] = {
    "method": [
        _family(
            "lethality_said_plainly",
            r"\b(?:the )?(?:least painful|most painless|most peaceful|most lethal|deadliest) (?:way|method|option|means)\b"
            r"|\b(?:almost|nearly|virtually) (?:always|certainly|guaranteed(?: to be)?) (?:fatal|lethal|deadly)\b"
            r"|\bhigh enough\b[^.!?\n]{0,30}\b(?:fatal|lethal|deadly|kill|die|survive)"
            rf"|\b(?:people|those|most people|many people|the ones) who (?:choose|chose|pick|use|go for|opt for) {_METHOD}\b",
            _URGENT_RE,
        ),
        _family(
            "where_means_are_more",
            rf"\b{_PLACE}\b[^.!?\n]{{0,40}}\b(?:doesn'?t|does not|don'?t|do not|didn'?t) have (?:any )?(?:\w+ )?{_BARRIER}\b"
            rf"|\b{_PLACE}\b[^.!?\n]{{0,40}}\b(?:isn'?t|is not|aren'?t|are not|never|not) (?:fenced|gated|guarded|patrolled|locked|monitored)\b"
            r"|\b(?:roof|rooftop)\b[^.!?\n]{0,50}\b(?:unlocked|isn'?t locked|not locked|never locked|left open|always open)\b"
            rf"|\b{_PILLS}\b[^.!?\n]{{0,40}}\b(?:in bulk|stockpile|from (?:a few|several|different|multiple) (?:shops|pharmacies|stores|chemists))\b"
            rf"|\b(?:stockpile|stock up on|buy (?:up|lots of)) (?:\w+ )?{_PILLS}\b",
        ),
        _family(
            "lethal_combination_more",
            rf"\b{_PILLS}\b[^.!?\n]{{0,30}}\b(?:with|and|plus|combined with|mixed with|on top of|washed down with) (?:\w+ ){{0,3}}(?:alcohol|vodka|whiskey|wine|beer|drinking|booze)\b"
            r"[^.!?\n]{0,50}\b(?:slow (?:down )?your breathing|breathing (?:stops|slows)|until (?:it|you|your \w+) stops?|stop your heart"
            r"|(?:much |far |a lot )?(?:more strongly|stronger|harder)|so effective|what (?:most |many )?people use)",
            _WARNING_RE,
        ),
        _family(
            "method_more_zh",
            rf"{_METHOD_ZH}[^。！？\n]{{0,20}}(?:找对|找准|对准)(?:位置|血管|部位|动脉)"
            r"|(?:天台|楼顶|顶楼)(?:的门|门)?[^。！？\n]{0,6}(?:不上锁|没有上锁|不关|没关)"
            r"|(?:够|足够)高[^。！？\n]{0,12}(?:死|致命|活不了|没救)"
            rf"|{_PILLS_ZH}(?:配|加|和|跟|混|就着|混着)(?:上)?(?:白酒|啤酒|红酒|烈酒|酒精|酒)[^。！？\n]{{0,20}}(?:呼吸[^。，！？\n]{{0,4}}(?:停止|停|抑制|变慢)|效果[^。，！？\n]{{0,3}}(?:强|好|猛))"
            r"|(?:吃|服)(?:了)?(?:药|安眠药|止痛药)(?:再|后|之后|然后)(?:喝|配)(?:点|一些|上|几口)?(?:白)?酒[^。！？\n]{0,15}(?:一睡不醒|醒不过来|会死|致命|呼吸)",
            _WARNING_RE,
        ),
    ],
    "self_harm_instructions": [
        _family(
            "self_harm_more",
            rf"\b{_SELF_HARM_VERB}\b[^.!?\n]{{0,50}}\bso (?:that )?(?:nobody|no one|people won'?t|they won'?t|your \w+ won'?t)\b"
            r"|\b(?:steri\w+|clean|disinfect\w*|sharpen) (?:the |your |a )?(?:blade|razor|knife)\b"
            rf"|\b{_SELF_HARM_VERB}\b[^.!?\n]{{0,50}}\b(?:fewer|less|no|smaller) (?:visible )?(?:marks|scars)\b"
            r"|\b(?:cuts?|wounds?)\b[^.!?\n]{0,10}\b(?:shallower|deeper|smaller|cleaner)\b"
            r"|\b(?:cuts|scars|marks|wounds|burns)\b[^.!?\n]{0,20}\bso (?:that )?your \w+ (?:won'?t|can'?t|doesn'?t|don'?t|will not)\b",
            None,
            re.compile(r"\b(?:don'?t|do not|never|please don'?t|instead of)\b"),
        ),
        _family(
            "self_harm_more_zh",
            rf"{_SELF_HARM_ZH}(?:在|到)(?:大腿|大腿内侧|上臂|胳膊|手臂|肚子|腰上|隐蔽的地方|别人看不到)"
            r"|(?:给|把)(?:刀片|刀|剃须刀)(?:先)?(?:消毒|洗干净|磨)|(?:刀片|刀)(?:先)?消(?:毒|过毒)"
            rf"|{_SELF_HARM_ZH}[^。！？\n]{{0,12}}(?:痕迹|疤|伤疤|疤痕)(?:会)?(?:少|小|浅|不明显)"
            rf"|{_SELF_HARM_ZH}(?:得)?(?:浅|深)(?:一点|一些|点)"
            r"|(?:伤口|疤痕|伤疤)(?:藏|遮)(?:好|住|起来)[^。！？\n]{0,8}(?:看不到|看不见|发现不了)",
            None,
            _NOT_ZH,
        ),
    ],
    "diagnosis": [
        _family(
            "diagnosis_more",
            rf"\byou(?:'re| are) (?:dealing|living|struggling) with (?:major|clinical|severe|full-blown) {_CONDITION}\b"
            rf"|\byour (?:\w+ ){{0,3}}(?:is|are) (?:clearly |definitely |obviously |just |plainly )?(?:an? )?{_CONDITION}\b(?!-)"
            rf"|\bwhat you(?:'ve got| have| are experiencing|'re experiencing| are dealing with|'re dealing with) (?:is|are|sounds like) (?:\w+ ){{0,2}}?{_CONDITION}\b"
            r"|\byou (?:have|show|are showing|'ve got|display) (?:all|every one|many|most|the classic|the typical)(?: of)? (?:the )?(?:signs|symptoms|hallmarks|markers) of\b"
            rf"|\b(?:say|think|believe|sure|bet|guess|afraid)\s+(?:this|that|it)(?:'s| is) (?:definitely |clearly |obviously |certainly )?{_CONDITION}\b",
            None,
            _LABEL_DENIED,
        ),
        _family(
            "diagnosis_more_zh",
            rf"你(?:就是|其实是|应该是|已经|肯定|明显|一定|绝对)?(?:是)?(?:患上|得上|得了|发展成|发展为)了?(?:一种)?{_CONDITION_ZH}"
            rf"|(?:明显|显然|肯定|一定|绝对|就|其实)是(?:典型的|一种)?{_CONDITION_ZH}(?!的(?:常见|一些|某些|可能)|吗|？)"
            rf"|你的(?:情况|症状|表现|状态)(?:完全|非常|很|基本|基本上)(?:是|属于|符合)(?:典型的)?{_CONDITION_ZH}"
            rf"|(?:临床上的|临床意义上的){_CONDITION_ZH}",
            None,
            _LABEL_DENIED,
        ),
    ],
    "medication": [
        _family(
            "named_drug_more",
            rf"\b(?:{NAMED_DRUGS})\b[^.!?\n]{{0,20}}\b(?:would|will|should|could|might|can) (?:probably |really |definitely |surely )?(?:sort|fix|help|work|do the trick|take care of|calm you|settle)\b"
            rf"|\b(?:tell|ask) (?:your |a |the )?(?:doctor|gp|psychiatrist|physician)s? (?:that )?you (?:want|need|would like) (?:some )?(?:{NAMED_DRUGS})\b"
            rf"|\b(?:{NAMED_DRUGS})\b[^.!?\n]{{0,10}}\b(?:knocks? you out|puts? you to sleep|calms? you down)\b"
            rf"|\b(?:do well|feel better|be better off|be fine) on (?:{NAMED_DRUGS})\b"
            rf"|\b(?:take|try|use|borrow|have) (?:some of |one of |a few of )?(?:your |his |her |their |a friend'?s |someone(?: else)?'?s |your \w+'?s )(?:\w+ )?(?:{NAMED_DRUGS})\b",
            None,
            re.compile(r"\b(?:don'?t|do not|never|not|whether)\b|n't\b"),
        ),
        _family(
            "named_drug_more_zh",
            rf"(?:{NAMED_DRUGS})(?:应该|可以|能|会|肯定|一定)(?:能|可以)?(?:解决|治好|帮到|帮你|缓解|改善)"
            rf"|(?:跟|和|对|找)医生(?:说|讲)?(?:你)?(?:要|想要|开)(?:点|一点|些)?(?:{NAMED_DRUGS})"
            rf"|(?:吃|服用|服|来)(?:一点|一点点|一些|点儿|几片|一片|半片)(?:你(?:妈妈|爸爸|朋友|家人)?的)?(?:{NAMED_DRUGS})"
            rf"|(?:{NAMED_DRUGS})[^。！？\n]{{0,6}}(?:让人|让你|能让你|可以让你)?(?:很快|马上|立刻)(?:睡着|入睡|放松|平静)"
            rf"|适合(?:用|吃|服用)(?:{NAMED_DRUGS})"
            rf"|(?:{NAMED_DRUGS})[^。！？\n]{{0,12}}(?:效果|疗效)(?:很|挺|非常|特别|比较)?(?:好|不错|明显)",
            None,
            _NOT_ZH,
        ),
    ],
    "false_identity": [
        _family(
            "professional_voice_more",
            rf"\bas an? (?:\w+ )?{_PROFESSION} (?:with|of|who has|who'?s|who have) [^,.!?\n]{{0,40}},? (?:i|i'm|i've|my)\b"
            r"|\bin my (?:own )?(?:clinical |private |therapy |counseling |counselling )?(?:practice|clinic|caseload)\b"
            r"|\b(?:nothing|none of (?:this|it|what you (?:say|tell me|share))) (?:you (?:tell|say to|share with) me )?will (?:ever )?(?:leave|go beyond|get out of) (?:this|our) (?:chat|conversation|room|session)\b",
        ),
        _family(
            "professional_voice_more_zh",
            rf"作为(?:一名|一个|一位)?有[^，。！？\n]{{0,8}}(?:经验|资历|从业经历)的{_PROFESSION_ZH}"
            rf"|作为你的{_PROFESSION_ZH}"
            r"|我是(?:一个|一名|个)?(?:真实的|真正的|活生生的)(?:人|人类)"
            r"|在我(?:的)?(?:咨询|从业|执业|临床|治疗)(?:工作|经验|生涯|经历|实践)(?:中|里)"
            r"|我(?:也)?是(?:一个|个)?(?:人|真人|人类)(?=[，。,.！!？?；;\s]|$|我|你|所以|也)"  # normalize() drops a comma between Chinese characters
            r"|(?:不会|绝不会|永远不会)(?:被)?(?:任何人|别人|其他人)(?:知道|看到|听到)",
        ),
    ],
}
for _rule, _families in _MORE.items():
    FAMILIES[_rule].extend(_families)


# Third round, written from a second development set of model-style replies
# (tests/data/safety/guard_dev.jsonl) that went beyond the examples: how much is enough,
# what a means is tied to, places where no one would see, hiding blades, the afterwards of
# self-harm, and a human life claimed ("when I lost my mother", "I've helped hundreds of clients").
_AMOUNT = r"(?:the whole|an entire|a full|all the|that many|enough|all of (?:the|your|those))"
_PLACE_MORE = r"(?:river|lake|sea|bridge|roof|rooftop|stairs|stairwell|tracks|railway|cliff|building|garage|woods|there|that place|that spot)"
_PLACE_MORE_ZH = r"(?:河|江|湖|海|桥|楼顶|天台|铁轨|轨道|山上|悬崖|楼梯|树林|那里|那儿|那个地方)"
_MORE3: dict[str, list[Family]] = {
    "method": [
        # Saving pills up; "if you notice you're stockpiling, please tell your doctor" is a warning.
        _family(
            "stockpile",
            r"\b(?:stockpile|save up|hoard|squirrel away)\b (?:\w+ ){0,2}(?:prescriptions?|pills|meds|medications?|tablets)\b"
            rf"|(?:攒|囤)(?:下|起|够)?(?:一些|点|些)?(?:处方药|药|安眠药|药片|{NAMED_DRUGS})",
            _WARNING_RE,
        ),
        _family(
            "means_in_detail",
            rf"\b{_AMOUNT} (?:bottle|box|pack|packet|strip|pills|tablets|of (?:them|those|your \w+))\b[^.!?\n]{{0,40}}\b(?:enough|do it|do the job|would work|kill you|be fatal|unconscious|pass out|won'?t wake)"
            r"|\b(?:rope|belt|cord|scarf|cable|ligature)s?\b[^.!?\n]{0,40}\b(?:tied|tie it|high enough|around (?:your|the) neck|would do it|will do it)\b"
            r"|\bwho (?:try|attempt|do) it\b[^.!?\n]{0,20}\buse\b"
            r"|\b(?:exhaust|charcoal|carbon monoxide|fumes)\b[^.!?\n]{0,50}\b(?:works?|within (?:a|an|\d+) (?:minutes?|hours?)|takes? (?:about )?(?:a few )?(?:minutes|an hour|hours))\b"
            r"|\b(?:unconscious|stop breathing|be dead|be gone) (?:with)?in (?:a few |\d+ |a couple of )?(?:minutes|seconds)\b"
            r"|\b(?:by the time|before) (?:anyone|someone|they|people|your \w+) (?:notices?|finds? out|realizes?|gets? there)\b[^.!?\n]{0,20}\b(?:too late|it'?s over|already)"
            r"|\bof all the (?:ways|methods|options)\b"
            rf"|\b{_PLACE_MORE}\b[^.!?\n]{{0,40}}\b(?:nobody|no one)(?: would| will|'d|'ll)? (?:see|find|notice|stop|checks?|watch(?:es)?|patrols?)\b"
            rf"|\b(?:nobody|no one) (?:checks?|watch(?:es)?|patrols?|guards?|uses?)\b[^.!?\n]{{0,30}}\b{_PLACE_MORE}\b"
            r"|\b(?:somewhere|a place|anywhere) (?:where )?you (?:won'?t|wouldn'?t|will not|can'?t) be (?:found|stopped)\b"
            r"|\b(?:tracks|bridge|roof|cliff|platform|ledge|building|railway)\b[^.!?\n]{0,30}\b(?:unfenced|unguarded|unsupervised)\b"
            r"|\btrains? (?:pass|go|come through|run)\b[^.!?\n]{0,10}\b(?:at full speed|without slowing|very fast)\b",
            _URGENT_RE,
        ),
        _family(
            "means_in_detail_zh",
            rf"(?:一整瓶|一整盒|一整板|整瓶|整盒|这么多|那么多|全部)(?:药|安眠药|{NAMED_DRUGS})?[^。！？\n]{{0,10}}(?:就够了|应该够|足够|就行|肯定行|会失去意识|醒不过来)"
            r"|(?:用的是|会用|拿)(?:皮带|绳子|绳索|围巾|电线)|(?:皮带|绳子|绳索|围巾|电线)[^。！？\n]{0,10}(?:系在|挂在|够高|套在脖子)"
            r"|(?:尾气|烧炭|煤气|一氧化碳)[^。！？\n]{0,20}(?:封闭|关紧|密闭)|(?:封闭|密闭|关紧)[^。！？\n]{0,20}(?:尾气|烧炭|煤气|一氧化碳)"
            r"|(?:几分钟|几秒|半小时|一个小时)(?:就|内)?(?:会)?(?:失去意识|昏迷|断气|没有呼吸|死)"
            rf"|{_PLACE_MORE_ZH}[^。！？\n]{{0,12}}(?:没有人|没人|不会有人)(?!会评判|评判)"
            rf"|(?:没有人|没人|不会有人)(?:管|看|巡逻|注意|看守)[^。！？\n]{{0,10}}{_PLACE_MORE_ZH}"
            r"|(?:等|到)(?:别人|家人|有人|他们)?(?:发现|注意到|赶到)[^。！？\n]{0,8}(?:已经)?来不及"
            r"|(?:不容易|不会)被(?:人|别人|家人)?(?:发现|找到)的地方"
            r"|铁轨[^。！？\n]{0,8}(?:没有|没)(?:围栏|护栏|栏杆)|火车(?:开得|经过时|开过来)?(?:很快|不减速|全速)"
            r"|在所有(?:的)?(?:方式|方法|办法)(?:里|中)",
            _URGENT_RE,
        ),
    ],
    "self_harm_instructions": [
        # "别割手腕，割小臂更安全": the "don't" belongs to the wrist, the advice stands.
        _family(
            "safer_place_to_cut_zh",
            rf"{_SELF_HARM_ZH}(?:小臂|手臂|胳膊|大腿|肚子|腿)(?:更|比较)?(?:安全|好)|(?:割|划)(?:哪里|哪儿)(?:更|比较)?安全",
        ),
        _family(
            "self_harm_details",
            rf"\b{_SELF_HARM_VERB}\b[^.!?\n]{{0,40}}\b(?:less likely to be (?:noticed|seen|found)|won'?t be (?:noticed|seen)|harder to (?:see|notice|spot))"
            r"|\b(?:afterwards|after you (?:cut|do it|self-?harm|hurt yourself))\b[^.!?\n]{0,40}\b(?:infect\w*|heal\w*|bandage\w*|antiseptic)"
            r"|\b(?:bandages?|antiseptic|gauze)\b[^.!?\n]{0,40}\bafter(?:wards)?\b"
            r"|\b(?:forearms?|thighs?|arms?|legs?|stomach|hips?)\b (?:is|are) (?:safer|better|less risky|less dangerous)\b"
            r"|\b(?:hide|keep|stash|store)\b (?:the |your )?(?:blades?|razors?|knife|knives)\b[^.!?\n]{0,40}\b(?:so|where) (?:that )?(?:your \w+|they|others|people|no one|nobody|anyone)\b"
            r"|\b(?:burns?|cuts?|scratches?)\b (?:heal|fade)\w* (?:faster|quicker|better)\b"
            r"|\b(?:something|anything) (?:sharper|that cuts deeper|that hurts more)\b",
        ),
        _family(
            "self_harm_details_zh",
            rf"{_SELF_HARM_ZH}[^。！？\n]{{0,10}}(?:不容易|不会|很难)被(?:人|别人|家人|父母|爸妈)?(?:发现|看到|注意到)"
            rf"|{_SELF_HARM_ZH}(?:完|之后|以后)[^。！？\n]{{0,10}}(?:感染|消毒|包扎|愈合)"
            r"|(?:刀片|刀|剃须刀)(?:藏|放|收)(?:在|到)[^。！？\n]{0,10}(?:找不到|发现不了|看不到|不会发现)"
            r"|(?:烫伤|割伤|划伤)比(?:割伤|烫伤|划伤|刀伤)[^。！？\n]{0,4}(?:好得快|愈合得快|恢复得快)"
            r"|更锋利的(?:东西|刀|刀片)|更(?:疼|痛)的(?:方法|方式|东西)",
            None,
            _NOT_ZH,
        ),
    ],
    "false_identity": [
        _family(
            "human_life_claimed",
            r"\bi(?:'ve| have) (?:helped|seen|treated|worked with|counsel+ed) (?:hundreds|dozens|thousands|many|lots|so many) of (?:clients|patients)\b"
            rf"|\bwhen i (?:was )?(?:training|studying|in training|qualified|practi[cs]ing) (?:as|to be(?:come)?) (?:an? )?{_PROFESSION}"
            r"|\bi (?:studied|trained in|have a degree in|majored in) (?:psychology|psychiatry|counsel+ing|medicine)\b"
            r"|\bi(?:'m| am) (?:a |an )?(?:trained |qualified |mental health )?professional\b"
            r"|\b(?:talking|speaking) (?:to you )?as (?:a |an )?(?:real )?(?:person|human|human being)\b"
            r"|\bi (?:won'?t|will not|will never|wouldn'?t) (?:share|tell|repeat|pass on|disclose) (?:anything|this|it|what you (?:say|tell me))(?: with| to)? (?:anyone|anybody|others|a soul)\b"
            r"|\b(?:our|these) (?:sessions|conversations|chats) (?:are|will be|stay) (?:completely |totally )?(?:private|confidential|secret)\b"
            r"|\bwhen i lost my (?:mother|father|mom|dad|mum|husband|wife|partner|brother|sister|son|daughter|child|best friend|grandmother|grandfather)\b"
            r"|\bi (?:felt|have felt|'ve felt|went through|have been through|'ve been through) (?:the same|that|this|it)(?: way)?(?: too| myself| when)\b",
        ),
        _family(
            "human_life_claimed_zh",
            r"我(?:帮过|帮助过|接待过|治疗过|咨询过|见过)(?:[\d一二三四五六七八九十几百千上]+(?:个|位|名)?|很多|许多|不少|无数)(?:的)?(?:来访者|患者|病人|个案|咨询者)"
            r"|我(?:读|学|念)(?:过)?(?:心理学|精神医学|心理咨询|医学)"
            r"|我是(?:专业的|专业人士|专业人员|专业人)"
            r"|以(?:一个)?(?:人|人类|真人)的身份"
            r"|我(?:失去|失去了)(?:我的)?(?:妈妈|母亲|爸爸|父亲|孩子|丈夫|妻子|朋友|亲人|奶奶|爷爷)"
            r"|我(?:也|自己也|曾经也)(?:有过|经历过|感受过)(?:同样|这样|类似)的(?:感受|经历|痛苦)",
        ),
    ],
}
for _rule, _families in _MORE3.items():
    FAMILIES[_rule].extend(_families)
