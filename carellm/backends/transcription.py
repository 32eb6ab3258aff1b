"""The speech-to-text request every engine runs so the crisis layer can read what was said.

The crisis layer reads text. A spoken turn (an audio file, or a video sent with its sound
track) would reach the model unread, so before the user gate the session asks the backend
for a verbatim transcript. Both engines send the same request, built here: the speech alone
(no images, no history, no persona), one fixed instruction, greedy decoding, text only.
Only the sound is sent for a video: its frames would cost the vision encoder hundreds of
tokens a second and add nothing to the words.
"""

from __future__ import annotations

from collections.abc import Sequence

from carellm.backends.base import GenerationOptions, Message
from carellm.config import MediaLimits
from carellm.media import MediaItem

# Qwen2.5-Omni's own audio examples pair a recognition system prompt with a short instruction.
SYSTEM = "You are a speech recognition model."
INSTRUCTION = {
    "en": "Transcribe the speech in the audio verbatim. Output only the transcript.",
    "zh": "请逐字转写音频中的语音。只输出转写文本。",
}


def speech_items(media: Sequence[MediaItem], limits: MediaLimits) -> list[MediaItem]:
    """The turn's speech as audio items: audio files, and the sound track of each video sent with it."""
    items: list[MediaItem] = []
    for item in media:
        if item.kind == "audio":
            items.append(item)
        elif item.kind == "video" and item.use_audio_in_video:
            clip = item.video(limits)
            if clip.audio is not None and clip.audio.size:
                items.append(MediaItem("audio", clip.audio, name=f"{item.name} (sound)"))
    return items


def transcription_messages(speech: Sequence[MediaItem], lang: str | None) -> list[Message]:
    """The request: recognition system prompt, then the speech and the instruction (English when unsure)."""
    instruction = INSTRUCTION["zh" if lang == "zh" else "en"]
    return [Message("system", SYSTEM), Message("user", instruction, list(speech))]


def transcription_options(max_new_tokens: int) -> GenerationOptions:
    """Greedy and text only: the same audio always reads the same, and no speech is made."""
    return GenerationOptions(max_new_tokens=max_new_tokens, temperature=0.0, top_p=1.0, audio=False)
