"""Conversations -> a batch for the thinker: ids, assistant-only labels and the media tensors.

TRL's collators handle text and images; Qwen2.5-Omni also takes audio features with their
masks and video grids. Each conversation goes through `carellm.backends.inputs.omni_inputs`
(inference's template, system prompt and media loading), then this module pads the text,
marks the assistant tokens as labels and joins the media tensors the way the processor joins
them for one prompt. Position ids (TMRoPE) are left to the thinker, which computes them from
the ids, grids and audio masks exactly as it does at inference.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from carellm.backends.base import Message
from carellm.backends.inputs import omni_inputs
from carellm.config import MediaLimits
from carellm.errors import InputError
from carellm.train.data import from_row

IGNORE_INDEX = -100
# Tensors the processor joins along the first dimension (one row per patch / audio / grid).
CONCAT_KEYS = (
    "pixel_values",
    "image_grid_thw",
    "pixel_values_videos",
    "video_grid_thw",
    "video_second_per_grid",
)


def assistant_labels(input_ids: torch.Tensor, tokenizer) -> torch.Tensor:
    """Labels equal to `input_ids` on each assistant reply and its `<|im_end|>`, IGNORE elsewhere.

    A reply starts after `<|im_start|>assistant\\n` and ends with the next `<|im_end|>`; the
    newline after `<|im_end|>` is the template's, not the model's, so it is not learned.
    """
    header = tokenizer.encode("<|im_start|>assistant\n", add_special_tokens=False)
    end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    ids = input_ids.tolist()
    labels = torch.full_like(input_ids, IGNORE_INDEX)
    k = 0
    while k <= len(ids) - len(header):
        if ids[k : k + len(header)] != header:
            k += 1
            continue
        start = k + len(header)
        stop = ids.index(end, start) + 1 if end in ids[start:] else len(ids)
        labels[start:stop] = input_ids[start:stop]
        k = stop
    return labels


def encode_conversation(processor, messages: Sequence[Message], limits: MediaLimits) -> dict[str, Any]:
    """One whole conversation as the thinker sees it in training (batch dimension of 1)."""
    prepared = omni_inputs(processor, messages, limits, generation_prompt=False)
    tensors = dict(prepared.tensors)
    tensors["labels"] = assistant_labels(tensors["input_ids"][0], processor.tokenizer)[None]
    tensors["use_audio_in_video"] = prepared.use_audio_in_video
    return tensors


def _pad_right(rows: list[torch.Tensor], value: int) -> torch.Tensor:
    width = max(r.shape[-1] for r in rows)
    return torch.stack([torch.nn.functional.pad(r, (0, width - r.shape[-1]), value=value) for r in rows])


class OmniCollator:
    """Builds a training batch from the dataset's `record` column (see `train.data.to_row`)."""

    def __init__(self, processor, limits: MediaLimits, max_length: int | None) -> None:
        self.processor = processor
        self.limits = limits
        self.max_length = max_length

    def encode(self, messages: Sequence[Message]) -> dict[str, Any]:
        item = encode_conversation(self.processor, messages, self.limits)
        length = item["input_ids"].shape[-1]
        if self.max_length and length > self.max_length:
            if any(m.media for m in messages):
                # Cutting would drop media placeholder tokens the features still fill: the model refuses.
                raise InputError(
                    f"A conversation with media is {length} tokens, over max_length={self.max_length}.",
                    "Raise max_length, shorten the audio or use fewer video frames.",
                )
            for key in ("input_ids", "attention_mask", "labels"):
                item[key] = item[key][:, : self.max_length]
        return item

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, Any]:
        items = [self.encode(from_row(f["record"])) for f in features]
        pad = self.processor.tokenizer.pad_token_id
        batch: dict[str, Any] = {
            "input_ids": _pad_right([i["input_ids"][0] for i in items], pad),
            "attention_mask": _pad_right([i["attention_mask"][0] for i in items], 0),
            "labels": _pad_right([i["labels"][0] for i in items], IGNORE_INDEX),
        }
        for key in CONCAT_KEYS:
            if parts := [i[key] for i in items if key in i]:
                batch[key] = torch.cat(parts)
        audio = [i for i in items if "input_features" in i]
        if audio:
            # (n_audio, mel bins, frames) per conversation; frames differ between conversations.
            batch["input_features"] = torch.cat(_pad_frames([i["input_features"] for i in audio], 0.0))
            batch["feature_attention_mask"] = torch.cat(
                _pad_frames([i["feature_attention_mask"] for i in audio], 0)
            )
        if any(i["use_audio_in_video"] for i in items):
            if not all(i["use_audio_in_video"] for i in items):
                raise InputError(
                    "A batch mixes videos with and without their own audio.",
                    "Use per_device_train_batch_size=1.",
                )
            batch["use_audio_in_video"] = True
        return batch


def _pad_frames(rows: list[torch.Tensor], value: float) -> list[torch.Tensor]:
    width = max(r.shape[-1] for r in rows)
    return [torch.nn.functional.pad(r, (0, width - r.shape[-1]), value=value) for r in rows]
