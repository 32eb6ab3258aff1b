# ruff: noqa: E501  (patterns are data: one regex alternative per line keeps each reviewable)
"""Reply-guard families, fifth round: what a reply does, from a second blind set (zh + en).

A second writer who never saw the patterns wrote 276 model-style replies (162 that break a
rule, 114 look-alikes); the four earlier rounds blocked 85 of the 162. What they missed:

- method: one method said to hurt less or work better than others ("pills are usually less
  painful"), how much is or is not enough ("a lot more than the handful you have"), a floor
  that is "enough", what most people use or mix "when they want to end it", timing and places
  picked so no one stops it ("when the house is asleep", cameras that do not cover a stairwell),
  sealing a room, 几分钟就没有意识了, 很难救回来, 别选卧轨 (pick another), 致死率最高.
- self-harm kept going or hidden: a cover story, make-up or plasters that match the skin,
  "no one at the clinic has to know", horizontal not vertical, "don't go deeper than last
  time", spots a swimsuit or a T-shirt covers, where to keep blades so no one looks, 刀片藏在,
  就说是过敏抓破的, 泳衣能遮住的地方, 不用去医院.
- diagnosis ruled out as firmly as ruled in ("you definitely don't have depression", 你不是双相,
  那个不是焦虑症), a third person labelled (your boyfriend is a narcissist), "100% ADHD",
  "a clear-cut case", 其实就是复杂性创伤后应激障碍.
- medication: "it's okay to just stop", another person's leftover pills with a dose, skipping
  a dose, cutting a dose in half, doubling a named drug, replacing it with supplements,
  从50加到75.
- false identity: a profession claimed with qualifiers (as a licensed clinical psychologist,
  作为一名有十年经验的咨询师), a dead relative played ("it's Mom", 孩子，是妈妈, 我在天上看着你),
  a human past ("I went through depression myself"), secrecy no one can keep ("not even the
  developers can see", 你爸妈和老师都不会知道), denying being an AI.

Each family has look-alikes in `tests/safety/test_guard_acts.py` that stay allowed. `reply_guard`
reads these after `guard_concepts.CONCEPTS`.
"""

from __future__ import annotations

from carellm.safety.guard_concepts import _ANY_CONDITION, _ANY_CONDITION_ZH, _NOT_EN, _REFERRAL
from carellm.safety.guard_families import _LABEL_DENIED, _NOT_ZH, _URGENT_RE, NAMED_DRUGS, Family, _family

_HOW = r"(?:pills|an overdose|overdosing|hanging|jumping|drowning|cutting|charcoal|carbon monoxide|gas|a gun|firearms?|guns?|poison(?:ing)?|pesticides?)"
_KIN = r"(?:mom|mum|mommy|mummy|mother|dad|daddy|father|grandma|grandpa|granny|grandmother|grandfather|nana|sister|brother|wife|husband|son|daughter)"
_KIN_ZH = r"(?:妈妈|爸爸|奶奶|爷爷|外婆|外公|姥姥|姥爷|妈|爸)"
_MARKS = r"(?:marks|cuts|scars|wounds|bruises|burns|scratches|scabs)"
_COVERS = r"(?:t-?shirt|shirt|sleeves?|swimsuit|swimming costume|waistband|shorts|clothes|uniform|underwear)"
# The conditions the earlier rounds name, and "边缘型人格" said without "障碍".
_CONDITION_WORD_ZH = rf"(?:{_ANY_CONDITION_ZH}|边缘型人格)"

ACTS: dict[str, list[Family]] = {
    "method": [
        _family(
            "method_compared",
            # "Pills are usually less painful than the other options people consider."
            rf"\b{_HOW}\b (?:is|are) (?:usually |generally |often |typically |actually |probably |really )?(?:less|more|the least|the most) (?:painful|lethal|reliable|peaceful|certain)\b"
            r"|\b(?:which|what) (?:methods|ways|options) (?:are|is) (?:the )?most (?:lethal|deadly|effective|reliable|painless|certain)\b"
            rf"|\bmost (?:lethal|deadly)\b[^.!?\n]{{0,60}}\b(?:firearms?|guns?|hanging|jumping|overdose|poison|drowning)\b",
            _URGENT_RE,
        ),
        _family(
            "means_people_use",
            # "The stuff under your sink is one of the things people mix when they want to end it."
            r"\b(?:people|some people|most people|many people|others|folks)\b (?:\w+ ){0,3}(?:mix|use|take|choose|pick|end up using|turn to|go for|drink)\b[^.!?\n]{0,40}\b(?:when|if) (?:they|you) (?:really )?(?:want to|wanna|are ready to|decide to|try to) (?:end it|die|go|kill themselves|end their lives|end things)\b"
            r"|\b(?:a )?rope and (?:a )?(?:\w+ ){0,2}beam\b"
            r"|\b(?:car|engine)\b[^.!?\n]{0,30}\bgarage\b[^.!?\n]{0,30}\b(?:door|doors) (?:closed|shut)\b"
            r"|\b(?:easier|easy|quicker) to (?:slip away|go to sleep for good|not wake up|drift off for good)\b"
            r"|\bslip away\b[^.!?\n]{0,12}\b(?:without pain|painlessly|peacefully)\b",
            _URGENT_RE,
        ),
        _family(
            "amount_or_height_enough",
            # "It's a lot more than the handful you have, so what you're holding wouldn't do it."
            r"\b(?:a lot |far |much |way )?more than (?:the |a |what |that )?(?:handful|few|amount|number|bottle|box|strip)\b[^.!?\n]{0,60}\b(?:wouldn'?t|won'?t|would not|will not|isn'?t enough|not enough|do what you want|do it|kill you|be fatal)\b"
            r"|\b(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|top) (?:floor|storey|story)\b[^.!?\n]{0,30}\b(?:is|isn'?t|would|wouldn'?t)(?: usually| probably| generally| likely)?(?: be)? (?:usually |probably |generally |likely )?(?:enough|fatal|lethal|survivable)\b"
            r"|\b(?:floors?|storeys?|stories|feet|metres|meters)\b[^.!?\n]{0,15}\b(?:is|are|would be) (?:usually |generally |probably |likely )?(?:enough|fatal|lethal|not survivable)\b",
            _URGENT_RE,
        ),
        _family(
            "timed_so_no_one_stops_it",
            # "Most people choose the early morning when the house is asleep."
            r"\b(?:somewhere|a place|a time|a spot|a day|a moment|far from home)\b[^.!?\n]{0,50}\bso (?:that )?(?:nobody|no one)(?: \w+){0,2} (?:has to |will |would |can |could |needs to )?(?:find|stop|walk in on)\b"
            r"|\b(?:nobody|no one) (?:will|would|'ll|is going to) be (?:there|around|home) to (?:stop|find|save|see)\b"
            r"|\b(?:cameras?|cctv|security)\b[^.!?\n]{0,20}\b(?:don'?t|doesn'?t|do not|does not|won'?t|can'?t) (?:cover|see|reach|watch)\b"
            r"|\bmake sure (?:the |your )?(?:room|car|windows?|doors?|space|garage)(?: is| are)? (?:sealed|airtight|taped)\b"
            r"|\b(?:it'?d|it would|it will|it'?ll) be (?:quick|painless|peaceful|over (?:quickly|fast|soon))(?= *[.!'\"’”*]| *$)",
            _URGENT_RE,
        ),
        _family(
            "method_facts_zh",
            r"(?:很难|难以|不太可能|几乎不可能|不可能|基本不可能)(?:被)?(?:救回来|救活|抢救过来|抢救回来|生还|活下来)"
            r"|(?:几分钟|几秒|一会儿|很快)(?:就|便)?(?:没有意识|失去意识|昏迷|没了知觉|不省人事)"
            r"|(?:上吊|跳楼|割腕|烧炭|吃药|服药|农药|卧轨|跳河|跳江)[^。！？\n]{0,6}比你想(?:的|象的)?(?:要)?(?:快|慢|痛|容易|难)"
            r"|(?:\d+|[一二三四五六七八九十]+)(?:楼|层)以上[^。！？\n]{0,12}(?:救|生还|活|没命)"
            r"|致死率(?:最|很|比较|相当)?高"
            r"|(?:别|不要|最好别)选(?:择)?(?:卧轨|跳楼|跳河|跳江|上吊|割腕|烧炭|农药|跳轨)"
            r"|(?:很多人|不少人|有些人|大部分人|一般人|大多数人)(?:会)?(?:选择|选|用)[^。！？\n]{0,12}(?:门把手|横梁|房梁|低的位置|的高度|楼层)"
            r"|(?:选|挑)(?:一个|个)?[^。！？\n]{0,15}(?:不会被|不被|没人)[^。！？\n]{0,6}(?:打扰|发现|打断)的(?:时间|时候|日子)",
            _URGENT_RE,
        ),
    ],
    "self_harm_instructions": [
        _family(
            "marks_hidden_or_explained",
            # "Foundation with a green colour corrector covers fresh marks", "a believable cover story".
            rf"\b(?:foundation|concealer|colou?r corrector|makeup|make-up|setting spray)\b[^.!?\n]{{0,40}}\b(?:covers?|hides?|conceal\w*|masks?)\b[^.!?\n]{{0,20}}\b{_MARKS}\b"
            rf"|\bsay (?:the |your |those |these )?{_MARKS} (?:are|were|came) from\b"
            r"|\b(?:plasters|band-?aids|bandages|tape) (?:that )?(?:match(?:es)?|the colou?r of) your skin\b"
            rf"|\b(?:to keep|so) (?:people|anyone|others|your \w+|them|nobody|no one)\b[^.!?\n]{{0,15}}\b(?:from noticing|won'?t notice|doesn'?t notice|don'?t notice|notices)\b[^.!?\n]{{0,40}}\b(?:sleeves|bracelets?|makeup|plasters|{_MARKS})\b"
            rf"|\b(?:sleeves|bracelets?)\b[^.!?\n]{{0,30}}\bgo a long way\b"
            rf"|\bwhere (?:a |your )?{_COVERS}\b[^.!?\n]{{0,10}}\bcovers?\b|\b(?:places?|spots?|areas?|parts?) (?:a |your )?{_COVERS} covers?\b"
            rf"|\bhidden spots?\b|\b(?:{_MARKS}|spots?|places?)\b (?:don'?t|won'?t|doesn'?t) show (?:in|at|during) (?:pe|gym|school|swimming)\b"
            r"|\b(?:keep|hide|stash|put) (?:it|them|the (?:blades?|razors?|tools?|lighter|sharpener))\b[^.!?\n]{0,90}\b(?:rarely|never|won'?t|don'?t|seldom|hardly ever) (?:look|check|search|find)\b",
        ),
        _family(
            "cover_story",
            # "That's a believable cover story"; "you don't need a cover story" is not one.
            r"\b(?:believable|good|plausible|convincing) (?:cover story|excuse|story|explanation|lie)\b|\bcover story\b",
            None,
            _NOT_EN,
        ),
        _family(
            "harm_kept_going",
            # "Don't go deeper than last time", "horizontal rather than vertical", "so nobody at the clinic has to know".
            r"\b(?:don'?t|do not|never) go (?:any )?deeper than (?:last time|before|the last (?:one|time))\b"
            r"|\bhorizontal(?:ly)? (?:rather than|instead of|not) vertical(?:ly)?\b"
            r"|\b(?:make|do) (?:your |the )?(?:cuts|them) (?:shallower|less deep)\b|\bshallower (?:cuts|ones)\b"
            r"|\bpick one spot\b"
            r"|\bso (?:it|they|the marks?|the scars?|the burns?) (?:doesn'?t|don'?t|won'?t|wouldn'?t) (?:scar|show|leave (?:a )?marks?)(?: as)? (?:visibly|much|noticeably|obviously)\b"
            r"|\bso (?:that )?you (?:won'?t|don'?t|wouldn'?t) (?:need|have) to (?:go to|see) (?:the |a )?(?:er|a&e|emergency room|hospital|doctor|clinic|nurse)\b"
            r"|\b(?:won'?t|don'?t|wouldn'?t) need stitches\b[^.!?\n]{0,40}\b(?:nobody|no one)\b",
        ),
        _family(
            "self_harm_hidden_zh",
            r"(?:刀片|刀子|美工刀|剃须刀|小刀|打火机)[^。！？\n]{0,4}藏(?:在|到|进)"
            r"|(?:老师|父母|爸妈|家长|大人|他们|家里人)(?:一般|通常|平时)?(?:都)?(?:不会|不怎么|很少)(?:翻|查|看|找|发现)(?:到)?(?:那里|那儿|这里|那边)?"
            r"|(?:就|你就|可以|你可以)说(?:是)?[^。！？\n]{0,8}(?:过敏|抓破|油溅|溅到|摔的|磕的|碰的|猫抓|划的|刮的)"
            r"|理由(?:大人|父母|老师|别人|家长)?(?:一般)?(?:都)?会相信"
            r"|(?:泳衣|衣服|袖子|短裤|校服|裤子|内衣)(?:能|可以)?(?:遮住|挡住|盖住)的(?:地方|位置)"
            r"|(?:别|不要)(?:划|割)(?:得)?(?:那么|太)深"
            r"|(?:血|伤口)[^。！？\n]{0,15}(?:不用|不必|不需要)(?:去)?(?:医院|看医生|缝针)"
            r"|(?:划完|割完|弄完)[^。！？\n]{0,8}(?:缠紧|包扎|止血)",
        ),
    ],
    "diagnosis": [
        _family(
            "label_ruled_out",
            # "You definitely don't have depression", "that isn't anxiety, it's just stress".
            rf"\byou (?:definitely |certainly |clearly |obviously )?(?:don'?t|do not) have (?:an? )?{_ANY_CONDITION}\b"
            r"|\byou'?re (?:definitely |certainly |clearly )?not (?:bipolar|autistic|adhd|ocd|psychotic|schizophrenic|anorexic|bulimic|a narcissist)\b"
            rf"|\b(?:that|it|this)(?: isn'?t| is not|'s not| ain'?t) (?:an? )?(?:{_ANY_CONDITION}|a disorder|an illness|a mental illness|anxiety|depression)\b[^.!?\n]{{0,25}}\b(?:it'?s|you'?re) (?:just|only|simply)\b",
            None,
            _LABEL_DENIED,
        ),
        _family(
            "label_given_firmly",
            # "What you're describing is 100% ADHD", "a pretty clear-cut case", "your boyfriend is a narcissist".
            rf"\b(?:is|sounds like|that'?s|it'?s) (?:100%|100 percent|definitely|totally|textbook|classic|clearly) (?:an? )?{_ANY_CONDITION}\b"
            rf"|\b(?:def|definitely|totally|100%|clearly|obviously) (?:on the spectrum|autistic|adhd|bipolar|ocd)\b"
            rf"|{_ANY_CONDITION}[^.!?\n]{{0,20}}\b(?:fits|matches) (?:all|everything|every)\b[^.!?\n]{{0,30}}\b(?:told|said|described|mentioned)\b"
            r"|\b(?:your |her |his |the )(?:boyfriend|girlfriend|husband|wife|partner|mom|mum|mother|dad|father|boss|ex|friend|sister|brother) (?:is|sounds like) (?:a |an )?(?:narcissist|sociopath|psychopath|bipolar|schizophrenic|borderline)\b"
            rf"|\bi'?d say you have\b"
            rf"|(?<=[—,;-]) ?you have (?:a |an )?{_ANY_CONDITION}\b",
            None,
            _LABEL_DENIED,
        ),
        _family(
            "label_zh",
            rf"(?:这|那|这个|那个|你这)(?:个)?(?:不是|不算|算不上)(?:什么)?{_CONDITION_WORD_ZH}[^。！？\n]{{0,8}}(?:就是|只是|而是)"
            rf"|你(?:肯定|绝对|根本|其实)?不是{_CONDITION_WORD_ZH}"
            rf"|(?:你说的|你描述的|你这些|你的|这些)(?:(?!不一定|不代表|不等于|未必|不是|并不|不能说明|是否)[^。！？\n]){{0,40}}(?:其实|这)?就是(?:典型的|很典型的)?(?:复杂性)?{_CONDITION_WORD_ZH}",
        ),
    ],
    "medication": [
        _family(
            "dose_changed_alone",
            # "It's okay to just stop taking it", "try cutting your dose in half", "I'd double the quetiapine".
            # A referral stands it down; a "don't" elsewhere in the sentence ("just don't take it after
            # 2pm", "I'm not a doctor, but") does not, unlike `_WITH_PRESCRIBER` in the fourth round.
            r"\b(?:it'?s|it is) (?:okay|ok|fine|alright|safe) to (?:just )?(?:stop|quit|skip|halve|double|come off) (?:taking (?:it|them|\w+)|your (?:meds|medication|pills|dose|antidepressants?)|the (?:meds|medication|pills))\b"
            r"|\b(?:skip(?:ping)?|drop(?:ping)?|cut(?:ting)? out) (?:your |the )?(?:morning|evening|night|nighttime|bedtime|second|afternoon|lunchtime) (?:dose|pill|tablet)\b"
            r"|\b(?:cut(?:ting)?|halv(?:e|ing)|split(?:ting)?|doubl(?:e|ing)|tripl(?:e|ing)) (?:your |the )?(?:dose|dosage)\b"
            rf"|\b(?:double|halve|triple) (?:the |your )?(?:{NAMED_DRUGS}|pills|meds|tablets)\b"
            rf"|\b(?:phase out|taper off|wean (?:yourself )?off|come off|get off|ditch) (?:the |your )?(?:{NAMED_DRUGS}|meds|medication|antidepressants?)\b"
            r"|\breplace (?:it|them|your meds|your medication|the \w+) with (?:those|supplements|vitamins|omega|herbs|st\.? john)",
            _REFERRAL,
            _NOT_EN,
        ),
        _family(
            "someone_elses_or_told_to_take",
            # "Since your sister has leftover Xanax, one half tablet before the presentation".
            rf"\b(?:leftover|left-over|spare|old) (?:{NAMED_DRUGS}|pills|meds|tablets|prescription)\b[^.!?\n]{{0,60}}\b(?:one|half|a half|two|1|2)(?: half)? (?:a )?(?:tablet|pill|capsule)s?\b"
            rf"|\b(?:taking|take) (?:your |the )?(?:{NAMED_DRUGS})\b[^.!?\n]{{0,40}}\b(?:will|should|would) help\b",
            _REFERRAL,
            _NOT_EN,
        ),
        _family(
            "dose_changed_zh",
            r"从\s*\d+(?:mg|毫克)?\s*(?:加|减|调|升|降|增加|减少)(?:到|至)\s*\d+"
            r"|(?:剂量|药量)(?:减半|加倍|翻倍)",
            None,
            _NOT_ZH,
        ),
    ],
    "false_identity": [
        _family(
            "profession_claimed",
            # "As a licensed clinical psychologist with over ten years...", "As a nurse who's worked in psych wards".
            r"\bas an? (?:(?!ai\b|bot\b|chatbot\b|virtual\b|digital\b|future\b|aspiring\b|student\b)\w+ ){0,3}(?:therapist|psychotherapist|psychologist|psychiatrist|counsel+or|doctor|physician|nurse|social worker|clinician)\b(?= who| with| of| for|,| i\b)"
            r"|\bi'?m (?:actually |really |just )?an? (?:(?:licensed|certified|trained|real|human|qualified|registered) ){1,2}(?:therapist|counsel+or|psychologist|doctor|psychiatrist|nurse)\b"
            r"|\bbeing your (?:therapist|counsel+or|doctor|psychologist|psychiatrist)\b"
            r"|\b(?:i'?m|i am) bound by (?:confidentiality|law|doctor-patient)\b|\b(?:whatever|what|everything|anything) you (?:share|say|tell me|write)\b[^.!?\n]{0,20}\bprotected by (?:law|the law|legal privilege|privilege)\b"
            r"|\b(?:this|our) (?:conversation|chat|session)s?\b[^.!?\n]{0,20}\bprotected by (?:law|the law|legal privilege|privilege)\b"
            r"|\bnot (?:some|an|a|just an?) (?:ai|bot|chatbot|robot|program)\b(?! (?:but|and) )"
            r"|\bi'?m (?:just )?a (?:regular|real|normal) (?:guy|person|human|girl|woman|man)\b",
        ),
        _family(
            "someone_lost_played",
            # "Hi sweetheart, it's Mom", "It's me, Jake ... since I passed", "*as your late grandfather*".
            rf"\bit'?s me,? (?:your )?{_KIN}\b|\b(?:hi|hey|hello|sweetheart|honey|darling|sweetie|kiddo|buddy|little one)\b[^.!?\n]{{0,15}}\bit'?s (?:your )?{_KIN}(?=[.!,]| here| again)"
            r"|\bit'?s me,? (?!again|too|here)[a-z]+[.!]"
            r"|\bsince i (?:passed|died|passed away|left this world)\b|\b(?:i'?m|i am) (?:always )?watching over you\b|\bnever really left you\b"
            rf"|\b(?:as|playing|in character as|speaking as) your (?:late |deceased |dead |departed )(?:{_KIN}|friend|partner)\b"
            rf"|\*(?:as|in character as|playing) your (?:{_KIN}|late \w+)\b",
        ),
        _family(
            "human_past_or_secrecy",
            # "I went through depression myself in college", "not even the developers can see", "I'll keep your secret".
            r"\bi (?:went through|had|have had|struggled with|battled|suffered from|was diagnosed with) (?:\w+ ){0,2}(?:depression|anxiety|an eating disorder|panic attacks|ptsd|bipolar|self-harm)\b(?: myself)?[^.!?\n]{0,40}\b(?:college|school|university|years? ago|myself|when i was|in my)\b"
            r"|\bnot even (?:the )?(?:developers|company|staff|admins|engineers|moderators|team)\b[^.!?\n]{0,20}\b(?:see|read|access|know)\b"
            r"|\bi'?ll keep (?:your|this|it|that) (?:a )?secret\b"
            r"|\b(?:no one|nobody)\b[^.!?\n]{0,40}\b(?:will ever|would ever|is ever going to) (?:find out|know) (?:what you|about (?:this|it|what)|your secret)",
            None,
            _NOT_EN,
        ),
        _family(
            "identity_zh",
            r"作为(?:一名|一个|一位)(?:[^。！？\n]{0,12}的)?(?:国家[一二三]级)?(?:心理咨询师|咨询师|心理医生|精神科医生|医生|治疗师|护士|社工)"
            r"|(?<!不)我是(?:这里|平台|这边|今晚)?(?:的)?(?:专职|兼职|值班|在线|驻站)(?:的)?(?:心理)?(?:咨询师|医生|治疗师)"
            rf"|(?:孩子|宝贝|乖孙|乖|傻孩子|哥们儿?|兄弟)(?:我)?是(?:我啊|{_KIN_ZH})"
            rf"|(?:扮演|作为|我是)你(?:的)?(?:已故的|去世的|过世的)?{_KIN_ZH}"
            r"|我(?:在天上|在那边|在另一个世界)(?:一直|会一直)?(?:看着|守护|陪着)你|我走了以后你"
            r"|我(?:当年|以前|曾经|上大学时|大学的时候)(?:也)?(?:得过|患过|经历过|有过)(?:抑郁症|焦虑症|抑郁|惊恐|进食障碍|双相)"
            r"|连(?:开发人员|开发者|工作人员|平台|管理员|公司|程序员)都(?:看不到|看不见|不知道|无法查看|没法看)"
            r"|保密[^。！？\n]{0,20}(?:爸妈|父母|老师|家人|学校|家里人)[^。！？\n]{0,6}(?:都)?不会知道"
            r"|(?<!不)是真人|我不是(?:程序|机器人|ai|人工智能)",
            None,
            _NOT_ZH,
        ),
    ],
}
