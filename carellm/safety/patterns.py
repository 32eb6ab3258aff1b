"""Curated crisis patterns (zh + en), written from clinical warning-sign lists.

Sources of the signs (not of text): the Columbia Suicide Severity Rating Scale (ideation,
intent, plan, preparatory behaviour), the AFSP/988 and WHO LIVE LIFE warning-sign lists
(talk of being a burden, no reason to live, saying goodbye, giving things away, acquiring
means), and Chinese crisis-line guidance (北京心理危机研究与干预中心) for local phrasings
(喝农药, 烧炭, 遗书, 交代后事). See docs/safety.md for the data card.

Patterns run on `normalize()`d text: lower case, simplified Chinese, no spaces between
Chinese characters. Each has a signal `kind`; the assessor combines kinds within a message
and across turns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = ("none", "low", "medium", "high", "imminent")
RANK = {name: i for i, name in enumerate(LEVELS)}


@dataclass(frozen=True)
class Pattern:
    id: str
    lang: str
    category: str
    level: str
    kind: str
    regex: re.Pattern
    negatable: bool = False


def _p(pid, lang, category, level, kind, regex, negatable=False) -> Pattern:
    return Pattern(pid, lang, category, level, kind, re.compile(regex), negatable)


# Medicines named in overdose questions (patterns) and in dose advice (reply guard).
DRUGS = (
    r"sertraline|zoloft|fluoxetine|prozac|escitalopram|lexapro|citalopram|paroxetine|paxil|venlafaxine|"
    r"effexor|duloxetine|cymbalta|bupropion|wellbutrin|mirtazapine|trazodone|amitriptyline|alprazolam|xanax|"
    r"lorazepam|ativan|diazepam|valium|clonazepam|klonopin|zolpidem|ambien|quetiapine|seroquel|olanzapine|"
    r"risperidone|aripiprazole|abilify|lithium|lamotrigine|valproate|methylphenidate|ritalin|adderall|"
    r"melatonin|ibuprofen|paracetamol|acetaminophen|tylenol|benzodiazepines?|ssris?|antidepressants?|"
    r"gabapentin|pregabalin|lyrica|hydroxyzine|propranolol|buspirone|doxepin|nortriptyline|clomipramine|"
    r"desvenlafaxine|pristiq|vortioxetine|trintellix|zopiclone|eszopiclone|lunesta|temazepam|diphenhydramine|"
    r"benadryl|advil|motrin|aleve|nyquil|unisom|aspirin|naproxen|tramadol|codeine|oxycodone|ketamine|"
    r"esketamine|5-?htp|st\.? john'?s wort|"
    r"舍曲林|左洛复|氟西汀|百忧解|艾司西酞普兰|来士普|西酞普兰|帕罗西汀|文拉法辛|度洛西汀|安非他酮|米氮平|曲唑酮|"
    r"阿普唑仑|劳拉西泮|地西泮|安定|氯硝西泮|唑吡坦|思诺思|喹硫平|奥氮平|利培酮|阿立哌唑|碳酸锂|拉莫三嗪|丙戊酸|"
    r"哌甲酯|褪黑素|布洛芬|对乙酰氨基酚|抗抑郁药|安眠药|艾司唑仑|佐匹克隆|奥沙西泮|黛力新|氟哌噻吨美利曲辛|"
    r"坦度螺酮|丁螺环酮|阿戈美拉汀|伏硫西汀|普萘洛尔|加巴喷丁|普瑞巴林|羟嗪|苯海拉明|阿司匹林|曲马多|可待因|"
    r"5-?羟色氨酸|圣约翰草"
)

_ME = r"(?:my ?self|myself|my own life|my life)"
# A stock of pills counted out ("40", "2 bottles of", "三瓶"): the number must not hide the means.
_PILLS = r"(?:pills|meds|medication|medicine|tablets|sleeping pills|painkillers|prescriptions?)"
_STOCK = (
    r"(?:(?:\d+|a|two|three|four|five|six|several|a few|a couple of)\s+(?:bottles?|boxes|packs?|packets|months?|weeks?)"
    r"(?:'s?)?\s+(?:worth\s+)?of\s+|(?:\d+|twenty|thirty|forty|fifty|sixty|a hundred|hundreds of|dozens of)\s+)"
)
_MANY = r"(?:\d{2,}|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|hundreds of)"
_ZH_AMOUNT = r"(?:\d+|[一二两三四五六七八九十几百]+)(?:片|颗|粒|瓶|盒)"
_INTENT = r"(?:want|wanna|wish|going|plan|planning|planned|ready|decided|trying|try|tried|gonna|need|intend|about|thinking about|thought about|think about|considering|consider)"

# Overdoses (taken or planned). "I took" alone is everyday ("I took a walk", "I took 2 ibuprofen");
# what makes it an overdose is an amount no prescription gives (all of them, the whole bottle, a
# handful, too many, dozens) of a medicine, so every amount below names one, or a container of them.
_NOT_UNIT = r"(?!(?:mg|mcg|g|ml|milligrams?|micrograms?|grams?)\b)"
_MED = rf"(?:(?:{_NOT_UNIT}[\w-]+\s+){{0,2}}?{_PILLS}|{DRUGS})\b"
_ABOUT = r"(?:(?:like|about|around|maybe|almost|over|more than|at least)\s+)?"
_OD_AMOUNT = (
    rf"(?:all|every one|each)\s+(?:of\s+)?(?:(?:my|the|these|those|our)\s+)?{_MED}"
    r"|every (?:single )?(?:pill|tablet)\b"
    r"|everything (?:in|from) (?:my|the) (?:medicine|bathroom|pill) (?:cabinet|cupboard|drawer|box)"
    rf"|(?:a|an|the|my)\s+(?:whole|entire|full)\s+(?:bottle|box|pack|packet|strip|jar|blister pack|prescription|supply)\s+of\s+(?:my\s+)?{_MED}"
    rf"|{_ABOUT}(?:\d+|a|one|two|three|several|a few)\s+(?:bottles?|boxes|packs?|packets|strips?)\s+of\s+(?:my\s+)?{_MED}"
    rf"|(?:a|one|two)\s+(?:handful|fistful|bunch)s?\s+of\s+(?:my\s+|the\s+)?{_MED}"
    rf"|too many\s+(?:of\s+(?:my|the|these|those)\s+)?{_MED}"
    rf"|(?:all\s+)?{_ABOUT}{_MANY}\s+(?:of\s+)?(?:my\s+|the\s+|these\s+|those\s+)?{_MED}"
)
# Without a medicine named: only after "took/swallowed", and not "took them all to the park".
_OD_BARE = (
    r"(?:(?:them|these|those) all|all of (?:them|these|those))(?!\s+(?:to|out|home|back|with|for|in|on|off|away|along|around|there|here|apart|over|up|down|inside|outside)\b)"
    r"|(?:a|an|the|my)\s+(?:whole|entire|full)\s+(?:bottle|box|pack|packet|strip|jar|blister pack|prescription|supply)(?!\s+(?:of|to|home|back|with)\b)"
)
# Taking one's medication as prescribed is not an overdose ("I took all my meds this morning as prescribed").
_ROUTINE = (
    r"(?!\s+(?:a|per|each|every)\s+(?:day|week|morning|night|evening)|\s+daily"
    r"|[^.!?]{0,30}\b(?:as (?:prescribed|directed|usual)|on time|like (?:i'?m|i was) supposed to"
    r"|like (?:the|my) (?:doctor|psychiatrist|gp) (?:said|told me)|with (?:breakfast|lunch|dinner|food|a meal))\b)"
)
_I_TOOK = (
    r"\bi(?:'ve| have|'d| had)?\s+(?:(?:just|already|accidentally|actually|finally|literally|basically|probably|maybe)\s+)*"
    r"(?:took|taken|swallowed|downed|popped|ate|eaten|drank|drunk|overdosed on|od'?d on)\s+"
)
_ZH_PILL = rf"(?:安眠药|药片|药丸|农药|百草枯|敌敌畏|老鼠药|{DRUGS})"
_ZH_MED = rf"(?:{_ZH_PILL}|药)"
# Amounts no prescription gives: a bottle or box, a handful, all of it, too much, ten or more.
_ZH_LOT = (
    r"(?:一整瓶|整瓶|一瓶|半瓶|大半瓶|两瓶|几瓶|\d+瓶|一整盒|整盒|一盒|两盒|几盒|\d+盒|一整板|一板|几板|一大把|一把|一堆|一大堆"
    r"|大量|全部|所有|太多|过量|几十|上百|\d{2,}|[二三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九几]百)(?:片|颗|粒|个)?"
)
_ZH_TAKE = r"(?:吃|吞|喝|服)"
_ZH_NO_USE = r"(?!都没用|也没用|都不管用|也不管用|都没效果|也没效果|了?[^。，！？]{0,6}(?:病|感冒|发烧|咳嗽|没好))"

# "End it" with a time is a plan with a date (C-SSRS: plan); "end it with him" is a breakup.
_WHEN = (
    r"(?:at\s+\d{1,2}(?::\d{2})?\s*(?:am|pm|o'?clock)?|tonight|today|tomorrow|this (?:weekend|week|month)"
    r"|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|my birthday|the \d+(?:st|nd|rd|th)?)"
    r"|before (?:morning|dawn|sunrise|the weekend|the end of the (?:week|month|year)|my birthday|anyone wakes up)"
    r"|when (?:everyone|they)(?:'s| is| are|'re) (?:asleep|gone)|soon)"
)
# Being away for an ordinary reason ("I won't be around after tonight, I'm flying to Tokyo").
_TRIP = r"(?![^.!?]{0,40}\b(?:trip|vacation|holiday|flight|flying|fly|travel\w*|camping|conference|offline|wifi|wi-fi|reception|signal|moving)\b)"
_ZH_TRIP = r"(?![^。！？]{0,12}(?:出差|旅游|旅行|出国|搬家|回老家|军训|集训|闭关|去外地|开学|住校|上班|坐飞机|飞))"
# Threats of revenge, and a weapon got ready: together they are a plan to hurt someone.
_REVENGE = (
    r"(?:make|making) (?:him|her|them|that \w+|those \w+|my \w+|everyone|all of them) (?:pay|suffer|regret (?:it|this|everything))"
    r"(?! for (?:dinner|lunch|breakfast|the|it|drinks|rent|a|my|our|his|her|their|me)\b| the\b| back\b| me back\b| half\b| rent\b| up\b)"
)
_WEAPON = r"(?:knife|knives|gun|pistol|rifle|shotgun|machete|axe|hatchet|crowbar|baseball bat|acid|gasoline|petrol)"
_ARMED = (
    rf"\b(?:bought|got|have|grabbed|brought|sharpened|packed|hid|loaded|carrying|ordered)\s+(?:a|an|my|the|some|his|her|dad'?s)?\s*(?:\w+\s+)?{_WEAPON}\b"
    rf"|\b{_WEAPON}\s+(?:is|are|'s)\s+(?:ready|loaded|sharpened|in my (?:bag|pocket|car))\b"
)
_ZH_REVENGE = r"(?:让|叫)(?:他|她|他们|她们|那个人|那些人|这个人|他全家|她全家|所有人)(?:付出代价|血债血偿|偿命|生不如死|不得好死)"
_ZH_ARMED = r"(?:刀|菜刀|水果刀|砍刀|匕首|尖刀|枪|汽油|硫酸|斧头|铁棍|锤子)[^。！？，]{0,3}?(?:都|已经|也)?(?:准备好了|买好了|磨好了|备好了|藏好了|带(?:着|上|好)了?|揣着)"

EN = [
    # ---- suicide: explicit intent and ideation
    _p(
        "en.kill_self",
        "en",
        "suicide",
        "high",
        "ideation",
        rf"\b(?:kill|killing|killed|end|ending|take|taking|off|offing|unalive|unaliving)\s+{_ME}\b",
        True,
    ),
    _p(
        "en.end_it_all",
        "en",
        "suicide",
        "high",
        "ideation",
        r"\b(?:end it all|end(?:ing)? everything|end it tonight|end my suffering for good|end it for good)\b",
        True,
    ),
    _p(
        "en.end_it_when",
        "en",
        "suicide",
        "high",
        "plan",
        rf"\b(?:i'?ll|i will|i'?m|i am|going to|gonna|want to|wanna|plan to|planning to|ready to|decided to)\s+(?:just\s+|finally\s+)?end(?:ing)?\s+(?:it|it all|things|everything|my life)\s+{_WHEN}\b",
        True,
    ),
    _p(
        "en.suicidal",
        "en",
        "suicide",
        "high",
        "ideation",
        r"\b(?:i'?m|i am|feel|feeling|felt|been|get|getting|so|very|really|pretty|kinda|kind of)\s+(?:so\s+|very\s+|really\s+)?suicidal\b",
        True,
    ),
    _p(
        "en.commit_suicide",
        "en",
        "suicide",
        "high",
        "ideation",
        rf"\b(?:commit|committing|attempt|attempted|attempting|{_INTENT})\s+(?:to\s+)?(?:commit\s+)?suicide\b",
        True,
    ),
    _p("en.kms", "en", "suicide", "high", "ideation", r"\b(?:kms|kys myself|unalive myself)\b"),
    _p("en.ready_die", "en", "suicide", "high", "ideation", r"\b(?:i'?m|i am) (?:so |just |finally )?ready to (?:die|go|end it|be done)\b|\bsuicide (?:is|feels like|seems like|looks like) (?:the |my )?(?:only |best |last )?(?:option|answer|way out|choice|solution)\b", True),
    _p(
        "en.want_die",
        "en",
        "suicide",
        "high",
        "ideation",
        r"\bi\s+(?:just\s+|really\s+|honestly\s+|kind of\s+|kinda\s+)?(?:want|wanted|wanna|wish|wished|need|am going|'m going|am ready|'m ready)\s+(?:to\s+)?(?:die+|be dead|stop living|stop existing|not exist|not be alive|not wake up|never wake up|be gone for good)\b(?! (?:of|from) (?:embarrassment|shame|laughter|laughing|boredom|cringe|cuteness)| laughing| (?:peacefully |happy |old )?(?:of old age|when i'?m (?:old|\d+)|in my sleep at \d+))",
        True,
    ),
    _p(
        "en.wish_dead",
        "en",
        "suicide",
        "high",
        "ideation",
        r"\b(?:wish|wished)\s+i\s+(?:was|were|could be|had been)\s+(?:dead|never born|gone)\b|\b(?:wish|wished) i (?:had never been born|was never born|never existed|didn'?t exist)\b",
    ),
    _p(
        "en.dont_want_live",
        "en",
        "suicide",
        "high",
        "ideation",
        r"\b(?:don'?t|do not|no longer|dont)\s+(?:really\s+)?(?:want|wish|care)\s+to\s+(?:live|be alive|exist|be here|wake up|go on)\b",
    ),
    _p(
        "en.sleep_forever",
        "en",
        "suicide",
        "high",
        "ideation",
        r"\b(?:sleep forever|go to sleep and never wake up|fall asleep and not wake up|never wake up again|not wake up tomorrow|never have to wake up)\b",
    ),
    _p(
        "en.better_off",
        "en",
        "suicide",
        "high",
        "ideation",
        r"\b(?:better off without me|better off if i (?:was|were|wasn'?t|weren'?t) (?:dead|gone|here|around|alive)|better off dead|(?:easier|better) (?:for (?:everyone|everybody|them|my family) )?if i (?:just )?(?:wasn'?t|weren'?t|was not|were not|am not|'m not) (?:here|around|alive)|(?:a )?better (?:place )?without me|(?:would|will|'d) be (?:better|happier|fine|relieved|better off)(?: off)? (?:if i (?:was|were|'m|am) (?:dead|gone|not here|not around|not alive)|without me|once i'?m gone)|be better if i (?:was|were) (?:dead|gone)|won'?t (?:have to )?miss me|nobody would (?:even )?notice if i (?:was|were) gone|no one would (?:care|notice) if i died)\b",
    ),
    _p(
        "en.no_reason_live",
        "en",
        "suicide",
        "medium",
        "hopelessness",
        r"\b(?:no|not any|nothing to|without (?:a|any))\s+(?:reason|point|purpose)\s+(?:for me\s+)?(?:to|in|for)\s+(?:keep\s+|go on\s+)?(?:live|living|going on|going|being alive|life|stay|staying|exist|existing)\b|\bwhat'?s the point of (?:living|life|going on|anything)\b|\blife (?:isn'?t|is not) worth living\b",
    ),
    _p(
        "en.disappear",
        "en",
        "suicide",
        "medium",
        "ideation",
        r"\b(?:want|wanna|wish)\s+(?:i could\s+|to\s+)?(?:just\s+)?(?:disappear|vanish|cease to exist|fade away)\b(?! into| for a (?:few |couple of |little )?(?:days?|weeks?|while|bit)| on (?:a )?(?:trip|vacation|holiday)| this weekend| from social media)",
    ),
    _p(
        "en.cant_go_on",
        "en",
        "suicide",
        "medium",
        "hopelessness",
        r"\bcan'?t\s+(?:go on|keep going|do this anymore|take (?:it|this|much more) anymore|live like this|keep living|carry on)\b|\b(?:i'?m|i am) done with (?:life|living|everything)\b|\bgive up on (?:life|living)\b",
    ),
    _p(
        "en.burden",
        "en",
        "suicide",
        "medium",
        "hopelessness",
        r"\b(?:i'?m|i am|i feel like)\s+(?:just\s+)?(?:a|such a)\s+burden\b|\beveryone (?:hates|would be happier without) me\b",
    ),
    _p(
        "en.hopeless",
        "en",
        "suicide",
        "low",
        "hopelessness",
        r"\b(?:hopeless|no hope left|nothing will ever get better|trapped with no way out|no way out|nothing left to live for)\b",
    ),
    _p("en.nothing_to_live", "en", "suicide", "high", "ideation", r"\bnothing (?:left )?to live for\b"),
    # ---- preparation, plan, means, farewell
    _p(
        "en.saving_pills",
        "en",
        "suicide",
        "high",
        "means",
        rf"\b(?:saving|saved|stockpil\w*|hoard\w*|collect\w*|stash\w*|storing|kept|keeping)\s+(?:up\s+)?(?:all\s+)?(?:my\s+|of my\s+|some\s+|a lot of\s+)?{_STOCK}?(?:my\s+)?{_PILLS}\b"
        rf"|\b(?:{_STOCK}(?:my\s+)?(?:[\w-]+\s+)?{_PILLS}\s+(?:saved|collected|hidden)|(?:{_STOCK}|my\s+|some\s+|a lot of\s+)(?:my\s+)?(?:[\w-]+\s+)?{_PILLS}\s+(?:stockpiled|hoarded|stashed|saved up|set aside|hidden away))\b",
    ),
    _p(
        "en.means",
        "en",
        "suicide",
        "medium",
        "means",
        r"\b(?:bought|buying|got|have|found|ordered)\s+(?:a\s+|some\s+)?(?:rope|noose|gun|pistol|rifle|razor blades?|blades?|charcoal|pesticide|poison|rat poison|helium)\b|\bhow (?:many|much) (?:pills|tablets|of \w+) (?:would|does it take|to) (?:kill|die|overdose)\b|\blethal dose\b|\bpainless(?:ly)? (?:way|ways) to (?:die|go)\b",
    ),
    _p(
        "en.take_many",
        "en",
        "suicide",
        "high",
        "plan",
        rf"\b(?:{_INTENT}|will|i'?ll)\s+(?:to\s+)?(?:take|swallow|down|pop|overdose on|od on)\s+(?:{_OD_AMOUNT}|{_OD_BARE}){_ROUTINE}",
        True,
    ),
    _p("en.how_many", "en", "suicide", "high", "means", r"\bhow (?:many|much) [\w\s]{0,30}?(?:would it take|does it take|to take|do i need|would i need) to (?:die|kill myself|overdose|od|not wake up|end it)\b"),
    _p("en.letters", "en", "suicide", "high", "farewell", r"\b(?:wrote|written|writing|left) (?:goodbye |farewell |last )?(?:letters|notes) (?:to|for) (?:everyone|everybody|my family|all of you|my kids|my parents)\b"),
    _p("en.thoughts", "en", "suicide", "high", "ideation", r"\b(?:suicide|dying|killing myself|ending (?:it|my life)|death) is all i (?:can |ever )?(?:think|dream) about\b|\ball i (?:can |ever )?think about is (?:suicide|dying|killing myself|ending (?:it|my life)|death)\b|\b(?:thoughts?|thinking|think|thought|ideas?|urges?|dream(?:ing)?|fantasi[sz]\w*) (?:of|about) (?:suicide|killing myself|ending (?:it|my life|things)|dying|taking my (?:own )?life)\b|\bsuicidal (?:thoughts|ideation|urges|feelings)\b|\b(?:attempted|tried) (?:suicide|to kill myself|to end my life|to end it)\b", True),
    _p("en.cooccur", "en", "suicide", "medium", "ideation", r"\bi\b(?:(?!\b(?:don'?t|do not|never|not|won'?t)\b)[^.!?]){0,40}\b(?:want|wanna|wish|tired of|sick of|rather|easier|better|ready|think(?:ing)? about|dream(?:ing)? of|long for|crave)\b[^.!?]{0,30}\b(?:dying(?! (?:my|her|his|their) hair)|to die|be dead|being dead|not (?:be )?(?:here|around|alive)|wasn'?t (?:here|around|alive)|weren'?t (?:here|around|alive)|being alive|living anymore|be alive|existing|not exist|everything to stop|it all to stop|make it (?:all )?stop|it to end|it all to end)\b", True),
    _p("en.no_future", "en", "suicide", "medium", "hopelessness", r"\b(?:don'?t|do not|can'?t|cannot) see (?:a|any) (?:future|way out|point|reason to (?:live|go on))\b|\bthere'?s no (?:future|way out) for me\b"),
    _p("en.wish_hit", "en", "suicide", "high", "ideation", r"\b(?:wish|hope|pray)\w* (?:a|some|the|that a) \w+ (?:would|will|could) (?:hit|kill|run over|crash into) me\b|\bwish i (?:would|could) (?:get hit|die in|not survive)\b"),
    _p("en.lethal_lookup", "en", "suicide", "high", "means", r"\b(?:looked up|looking up|googled|searched|researching|research(?:ed)?|read up on) [\w\s]{0,40}\b(?:fatal|lethal|overdose|painless ways? to die|ways? to (?:die|kill myself)|how to (?:die|kill myself|overdose))\b"),
    _p("en.means_ready", "en", "suicide", "high", "means", r"\b(?:pills|tablets|razor|blades?|rope|gun|knife|noose)\b[\w\s]{0,20}\b(?:lined up|counted out|hidden|ready|stashed|set aside|on my desk|under my bed|for when it gets bad)\b|\b(?:keep|kept|have|hid|hide|hiding)\w* (?:a |the |my )?(?:razor|blades?|rope|gun|pills)\b[\w\s]{0,20}\b(?:for when|just in case|in case i|hidden)\b"),
    _p("en.before_go", "en", "suicide", "medium", "farewell", r"\b(?:after|when|once|before) i'?m (?:gone|dead|no longer here)\b|\bthank(?:s| you) for everything\b[^.!?]{0,40}\bbefore i (?:go|leave|die)\b|\bbefore i go for good\b"),
    _p("en.cutting_helps", "en", "self_harm", "high", "self_harm", r"\b(?:helps?|relief|release|only thing|urge|addicted to|stop|resist)\b[\w\s]{0,12}\b(?:cutting|self[- ]?harm(?:ing)?|burning myself)\b|\bcutting (?:again|helps|is the only|makes me feel)\b"),
    _p("en.until_bleed", "en", "self_harm", "high", "self_harm", r"\b(?:scratch|pick|bite|hit|punch|burn|cut|pull|claw|bang|slam)\w*\b[^.!?]{0,30}\buntil (?:it|they|i|the skin|my \w+) (?:bleeds?|bled|bleed|(?:is |are )?bleeding|bruises?|bruised|bruise|breaks?|broke)\b"),
    _p(
        "en.jump",
        "en",
        "suicide",
        "high",
        "plan",
        rf"\b(?:{_INTENT}|will|i'?ll|should)\s+(?:to\s+)?(?:jump|jumping)\s+(?:off|from|in front of)\b|\bjump in front of (?:a|the) (?:train|bus|car|truck)\b",
    ),
    _p(
        "en.hang",
        "en",
        "suicide",
        "high",
        "plan",
        rf"\b(?:{_INTENT}|will|i'?ll)\s+(?:to\s+)?(?:hang|hanging)\s+myself\b",
    ),
    _p(
        "en.on_ledge",
        "en",
        "suicide",
        "imminent",
        "plan",
        r"\b(?:i'?m|i am)\s+(?:standing\s+|sitting\s+)?(?:on|at) (?:the |a )?(?:top of (?:the|a) (?:building|roof|parking garage|cliff)|roof|rooftop|ledge|edge of the roof|edge|bridge|railing|cliff|(?:train |railway |railroad )?tracks)\b(?! (?:of|for) (?:the|my|a) (?:album|song|game|race))",
    ),
    _p(
        "en.note",
        "en",
        "suicide",
        "high",
        "farewell",
        r"\b(?:wrote|written|writing|left|finished|leave)\s+(?:a|my)\s+(?:suicide note|goodbye (?:note|letter)|last letter|farewell letter)\b|\bsuicide note\b",
    ),
    _p(
        "en.goodbye",
        "en",
        "suicide",
        "high",
        "farewell",
        rf"\b(?:this is (?:my )?(?:final |last )?goodbye|goodbye (?:forever|everyone|world|cruel world)|won'?t be (?:here|around|alive) (?:(?:after|past|by|beyond) (?:tonight|today|tomorrow|this week(?:end)?|the weekend|morning|\w+day)|tomorrow|much longer|anymore){_TRIP}|you won'?t (?:see|hear from) me again|my last (?:message|night|day)(?!\s+(?:in|at|of|on|as|before|off|shift|working|for (?:today|tonight|now|a while|the (?:day|night|week|weekend)))\b(?!\s+(?:earth|this (?:world|planet)|the planet)))|tell (?:them|my \w+) i (?:loved|love) them)\b",
    ),
    _p(
        "en.give_away",
        "en",
        "suicide",
        "high",
        "farewell",
        r"\bgiv(?:e|ing|en) away (?:all )?(?:of )?my (?:stuff|things|belongings|possessions|pets?|cat|dog)\b|\bgiv(?:e|ing|en|ven) (?:all )?(?:of )?my (?:stuff|things|belongings|possessions|pets?|cat|dog) away\b|\bgiv\w* [^.!?]{0,40}\baway\b[^!?]{0,30}\b(?:won'?t|will not|wouldn'?t) (?:be )?need(?:ing)? (?:it|them|any of (?:it|this|them))\b|\bgot my affairs in order\b|\bwrote my will\b",
    ),
    _p(
        "en.took_pills",
        "en",
        "medical_emergency",
        "imminent",
        "act",
        rf"{_I_TOOK}(?:{_OD_AMOUNT}|(?<!ate )(?<!eaten )(?<!downed )(?<!drank )(?<!drunk )(?:{_OD_BARE})){_ROUTINE}"
        rf"|{_I_TOOK}(?:[\w\s]{{0,25}}?\b)?(?:bleach|rat poison|poison|antifreeze|pesticide|weed ?killer|drain cleaner)\b",
    ),
    _p(
        "en.took_lot",
        "en",
        "medical_emergency",
        "high",
        "act",
        rf"{_I_TOOK}(?:a lot of|lots of|a load of|loads of|heaps of|so many|way too much of)\s+(?:my\s+|the\s+)?{_MED}{_ROUTINE}",
    ),
    _p(
        "en.took_some",
        "en",
        "medical_emergency",
        "medium",
        "act",
        rf"{_I_TOOK}(?:[5-9]|five|six|seven|eight|nine)\s+(?:of\s+)?(?:my\s+|the\s+)?{_MED}{_ROUTINE}",
    ),
    _p(
        "en.overdose",
        "en",
        "medical_emergency",
        "imminent",
        "act",
        r"\bi(?:'ve| have)? (?:just )?overdosed\b|\bi (?:just )?od'?d\b",
    ),
    _p(
        "en.medical",
        "en",
        "medical_emergency",
        "high",
        "medical",
        r"\b(?:can'?t breathe|chest pain|bleeding (?:a lot|heavily|badly|won'?t stop)|won'?t stop bleeding|passing out|losing consciousness)\b",
    ),
    # ---- self-harm
    _p(
        "en.self_harm_act",
        "en",
        "self_harm",
        "high",
        "self_harm",
        r"\b(?:cut|cutting|cuts|burn|burning|burned|hurt|hurting|harm|harming|punish|punishing|scratch|scratching|hit|hitting|bang|banging)\s+myself\b(?! (?:playing|while|at the|when i fell|by accident|accidentally|in the kitchen|cooking|shaving))",
        True,
    ),
    _p(
        "en.self_harm_word",
        "en",
        "self_harm",
        "high",
        "self_harm",
        r"\b(?:i|i've|i have|been|started|keep|still|relapsed)\s+(?:been\s+)?(?:self[- ]?harm\w*|sh(?:ing)?\b)|\bself[- ]?harm(?:ing)? again\b|\burge to (?:cut|self[- ]?harm|hurt myself|burn myself)\b",
    ),
    _p(
        "en.cut_wrists",
        "en",
        "self_harm",
        "high",
        "self_harm",
        r"\b(?:cut|cutting|slit|slitting|carv\w*|slic\w*)\s+(?:into\s+)?my\s+(?:wrists?|arms?|legs?|thighs?|skin|stomach)\b|\b(?:burn|burning|burned|burnt)\s+my\s+(?:wrists?|arms?|legs?|thighs?|skin|stomach|hands?)\s+with\s+(?:a |my )?(?:lighter|cigarettes?|matches|a match|hot)\b|\b(?:cuts|scars|burns|wounds)\b[^.!?]{0,25}\b(?:i made|i gave|i did|i caused|i did to)\s+(?:to\s+)?myself\b|\bself[- ]inflicted\b",
        True,
    ),
    # ---- harm to others
    _p(
        "en.kill_other",
        "en",
        "harm_to_others",
        "high",
        "others",
        r"\b(?:want|wanna|going|gonna|plan|planning|ready|decided|thinking about|think about|thought about|imagine|imagining|keep thinking about|fantasi[sz](?:e|ing) about|dream(?:ing)? about)\s+(?:to\s+)?(?:kill(?:ing)?|murder(?:ing)?|stab(?:bing)?|shoot(?:ing)?|strangl(?:e|ing)|poison(?:ing)?|hurt(?:ing)?|beat(?:ing)? up|attack(?:ing)?)\s+(?:him|her|them|my (?:\w+ )?\w+|everyone|people|someone|somebody|that (?:guy|girl|man|woman|bitch|bastard)|the (?:whole )?class|(?:the )?(?:kids|people|guys|girls) (?:at|in|from|who))\b",
        True,
    ),
    _p(
        "en.mass_violence",
        "en",
        "harm_to_others",
        "imminent",
        "others",
        r"\b(?:shoot up|bring a gun to|bomb|blow up)\s+(?:the|my|a)\s+(?:school|class|office|work|church|mall)\b|\bmake them all pay\b.*\b(?:gun|knife|kill)\b",
    ),
    _p(
        "en.ill_kill",
        "en",
        "harm_to_others",
        "medium",
        "others",
        r"\bi(?:'ll| will| could| swear i'?ll)\s+(?:fucking\s+)?(?:kill|murder|stab|strangle)\s+(?:him|her|them|that)\b(?! (?:with kindness|at (?:chess|poker|cards)))",
    ),
    _p(
        "en.revenge",
        "en",
        "harm_to_others",
        "medium",
        "others",
        rf"\b(?:{_INTENT}|will|i'?ll|i'?m)\s+(?:to\s+)?{_REVENGE}",
        True,
    ),
    _p(
        "en.revenge_armed",
        "en",
        "harm_to_others",
        "high",
        "others",
        rf"\b{_REVENGE}[^.!?]{{0,60}}?(?:{_ARMED})|(?:{_ARMED})[^.!?]{{0,60}}?\b{_REVENGE}",
        True,
    ),
    # ---- abuse (the user being harmed)
    _p(
        "en.abuse_by",
        "en",
        "abuse",
        "high",
        "abuse",
        r"\b(?:he|she|they|my (?:\w+ )?(?:dad|father|mom|mother|stepdad|stepfather|stepmom|stepmother|husband|wife|partner|boyfriend|girlfriend|ex|uncle|aunt|brother|sister|cousin|grandpa|grandfather|teacher|coach|boss|pastor|priest|babysitter|roommate))\s+(?:always\s+|often\s+|keeps\s+|still\s+|sometimes\s+|again\s+|has\s+|had\s+|just\s+)?(?:hits|hit|beats|beat|punches|punched|kicks|kicked|chokes|choked|strangles|strangled|slaps|slapped|rapes|raped|molests|molested|abuses|abused|burns|burned|locks me|locked me|threatens to kill|threatened to kill|forces me|forced me|touches me|touched me|grabbed me by|pushed me down)\b",
    ),
    _p("en.abuse_far", "en", "abuse", "high", "abuse", r"\b(?:he|she|my (?:\w+ )?(?:dad|father|mom|mother|stepdad|stepfather|stepmom|stepmother|husband|wife|partner|boyfriend|girlfriend|ex|uncle|aunt|brother|cousin|grandpa|grandfather|teacher|coach|boss|pastor|priest|babysitter|neighbou?r|tutor))\b[^.!?]{0,40}\b(?:touched me|touches me|hits me|hit me|beats me|beat me|choked me|chokes me|raped me|molested me|forced me to|threatened to (?:kill|hurt) me|sends? me (?:sexual|nude|explicit))\b"),
    _p(
        "en.abuse_passive",
        "en",
        "abuse",
        "high",
        "abuse",
        r"\bi(?:'m| am| was| have been|'ve been| got| get)\s+(?:being\s+)?(?:raped|sexually (?:assaulted|abused|harassed)|molested|abused|beaten|assaulted|trafficked|groomed)\b|\b(?:domestic violence|dv) at home\b|\b(?:he|she) (?:won'?t|doesn'?t) let me leave\b|\bscared (?:to go|of going) home\b|\bafraid (?:he|she|they)(?:'ll| will) kill me\b",
    ),
    # ---- added after dev3 (see docs/safety.md): lookups, last messages, funerals
    _p("en.how_much_drug", "en", "suicide", "high", "means", rf"\bhow (?:many|much) (?:of (?:my |the |these |those )?)?(?:{DRUGS}|pills|tablets|meds|medication)\b[^.!?]{{0,25}}\b(?:it takes|does it take|would it take|would kill|to kill|to die|to od|to overdose|is (?:lethal|fatal|too much to survive))"),
    _p("en.last_time", "en", "suicide", "high", "farewell", r"\b(?:this is|it'?s|that was) the last time (?:you'?ll|you will|anyone will|you) (?:ever )?(?:hear from|see|talk to) me\b|\bi won'?t be (?:talking to|bothering) (?:you|anyone) (?:again|ever again|anymore)\b"),
    _p("en.funeral", "en", "suicide", "medium", "ideation", r"\b(?:picture|picturing|imagine|imagining|plan|planning|think(?:ing)? about|dream(?:ing)? about)\w* my (?:own )?(?:funeral|death|grave)\b(?! (?:costs|insurance|arrangements? for when i'?m old))"),
    # ---- added from the euphemism probes (docs/safety.md, "Patterns: euphemisms and pacts")
    _p("en.not_here_long", "en", "suicide", "high", "farewell", rf"\b(?:i'?m|i am) not (?:going to|gonna) be (?:here|around|alive) (?:much longer|for (?:much )?longer|for long|anymore|after (?:tonight|today|this week))\b{_TRIP}"),
    _p("en.act_on_it", "en", "suicide", "high", "plan", r"\b(?:scared|afraid|worried|terrified|think|feel like|know)\b[^.!?]{0,12}\b(?:i'?ll|i will|i might|i'?m going to|i am going to|i'?m gonna) (?:actually |finally )?act on (?:it|them|these thoughts|those thoughts|my thoughts|the (?:urges?|thoughts|feelings?))\b|\b(?:going to|gonna|ready to|want to) act on (?:it|these thoughts|my thoughts|the urges?) (?:tonight|today|this time|soon)\b"),
    _p("en.gave_pet", "en", "suicide", "high", "farewell", r"\b(?:gave|giving|given|rehomed|rehoming) (?:away )?(?:all )?(?:of )?my (?:dog|cat|pets?|stuff|things|belongings|possessions|savings) (?:away )?to\b(?![^.!?]{0,30}\b(?:for the (?:week(?:end)?|day|night|holidays?)|while i|until i|to (?:watch|look after|mind|feed)|for a (?:few|couple)|when i (?:travel|go)))"),
    _p("en.pact", "en", "suicide", "high", "plan", r"\b(?:suicide|death) pact\b|\bmake a pact\b[^.!?]{0,20}\b(?:die|end it|together|kill)|\b(?:anyone|anybody|someone|somebody|people)\b[^.!?]{0,15}\b(?:to|wants? to|wanna) (?:die|end it|do it|kill ourselves|go) (?:together|with me)\b|\b(?:someone|somebody|a partner|people) to (?:die|end it|kill myself|go) with\b|\b(?:anyone|anybody|who) (?:wants? to|wanna) (?:make|form|join) a pact\b"),
    _p("en.painless", "en", "suicide", "high", "means", r"\bhow (?:can|do|could|would|should|does) (?:i|you|people|one|someone|a person) (?:die|go|end it|pass away|kill (?:myself|yourself|themselves)) (?:without (?:any )?pain|painlessly|peacefully|quickly|in (?:my|their|your) sleep)\b(?! (?:of|from) (?:old age|natural causes|cancer))"),
    _p("en.nearly_did", "en", "suicide", "high", "act", r"\b(?:nearly|almost) (?:jumped|did it|went through with it|ended it|ended my life|killed myself|took (?:all )?(?:the|my) pills|overdosed|hanged myself|cut too deep)\b(?! (?:out of my skin|for joy|at the chance|in(?:to)? the (?:pool|lake|water)|the gun|ship|off the couch))"),
    _p("en.brains_out", "en", "suicide", "high", "plan", r"\b(?:blow|blowing|shoot|shooting|put a bullet (?:in|through)) (?:my )?(?:fucking )?(?:brains? out|head off|own head)\b|\bput a bullet (?:in|through) my (?:head|brain|skull)\b"),
    _p("en.why_here", "en", "suicide", "medium", "hopelessness", r"\bwhy (?:am i|do i|should i) (?:even |still )?(?:here|alive|exist|bother living|keep living|keep going)\b(?! (?:at|in|on|for|with|today|again)\b)"),
    _p("en.weapon_on_me", "en", "suicide", "imminent", "act", r"\b(?:put|putting|held|holding|hold|press\w*|pointed|pointing)\s+(?:the |a |my |his |her |\w+'?s )?(?:gun|pistol|knife|blade|razor)\s+(?:to|against|on|at)\s+my\s+(?:head|neck|throat|wrists?|temple|chest|mouth)\b|\b(?:gun|pistol|trigger|knife|blade|razor)\b[^.!?]{0,80}\b(?:put|putting|held|holding|press\w*) it (?:to|against|on) my (?:head|neck|throat|temple|wrists?)\b"),
    _p("en.resisting", "en", "suicide", "high", "ideation", r"\btry(?:ing|ed)? (?:really |so |very )?(?:hard )?not to (?:just )?(?:like )?(?:jump(?! (?:the gun|in|into|to conclusions))|kill myself|end it|end my life|cut myself|cut again|hurt myself|overdose|take (?:all )?(?:the|my) pills)\b"),
    _p("en.best_method", "en", "suicide", "high", "means", r"\b(?:best|easiest|quickest|fastest|surest|most reliable|least painful) (?:way|method|means) (?:to|of) (?:constrict|lose consciousness|stop (?:my )?breathing|die|end it|overdose|hang myself|suffocate|bleed out)\b"),
    _p("en.pain_stop_for_good", "en", "suicide", "high", "ideation", r"\b(?:want|need|wish|wanna)\b[^.!?]{0,10}\b(?:the |this |my |all the )?pain to (?:stop|end) (?:for good|forever|permanently|once and for all)\b"),
    _p("en.no_wake", "en", "suicide", "high", "ideation", r"\b(?:pray|hope|hoping|wish)\w*\b[^.!?]{0,15}\b(?:that )?i (?:don'?t|didn'?t|did not|won'?t|wouldn'?t|would not|never|do not|will not) (?:have to )?wake up\b|\b(?:pray|hope|hoping|wish)\w* (?:not|never) to wake up\b|\b(?:sleep|nap|rest)\b[^!?]{0,30}\b(?:(?:you|i|one|people) )?(?:don'?t|won'?t|never|do not|will not|wouldn'?t) wake (?:up )?from\b"),
    # ---- added from the s7 blind probes (development half): passive wishes, method questions, farewells, abuse threats
    _p("en.taken_in_sleep", "en", "suicide", "high", "ideation", r"\b(?:pray|praying|hope|hoping|wish|wishing|beg|begging|asking)\w*\b[^.!?]{0,30}\b(?:god|the lord|the universe|someone|something|death|it)\b[^.!?]{0,6}\b(?:takes?|taking|would take|will take|to take) me (?:in my sleep|tonight|already|now|away from (?:all )?this|out of this (?:world|life))\b"),
    _p("en.stop_existing", "en", "suicide", "high", "ideation", r"\b(?:wish|want|wanna|need|hope|long|pray)\w*(?: (?:that|i|to|could|would|just|simply|i'?d|really|so|badly|sometimes|kinda|honestly))* (?:stop existing|cease to exist|cease existing|not exist(?: anymore| any ?more)?|un-?exist)\b"),
    _p("en.finish_me_off", "en", "suicide", "high", "ideation", r"\b(?:hop(?:e|ing)|wish(?:ing)?|pray(?:ing)?|kinda hoping|secretly hoping)\b[^.!?]{0,40}\b(?:finish(?:es)? me off|(?<!n't )(?<!not )kills? me(?: off)?|takes? me out)\b(?! (?:lol|lmao|haha|at (?:chess|poker)))"),
    _p("en.last_post", "en", "suicide", "medium", "farewell", r"\b(?:this is|this'?ll be|this will be|consider this) my (?:last|final) (?:post|message|words|note|goodbye|entry)\b(?! (?:before|for (?:today|tonight|now|a while|the (?:day|night|week|month|year|semester))|of (?:the|20\d\d)|here,? (?:moving|see)|on this (?:account|sub)))"),
    _p("en.not_your_fault", "en", "suicide", "high", "farewell", r"\b(?:please )?(?:tell|let) (?:my|him|her|them|everyone)\b[^.!?]{0,40}\b(?:(?:none of (?:this|it)) (?:was|is)|(?:this|it) (?:was|is)(?:n'?t| not)) (?:his|her|their|your|anyone'?s) fault\b"),
    _p("en.gave_away_most", "en", "suicide", "medium", "farewell", r"(?:\b(?:gave|giving|given|give) away (?:almost )?(?:all|most|everything|the rest) (?:of )?(?:my|i own|i have)\b|\bgave away my [a-z]+ and (?:most|all|the rest) of my\b)(?![^.!?]{0,50}\b(?:charity|charities|donat\w*|thrift|goodwill|when (?:we|i) moved|moving house|to make (?:room|space)|kids? (?:grew|outgrew)))"),
    _p("en.method_hurts", "en", "suicide", "high", "means", r"\b(?:does|would|will|is|how long does|how long would|how much does|how much would)\b[^.!?]{0,6}\b(?:drowning|hanging|jumping|bleeding out|overdosing|an overdose|od'?ing|suffocating|suffocation|slitting|getting hit by a train)\b[^.!?]{0,20}\b(?:hurt|painful|take|quick|fast|last)\b"),
    _p("en.less_painful", "en", "suicide", "high", "means", r"\b(?:less|least|more|most) (?:painful|messy|reliable|certain|effective)\b[^.!?]{0,40}\b(?:jump\w*|pills|hang\w*|drown\w*|od|overdose|gun|rope|bridge)\b|\b(?:jump\w*|pills|hang\w*|drown\w*|od|overdose)\b[^.!?]{0,30}\b(?:or|vs|versus)\b[^.!?]{0,20}\b(?:jump\w*|pills|hang\w*|drown\w*|od|overdose)\b[^.!?]{0,40}\b(?:less|least|more|most) (?:painful|reliable|certain|quick)\b|\bleast messy way\b"),
    _p("en.lethal_height", "en", "suicide", "high", "means", r"\bwhat (?:height|floor|storey|story)\b[^.!?]{0,40}\b(?:guarantee\w*|lethal|fatal|enough to (?:die|kill)|kill (?:you|someone|a person)|die|not survive)\b|\bhow (?:high|tall|many (?:floors|stories|storeys))\b[^.!?]{0,30}\b(?:to die|to be fatal|is (?:lethal|fatal)|to not survive|guarantee\w*)\b"),
    _p("en.on_the_edge", "en", "suicide", "high", "act", r"\b(?:stood|standing|sat|sitting) on the (?:edge|ledge|railing|rail) (?:of (?:the|a) (?:bridge|roof|building|cliff|balcony|overpass) )?(?:for|last night|tonight|again|until|and)\b(?![^.!?]{0,30}\b(?:photo|picture|selfie|view|sunset|hike|grand canyon))"),
    _p("en.meant_it", "en", "suicide", "high", "act", r"\b(?:almost|nearly) (?:drove|crashed|swerved|stepped|walked) (?:into|off|in front of)\b[^.!?]{0,60}[.!?,]?\s*(?:and )?i meant it\b"),
    _p("en.hide_marks", "en", "self_harm", "high", "self_harm", r"\b(?:hide|hiding|cover|covering|conceal\w*)\b[^.!?]{0,10}\b(?:the |my |these )?(?:marks|cuts|scars|scratches|burns|wounds)\b[^.!?]{0,20}\bon my (?:arms?|wrists?|thighs?|legs?|stomach|hips?)\b|\bsh (?:thoughts|urges?|again|relapse|scars|marks|cuts)\b|\bkeep (?:looking at|staring at|thinking about) (?:the|my) (?:razor|blade|sharpener)\b"),
    _p("en.kill_if_leave", "en", "abuse", "high", "abuse", r"\b(?:he|she|my (?:\w+ )?(?:husband|wife|partner|boyfriend|bf|girlfriend|gf|ex|dad|father|stepdad|stepfather))\b[^.!?]{0,20}\b(?:said|says|swore|threatened|threatens|told me)\b[^.!?]{0,20}\bif i (?:leave|left|tell|told|call|called|go to the police|report)\b[^.!?]{0,20}\b(?:he|she)(?:'ll| will|'d| would) (?:kill|hurt|find) (?:me|us|the kids|my)\b"),
    _p("en.in_my_room_at_night", "en", "abuse", "high", "abuse", r"\bmy (?:\w+ )?(?:uncle|stepdad|stepfather|dad|father|brother|cousin|grandpa|grandfather|mom'?s boyfriend)\b[^.!?]{0,20}\b(?:comes?|came|sneaks?|snuck|gets?) (?:into|in) (?:my (?:room|bed)|bed with me)\b[^.!?]{0,40}\b(?:night|scared|afraid|don'?t want|can'?t tell|nobody knows)"),
]

_ZH_INTENT = (
    r"(?:想|要|就去|去|准备|打算|计划|决定|只想|真想|好想|很想|都想|一直想|总想|总是想|老想|有点想|有时想|宁愿)"
)

ZH = [
    # ---- suicide
    _p(
        "zh.suicide",
        "zh",
        "suicide",
        "high",
        "ideation",
        r"自杀|轻生|寻死|自尽|结束(?:自己的)?生命|结束(?:掉)?自己(?:的(?:生命|一生))?(?!的)|了结(?:自己|此生|生命)|一死了之|去死了算",
        True,
    ),
    _p(
        "zh.want_die",
        "zh",
        "suicide",
        "high",
        "ideation",
        r"(?<!理)(?<!梦)(?<!思)(?<!多人)(?<!些人)(?<!有人)(?<!别人)(?<!他们)(?<!她们)(?<!他说)(?<!她说)想死(?!你|您|他|她|它|我了|了你|人|我啦)|(?<!他说)(?<!她说)想去死|想 ?(?:die|kill myself|suicide)|(?:want to|wanna) ?死",
        True,
    ),
    _p(
        "zh.dont_live",
        "zh",
        "suicide",
        "high",
        "ideation",
        r"不想(?:再)?活(?:了|下去)?|不(?:是|太)(?:很|太|那么)?想活|活不下去|不想再活|不要活了|活够了|不如死了|还不如死|死了算了|死了就好了|死了一了百了|死了就解脱|死掉算了|想死掉|想(?:要)?离开这个世界|离开这个世界算了|从这个世界消失|想从世界上消失|不想存在|结束这一切",
    ),
    _p(
        "zh.end_when",
        "zh",
        "suicide",
        "high",
        "plan",
        r"(?:想|要|准备|打算|决定)(?:在)?(?:今晚|今天|明天|今夜|这周末|天亮前|\d{1,2}点)?(?:就)?了结(?:一切|这一切|自己|掉|了|吧)?"
        r"(?![^。，！？]{0,3}(?:这|那|此|事|案|恩怨|心愿|关系|纠纷|官司|债|账|过去|感情|婚姻|合同|工作))"
        r"|(?:^|(?<=[。，！？,.!?~…\s])|一切|这一切|所有的?痛苦|痛苦)(?:都|就)?(?:会|将)?(?:在)?(?:今晚|今夜|今天晚上|天亮之?前)"
        r"(?:就|一切就|一切都|都|就都)?(?:会|要|可以)?(?:结束|了结|解脱)(?:了|吧)?(?=$|[。，！？,.!?~…\s])"
        r"|(?:一切|这一切|所有的?痛苦|痛苦)(?:都|就)?(?:会|将)?(?:在)?(?:明天|今天|这周末)(?:就|都)?(?:会|要)?(?:结束|了结)(?:了|吧)?(?=$|[。，！？,.!?~…\s])",
        True,
    ),
    _p(
        "zh.sleep_forever",
        "zh",
        "suicide",
        "high",
        "ideation",
        r"永远睡过去|睡过去(?:再也)?不(?:要|想)?醒|一睡不醒|再也不要醒来|永远不要醒来|长眠",
    ),
    _p(
        "zh.better_without",
        "zh",
        "suicide",
        "high",
        "ideation",
        r"没有我(?:的话)?[^。！？]{0,8}(?:会|就|都|能)[^。！？]{0,4}(?:更好|轻松|开心|幸福)|我死了(?:他们|大家|家人|你们)?(?:就|会)?(?:更好|轻松|解脱|开心)|我不在了(?:他们|大家|你们)?(?:会|就)更好",
    ),
    _p(
        "zh.meaningless",
        "zh",
        "suicide",
        "medium",
        "hopelessness",
        r"活着(?:真的|真|好|太|很|实在|都|也)*(?:没意思|没意义|没有意义|没什么意思|有什么意思|有什么意义|好累|太累|太痛苦|没劲)|人生没有意义|生无可恋|看不到(?:任何)?希望|没有(?:任何)?希望了|没有活下去的理由|没有盼头",
    ),
    _p(
        "zh.cant_go_on",
        "zh",
        "suicide",
        "medium",
        "hopelessness",
        r"撑不下去|坚持不下去|熬不下去|扛不住了|撑不住了|受不了了[^。]{0,4}(?:想|要)?解脱|想解脱|彻底解脱",
    ),
    _p(
        "zh.burden",
        "zh",
        "suicide",
        "medium",
        "hopelessness",
        r"(?:我|自己)[^。，！？]{0,6}(?:是|成了|就是|像)[^。，！？]{0,4}(?:累赘|负担|拖累|多余的人|废物)|我(?:就)?是(?:个|一个)?(?:累赘|负担|拖累|多余的人|废物)|我(?:的)?存在(?:就)?是(?:个)?(?:错误|多余)"
        # "我对所有人来说都是负担" (the blind probes): who it burdens stated between 我 and 是
        r"|(?:我|自己)(?:对(?:所有人|大家|你们|家里|家人|你|他们|爸妈)来说)?(?:[^。，！？]{0,4})?(?:就|只|都|就只|真的|根本就)?是(?:个|一个)?(?:负担|累赘|拖累|包袱|拖油瓶)|没有我[^。，！？]{0,8}(?:会)?(?:更好|更轻松|过得更好|就解脱)",
    ),
    _p("zh.disappear", "zh", "suicide", "medium", "ideation", r"想(?:永远)?消失(?!几天|一段时间|一阵|一会|一下|去|在)|想人间蒸发"),
    _p(
        "zh.method",
        "zh",
        "suicide",
        "high",
        "plan",
        rf"{_ZH_INTENT}[^。！？]{{0,6}}(?:跳楼|跳河|跳江|跳海|跳桥|卧轨|上吊|割腕|烧炭|服毒|喝农药|吃(?:{_ZH_AMOUNT})?安眠药|吞(?:{_ZH_AMOUNT})?药|吃药自|把[^。，！？]{{0,6}}?{_ZH_MED}(?:全|都|全部|一次性?|一口气)(?:都)?{_ZH_TAKE}(?!完)|{_ZH_TAKE}(?:掉|光|下)?{_ZH_LOT}(?:的)?{_ZH_MED}|撞车|开煤气|从楼上跳|跳下去)",
    ),
    _p(
        "zh.method_bare",
        "zh",
        "suicide",
        "medium",
        "means",
        r"跳楼|卧轨|上吊|割腕|烧炭自|喝农药|服毒|吞安眠药",
    ),
    _p(
        "zh.means",
        "zh",
        "suicide",
        "high",
        "means",
        rf"(?:攒|存|囤|藏|收集)(?:了)?(?:很多|好多|一些|不少|一堆|一瓶|几瓶|足够的?|{_ZH_AMOUNT}(?:的)?)?(?:安眠药|药片|药|农药)|买(?:了|好了)(?:一根|一些|几包|一瓶)?(?:绳子|木炭|炭|刀片|农药|老鼠药|安眠药)|致死(?:剂)?量|多少[^。，！？]{{0,8}}(?:才能|能|会|可以)?(?:致死|死得了|死掉)|(?<!导)致死(?!率)|吃多少(?:片|颗|粒)?(?:\d+(?:\.\d+)?\s*(?:mg|毫克)\s*的?)?(?:药|安眠药|{DRUGS})(?:能|会|可以)?(?:死|致死)",
    ),
    _p("zh.how_die", "zh", "suicide", "high", "plan", r"(?:想好了|计划好了|决定了|研究了?|查了?)(?:要)?(?:怎么|如何|怎样)(?:去)?死|(?:怎么|如何|怎样)(?:死|自杀)(?:最|比较|才)?(?:不痛|快|没有痛苦)"),
    _p(
        "zh.note",
        "zh",
        "suicide",
        "high",
        "farewell",
        r"后事[^。！？]{0,4}(?:交代|安排|准备)|遗书|遗言|(?:交代|安排|准备)(?:好)?(?:了)?后事|写(?:好)?了?(?:给\S{1,4}的)?(?:最后一封信|绝笔)|绝笔",
    ),
    _p(
        "zh.goodbye",
        "zh",
        "suicide",
        "high",
        "farewell",
        rf"永别了|永别|再见了[，,]?(?:这个世界|世界|大家|所有人)|来生再见|下辈子再见|下辈子(?:再|不要)|最后一次(?:跟你|和你)?(?:说话|聊天)|(?:以后|明天|明早|今晚过后|过了今晚|从明天(?:开始|起)|很快|永远|再也)[^。，！？]{{0,4}}(?:见不到|看不到)我了{_ZH_TRIP}|把(?:我的)?(?:东西|猫|狗)都?送(?:给|人)",
    ),
    _p(
        "zh.affairs",
        "zh",
        "suicide",
        "medium",
        "farewell",
        r"把(?:我的)?(?:东西|一切|所有的?东西|所有事|身后的事)(?:都|全|全部)?(?:安排|交代|托付)好了|(?:东西|一切|所有事)(?:都|全)?(?:已经)?交代好了",
    ),
    _p(
        "zh.on_ledge",
        "zh",
        "suicide",
        "imminent",
        "plan",
        r"(?:站在|坐在|爬上|到了|在)(?:楼顶|天台|顶楼|桥上|桥边|江边|河边|窗台|阳台边|铁轨)",
    ),
    _p(
        "zh.took",
        "zh",
        "medical_emergency",
        "imminent",
        "act",
        rf"{_ZH_TAKE}(?:了|下了|下|掉了)(?:我的|家里的?|剩下的)?{_ZH_LOT}(?:的)?[^。，！？\d]{{0,4}}?{_ZH_MED}{_ZH_NO_USE}"
        rf"|把(?:我的|所有的?|全部的?|剩下的|家里的?|一整瓶|整瓶|一瓶|几瓶|一盒|整盒|这些|那些|这瓶|那瓶)?{_ZH_MED}(?:我)?(?:全|全部|一次性?|一口气|一下子)(?:都)?{_ZH_TAKE}(?:了|掉|光|下去?)"
        rf"|(?<!按时)(?<!按医嘱)把(?:我的|所有的?|全部的?|剩下的|家里的?|一整瓶|整瓶|一瓶|几瓶|一盒|整盒)?[^。，！？]{{0,4}}?{_ZH_MED}都{_ZH_TAKE}(?:了|掉|光|下去?)"
        rf"|{_ZH_MED}(?:我)?(?:全|全部|一口气|一次性)(?:都)?{_ZH_TAKE}(?:了|掉|光)"
        r"|喝了(?:农药|百草枯|敌敌畏|老鼠药)|割(?:了)?腕了|已经割了",
    ),
    _p(
        "zh.took_lot",
        "zh",
        "medical_emergency",
        "high",
        "act",
        rf"{_ZH_TAKE}(?:了|下了|下)(?:很多|好多|一大堆)(?:的)?(?:片|颗|粒)?(?:的)?{_ZH_MED}{_ZH_NO_USE}",
    ),
    _p(
        "zh.took_some",
        "zh",
        "medical_emergency",
        "medium",
        "act",
        rf"{_ZH_TAKE}(?:了|下了|下)[五六七八九5-9](?:片|颗|粒)(?:的)?{_ZH_MED}",
    ),
    _p(
        "zh.medical",
        "zh",
        "medical_emergency",
        "high",
        "medical",
        r"喘不上气|呼吸困难|胸口剧痛|血止不住|血(?:一直|还在|不停地?)(?:在)?(?:流|往外冒)|止不住血|流了很多血|血流了(?:很多|好多|一地)|血流不止|流血不止|快晕过去|失去意识",
    ),
    # ---- self-harm
    _p(
        "zh.self_harm",
        "zh",
        "self_harm",
        "high",
        "self_harm",
        r"自残|自伤|自虐|伤害自己|割(?:了|得)(?:好|很|太|那么)深|割深了|割(?:了|伤|破)?(?:自己|手|手腕|腕|胳膊|手臂|大腿)|划(?:了|伤|破)?(?:自己|手|手腕|胳膊|手臂|大腿)|用刀(?:片)?划|烫自己|烧自己|拿头撞墙|打自己|掐自己|惩罚自己的身体",
        True,
    ),
    # ---- harm to others
    _p(
        "zh.kill_other",
        "zh",
        "harm_to_others",
        "high",
        "others",
        r"(?:想|要|准备|打算|计划|真想|恨不得)[^。，！？]{0,6}(?:杀(?:了|掉|死)?|弄死|捅死|砍死|毒死|掐死|打死|报复)(?:他|她|他们|她们|我(?:爸|妈|老公|老婆|老板|同学|室友|同事|邻居|孩子)|全家|所有人|那个人|那些人|那(?:个|些)[^。，！？]{0,8}(?:人|家伙|混蛋|畜生|人渣|贱人)|畜生|混蛋|人渣|王八蛋|贱人|人)|(?:想|要|准备|打算)把(?:他|她|他们|她们|我\S{1,2}|那个人|那些人)(?:给)?(?:杀|弄死|捅死|砍死|毒死|掐死)|报复社会|同归于尽|杀人",
        True,
    ),
    _p("zh.threat", "zh", "harm_to_others", "medium", "others", r"(?:杀了|弄死|捅死|砍死)(?:他|她|他们)"),
    _p("zh.revenge", "zh", "harm_to_others", "medium", "others", rf"(?:要|想|一定|会|准备|打算|发誓)[^。，！？]{{0,3}}{_ZH_REVENGE}", True),
    _p(
        "zh.revenge_armed",
        "zh",
        "harm_to_others",
        "high",
        "others",
        rf"(?:{_ZH_REVENGE}|报复|报仇|算账|同归于尽)[^。！？]{{0,20}}?{_ZH_ARMED}|{_ZH_ARMED}[^。！？]{{0,20}}?(?:{_ZH_REVENGE}|报复|报仇|算账|同归于尽)",
        True,
    ),
    # ---- abuse
    _p(
        "zh.abuse",
        "zh",
        "abuse",
        "high",
        "abuse",
        r"家暴|被(?:人)?(?:强奸|性侵|猥亵|侵犯|虐待|家暴|殴打|打得|绑|拐卖|囚禁|威胁要杀)|被[^。，！？被]{1,4}(?:强奸|性侵|猥亵|侵犯|虐待|殴打|打伤|打得|暴打|毒打)|(?:他|她|爸|爸爸|妈|妈妈|父亲|母亲|继父|继母|后爸|后妈|老公|丈夫|男朋友|男友|女朋友|前夫|前男友|老师|教练|舅舅|叔叔|哥哥|姐姐)(?:又|总是|经常|一直|常常|每天|天天|老是|喝醉了就|一喝酒就|会)?(?:打我|踢我|掐我|扇我|揍我|虐待我|性侵我|强奸我|摸我|猥亵我|威胁要杀我|把我锁|不让我出门|不让我离开)|不敢回家|怕回家|(?:他|爸|爸爸|父亲|继父|后爸|舅舅|叔叔|伯伯|姑父|姨夫|哥哥|表哥|老师|教练|邻居)[^。！？]{0,12}(?:对我)?(?:动手动脚|摸我|脱我)",
    ),
    # ---- added after dev3: euphemisms, waking up, last visits, self-harm with objects
    _p("zh.euphemism", "zh", "suicide", "high", "ideation", r"(?:想|要|去|准备|打算)去?(?:紫砂|自鲨|自s|zisha|si|sǐ)(?![a-z])(?!你|您|他|她|它|我)|(?<![壶锅杯陶泥茶])紫砂(?!壶|锅|杯|陶|泥|茶|器|色)"),
    _p("zh.no_wake", "zh", "suicide", "high", "ideation", r"(?:不用|不要|不会|不再|别再|再也不|再也不用|永远不)(?:再)?醒(?:来|过来)(?:就好|多好|该多好|就好了)|(?:明天|早上)(?:不用|不要|别)(?:再)?醒(?:来|过来)?|醒不过来(?:就好|多好|该多好)|一觉睡过去不(?:再)?醒|不想再(?:睁开眼|睁眼|醒来|醒过来)|永远不想醒"),
    _p("zh.waste", "zh", "suicide", "medium", "hopelessness", r"活着(?:就是|只是|也是|纯粹是)?(?:在)?浪费(?:空气|粮食|资源)|(?:我|自己)(?:就是|只是)?(?:在)?浪费空气"),
    _p("zh.last_visit", "zh", "suicide", "high", "farewell", r"(?:以后|今后|之后)(?:再也)?不会再(?:来|找你|打扰(?:你|你们|大家)?|麻烦你)了?[^。！？]{0,8}(?:保重|珍重|再见|永别|照顾好自己|谢谢)|(?:谢谢|感谢)[^。！？]{0,20}(?:以后|今后)(?:再也)?不会再(?:来|找你|打扰)|最后一次(?:发朋友圈|发动态|发微博|更新|来这里)"),
    _p("zh.disappear_world", "zh", "suicide", "high", "ideation", r"想[^。！？]{0,2}(?:从|在)?(?:这个)?世界(?:上)?消失|想[^。！？]{0,2}消失在(?:这个)?世界(?:上)?|去一个没有痛苦的地方[^。！？]{0,6}(?:不回来|永远)|(?:去了|走了)就(?:不|再也不)回来了"),
    _p("zh.self_harm_object", "zh", "self_harm", "high", "self_harm", r"(?:拿|用)(?:烟头|打火机|刀片|刀|美工刀|圆规|指甲|针)(?:去)?(?:烫|划|割|戳|扎|抓|刺)(?:自己|手|手臂|胳膊|大腿|手腕)?|(?:抓|挠|掐|咬|划)(?:自己|手|手臂|胳膊)?[^。！？]{0,6}(?:到|得)(?:出血|流血|见血|破皮)"),
    # ---- added from the euphemism probes: joining the dead, pacts, near attempts, wishing to be taken
    _p("zh.join_dead", "zh", "suicide", "high", "ideation", r"(?:去|来)(?:天堂|那边|另一个世界|那个世界|地下|天上)(?:找|陪|见)|(?:羡慕|嫉妒)(?:你|你们|他|她|走饭)[^。！？]{0,6}(?:解脱了|已经解脱|走了|离开了这个世界|死了|不用再活|不在了)|(?:想|要|也要|也想|准备)[^。！？]{0,4}(?:和|跟|像)(?:你|你们|他|她|走饭)一样(?:离开|解脱|走掉?|死掉?|去死|结束(?:自己|生命)?)"),
    _p("zh.coming_to_you", "zh", "suicide", "medium", "ideation", r"(?:很快|马上|快|就要|终于|也要|也想|想)(?:就)?(?:要|能|可以)?(?:来|去)(?:陪|找)(?:你|你们)(?:了|啦|吧)?(?:[，,]?等(?:我|着我))?(?=$|[。，！？…~,.!?])|带我(?:一起)?走吧|什么时候(?:才能|才|能)?轮到我(?:了|啊|呢|呀)?(?=$|[。，！？…~,.!?])"),
    _p("zh.pact", "zh", "suicide", "high", "plan", r"一起(?:去)?(?:死|烧炭|自杀|跳楼|跳河|跳海|上路|结束(?:生命)?)(?!了你|你)|(?:找|约|求|有没有|有人)[^。！？]{0,4}(?:个|一个)?(?:人|伴|同伴|同路人)?一起(?:走|离开)(?=$|[。！？…~吗吧啊呀,.!?]|有人|的人)|约死|自杀群|组队(?:自杀|烧炭|走)|死亡(?:约定|契约)|自杀搭子"),
    _p("zh.nearly_did", "zh", "suicide", "high", "act", r"差点(?:就)?(?:跳下去|跳了下去|跳楼|跳河|跳江|割腕|割下去|自杀|上吊|吞药|吃药自|结束(?:了)?自己|把药吃了)"),
    _p("zh.take_me", "zh", "suicide", "high", "ideation", r"(?:希望|真希望|祈祷|巴不得|但愿|盼着|要是)[^。！？]{0,12}(?:把我带走|带走我|让我死|撞死我|砸死我|把我撞死|把我砸死|我死掉|我就这样死)|(?:地震|车祸|空难|意外|绝症|癌症|灾难)[^。！？]{0,6}(?:把我带走|带走我|让我死掉?|我就解脱)"),
    _p("zh.nothing_holds", "zh", "suicide", "medium", "hopelessness", r"(?:没有|没什么|没啥)(?:值得)?(?:我)?(?:留恋|牵挂)的|了无牵挂|没有什么可(?:留恋|牵挂)"),
    _p("zh.cut_again", "zh", "self_harm", "high", "self_harm", r"(?:忍不住|又|还是)(?:又)?(?:割|划)(?:了|伤了)(?!草|麦|肉|菜|韭菜|稻|头发|双眼皮|包皮|阑尾|盲肠|猪|鱼|线|票|单|卡|一刀菜)"),
    _p("zh.no_courage", "zh", "suicide", "high", "ideation", r"(?:没有|没|缺)(?:去死|死|自杀|轻生|跳下去|xx|结束自己)的(?:勇气|胆子|胆量)|只有死(?:了)?(?:才能|才可以|才会|才)|死了(?:才|就)(?:能|可以)(?:解脱|证明)"),
    _p("zh.farewell_world", "zh", "suicide", "high", "farewell", r"(?:和|跟|向)(?:这个)?(?:世界|人间|人世)(?:说)?(?:再见|告别|道别)|(?:准备|要|该|先)走了(?:大家|各位|朋友们)?(?:再见|保重|永别|拜拜)(?!啦明天)|(?:去|来)(?:找|陪|见)走饭|(?:好想|想|要|准备|也想)去天堂(?!岛|旅|玩|度假)"),
    _p("zh.means_at_hand", "zh", "suicide", "high", "means", r"(?:刀片|绳子|安眠药|农药|木炭|炭)[^。！？]{0,4}(?:就在|已经在|放在|攥在|握在)(?:手边|手上|手里|身边|桌上|枕头下|兜里)|(?:刀片|绳子|木炭|炭|农药|安眠药)(?:也|都)?(?:已经)?(?:买好|准备好|备好)了"),
    _p("zh.nobody_notice", "zh", "suicide", "high", "ideation", r"(?:消失|死了|不在了|走了|死掉)(?:了)?(?:也|都)(?:没人|没有人|不会有人)(?:会)?(?:发现|在意|在乎|知道|难过|伤心|记得|察觉)"),
    _p("zh.never_born", "zh", "suicide", "high", "ideation", r"(?:希望|但愿|宁愿|真希望|多希望|要是)(?:我)?(?:从来|当初|根本)?(?:就)?(?:没有|没|不曾)(?:被)?(?:出生|生下来|来到这个世界)|后悔(?:被)?(?:生下来|出生|来到这个世界)|(?:不该|不应该)(?:被)?(?:生下来|出生)"),
    _p("zh.die_date", "zh", "suicide", "high", "plan", r"一定要(?:去)?死(?!你|了你)|(?:今年|今天|明天|今晚|这个月|月底|年底|生日那天|考完)(?:之前)?(?:就|一定|我)?要(?:去)?死(?!在|了|啦|掉了吧|得|人|你)"),
    _p("zh.hold_on", "zh", "suicide", "medium", "hopelessness", r"坚持不住了|扛不下去|顶不住了|熬不住了|求(?:一个|个)?解脱"),
    _p("zh.no_suicide_contract", "zh", "suicide", "medium", "ideation", r"不自杀(?:的)?(?:承诺书|承诺|协议|契约|保证书)|(?:我|我们|我这样的人)(?:还能|还可以|要怎么)活(?:得)?下去(?:吗|嘛|么|呢)"),
    _p("zh.go_with_you", "zh", "suicide", "medium", "ideation", r"(?:想|要|也想)跟(?:你|你们)(?:一起)?走(?=$|[。！？…~!?]|啊|吧|了|好不好)|(?:人间|世界|这个世界)不值得[^。！？]{0,6}先走一步|一觉不醒(?:就好|多好|该多好)|希望(?:我|自己)?(?:真的|就|能|可以|能够|直接|马上|赶紧|就这样|就此|永远|从此|悄悄|默默|明天|今天|今晚|早点|快点|哪天)*消失(?!几天|一段时间|一阵|一会|一下)"),
    _p("zh.suffering", "zh", "suicide", "medium", "hopelessness", r"活着(?:就是|真是|纯粹是|只是)?(?:在)?(?:受罪|煎熬|折磨|受苦)"),
    _p("zh.forced_sex", "zh", "abuse", "high", "abuse", r"(?:逼|强迫|强行|硬要)(?:我)?(?:和他|跟他|和她|跟她)?(?:发生关系|上床|做爱|发生性行为|拍裸照)"),
    # ---- added from the s7 blind probes (development half): decisions, passive wishes, farewells, attempts, self-harm, threats
    _p("zh.decide_not_live", "zh", "suicide", "high", "ideation", r"(?:决定|打算|准备|计划|干脆|索性|那就|我就|老子|真的)(?:不|不再)活(?:了|下去了)(?![^。，！？]{0,3}(?:哈|哈哈|hhh|笑|233))"),
    _p("zh.report_heaven", "zh", "suicide", "high", "ideation", r"(?:去|到)(?:天堂|天国|地府|阎王(?:爷)?那(?:里|儿)?|阎王殿|另一个世界|那边)(?:报道|报到)|这辈子就到这(?:儿|里)?(?:了|吧)|下辈子(?:再)?见了?(?:各位|大家|朋友们|兄弟们)|(?:下线|退出)(?:了)?[^。，！？]{0,6}(?:不是|不是下)(?:游戏)[^。，！？]{0,6}(?:是|是下)人生|人生(?:要|准备|该)?下线|(?:组队|一起|约人)下线[^。！？]{0,12}(?:不是游戏|认真的|说真的)"),
    _p("zh.gave_away", "zh", "suicide", "medium", "farewell", r"(?<!旧)(?<!不穿的)(?<!穿不下的)(?:东西|衣服|书|书本|游戏账号|账号|装备|吉他|电脑|家当|收藏)(?:[^。，！？]{0,6})?(?:都|全|全部|基本)?(?:送人了|送出去了|送给别人了|送掉了|分给(?:别人|朋友|大家)了)(?![^。！？]{0,10}(?:断舍离|捐|搬家|换新|清理|腾地方))|能送的都送了|把(?:我的)?(?:[^。，！？]{0,6})?(?:猫|狗|狗狗|猫咪|宠物|仓鼠|兔子)托付给"),
    _p("zh.when_gone", "zh", "suicide", "high", "ideation", r"(?:等)?我不在了(?:以后|之后|的话)?[^。，！？]{0,6}(?:就|都|也|他们|你们|大家|爸妈)|我(?:走了|死了)(?:以后|之后)[^。，！？]{0,8}(?:就不用|就不会|就没人|也就|就轻松|就解脱)"),
    _p("zh.envy_dead", "zh", "suicide", "high", "ideation", r"(?:羡慕|嫉妒)(?:那些)?[^。，！？]{0,10}(?:走掉|死掉|死了|去世|不在了|意外走)(?:了)?的人"),
    _p("zh.heaven_take_me", "zh", "suicide", "high", "ideation", r"(?:老天|老天爷|上天|上帝|神啊|佛祖|阎王)(?:[^。，！？]{0,4})?(?:收了我|把我收走|带走我|把我带走|让我死)"),
    _p("zh.spare_the_act", "zh", "suicide", "high", "ideation", r"省得(?:我)?自己动手|(?:被车撞|出车祸|被撞)(?:死)?(?:了)?[^。！？]{0,6}(?:也挺好|就好了|也不错|多好|也行|倒好)"),
    _p("zh.fade_away", "zh", "suicide", "medium", "ideation", r"(?:觉得|希望|想|要是)[^。，！？]{0,4}(?:能|可以)消失就好(?:了)?"),
    _p("zh.pills_down", "zh", "suicide", "high", "act", r"(?:一大把|一整瓶|一瓶|整瓶|一把|一板|几板|一盒|整盒)(?:的)?(?:药|安眠药|药片|止痛药)[^。，！？]{0,4}(?:吞|吃|下去|咽)|洗(?:完|了|过)胃"),
    _p("zh.hide_scars", "zh", "self_harm", "high", "self_harm", r"(?:胳膊|手臂|手腕|大腿|腿|手)上的(?:疤|伤疤|伤口|划痕|刀痕)(?:[^。]{0,10})?(?:怎么遮|遮住|遮一下|藏|挡|被(?:看|发现))"),
    _p("zh.urge_cut", "zh", "self_harm", "high", "self_harm", r"(?:手|心里)?(?:特别|好|又|很)?(?:痒|想)(?:想)?划(?:自己|手|手臂|胳膊|一下|几下|两下|一刀)?(?=$|[。，！？\s]|了|啊|呀|一直)|划得(?:比平时|比以前|比上次|更|太|很|越来越)(?:还|更)?深|(?:把|在)(?:自己的?)?(?:大腿|胳膊|手臂|手腕|手背)(?:上)?(?:掐|打|咬|抓|烫|划)(?:得|出|到)"),
    _p("zh.death_pain_query", "zh", "suicide", "high", "means", r"(?:溺水|淹死|上吊|跳楼|割腕|吞药|烧炭|服毒|吃安眠药)(?:的话)?[^。，！？]{0,6}(?:会)?(?:难受|痛苦|疼|痛)(?:多久|吗|嘛|不)|(?:多高|几楼|几层)(?:才)?(?:能|会|可以)?(?:摔死|死|保证)"),
    _p("zh.gun_where", "zh", "suicide", "medium", "means", r"(?:枪|猎枪|手枪)(?:放)?在哪(?:里|儿)?(?:我)?(?:是)?(?:知道|清楚)"),
    _p("zh.choked_threat", "zh", "abuse", "high", "abuse", r"掐(?:着|住)?(?:我的?)?脖子|(?:说|威胁)(?:下次|要)?让我(?:醒不过来|死|活不成|见不到明天)|(?:有人|有个人|一个男的|一个陌生人|那个人)[^。，！？]{0,12}(?:跟着我|跟踪我|跟我回)"),
    _p("zh.stab_him", "zh", "harm_to_others", "high", "others", r"我就(?:捅|砍|杀|宰)(?:了|死)?(?:他|她|他们|她们)|(?:把|带)(?:着)?(?:刀|刀子|水果刀|菜刀)(?:带)?(?:去|到)(?:学校|公司|班上|教室|单位)"),
    _p("zh.go_together", "zh", "suicide", "high", "plan", r"说好了?[^。，！？]{0,6}一起走|一起走[^。，！？]{0,4}谁也不(?:留下|丢下)谁|(?:到头了|活不下去了)[^。！？]{0,10}(?:搭个伴|作个伴|结个伴)"),
]

PATTERNS = {"en": EN, "zh": ZH}

# Negation cues that, right before a negatable match, mean the opposite ("I would never kill myself").
NEGATION = {
    "en": re.compile(
        r"(?:\bnever\b|\bnot\b|n't\b|\bno longer\b|\bno\b|\bwithout\b|\bstopped\b|\bquit\b|\bnot going to\b|\bnothing to do with\b)[\w\s']{0,18}$"
    ),
    "zh": re.compile(
        r"(?:不会|不想|不要|没有|没|从没|从来没|从来不|绝不|决不|才不|并不|不是|别|不敢|不再|已经不|戒掉了|不打算)[^。，！？,.!?]{0,3}$|不$"
    ),
}

# A negation that does not take the risk back: "I don't have the guts to kill myself" says the
# wish is there (found in real r/SuicideWatch posts of the development split).
NOT_A_NEGATION = {
    "en": re.compile(
        r"n't (?:even )?(?:have|has|got) (?:the )?(?:guts|balls|courage|nerve|strength|energy)\b|n't know how\b|\bno (?:guts|balls|courage|nerve)\b|n't wann?a? (?:to )?\w+ but\b|\bwhy not(?: just)?\s*$|\bnot (?:being|feeling) $"
    ),
    "zh": re.compile(r"没(?:有)?(?:勇气|胆子|胆量)|不敢|不是没"),
}

# The risk is in the past and the person says they are safe now -> low, not high.
PAST = {
    "en": re.compile(
        r"\b(?:used to|once|in the past|years ago|a year ago|last year|when i was (?:a kid|younger|in (?:high )?school|\d+)|back then|a while ago|long time ago|at one point|previously|in high school|as a teen(?:ager)?)\b"
    ),
    "zh": re.compile(
        r"以前|曾经|(?<!睡)(?<!熬)(?<!撑)过去(?:的|那|几|一|有|我)|去年|前年|小时候|那时候|那时|几年前|上学的时候|读书的时候|高中的时候|有段时间|一度"
    ),
}
RECOVERED = {
    "en": re.compile(
        r"\b(?:now i'?m|i'?m now|i am now|these days i'?m|today i'?m)\s+(?:\w+\s+)?(?:ok|okay|fine|safe|better|good|doing (?:well|better|ok|okay|fine)|in a better place|recovered|happy)\b|\b(?:i'?m|i am) (?:\w+ ){0,5}(?:and )?(?:safe|doing well|in a good place)(?: now)?\b|\b(?:clean|free)(?: from [\w\s-]{1,15})? for (?:\d+|a|two|three|four|five|six|several|many) (?:years?|months?)\b|\b(?:\d+|two|three|four|five|six) (?:years?|months?) (?:clean|free)\b|\bhaven'?t (?:done (?:it|that)|cut|self[- ]harmed|hurt myself|felt (?:that|like that)) (?:in|for|since) \w+|\b(?:not anymore|no longer feel|don'?t feel that way anymore|got help|in therapy now|got through it|i'?m safe now|doing much better|much better now)\b"
    ),
    "zh": re.compile(
        r"现在(?:已经)?(?:好多了|好了|没事了|不会了|不这么想了|很好|挺好|走出来了|不想了|安全)|已经(?:走出来|好了|康复|过去了)|已经[^。，！？]{0,4}(?:年|个月|天|周)没(?:有)?(?:再)?[^。，！？]{0,4}(?:了|过)|好几年没(?:有)?再|(?:后来|慢慢)(?:就)?(?:好了|走出来了)|不再(?:这样|这么做|自残|想这些)了|现在(?:过得)?(?:还不错|挺好的)"
    ),
}
# Still going on: cancels PAST+RECOVERED.
ONGOING = {
    "en": re.compile(
        r"\b(?:again|still|lately|these days i (?:want|think)|recently|right now|tonight|today|this week|coming back)\b"
    ),
    "zh": re.compile(r"又|还是想|最近|这几天|现在又|今晚|今天|又开始|还在"),
}
# Discussing a film, a book, the news, or a school topic rather than oneself.
MEDIA_CONTEXT = {
    "en": re.compile(
        r"\b(?:movie|film|show|series|episode|podcast|book|novel|(?<!\d )(?<!\d-)(?<!\w{3} )story(?! building)|character|news|article|documentary|song|lyrics|game|essay|research|homework on|lecture|play|anime|manga)\b"
    ),
    "zh": re.compile(
        r"电影|电视剧|剧里|剧中|小说|书里|这本书|主人公|影片|剧本|新闻|(?<!天堂)(?<!天国)(?<!地府)(?<!那边)报道|文章|纪录片|角色|主角|故事|歌词|游戏里|论文|作业|课上|动漫|漫画"
    ),
}
# A time or readiness marker next to intent makes it imminent.
NOW = {
    "en": re.compile(
        r"\b(?:tonight|today|right now|now|this weekend|in an hour|after this|soon|tomorrow|before morning|when everyone'?s asleep|i'?m ready|it'?s time|i'?ve decided|made up my mind|have a plan|got a plan|my plan is)\b"
    ),
    "zh": re.compile(
        r"今晚|今天|今夜|现在就|马上|等一下就|一会儿就|这周末|明天就|准备好了|已经决定|下定决心|想好了|计划好了|有计划"
    ),
}
# Someone else at risk (the user is worried about them).
THIRD_PARTY = {
    "en": re.compile(
        r"\b(?:he|she|they|my (?:friend|brother|sister|son|daughter|mom|dad|mother|father|partner|boyfriend|girlfriend|roommate|classmate|cousin)) (?:wants|want|said|says|is going|keeps talking about|talked about|tried|is thinking|threatened)\b[^.]{0,30}\b(?:kill (?:himself|herself|themselves)|suicide|die|end (?:his|her|their) life|hurt (?:himself|herself|themselves)|self[- ]?harm|cutting)"
    ),
    "zh": re.compile(
        r"(?:他|她|朋友|同学|室友|弟弟|妹妹|哥哥|姐姐|儿子|女儿|妈妈|爸爸|男朋友|女朋友|老公|老婆)(?:说|总说|一直说|想|要|试图|尝试过)[^。]{0,8}(?:自杀|轻生|想死|不想活|伤害自己|自残|割腕|跳楼)"
    ),
}
# A plain statement of safety ("I don't want to die", "我没有想死"): the learned model must not
# overrule it (it sees the words, not the negation). Patterns still run on the rest.
DENIAL = {
    "en": re.compile(
        r"\b(?:i )?(?:don'?t|do not|never|won'?t|will not|would never) (?:really )?(?:want|wanna|plan|intend|going) (?:to )?(?:die|kill myself|hurt (?:myself|anyone|anybody|someone)|end my life|end it)\b|\bi'?m not (?:suicidal|going to (?:kill|hurt) (?:myself|anyone)|going to do anything (?:stupid|drastic))\b|\bi would never (?:kill|hurt) (?:myself|anyone)\b|\bnever (?:thought about|considered) (?:killing myself|suicide)\b"
    ),
    "zh": re.compile(
        r"(?:不想|没有想|没想|没想过|不是想)死|(?:要|会|想|都要|决定)好好活(?:下去|着)|(?:不会|绝对不会|才不会|不打算)(?:去)?(?:自杀|做傻事|想不开|伤害自己|寻死|轻生)|没有(?:自杀|轻生|伤害自己|想死)的(?:想法|念头|打算)"
    ),
}
# Someone else's death (grief, the news): the word "suicide" here is not about the user.
OTHERS_DEATH = {
    "en": re.compile(
        r"\b(?:my|his|her|their|our|a|the) (?:[\w']+ ){0,2}(?:dad|father|mom|mother|brother|sister|son|daughter|friend|cousin|uncle|aunt|husband|wife|partner|classmate|colleague|coworker|neighbou?r|student|teacher|grandpa|grandma|grandfather|grandmother)(?:'s)? (?:suicide|overdose|killed (?:himself|herself|themselves)|took (?:his|her|their) (?:own )?life|died by suicide|committed suicide)\b|\blost (?:my|a|our|his|her) \w+ to (?:suicide|an overdose)\b|\b(?:suicide|death) of (?:my|his|her|a) \w+\b"
    ),
    "zh": re.compile(
        r"(?<!我)(?:你|你们)?(?:要是|如果)?想死(?:的话)?(?:就|你就)?(?:赶紧|快)?(?:去死|死去)(?:吧|啊|呗|好了)|"
        r"(?:朋友|同学|同事|室友|邻居|表哥|表姐|表弟|表妹|哥哥|姐姐|弟弟|妹妹|爸爸|妈妈|父亲|母亲|爷爷|奶奶|外公|外婆|舅舅|叔叔|阿姨|孩子|学生|老师|网友|明星|歌手|演员|他|她)(?:的孩子|的朋友|的家人)?(?:因为[^。，！？]{0,8})?(?:自杀|轻生|跳楼|割腕|服药)(?:了|身亡|去世|离世|走了)"
    ),
}
