"""A small, sourced library of self-help suggestions, chosen by rules that say why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Suggestion:
    id: str
    title: dict[str, str]
    how: dict[str, str]
    source: str


LIBRARY = {
    s.id: s
    for s in [
        Suggestion("box_breathing", {"en": "Box breathing", "zh": "方块呼吸"},
                   {"en": "Breathe in for 4 seconds, hold 4, out 4, hold 4; repeat for 2-3 minutes.",
                    "zh": "吸气 4 秒，屏息 4 秒，呼气 4 秒，再屏息 4 秒；重复 2-3 分钟。"},
                   "Slow-paced breathing reviews: Zaccaro et al., Front. Hum. Neurosci. 2018"),
        Suggestion("breathing_478", {"en": "4-7-8 breathing", "zh": "4-7-8 呼吸法"},
                   {"en": "Breathe in through the nose for 4, hold for 7, breathe out slowly for 8; four rounds.",
                    "zh": "用鼻子吸气 4 秒，屏息 7 秒，缓慢呼气 8 秒；做四轮。"},
                   "A. Weil's relaxing breath; slow exhale-focused breathing (Zaccaro et al. 2018)"),
        Suggestion("grounding_54321", {"en": "5-4-3-2-1 grounding", "zh": "5-4-3-2-1 着陆练习"},
                   {"en": "Name 5 things you see, 4 you can touch, 3 you hear, 2 you smell, 1 you taste.",
                    "zh": "说出你看到的 5 样东西、能摸到的 4 样、听到的 3 种声音、闻到的 2 种气味、尝到的 1 种味道。"},
                   "Grounding techniques in CBT/DBT practice; WHO 'Doing What Matters in Times of Stress' (2020)"),
        Suggestion("pmr", {"en": "Progressive muscle relaxation", "zh": "渐进式肌肉放松"},
                   {"en": "Tense each muscle group for 5 seconds, then release for 10, from feet to face.",
                    "zh": "从脚到脸，依次把每组肌肉绷紧 5 秒，再放松 10 秒。"},
                   "Jacobson (1938); McCallie et al., J. Hum. Behav. Soc. Environ. 2006"),
        Suggestion("sleep_hygiene", {"en": "Sleep hygiene", "zh": "睡眠卫生"},
                   {"en": "Keep regular wake times, no screens for 30 minutes before bed, avoid caffeine after noon.",
                    "zh": "固定起床时间，睡前 30 分钟不看屏幕，中午之后不喝含咖啡因的饮料。"},
                   "NHS 'How to get to sleep'; CDC sleep hygiene guidance"),
        Suggestion("behavioural_activation", {"en": "One small activity", "zh": "做一件小事（行为激活）"},
                   {"en": "Pick one small thing you used to enjoy or that matters to you, and do it for 10 minutes today.",
                    "zh": "选一件你以前喜欢或对你有意义的小事，今天花 10 分钟去做。"},
                   "Behavioural activation: Dimidjian et al., J. Consult. Clin. Psychol. 2006"),
        Suggestion("reach_out", {"en": "Reach out to someone you trust", "zh": "联系一个你信任的人"},
                   {"en": "Send a short message to a friend or family member today, even just to say hello.",
                    "zh": "今天给一位朋友或家人发一条简短的消息，哪怕只是打个招呼。"},
                   "Social support and loneliness: Holt-Lunstad et al., PLoS Med. 2010; WHO (2020)"),
        Suggestion("professional_help", {"en": "Talk to a professional", "zh": "寻求专业帮助"},
                   {"en": "If this has lasted weeks or affects daily life, a counselor or doctor can help; it is a strong step.",
                    "zh": "如果这种状态持续数周或影响日常生活，心理咨询师或医生可以帮助你；这是勇敢的一步。"},
                   "WHO mhGAP Intervention Guide 2.0 (2016)"),
    ]
}  # fmt: skip

REASONS = {
    "anxiety": {"en": "anxiety came up often", "zh": "焦虑出现得比较多"},
    "arousal": {"en": "your voice or words sounded tense", "zh": "你的声音或文字听起来比较紧绷"},
    "sleep": {"en": "you mentioned sleep", "zh": "你提到了睡眠"},
    "sadness": {"en": "low mood came up often", "zh": "低落的情绪出现得比较多"},
    "loneliness": {"en": "loneliness came up", "zh": "你提到了孤独感"},
    "anger": {"en": "anger came up", "zh": "愤怒出现过"},
    "shame": {"en": "you were hard on yourself", "zh": "你对自己比较苛责"},
    "worsening": {
        "en": "your mood seemed to get heavier over the session",
        "zh": "在这次对话中你的情绪似乎越来越沉重",
    },
    "persistent": {"en": "difficult feelings came up in most turns", "zh": "大多数轮次里都出现了困难的情绪"},
}
SLEEP_WORDS = ("sleep", "insomnia", "awake at night", "失眠", "睡不着", "睡眠", "失眠")


def choose(trajectory: dict, texts: list[str], lang: str, limit: int = 4) -> list[dict]:
    """Suggestions for this session, each with the reason it was chosen (at most `limit`)."""
    lang = lang if lang in ("zh", "en") else "en"
    dominant = trajectory.get("dominant", [])
    picks: list[tuple[str, str]] = []

    def add(sid: str, reason: str) -> None:
        if sid not in {p[0] for p in picks}:
            picks.append((sid, reason))

    if trajectory.get("trend") == "worsening":
        add("professional_help", "worsening")
    if any(w in t.lower() for t in texts for w in SLEEP_WORDS):
        add("sleep_hygiene", "sleep")
        add("breathing_478", "sleep")
    for emotion in dominant:
        if emotion == "anxiety":
            add("box_breathing", "anxiety")
            add("grounding_54321", "anxiety")
        elif emotion == "sadness":
            add("behavioural_activation", "sadness")
        elif emotion == "loneliness":
            add("reach_out", "loneliness")
        elif emotion == "anger":
            add("pmr", "anger")
            add("box_breathing", "anger")
        elif emotion == "shame":
            add("reach_out", "shame")
    if trajectory.get("mean_arousal", 0) >= 0.65:
        add("box_breathing", "arousal")
    negative = trajectory.get("mean_valence", 0) < -0.3 and trajectory.get("turns", 0) >= 4
    if negative:
        add("professional_help", "persistent")
    out = []
    for sid, reason in picks[:limit]:
        s = LIBRARY[sid]
        out.append(
            {
                "id": sid,
                "title": s.title[lang],
                "how": s.how[lang],
                "why": REASONS[reason][lang],
                "source": s.source,
            }
        )
    return out
