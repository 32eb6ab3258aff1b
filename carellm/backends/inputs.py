"""Qwen2.5-Omni model inputs from CareLLM messages: the chat template, media and processor call.

One code path for inference and training: the Omni backend calls `omni_inputs` for a prompt
(generation prompt added, a reply optionally appended for speech), and `carellm.train` calls it
for a whole conversation (no generation prompt). So a fine-tuned model sees in training exactly
the token layout, media placeholders and system prompt it is later prompted with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from carellm.backends.base import Message
from carellm.config import MediaLimits
from carellm.errors import CareLLMError, MediaError


@dataclass
class PreparedInputs:
    tensors: dict
    use_audio_in_video: bool


def qwen_conversation(
    messages: Sequence[Message], limits: MediaLimits
) -> tuple[list[dict], dict[str, list], bool]:
    """Qwen conversation dicts plus the loaded media, in prompt order, for the processor."""
    conversation: list[dict] = []
    media: dict[str, list] = {"audio": [], "images": [], "videos": [], "standalone_audio": []}
    use_audio_in_video = False
    for msg in messages:
        parts: list[dict] = []
        for item in msg.media:
            if item.kind == "audio":
                wave = item.audio(limits)
                parts.append({"type": "audio"})
                media["audio"].append(wave)
                media["standalone_audio"].append(wave)
            elif item.kind == "image":
                parts.append({"type": "image"})
                media["images"].append(item.image(limits))
            else:
                loaded = item.video(limits)
                parts.append({"type": "video"})
                media["videos"].append(loaded.frames)
                if item.use_audio_in_video:
                    if loaded.audio is None or loaded.audio.size == 0:
                        raise MediaError(
                            f"{item.name} has no audio track to use.",
                            "Send it without 'use the video's audio'.",
                        )
                    use_audio_in_video = True
                    media["audio"].append(loaded.audio)
        if msg.text or not parts:
            parts.append({"type": "text", "text": msg.text})
        conversation.append({"role": msg.role, "content": parts})
    return conversation, media, use_audio_in_video


def omni_inputs(
    processor,
    messages: Sequence[Message],
    limits: MediaLimits,
    reply: str | None = None,
    generation_prompt: bool = True,
) -> PreparedInputs:
    """The processor's tensors (on the CPU) for `messages`.

    Inference: `generation_prompt` on, and `reply` appended after it when speaking an approved
    text. Training: the whole conversation, assistant turns included, `generation_prompt` off.
    """
    conversation, media, use_audio_in_video = qwen_conversation(messages, limits)
    if use_audio_in_video and (media["standalone_audio"] or len(media["audio"]) != len(media["videos"])):
        # Qwen2.5-Omni's position ids (get_rope_index) assume that, once video audio is on,
        # every video carries its own track and no separate audio file sits beside them.
        raise MediaError(
            "A video's own audio cannot be mixed with audio files or silent videos in one session.",
            "Start a new session (/reset), or send the video without its audio track.",
        )
    text = processor.apply_chat_template(
        conversation, add_generation_prompt=generation_prompt, tokenize=False
    )
    if reply is not None:
        text += reply
    kwargs: dict = {"text": [text], "return_tensors": "pt", "padding": True}
    if media["audio"]:
        kwargs["audio"] = media["audio"]
    if media["images"]:
        kwargs["images"] = media["images"]
        size = {"longest_edge": limits.image_max_pixels, "shortest_edge": 56 * 56}
        kwargs["images_kwargs"] = {"size": size}
    if media["videos"]:
        kwargs["videos"] = media["videos"]
        kwargs["fps"] = limits.video_fps
    if use_audio_in_video:
        kwargs["load_audio_from_video"] = True
        kwargs["audio_from_video_indices"] = list(range(len(media["videos"])))
    try:
        tensors = processor(**kwargs)
    except CareLLMError:
        raise
    except Exception as exc:
        raise MediaError(
            f"The model's processor rejected this input ({exc}).",
            "Try a different file or a shorter message.",
        ) from exc
    return PreparedInputs(dict(tensors), use_audio_in_video)
