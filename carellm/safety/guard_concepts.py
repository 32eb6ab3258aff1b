# ruff: noqa: E501  (patterns are data: one regex alternative per line keeps each reviewable)
"""Reply-guard families written to concepts, not sentences (fourth round, zh + en).

Three rounds of families (`guard_families.py`) were each written from one set of phrasings, and
each new written set found phrasings none of them named (a blind set of model-style replies: 19
of 52 blocked). This round names what those replies *do*, in words a model could choose freely:

- method: ranking methods by pain, speed or certainty ("of the options you listed, the second is
  the least painful"), how lethal an amount or a mix is ("the whole supply could be enough", 药配
  上酒效果会叠加), what makes survival unlikely (没有抢救的机会), places picked so no one
  interrupts (深夜的郊外, "somewhere remote").
- self-harm kept going: care between episodes ("let it heal before the next time"), a quota
  instead of stopping, clean tools "before you cut", hiding or explaining marks ("say it was
  your cat", 戴个手表), a body part as safer or less visible than the wrists.
- diagnosis said of "you" when hedged or played ("I can tell you're on the autism spectrum",
  你应该是亚斯伯格, "it's very likely you have BDD"), with the conditions the first rounds lacked.
- medication: tapering, stopping or switching on one's own, another person's pills, a class of
  medicine promised to work, drinking on a medicine said to be fine, 把抗抑郁药换成中成药.
- false identity: a human life or job claimed ("I'm a nurse", 我是今晚在线的王医生, 我女儿也是
  这个年纪), legal privilege and absolute secrecy (聊天记录不会留存, "I won't contact anyone").

Each family has look-alikes in `tests/safety/test_guard_concepts.py` that stay allowed (safety
planning, referrals, psychoeducation, first aid with a call for help, an AI explaining the
limits of confidentiality). `reply_guard` reads these after `guard_families.FAMILIES`.
"""

from __future__ import annotations

import re

from carellm.safety.guard_families import (
    _CONDITION,
    _CONDITION_ZH,
    _LABEL_DENIED,
    _METHOD,
    _METHOD_ZH,
    _NOT_ZH,
    _PILLS,
    _PILLS_ZH,
    _PROFESSION,
    _SELF_HARM_VERB,
    _SELF_HARM_ZH,
    _URGENT_RE,
    NAMED_DRUGS,
    Family,
    _family,
)

_Q = r"[\"'“”‘’「」『』]?"  # a word put in quotes ("安静", 'success') is the same word
_QS = r"[\"'“”‘’「」『』]"  # quotes that mark a euphemism ("success" rate)
# Conditions the first rounds did not name.
_MORE_CONDITIONS = (
    r"(?:autism(?: spectrum disorder)?|autistic|asperger'?s(?: syndrome)?|on the (?:autism |autistic )?spectrum|asd"
    r"|body dysmorphic disorder|bdd|cyclothymia|cyclothymic disorder|dissociative identity disorder|a dissociative disorder"
    r"|(?:complex |c-)?ptsd|binge eating disorder|hoarding disorder|seasonal affective disorder|pmdd|premenstrual dysphoric disorder"
    r"|(?:narcissistic|antisocial|avoidant|histrionic|dependent|paranoid|schizoid) personality disorder|npd"
    r"|schizoaffective disorder|hypochondria|illness anxiety disorder|health anxiety disorder|somatic symptom disorder"
    r"|an adjustment disorder|trichotillomania|tourette'?s|a mood disorder|an anxiety disorder|mania|hypomania"
    r"|a psychotic disorder|postpartum psychosis)"
)
_ANY_CONDITION = rf"(?:{_CONDITION}|{_MORE_CONDITIONS})"
_MORE_CONDITIONS_ZH = (
    r"(?:阿斯伯格(?:综合征|症)?|亚斯伯格(?:综合征|症)?|自闭症(?:谱系)?|孤独症(?:谱系)?|躯体变形障碍|环性心境障碍|分离性身份障碍|解离(?:性)?(?:障碍|症)"
    r"|人格分裂|多重人格|疑病症|躯体化障碍|躯体症状障碍|适应障碍|季节性抑郁|经前焦虑|拔毛癖|抽动症|妥瑞(?:氏)?症|囤积症"
    r"|(?:自恋型|反社会|回避型|表演型|偏执型|依赖型)人格(?:障碍)?|精神病|躁狂症|躁狂发作|心境障碍|情感障碍|暴食障碍|adhd|ocd|bpd|asd|ptsd)"
)
_ANY_CONDITION_ZH = rf"(?:{_CONDITION_ZH}|{_MORE_CONDITIONS_ZH})"
# Classes of medicine (named drugs are in NAMED_DRUGS).
_CLASS = (
    r"(?:benzos?|benzodiazepines?|ssris?|snris?|antidepressants?|sleeping (?:pills|tablets)|painkillers|antihistamines"
    r"|beta[- ]?blockers?|stimulants|opioids|muscle relaxants|anti-?anxiety (?:meds|medications?|pills)|antipsychotics"
    r"|mood stabili[sz]ers|tranquil+i[sz]ers|sedatives)"
)
_CLASS_ZH = (
    r"(?:抗抑郁药|安眠药|安定类|镇静药|止痛药|抗焦虑药|抗过敏药|抗精神病药|情绪稳定剂|西药|中成药|中药)"
)
_MEDS = r"(?:meds|medication|medications|medicine|pills|tablets|prescription|antidepressants?|dose)"
# A medicine sentence that sends the person to a prescriber is a referral, not advice.
_REFERRAL_TEXT = (
    r"\b(?:ask|talk to|talk with|check with|speak to|speak with|discuss|see|call|consult|with the help of|under)\b[^.!?\n]{0,25}\b(?:doctor|gp|psychiatrist|prescriber|pharmacist|nurse|supervision)"
    r"|\b(?:doctor|psychiatrist|prescriber|pharmacist)(?:'s)? (?:can|could|will|would|should|may) (?:help|guide|advise|tell|decide|assess|work)"
    r"|和医生商量|问医生|咨询医生|遵医嘱|按医嘱|请医生|找医生评估"
)
_REFERRAL = re.compile(_REFERRAL_TEXT)
# ... or tells them not to: any negation in the sentence stands the family down.
_WITH_PRESCRIBER = re.compile(
    _REFERRAL_TEXT + r"|\b(?:don'?t|do not|never|please don'?t|avoid|not)\b|不要|别(?![人的处])|千万|切勿"
)
_NOT_EN = re.compile(r"\b(?:don'?t|do not|never|not|no need to|instead of|rather than)\b|n't\b")
# Replies that bring in help, or an AI that is honest about itself, name these.
_NOT_AI_WORD = (
    r"(?!(?:ai|a\.i\.|artificial|virtual|digital|automated|chat ?bot|bot|language|computer|program|robot)\b)"
)

CONCEPTS: dict[str, list[Family]] = {
    "method": [
        _family(
            "methods_ranked",
            # "Of the options you listed, the second one is the least painful and the quickest."
            r"\b(?:of (?:the|those|these|all the|all those) (?:options|methods|ways|choices)|the (?:options|methods|ways|choices) you (?:listed|mentioned|named|described|asked about|gave))\b"
            r"[^.!?\n]{0,80}\b(?:least painful|less painful|painless|quickest|fastest|quicker|most (?:peaceful|reliable|lethal|effective|certain|final)|surest|gentlest|more (?:reliable|certain|lethal|final))\b"
            r"|\b(?:considered|seen as|thought of as|regarded as|described as|said to be|known as|known to be) (?:the |a |one of the )?(?:least painful|most painless|most peaceful|most reliable|most lethal|deadliest|surest|gentlest|most certain)\b"
            r"|\b(?:least painful|most painless|most peaceful) and (?:the )?(?:quickest|fastest|most reliable|surest|most certain)\b"
            r"|\b(?:quickest|fastest|most reliable|surest) and (?:the )?(?:least painful|most painless|most peaceful)\b"
            rf"|\b(?:more|most) (?:certain|reliable|lethal|final|foolproof|likely to (?:work|succeed|be fatal|kill))\b[^.!?\n]{{0,40}}\bthan\b[^.!?\n]{{0,25}}\b(?:{_METHOD}|pills|the river|the bridge|a bridge|the roof|jumping|cutting)\b"
            r"|\b(?:people|those|most|many|some|others|anyone) (?:\w+ ){0,2}who (?:choose|chose|pick|go|take|try|attempt|decide on|go down|use) (?:that|this|the same) (?:route|method|way|option|path)\b"
            r"|\b(?:highest|higher|best|better|high) (?:fatality|lethality|death|kill|completion)[- ]rates?\b"
            r"|[\"'“‘]success[\"'”’] rates?|\bsuccess rates? (?:of|for|in) (?:suicide )?attempts\b"
            r"|\b(?:no|little|almost no|zero|hardly any|not much) (?:real )?(?:chance|hope) of (?:survival|surviving|being saved|rescue|being rescued|resuscitation|being revived)\b"
            r"|\b(?:rarely|seldom|almost never|hardly ever|not often) surviv(?:e|ed|able)\b",
            _URGENT_RE,
        ),
        _family(
            "methods_ranked_zh",
            rf"(?:各种|所有|这些|几种|几个|你说的|你列的|你提到的)(?:的)?(?:方式|方法|办法|选择)(?:里|中|当中|之中)[^。！？\n]{{0,20}}(?:最|比较|更|算)"
            rf"|(?:被认为|被看作|被视为|据说|一般认为|通常认为|算)(?:是)?(?:比较|最|相对|更)?{_Q}(?:安静|安详|平静|无痛|不痛|温和|可靠|快|轻松|体面|干脆|稳妥|保险){_Q}(?:的)?(?:方式|方法|办法|死法|选择)"
            rf"|{_QS}成功率{_QS}(?:算|是|也|都)?(?:很|比较|最|更|相对)?高"
            r"|(?:没有|没|不会有)(?:任何)?(?:抢救|救回来|被救|生还|活下来)的(?:机会|可能|希望)|(?:基本|几乎)(?:上)?(?:就)?(?:救不回来|没救|活不了|必死)"
            r"|(?:超过|高于|以上)[^。！？\n]{0,10}(?:层|楼层|米)[^。！？\n]{0,15}(?:没有|没)(?:抢救|救|生还|活)"
            rf"|(?:致命|没救|必死|活不了|救不回来|抢救|成功率|不痛|无痛|安静|安详|快)[^。！？\n]{{0,25}}(?:所以|因此|这也是为什么|这就是为什么)[^。！？\n]{{0,4}}(?:有些|很多|不少|一些|许多|大多数)?人(?:会|都会)?(?:选|挑)"
            rf"|比起[^。！？\n]{{0,12}}(?:{_METHOD_ZH}|江边|河边|桥|楼顶|天台|吃药)[^。！？\n]{{0,25}}(?:更|会更|要更)(?:确定|可靠|保险|稳妥|有把握|彻底|干脆|快|不痛|安详)"
            rf"|(?:吃下|吞下|服下|吃了|吞了)(?:大量|一整瓶|一大把|很多|过量)(?:的)?(?:{_PILLS_ZH})[^。！？\n]{{0,20}}(?:方式|方法|办法|安静|安详|不痛|无痛|很快|睡过去|醒不过来)",
            _URGENT_RE,
        ),
        _family(
            "amount_or_mix_is_enough",
            # "Your prescription could be enough on its own if you took the whole supply at once."
            rf"\b(?:the whole|an entire|a full|all (?:of )?(?:the|your|that|those|these)|your (?:entire|whole|current)|a month'?s|a week'?s)\b (?:[\w']+ ){{0,2}}(?:supply|prescription|bottle|box|pack|packet|strip|stash|{_PILLS})\b[^.!?\n]{{0,60}}\b(?:enough|would do it|do the job|be fatal|be lethal|kill|won'?t wake|never wake|not wake up|at once|in one go|all together)\b"
            rf"|\b(?:enough|sufficient) (?:on (?:its|their) own|by (?:itself|themselves)|to (?:kill|end it|end your life|be fatal|be lethal|stop your heart|not wake up|never wake up|do it))\b"
            rf"|\b(?:could|would|might|should) be (?:more than )?enough\b[^.!?\n]{{0,40}}\bif you (?:took|swallowed|had|used|took all)\b"
            rf"|\b(?:mix(?:ing|ed)?|combin(?:e|ing|ed)|with|and|plus|on top of)\b[^.!?\n]{{0,40}}\b(?:alcohol|drinking|vodka|wine|beer|whiskey|booze|{_PILLS})\b[^.!?\n]{{0,90}}\b(?:(?:just|simply|gently|peacefully|quietly|probably|likely) ){{1,2}}(?:fall asleep|drift off|go to sleep|slip away|pass out|not wake up|never wake up)\b",
            _URGENT_RE,
        ),
        _family(
            "amount_or_mix_is_enough_zh",
            rf"(?:{_PILLS_ZH}|那瓶药|这瓶药|手上的药|手里的药)[^。！？\n]{{0,6}}(?:配|加|和|跟|混|就着|混着|一起)(?:上)?(?:点|一些)?(?:白酒|啤酒|红酒|烈酒|酒精|酒)[^。！？\n]{{0,25}}(?:叠加|加倍|翻倍|更强|更猛|睡过去|睡着就|醒不过来|一睡不醒|走得|安静)"
            r"|(?:很多人|有人|不少人)(?:就是)?这样(?:睡过去|走的|离开|没醒)"
            rf"|(?:一次|一下子|全部|一口气)(?:性)?(?:全|都)?(?:吃|吞|服)(?:下去|下|完|掉|光)?(?:的话)?[^。！？\n]{{0,12}}(?:就够|足够|够了|醒不过来|一睡不醒|致命)"
            rf"|(?:你(?:现在)?(?:手上|手里|家里)的|现有的|这些|那些)(?:药|安眠药|处方药){_Q}(?:的量)?(?:就)?(?:够|足够)",
            _URGENT_RE,
        ),
        _family(
            "unwatched_place",
            # "Most pick somewhere remote so they won't be interrupted, like an empty car park late at night."
            r"\b(?:somewhere|a place|places|a spot|spots|an area|a location)\b[^.!?\n]{0,30}\b(?:remote|isolated|secluded|deserted|empty|abandoned)\b[^.!?\n]{0,60}\b(?:interrupted|found|disturbed|stopped|seen|noticed|late at night|at night|after midnight)\b"
            r"|\b(?:remote|isolated|secluded|deserted|empty|abandoned) (?:\w+ ){0,2}(?:car park|carpark|parking (?:lot|garage|structure)|garage|woods|forest|field|bridge|rooftop|roof|building|road|quarry|beach)\b[^.!?\n]{0,20}\b(?:late at night|at night|after midnight|in the middle of the night|where (?:no one|nobody))\b"
            r"|\b(?:won'?t|wouldn'?t|will not|would not|can'?t|cannot) be (?:found|stopped|rescued|saved|discovered|reached) (?:in time|until|before|by anyone|for hours)\b"
            r"|\b(?:security|guards?|staff|police|no one|nobody|people)\b (?:\w+ )?(?:rarely|seldom|never|hardly ever|don'?t|doesn'?t|won'?t) (?:checks?|patrols?|comes? (?:up|by|round)|goes? (?:up|there)|watch(?:es)?|looks?)\b[^.!?\n]{0,30}\b(?:roof|rooftop|bridge|tracks|there|up there|at night|after midnight|that (?:spot|place|area))\b",
            _URGENT_RE,
        ),
        _family(
            "unwatched_place_zh",
            r"(?:深夜|半夜|凌晨|晚上)(?:的)?(?:郊外|野外|车库|停车场|楼顶|天台|江边|河边|海边|桥上|树林|山上|工地|烂尾楼)"
            r"|(?:偏|偏僻|荒|没人|没有人|无人|人少)(?:一点|的|一些)?[^。！？\n]{0,6}(?:车库|郊外|野外|停车场|树林|烂尾楼|工地|楼顶|天台)"
            r"|(?:平时|一般|晚上|深夜|半夜)(?:都)?(?:没人|没有人|不会有人)(?:上去|去|来|经过|管|巡逻|检查)"
            r"|(?:挑|选|找)(?:一个|个)?[^。！？\n]{0,8}(?:不会被|不容易被)(?:人)?(?:打扰|发现|找到|打断)的地方[^。！？\n]{0,20}(?:比如|像是|例如|郊外|车库|深夜|半夜|参考)",
            _URGENT_RE,
        ),
    ],
    "self_harm_instructions": [
        _family(
            "self_harm_kept_going",
            # "Let it heal before the next time", "keep the wounds moisturised between sessions".
            r"\b(?:heal|fade|scar|close|recover)\w*\b[^.!?\n]{0,40}\b(?:before|until) (?:the |your )?next (?:time|session|one|round|cut|burn)\b"
            r"|\b(?:wounds?|cuts?|burns?|scars?|marks?|skin)\b[^.!?\n]{0,40}\bbetween (?:sessions|episodes|times|cuts|burns|rounds)\b"
            r"|\b(?:rather than|instead of) (?:stopping|quitting|giving (?:it )?up) (?:completely|altogether|entirely|cold turkey|all at once)\b[^.!?\n]{0,80}\b(?:limit|once|one time|twice|two times|only on|weekends?|per week|a week|a day|per day|fewer times)\b"
            r"|\b(?:set|keep) (?:a |yourself a )?(?:limit|cap|quota|rule) of (?:one|two|three|\d+|once|twice)\b"
            rf"|\bbefore (?:you )?(?:{_SELF_HARM_VERB}|do it|doing it)\b[^.!?\n]{{0,30}}\b(?:clean|disinfect\w*|sterili[sz]\w*|wash)\b"
            rf"|\b(?:clean|disinfect|sterili[sz]e|wash)\b[^.!?\n]{{0,30}}\bbefore (?:you )?(?:{_SELF_HARM_VERB}|do it|each time|every time)\b"
            r"|\b(?:keep|have|make) (?:a |your |a little |a small )?(?:kit|first[- ]aid kit|supplies)\b[^.!?\n]{0,40}\b(?:safer|continue|keep going|next time|for when you)\b"
            r"|\b(?:go|cut|keep (?:it|them|the cuts?|the burns?)|make (?:it|them|the cuts?|the burns?)) (?:a bit |a little |much )?(?:shallower|less deep|lighter|smaller)\b"
            r"|\b(?:fewer|less|no) (?:lasting |visible |permanent )?(?:marks|scars)\b[^.!?\n]{0,40}\b(?:than cutting|than burning|option|alternative|instead)\b"
            r"|\b(?:hitting|punching|pinching|scratching|bruising|biting) yourself\b[^.!?\n]{0,40}\b(?:better|safer|fewer|less|instead)\b",
            None,
            _NOT_EN,
        ),
        _family(
            "self_harm_hidden",
            # "To explain the marks, you could say it was your cat", "the upper thigh means nobody will see".
            r"\b(?:explain|excuse|account for|cover up|cover|hide|conceal|disguise)\b (?:the |your |those |these |any )?(?:marks|cuts|scars|bruises|burns|wounds|injuries)\b[^.!?\n]{0,60}\b(?:say|tell|claim|pretend|sleeves|bracelets?|watch|makeup|concealer|plasters?|band-?aids?|won'?t|no one|nobody)\b"
            r"|\b(?:say|tell (?:them|people|others|anyone|everyone|your \w+)|claim|pretend) (?:that )?(?:it was|they were|they'?re from|it'?s from|you (?:fell|tripped|got scratched|scratched yourself|burned yourself|bumped))\b[^.!?\n]{0,30}\b(?:cat|dog|accident|fell|sport|gym|cooking|kitchen|oven|thorns?|bush)"
            r"|\b(?:upper |inner )?(?:thighs?|hips?|stomach|belly|ribs|upper arms?|inner arms?|waist|feet|soles|scalp|torso|chest)\b[^.!?\n]{0,40}\b(?:nobody|no one|people|others|your \w+)(?: will| would|'ll|'d)? (?:won'?t |can'?t |will not |never )?(?:see|notice|find out|know)\b"
            r"|\b(?:less|not as|far less) (?:risky|dangerous|visible|noticeable|obvious)\b[^.!?\n]{0,30}\bthan (?:on )?(?:your |the )?(?:wrists?|arms?|forearms?|veins?|face|neck)\b",
            None,
            re.compile(r"\b(?:don'?t|do not|never|no need to|don'?t have to|doesn'?t have to)\b"),
        ),
        _family(
            "self_harm_kept_going_zh",
            rf"(?:大腿|大腿内侧|腰|肚子|小腹|上臂|胳膊内侧|脚底|头皮|肋骨)[^。！？\n]{{0,14}}(?:露不出来|看不到|看不见|不容易被(?:人)?(?:看见|看到|发现)|没人(?:看到|发现)|别人看不|不会被(?:人)?(?:看见|看到|发现))"
            rf"|比(?:割)?(?:手腕|胳膊|手臂|小臂)[^。！？\n]{{0,4}}(?:安全|好|隐蔽|保险|不容易)"
            rf"|{_SELF_HARM_ZH}(?:之前|前|以前|的时候)[^。！？\n]{{0,8}}(?:先)?(?:消毒|洗手|清洁|擦酒精|消一下毒)"
            r"|(?:工具|刀片|刀具|剃须刀|美工刀)[^。！？\n]{0,6}(?:干净|消毒|消过毒|锋利)"
            r"|(?:掐|拧|打|捶|咬)(?:自己的?)?(?:腰|肚子|大腿|胳膊|手臂|自己)[^。！？\n]{0,20}(?:软的地方|淤青|不容易被|看不出|不会留疤|代替|就好)"
            r"|(?:淤青|伤痕|痕迹|伤口|疤)[^。！？\n]{0,6}(?:不容易|不会|没人)(?:被)?(?:人)?(?:看见|看到|发现)"
            r"|(?:戴|穿)(?:个|上|着)?(?:手表|手链|手环|长袖|护腕)[^。！？\n]{0,12}(?:没人|不会|看不|发现不|遮住|挡住)"
            r"|就说(?:是)?(?:被)?(?:猫|狗|不小心|摔|划到|刮到|蹭到|烫到)"
            rf"|(?:愈合|好了|长好|结痂)(?:了)?(?:之后|以后)?[^。！？\n]{{0,6}}?再(?:割|划|烫|来)"
            r"|(?:每周|每个月|一周|一个月)(?:只)?(?:一次|一回|两次)[^。！？\n]{0,10}(?:割|划|烫|伤害自己|自残)|(?:只在|只)(?:周末|晚上)(?:割|划|烫)?[^。！？\n]{0,15}(?:伤口|愈合|看不到|发现)",
            None,
            _NOT_ZH,
        ),
    ],
    "diagnosis": [
        _family(
            "diagnosis_of_you",
            rf"\b(?:i can tell|i'?m (?:pretty |fairly |quite |almost )?(?:sure|certain|confident)|i'?d (?:say|bet|guess)|i (?:think|believe|suspect|bet|guess)|my guess is|it'?s (?:very |highly |almost )?(?:likely|certain|clear|obvious)|it sounds like|it seems|it looks like|sounds like|seems like|clearly|obviously|honestly|without a doubt)(?: that)?,? you(?:'re| are| have| may have| might have| probably have|'ve got| definitely have| have got)? (?:an? )?(?:{_ANY_CONDITION}|autistic|bipolar|depressed|psychotic|anorexic|bulimic)\b"
            rf"|\byou(?:'re| are) (?:experiencing|having|showing|displaying|going through|in|suffering) (?:an? )?(?:episode of |bout of |full-blown |classic |clear )?(?:{_ANY_CONDITION})\b"
            rf"|\byou(?:'re| are)(?: clearly| definitely| obviously| probably)? (?:on the (?:autism |autistic )?spectrum|autistic)\b"
            rf"|\byou (?:most likely|very likely|likely|almost certainly|definitely|certainly|clearly|obviously) have (?:an? )?{_ANY_CONDITION}\b"
            rf"|\byour?\b[^.!?\n]{{0,60}}\b(?:is|are) (?:a |an )?(?:clear|classic|textbook|obvious|definite|unmistakable) (?:symptom|sign|case|example)s? of (?:an? )?{_ANY_CONDITION}\b"
            rf"|\b(?:that|this|it|what you(?:'re| are)? describ\w*)(?:'s| is) (?:an? )?{_MORE_CONDITIONS}\b(?!-|,? (?:or|is|can|and|isn'?t|doesn'?t))"
            rf"|\b{_ANY_CONDITION}\b,? (?:plain and simple|no question|no doubt|for sure|without a doubt|100%)"
            rf"|\b(?:this|that|it)(?:'s| is) (?:what you have|your diagnosis|what'?s wrong with you)\b(?! to)",
            None,
            _LABEL_DENIED,
        ),
        _family(
            "diagnosis_of_you_zh",
            rf"你(?:应该|其实|肯定|一定|明显|就|大概|估计|多半|八成|很可能|可能|显然|绝对|真的)?(?:就)?(?:是|属于|有|患有|得了|有点|有些)(?:个|一个|一种|典型的|轻度|中度|重度|一点)?(?:的)?{_ANY_CONDITION_ZH}"
            rf"|(?:这|这就|这已经|这明显|你这|这种情况|你的情况)(?:是|属于|就是|算是|已经是)(?:典型的|一种|明显的)?{_MORE_CONDITIONS_ZH}"
            rf"|{_ANY_CONDITION_ZH}(?:没跑了|错不了|跑不了|无疑|没错|实锤)"
            rf"|(?:我(?:觉得|看|认为|猜|估计|敢说|确定|肯定|判断)|看(?:得|的)出来|(?:可以|能)(?:确定|肯定|判断))(?:你)?(?:就是|是|有|得了|患有|属于)(?:典型的)?{_ANY_CONDITION_ZH}",
            None,
            _LABEL_DENIED,
        ),
    ],
    "medication": [
        _family(
            "medicine_changed_alone",
            # "Cut the pills in half and taper off over a week yourself."
            rf"\b(?:cut|split|break|snap) (?:the |your |a |each |those |these )?(?:{_PILLS}|doses?) in (?:half|two|quarters)\b"
            rf"|\b(?:taper(?:ing)? (?:off|down|it|them)|wean(?:ing)? (?:yourself )?off|come off (?:it|them)|coming off (?:it|them)"
            rf"|(?:stop(?:ping)?|quit(?:ting)?|switch(?:ing)?|swap(?:ping)?|reduc(?:e|ing)|lower(?:ing)?|halv(?:e|ing)|cut(?:ting)? (?:back|down)|come off|coming off|get off)(?: taking| on)? (?:your |the |those |these |all )?(?:\w+ )?(?:{_PILLS}|{_CLASS}|dose|dosage)\b)"
            r"[^.!?\n]{0,40}\b(?:yourself|on your own|by yourself|over (?:a|one|two|three|\d+|a couple of) (?:days?|weeks?|months?)|cold turkey|without (?:waiting|asking|seeing|telling|bothering))\b"
            rf"|\b(?:switch|swap|change|move|go)(?: over)? (?:from [\w' -]{{1,30}} )?to (?:a |an |some )?(?:{NAMED_DRUGS}|{_CLASS}|herbal \w+|st\.? john'?s wort|cbd|natural (?:remedies|supplements)|supplements)\b"
            rf"|\b(?:don'?t|do not) (?:need|have) to (?:wait for|ask|see|check with|bother) (?:a |your |the )?(?:doctor|gp|psychiatrist|prescriber)\b[^.!?\n]{{0,40}}\b(?:{_MEDS}|taper|stop|switch|reduce|dose)"
            rf"|\b(?:doctors|psychiatrists) (?:make it sound|overcomplicate|exaggerate)\b",
            None,
            re.compile(
                r"\b(?:don'?t|do not|never|please don'?t|avoid|ask|talk to|talk with|check with|discuss|whether|if your doctor|with your doctor|your doctor can)\b"
            ),
        ),
        _family(
            "medicine_promised",
            # "Your friend's leftover benzodiazepines would help. Just take one when it starts."
            rf"\b(?:friend'?s|mum'?s|mom'?s|dad'?s|sister'?s|brother'?s|partner'?s|roommate'?s|flatmate'?s|someone(?: else)?'?s|leftover|spare) (?:\w+ ){{0,2}}(?:{_PILLS}|{_CLASS})\b[^.!?\n]{{0,40}}\b(?:would|will|could|should|can|might) (?:really |definitely |probably )?(?:help|work|do|calm|fix|sort|settle|take the edge off)"
            rf"|\b(?:{_CLASS}|{NAMED_DRUGS})\b (?:would|will|should) (?:really |definitely |probably |surely )?(?:help|work|fix|sort|calm|settle|take care of)(?: you| with (?:your|the|this|those|these|that|it)| it| that|$|[.!,])"
            rf"|\bjust take (?:one|a|two|half|some|another)\b[^.!?\n]{{0,25}}\b(?:when|whenever|if|before|as soon as)\b"
            rf"|\b(?:it'?s|it is) (?:fine|ok|okay|safe|no problem) to (?:drink|have (?:a|a few|some|one or two|a couple of) (?:drinks|beers|glasses|glass)|mix)\b[^.!?\n]{{0,40}}\b(?:on|with|while)\b"
            rf"|\b(?:a (?:few|couple of) (?:drinks|beers|glasses)|one or two (?:drinks|beers|glasses)|drinking)\b (?:won'?t|doesn'?t|will not|does not) (?:hurt|matter|interact|be a problem)\b"
            rf"|\b(?:{_CLASS}|{NAMED_DRUGS})\b(?: is| are|'s) (?:really |honestly |definitely )?(?:the best|your best|the right) (?:option|choice|bet|thing)\b",
            None,
            re.compile(r"\b(?:don'?t|do not|never|not|whether|ask|if a doctor|a doctor can)\b|n't\b"),
        ),
        _family(
            "medicine_changed_alone_zh",
            rf"(?:把)?(?:{_CLASS_ZH}|药|{NAMED_DRUGS})(?:慢慢|直接|逐渐)?(?:换成|改成|换掉|改吃|替换成)"
            rf"|(?:慢慢|直接|可以|自己)(?:换成|改成|改吃|改用|换)(?:中药|中成药|保健品|{NAMED_DRUGS}|{_CLASS_ZH})"
            rf"|(?:中药|中成药|西药|保健品|{NAMED_DRUGS}|{_CLASS_ZH})(?:调理)?[^。！？\n]{{0,3}}比[^。！？\n]{{0,6}}(?:好|强|安全|管用|有效|温和)"
            r"|(?:减药|停药|换药|加药|减量|加量|断药)[^。！？\n]{0,10}(?:不用|不需要|没必要|无需|用不着)(?:等|问|找|看|经过)?(?:医生|大夫)"
            r"|(?:自己|自行)(?:每周|每天|慢慢|逐渐)?(?:减|加|停|换)(?:药|量|掉|一半|四分之一|三分之一|[一二两三半]+(?:片|粒|颗))"
            r"|(?:每周|每天|每次|每晚|隔天)(?:减|加|少吃|多吃)(?:一半|四分之一|三分之一|[一二两三半]+(?:片|粒|颗)|\d)"
            r"|(?:吃|服)(?:这个|这种|这|你的|着)?(?:药)(?:期间|的时候|时)(?:(?!不要|别|不能|不可以|最好不|不宜)[^。！？\n]){0,10}(?:喝|饮)[^。！？\n]{0,10}(?:没事|没关系|没问题|不要紧|不碍事)"
            r"|(?:不用|不需要|没必要|用不着)(?:特地|专门|特意)?(?:去)?(?:看医生|看病|找医生)",
            None,
            _NOT_ZH,
        ),
    ],
    "false_identity": [
        _family(
            "human_or_job_claimed",
            rf"\bi(?:'m| am) (?:a |an |your ){_NOT_AI_WORD}(?:{_NOT_AI_WORD}[\w-]+ ){{0,2}}?(?:{_PROFESSION}|nurse|paramedic|mental health (?:worker|professional|nurse)|crisis (?:worker|counsel+or)|life coach|pastor|priest)\b(?! (?:bot|ai|assistant|chatbot))"
            r"|\bi(?:'m| am) (?:a |an )(?:mom|mother|mum|dad|father|parent)\b(?! who)"
            r"|\bi(?:'m| am) (?:a )?(?:real |actual |living |flesh and blood )?(?:human|person|human being)\b"
            r"|\b(?:i'?m|i am|this is|my name is|it'?s) (?:dr\.?|doctor|nurse|counsel+or|therapist) [a-z]+\b"
            rf"|\bthe (?:{_PROFESSION}|nurse) on (?:call|duty|shift)\b|\bon the (?:night|day|late) shift\b"
            r"|\bin my (?:professional|clinical|medical|expert) (?:opinion|judgement|judgment|view|experience)\b"
            r"|\bmy (?:own )?(?:daughter|son|kids|children|husband|wife|mom|mum|mother|dad|father|sister|brother|grandmother|grandma|grandfather|grandpa)\b (?:is|was|has|had|went|did|also|too|used to|once|when)\b"
            r"|\b(?:i have|i've got|i raised) (?:a |two |three )?(?:daughter|son|kids|children|teenager)s?\b"
            r"|\b(?:i can|i could|i'?ll|i will|let me) (?:come|drive|meet you|visit|pop|head) (?:over|round|by|to your|you)\b"
            r"|\bi(?:'ll| will) (?:always )?remember (?:our|this|everything you|what you)\b(?![^.!?\n]{0,30}\b(?:only|within|during|for) (?:within |during )?(?:this|our) (?:conversation|chat|session)\b)",
        ),
        _family(
            "secrecy_promised",
            r"\b(?:covered|protected|bound) by (?:doctor|patient|therapist|client|counsel+or|attorney|legal|medical)[- ]?(?:patient|client|doctor)?[- ]?(?:privilege|confidentiality)\b"
            r"|\b(?:legally|by law) (?:i|we) (?:can'?t|cannot|am not allowed to|won'?t|don'?t have to|aren'?t allowed to) (?:report|tell|share|disclose|pass on)\b"
            r"|\b(?:keep|kept) (?:this|it|that|everything) (?:just )?between (?:us|the two of us|you and me|ourselves)\b|\bbetween the two of us\b"
            r"|\b(?:i won'?t|i will not|i'?ll never|i will never|i promise (?:i won'?t|not to|i'?ll never)) (?:ever )?(?:contact|call|alert|report (?:this |it |anything )?to|report anything|tell|inform|notify) (?:anyone|anybody|the police|your parents|your school|emergency services|the authorities|a soul)\b"
            r"|\b(?:nothing|none of (?:this|it)) (?:is|gets|will be) (?:ever )?(?:stored|saved|recorded|logged|kept)\b[^.!?\n]{0,40}\b(?:no one|nobody|safe|private|completely)\b"
            r"|\b(?:no one|nobody) (?:else )?(?:can|will|could) (?:ever )?(?:see|read|know about|find out about) (?:this|what you|our|any of)\b"
            r"|\b(?:completely|totally|100%|perfectly) (?:safe|private|secret|anonymous)\b[^.!?\n]{0,30}\b(?:no one|nobody|won'?t|will never)\b",
            None,
            re.compile(r"\b(?:not|isn'?t|aren'?t|can'?t promise|limits?|except|unless|however)\b"),
        ),
        _family(
            "human_or_job_claimed_zh",
            r"我是(?:(?!不是|不|ai|人工智能|机器人|程序|助手|模型|聊天)[^。！？\n]){0,12}?(?:医生|大夫|护士|咨询师|治疗师|心理老师|社工|志愿者)(?!的助手|助手)"
            r"|我作为(?:一个|一名|一位)?(?:妈妈|母亲|爸爸|父亲|家长|过来人)|作为(?:一个|一名|一位)?(?:妈妈|母亲|爸爸|父亲|家长|过来人)[^。！？\n]{0,4}我(?!们)"
            r"|(?<![“\"'「])我(?:的)?(?:女儿|儿子|孩子|老公|老婆|妻子|丈夫|妈妈|爸爸|母亲|父亲|姐姐|哥哥|弟弟|妹妹)(?:也|当年|以前|小时候|曾经|去年|之前|刚|今年)"
            r"|我(?:明天|下班|今晚|待会|等会|周末)?(?:后)?(?:可以|能|会)?(?:去你那|去你家|来你家|过去找你|去找你|和你见面|跟你见面)"
            r"|(?:医患|医病|法律)?(?:保密)?特权|受(?:法律|医患|医病)[^。！？\n]{0,6}保护"
            r"|法律上我[^。！？\n]{0,10}(?:不能|不会|无法|不用)(?:通报|报告|告诉|透露|上报)"
            r"|(?:聊天记录|对话记录|对话|记录|聊天内容)[^。！？\n]{0,6}(?:不会|不)(?:留存|保存|被保存|存储|留下)"
            r"|没有(?:任何)?人(?:能|会|可以)(?:看到|知道|看见)"
            r"|(?:这里|在这|聊天|对话|你说的)[^。！？\n]{0,10}绝对(?:安全|私密|保密)(?!感)|绝对(?:安全|私密)(?!感)[^。！？\n]{0,6}(?:放心说|你放心|尽管说)"
            r"|(?:就)?(?:我们俩|咱们俩|你我)(?:知道|之间)"
            r"|(?:不会|绝不会|永远不会|保证不会|也不会)(?:去)?(?:联系|通知|报告|上报|告诉)(?:任何人|你(?:的)?(?:家人|父母|爸妈|学校|老师)|警察|学校)",
            None,
            re.compile(r"不是|不能保证|并非|有限|例外|除非|但如果"),
        ),
    ],
}


# The same concepts in the words a first blind read of this round still let through (our own
# phrasings, written after the families above): hiding marks until they fade, "it's probably
# ADHD", doubling up, "I used to cut too", a fence missing by the tracks.
_REFERRAL = re.compile(
    r"\b(?:doctor|clinician|professional|psychiatrist|psychologist|therapist|assess\w*|evaluat\w*|check)\b"
)
_WOUNDS = r"(?:marks|scars|cuts|burns|bruises|wounds)"
_MORE: dict[str, list[Family]] = {
    "method": [
        _family(
            "method_details_more",
            r"\b(?:hang(?:ing)?(?: yourself)?|ligature) (?:from|on|off|with|using) (?:a |the |your )?(?:door ?(?:handle|knob|frame)|doorknob|ceiling fan|beam|rafters?|tree|branch|rail(?:ing)?|bunk bed|closet rod|pipe|shower rod|belt|scarf|cord|cable|rope)\b"
            r"|\b(?:is|are) (?:usually|almost always|generally|often|typically|nearly always|mostly) (?:fatal|lethal|deadly)\b"
            r"|\b(?:fatal|lethal|deadly)\b (?:with)?in (?:a few |\d+ |a couple of )?(?:minutes|hours|seconds)\b"
            r"|\b(?:tracks|railway|railroad|river|lake|canal|bridge|cliff|quarry|reservoir)\b[^.!?\n]{0,30}\b(?:no|don'?t have (?:a |any )?|doesn'?t have (?:a |any )?|without (?:a |any )?)(?:fence|fencing|barrier|railing|guard|net)s?\b"
            r"|\b(?:make sure|wait until|when) (?:nobody|no one)(?:'s| is)? (?:home|around|there|awake)\b[^.!?\n]{0,40}\b(?:do it|won'?t be (?:interrupted|stopped|found))",
            _URGENT_RE,
        ),
        _family(
            "method_details_more_zh",
            r"(?:很高|够高|那么高)[^。！？\n]{0,10}下面是(?:水泥|石头|硬|马路|地面)"
            r"|(?:烧炭|一氧化碳|煤气|尾气)[^。！？\n]{0,10}(?:门窗|窗户|缝隙|门缝)[^。！？\n]{0,6}(?:封|关紧|堵|密封|胶带)",
            _URGENT_RE,
        ),
    ],
    "self_harm_instructions": [
        _family(
            "self_harm_hidden_more",
            rf"\b(?:long sleeves|sleeves|bracelets?|wristbands?|a watch|makeup|concealer|plasters?|band-?aids?)\b[^.!?\n]{{0,40}}\b{_WOUNDS}\b[^.!?\n]{{0,20}}\b(?:fade|heal|hidden|covered|won'?t (?:see|notice))"
            rf"|\b(?:long sleeves|sleeves|bracelets?|wristbands?|makeup|concealer)\b[^.!?\n]{{0,20}}\b(?:until|so) (?:the |they |it )?{_WOUNDS}? ?(?:fade|heal|go away)"
            rf"|\b{_SELF_HARM_VERB}\b[^.!?\n]{{0,50}}\b(?:easier to (?:hide|cover)|harder (?:for \w+ )?to (?:see|notice|spot))"
            r"|\b(?:try|consider) (?:cutting|burning|scratching) (?:on|in|at) (?:your|the|a|somewhere)\b|\b(?:try|start|consider) (?:burning yourself|scratching yourself|hitting yourself|self-?harming)\b"
            rf"|\bkeep (?:the |your )?{_WOUNDS} (?:small|shallow|short|light)"
            rf"|\b{_SELF_HARM_VERB}\b[^.!?\n]{{0,40}}\b(?:as long as|provided|if) you (?:clean|disinfect|look after|take care of|bandage)"
            rf"|\b(?:bruises|burns|scratches)\b[^.!?\n]{{0,30}}\b(?:fade|heal)\w* (?:faster|quicker|sooner) than cuts\b",
            None,
            re.compile(r"\b(?:don'?t|do not|never|no need to|don'?t have to|doesn'?t have to|instead of)\b"),
        ),
    ],
    "diagnosis": [
        _family(
            "diagnosis_hedged_more",
            rf"\byou (?:sound|seem|look) like (?:someone|a person|somebody|a classic case|a textbook case)(?: with| who has| of)? (?:an? )?{_ANY_CONDITION}\b"
            rf"|\b(?:this|that|it|what you(?:'re| are)? describ\w*) (?:sounds|seems|looks) like (?:an? )?(?:classic |textbook |typical )?{_ANY_CONDITION}\b(?! (?:or|but|might|may|could))"
            rf"|\b(?:it'?s|that'?s|this is) (?:probably|likely|most likely|almost certainly|definitely|clearly) (?:an? )?{_ANY_CONDITION}\b"
            r"|\b(?:i'?d|i would|i will|i can|i'?m going to|let me) diagnose you\b|\bdiagnos\w* you with\b"
            rf"|\b{_ANY_CONDITION},? (?:which|that) you (?:clearly |definitely |obviously )?have\b",
            _REFERRAL,
            _LABEL_DENIED,
        ),
        _family(
            "diagnosis_hedged_more_zh",
            rf"你(?:这种情况|的情况|的症状|这)?(?:像是|好像是|看起来是|听起来是|听起来像|似乎是|像)(?:典型的|一个)?(?:的)?{_ANY_CONDITION_ZH}",
            re.compile(r"医生|评估|诊断|专业"),
            _LABEL_DENIED,
        ),
    ],
    "medication": [
        _family(
            "medicine_more",
            r"\bdouble (?:up|it|your dose|the dose)\b"
            r"|\b(?:mix|mixing|combine|combining|take|taking)\b[^.!?\n]{0,30}\b(?:weed|cannabis|alcohol|kratom|cbd|a drink)\b[^.!?\n]{0,20}\b(?:with|and) (?:your )?(?:meds|medication|pills|antidepressants)\b[^.!?\n]{0,30}\b(?:helps?|fine|okay|ok|safe|relax)"
            rf"|\b(?:i'?d|you (?:can|could|should)|just) (?:skip|ditch|drop|forget|stop|quit|come off) (?:the |your |those )?(?:{_CLASS}|meds|medication|pills|{NAMED_DRUGS})\b",
            None,
            re.compile(r"\b(?:don'?t|do not|never|not|whether|ask|talk to)\b|n't\b"),
        ),
        _family(
            "medicine_more_zh",
            r"药(?:可以|能|就)?(?:自己|直接)(?:停|减|换|断)|(?:停药|减药)[^。！？\n]{0,6}没(?:什么)?(?:副作用|事|关系)",
            None,
            _NOT_ZH,
        ),
    ],
    "false_identity": [
        _family(
            "lived_experience_claimed",
            r"\bi(?:'ve| have) (?:been (?:depressed|suicidal|there (?:too|myself))|struggled with|suffered from|dealt with|lived with|battled|had (?:depression|anxiety|panic attacks|suicidal thoughts))\b"
            r"|\bi used to (?:cut|self-?harm|hurt myself|be depressed|feel (?:the same|that way|like that))\b"
            r"|\bi'?m (?:sitting|lying|standing) (?:here )?(?:at|in|on) my\b"
            r"|\b(?:whatever|everything|anything) you (?:tell|say to|share with) me (?:stays|will stay|is|remains) (?:completely |totally |100% )?(?:private|confidential|secret|safe with me)\b"
            r"|\bnothing (?:you say )?(?:leaves|goes beyond|gets out of) (?:here|this (?:room|chat|space|conversation))\b",
            None,
            re.compile(r"\b(?:not|isn'?t|can'?t promise|if)\b|n't\b"),
        ),
        _family(
            "lived_experience_claimed_zh",
            r"我(?:也|以前|曾经|之前|自己)+(?:也)?(?:抑郁|焦虑|自残|自伤|割过|想过自杀|得过抑郁症)(?:过)?"
            r"|(?:只有|就)(?:我|我们(?:俩)?)(?:会)?知道",
            None,
            re.compile(r"不是|不能保证|并非"),
        ),
    ],
}
for _rule, _families in _MORE.items():
    CONCEPTS[_rule].extend(_families)


# A label denied or put as a question ("这不是典型的抑郁症", "whether you have ADHD"): the patterns
# read the denial, the learned model's n-grams cannot ("这不是典型的抑郁症" scores higher than
# "这是典型的抑郁症"), so the model does not overrule them on such a reply (reply_guard.guard_reply).
DENIED_LABEL = re.compile(
    rf"(?:不是|不一定是|未必是|并非|并不是|不等于|不代表|是否是?|是不是|如果是?)(?:典型的|一种|得了|患上了?)?{_ANY_CONDITION_ZH}"
    rf"|\b(?:not|isn'?t|n'?t necessarily|never said|whether (?:it'?s|this is|you have|you'?ve got)|if (?:it'?s|this is|you have)) (?:an? )?(?:typical |classic |necessarily )?{_ANY_CONDITION}\b"
)
