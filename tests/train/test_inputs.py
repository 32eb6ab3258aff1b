"""Training inputs are inference inputs; labels cover exactly the assistant replies."""

from __future__ import annotations

import torch

from carellm.backends.base import Message
from carellm.backends.inputs import omni_inputs
from carellm.config import MediaLimits
from carellm.media import MediaItem
from carellm.train.collate import IGNORE_INDEX, OmniCollator, encode_conversation
from carellm.train.data import to_row, with_system_prompt


def _spoken_history(media_dir) -> list[Message]:
    speech = MediaItem("audio", str(media_dir / "speech.wav"))
    return with_system_prompt([Message("user", "", [speech])], "en")


def test_training_ids_are_what_the_backend_feeds_at_inference(omni_backend, media_dir):
    history = _spoken_history(media_dir)
    reply = "It sounds like a lot is weighing on you."
    trained = encode_conversation(
        omni_backend.processor, [*history, Message("assistant", reply)], MediaLimits()
    )
    prompt = omni_backend.prepare(history).tensors  # what the thinker is prompted with
    spoken = omni_backend.prepare(history, reply=reply).tensors  # what speech is made from
    ids = trained["input_ids"][0]
    assert torch.equal(ids[: prompt["input_ids"].shape[1]], prompt["input_ids"][0].cpu())
    assert torch.equal(ids[: spoken["input_ids"].shape[1]], spoken["input_ids"][0].cpu())
    tail = omni_backend.processor.tokenizer.decode(ids[spoken["input_ids"].shape[1] :])
    assert tail == "<|im_end|>\n"
    assert torch.equal(trained["input_features"], prompt["input_features"].cpu())
    assert torch.equal(trained["feature_attention_mask"], prompt["feature_attention_mask"].cpu())


def test_labels_are_exactly_each_reply_and_its_end_token(omni_backend):
    processor, limits = omni_backend.processor, MediaLimits()
    messages = with_system_prompt(
        [
            Message("user", "I can't sleep."),
            Message("assistant", "That sounds exhausting."),
            Message("user", "It has been weeks."),
            Message("assistant", "Weeks of poor sleep wear anyone down. What keeps you up?"),
        ],
        "en",
    )
    labels = encode_conversation(processor, messages, limits)["labels"][0]
    ids = encode_conversation(processor, messages, limits)["input_ids"][0]
    expected = torch.full_like(ids, IGNORE_INDEX)
    for k, message in enumerate(messages):
        if message.role != "assistant":
            continue
        start = omni_inputs(processor, messages[:k], limits).tensors["input_ids"].shape[1]
        length = len(processor.tokenizer(message.text + "<|im_end|>", add_special_tokens=False).input_ids)
        expected[start : start + length] = ids[start : start + length]
    assert torch.equal(labels, expected)
    assert processor.tokenizer.decode(ids[labels != IGNORE_INDEX]) == (
        "That sounds exhausting.<|im_end|>Weeks of poor sleep wear anyone down. What keeps you up?<|im_end|>"
    )


def test_collator_batches_audio_and_images_for_the_thinker(omni_backend, media_dir):
    face = MediaItem("image", str(media_dir / "face.png"))
    spoken = [*_spoken_history(media_dir), Message("assistant", "I hear you.")]
    shown = with_system_prompt(
        [Message("user", "Look.", [face]), Message("assistant", "I see a face.")], "en"
    )
    collator = OmniCollator(omni_backend.processor, MediaLimits(), max_length=None)
    batch = collator([{"record": to_row(spoken)}, {"record": to_row(shown)}])
    assert batch["input_ids"].shape[0] == 2 and batch["labels"].shape == batch["input_ids"].shape
    assert batch["input_features"].shape[0] == 1 and batch["feature_attention_mask"].shape[0] == 1
    assert batch["image_grid_thw"].shape == (1, 3)
    assert (batch["labels"][batch["attention_mask"] == 0] == IGNORE_INDEX).all()
    thinker = omni_backend.model.thinker
    with torch.no_grad():
        loss = thinker(**batch).loss
    assert torch.isfinite(loss)
