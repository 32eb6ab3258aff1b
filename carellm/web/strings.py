"""Every string the web page shows, in Chinese and English. The one place for UI text.

Model replies, the disclaimer and the crisis text come from the counseling and safety
packages; this module only holds the page's own labels and messages.
"""

from __future__ import annotations

from typing import Literal

UILang = Literal["en", "zh"]
UI_LANGS: tuple[UILang, ...] = ("en", "zh")
LANG_CHOICES = [("English", "en"), ("中文", "zh")]

STRINGS: dict[str, dict[str, str]] = {
    "title": {"en": "CareLLM", "zh": "CareLLM"},
    "subtitle": {
        "en": "A supportive listener in text and voice. Research prototype.",
        "zh": "用文字和语音倾听与陪伴。科研原型。",
    },
    "notice": {
        "en": "Research use only: not a therapist, not a medical device. In danger? Call your local "
        "emergency number.",
        "zh": "仅供科研使用：不是心理治疗师，也不是医疗器械。如有危险，请拨打当地急救电话。",
    },
    "disclaimer_title": {"en": "Before you start", "zh": "开始之前"},
    "acknowledge": {"en": "I understand, start", "zh": "我已了解，开始"},
    "ui_language": {"en": "Language", "zh": "语言"},
    "chat": {"en": "Conversation", "zh": "对话"},
    "message": {"en": "Your message", "zh": "你的消息"},
    "placeholder": {
        "en": "Type how you feel, or attach a recording…",
        "zh": "写下你的感受，或附上一段录音……",
    },
    "placeholder_locked": {
        "en": "Please read the notice above and press \u201cI understand\u201d first.",
        "zh": "请先阅读上方说明并点击\u201c我已了解\u201d。",
    },
    "send": {"en": "Send", "zh": "发送"},
    "attach": {"en": "Voice, image or video", "zh": "语音、图片或视频"},
    "audio_in": {"en": "Record or upload audio", "zh": "录音或上传音频"},
    "image_in": {"en": "Image (upload or webcam)", "zh": "图片（上传或摄像头）"},
    "video_in": {"en": "Video (upload or webcam)", "zh": "视频（上传或摄像头）"},
    "video_audio": {"en": "Use the video's sound too", "zh": "同时使用视频中的声音"},
    "speak": {"en": "Spoken reply", "zh": "语音回复"},
    "voice": {"en": "Voice", "zh": "声音"},
    "reply_audio": {"en": "Spoken reply", "zh": "语音回复"},
    "crisis_title": {"en": "Please reach out now", "zh": "请现在就联系他们"},
    "emotion": {"en": "How this conversation feels", "zh": "本次对话的情绪"},
    "emotion_empty": {
        "en": "Your mood over the session appears here after your first message.",
        "zh": "发送第一条消息后，这里会显示你在本次对话中的情绪变化。",
    },
    "emotion_turn": {"en": "This message", "zh": "这条消息"},
    "emotion_primary": {"en": "Main signal", "zh": "主要信号"},
    "emotion_valence": {"en": "Mood (valence, −1…1)", "zh": "心情（效价，−1…1）"},
    "emotion_arousal": {"en": "Activation (arousal, 0…1)", "zh": "紧张程度（唤醒度，0…1）"},
    "emotion_voice": {"en": "Voice", "zh": "语音"},
    "emotion_trend": {"en": "Over the session", "zh": "整个对话"},
    "emotion_note": {
        "en": "Not a diagnosis: signals in what was written and how it sounded.",
        "zh": "这不是诊断，只是文字和语调中的信号。",
    },
    "plot": {"en": "Mood per turn", "zh": "每轮的情绪"},
    "report": {"en": "Download report (HTML)", "zh": "下载报告（HTML）"},
    "transcript": {"en": "Download transcript (JSON)", "zh": "下载对话记录（JSON）"},
    "new_session": {"en": "New session", "zh": "新对话"},
    "feedback": {"en": "Feedback on the last reply", "zh": "对上一条回复的反馈"},
    "feedback_help": {
        "en": "Use 👍 / 👎 under a reply. You may add a comment (optional).",
        "zh": "可以点击回复下方的 👍 / 👎，也可以留下评论（可选）。",
    },
    "comment": {"en": "Comment (optional)", "zh": "评论（可选）"},
    "send_comment": {"en": "Send comment", "zh": "提交评论"},
    "thanks": {"en": "Thank you, your feedback was saved.", "zh": "谢谢，你的反馈已保存。"},
    "no_reply_yet": {"en": "There is no reply to rate yet.", "zh": "还没有可以评价的回复。"},
    "thinking": {"en": "…", "zh": "……"},
    "working": {"en": "Replying…", "zh": "正在回复……"},
    "new_session_done": {"en": "A new session has started.", "zh": "新的对话已开始。"},
    "must_acknowledge": {
        "en": "Please read the notice and press \u201cI understand\u201d before your first message.",
        "zh": "请先阅读说明并点击\u201c我已了解\u201d，再发送第一条消息。",
    },
    "error": {"en": "Your message was not sent", "zh": "消息没有发送成功"},
    "kept": {
        "en": "Your conversation is kept; you can try again.",
        "zh": "之前的对话都还在，你可以再试一次。",
    },
    "unexpected": {
        "en": "Something went wrong on our side.",
        "zh": "我们这边出了点问题。",
    },
    "unexpected_hint": {"en": "Please try again in a moment.", "zh": "请稍后再试。"},
    "attached": {"en": "attached", "zh": "附件"},
    "safety_replaced": {
        "en": "(this reply was replaced by the safety layer)",
        "zh": "（这条回复已由安全机制替换）",
    },
    "trend_improving": {"en": "lighter", "zh": "好转"},
    "trend_worsening": {"en": "heavier", "zh": "更沉重"},
    "trend_steady": {"en": "steady", "zh": "平稳"},
    "trend_too few turns": {"en": "too few turns for a trend", "zh": "轮次太少，看不出趋势"},
    "trend_no turns yet": {"en": "", "zh": ""},
}

# English names as the report writes them; Chinese names come from carellm.emotion.labels.
EMOTION_NAMES_EN = {
    "anxiety": "anxiety",
    "sadness": "low mood",
    "anger": "anger",
    "shame": "shame",
    "loneliness": "loneliness",
    "joy": "joy",
    "neutral": "calm / neutral",
}


def ui_lang(lang: str | None) -> UILang:
    """The page language for `lang`; anything unknown falls back to English."""
    return "zh" if lang == "zh" else "en"


def t(key: str, lang: str) -> str:
    return STRINGS[key][ui_lang(lang)]


def emotion_name(name: str, lang: str) -> str:
    from carellm.emotion.labels import NAMES_ZH

    return NAMES_ZH.get(name, name) if ui_lang(lang) == "zh" else EMOTION_NAMES_EN.get(name, name)
