"""Every string the web page shows, in Chinese and English: the one place to translate the UI.

Texts that belong to other layers are not copied here: the disclaimer comes from
`carellm.counseling.disclaimer`, crisis resources from `carellm.safety`, report wording from
`carellm.emotion.report`.
"""

from __future__ import annotations

from typing import Literal

UiLang = Literal["zh", "en"]

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "CareLLM",
        "subtitle": "Talk it through: type, speak or show. Replies stream in, with an optional voice.",
        "notice": "Research prototype: not a therapist, not a medical device, can be wrong. "
        "In danger? Call your local emergency number now.",
        "tiny_model": "This page runs a tiny RANDOM test model: its replies are noise.",
        "language": "Language / 语言",
        "disclaimer_title": "Before you start",
        "ack_check": "I understand that CareLLM is a research prototype, not a substitute for "
        "professional care.",
        "ack_button": "Start",
        "ack_needed": "Please tick the box to acknowledge the notice first.",
        "chat": "Conversation",
        "placeholder": "Type a message, attach audio, an image or a video, or record with the microphone",
        "camera": "Camera and video",
        "webcam_image": "Photo (webcam or upload)",
        "webcam_video": "Video (webcam or upload)",
        "video_audio": "Use the video's sound too",
        "speak": "Spoken reply",
        "speak_unavailable": "Spoken reply (not available with this model)",
        "voice": "Voice",
        "reply_voice": "Listen: the reply's voice plays as it is made",
        "new_session": "New session",
        "new_session_done": "A new session has started.",
        "emotion_title": "How this session feels",
        "emotion_empty": "Emotion signals appear here after your first message.",
        "emotion_off": "Emotion analysis is turned off for this session.",
        "emotion_current": "This turn",
        "valence": "mood (valence)",
        "arousal": "activation (arousal)",
        "voice_flags": "voice",
        "plot": "Mood over the session",
        "download_report": "Download report (HTML)",
        "download_transcript": "Download transcript (JSON)",
        "feedback_prompt": "Thanks for rating. Add a comment (optional):",
        "feedback_placeholder": "What was helpful or not?",
        "feedback_send": "Send comment",
        "feedback_thanks": "Thank you, your feedback was saved.",
        "feedback_unknown": "That message cannot be rated.",
        "correction_prompt": "Reviewer: the reply it should have given (kept for training, optional):",
        "correction_placeholder": "Write the better reply",
        "correction_send": "Save better reply",
        "correction_saved": "Thank you, the better reply was saved with this turn.",
        "regenerate": "Try another reply",
        "regenerated": "Here is another reply; rate the one that helped more.",
        "crisis_title": "Please reach out now",
        "crisis_more": "Read the whole message",
        "error": "Could not send that",
        "error_kept": "Your conversation is kept; nothing was lost.",
        "backend_gone": "The model stopped answering in the middle of the reply.",
        "unexpected": "Something went wrong on our side.",
        "unexpected_hint": "Please try again in a moment.",
        "you_sent": "attached",
    },
    "zh": {
        "title": "CareLLM",
        "subtitle": "说说你的感受：可以打字、说话或上传图片视频。回复会逐字显示，也可以用语音朗读。",
        "notice": "科研原型：不是心理治疗师，不是医疗器械，回答可能有误。如有危险，请立即拨打当地急救电话。",
        "tiny_model": "本页面运行的是一个很小的随机测试模型：它的回复没有意义。",
        "language": "Language / 语言",
        "disclaimer_title": "开始之前",
        "ack_check": "我了解 CareLLM 是一个科研原型，不能替代专业帮助。",
        "ack_button": "开始",
        "ack_needed": "请先勾选确认上面的说明。",
        "chat": "对话",
        "placeholder": "输入消息，附上音频、图片或视频，或用麦克风录音",
        "camera": "摄像头与视频",
        "webcam_image": "照片（摄像头或上传）",
        "webcam_video": "视频（摄像头或上传）",
        "video_audio": "同时使用视频中的声音",
        "speak": "语音回复",
        "speak_unavailable": "语音回复（此模型不可用）",
        "voice": "声音",
        "reply_voice": "收听：回复的语音边生成边播放",
        "new_session": "新对话",
        "new_session_done": "新的对话已开始。",
        "emotion_title": "本次对话的情绪",
        "emotion_empty": "发送第一条消息后，这里会显示情绪信号。",
        "emotion_off": "本次对话未开启情绪分析。",
        "emotion_current": "本轮",
        "valence": "心情（效价）",
        "arousal": "紧张程度（唤醒度）",
        "voice_flags": "语音",
        "plot": "本次对话中的情绪变化",
        "download_report": "下载报告（HTML）",
        "download_transcript": "下载对话记录（JSON）",
        "feedback_prompt": "谢谢你的评价。可以补充一句意见（可选）：",
        "feedback_placeholder": "哪些地方有帮助，哪些没有？",
        "feedback_send": "提交意见",
        "feedback_thanks": "谢谢，你的反馈已保存。",
        "feedback_unknown": "这条消息无法评价。",
        "correction_prompt": "审阅者：写下更好的回复（会用于训练，可选）：",
        "correction_placeholder": "写下更好的回复",
        "correction_send": "保存更好的回复",
        "correction_saved": "谢谢，更好的回复已与这一轮一起保存。",
        "regenerate": "换一个回复",
        "regenerated": "这是另一个回复；请评价哪个更有帮助。",
        "crisis_title": "请现在就联系他们",
        "crisis_more": "查看完整内容",
        "error": "没能发送",
        "error_kept": "你的对话已保留，没有丢失任何内容。",
        "backend_gone": "模型在回复过程中停止了响应。",
        "unexpected": "我们这边出了点问题。",
        "unexpected_hint": "请稍后再试。",
        "you_sent": "已附上",
    },
}

EMOTION_NAMES_EN = {
    "anxiety": "anxiety",
    "sadness": "low mood",
    "anger": "anger",
    "shame": "shame",
    "loneliness": "loneliness",
    "joy": "joy",
    "neutral": "calm",
}


def t(lang: str, key: str) -> str:
    """The UI string `key` in `lang` (English for an unknown language)."""
    return STRINGS.get(lang, STRINGS["en"])[key]


def emotion_name(primary: str, lang: str) -> str:
    if lang == "zh":
        from carellm.emotion.labels import NAMES_ZH

        return NAMES_ZH.get(primary, primary)
    return EMOTION_NAMES_EN.get(primary, primary)


def ui_lang_from_header(accept_language: str | None) -> UiLang:
    """zh when the browser prefers Chinese, else en (used when no language was configured)."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag:
            return "en"
    return "en"
