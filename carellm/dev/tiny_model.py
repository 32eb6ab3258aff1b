"""Build a tiny random Qwen2.5-Omni checkpoint that loads through the real `from_pretrained` path.

Same architecture classes as the released model (thinker with audio and vision encoders,
talker, token2wav DiT + BigVGAN), tiny dimensions, a byte-level BPE tokenizer trained
offline on a few sentences, the Qwen chat template and the real processors. Its replies
are random noise: it exists so tests and demos can exercise every code path without the
15 GB of real weights.

Its speech is noise too, but audible and short, so a user can hear that spoken replies work:
a random talker never emits its stop code, so the checkpoint caps each utterance at
`TINY_UTTERANCE_SECONDS` (`max_speech_codes` in its talker config, which the backend honours);
and a random BigVGAN's output is ~1e-8 (all zeros once written as 16-bit PCM), so its
last layer is scaled at build time for noise at about `TINY_SPEECH_RMS`.
"""

from __future__ import annotations

import json
from pathlib import Path

from carellm.backends.omni import TALKER_CODES_PER_SECOND
from carellm.config import VOICES
from carellm.errors import CareLLMError

TINY_MARKER = "carellm_tiny_random"
# One utterance of the tiny talker: a spoken reply (its early first sentence, then the rest) is
# about 2 s of noise, made in seconds on a CPU.
TINY_UTTERANCE_SECONDS = 1.0
TINY_SPEECH_RMS = 0.03  # about -30 dBFS: quiet, clearly not silence
CHAT_TEMPLATE = (Path(__file__).with_name("chat_template.jinja")).read_text(encoding="utf-8")

# The special tokens the Qwen2.5-Omni processor and model refer to, in the released order.
SPECIAL_TOKENS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|AUDIO|>",
    "<|audio_bos|>",
    "<|audio_eos|>",
    "<|vision_bos|>",
    "<|vision_eos|>",
    "<|vision_pad|>",
    "<|IMAGE|>",
    "<|VIDEO|>",
    "<|tts_pad|>",
    "<|tts_text_bos|>",
    "<|tts_text_eod|>",
    "<|tts_bos_chelsie|>",
    "<|tts_bos_ethan|>",
]
NAMED_TOKENS = {
    "image_token": "<|IMAGE|>",
    "audio_token": "<|AUDIO|>",
    "video_token": "<|VIDEO|>",
    "vision_bos_token": "<|vision_bos|>",
    "vision_eos_token": "<|vision_eos|>",
    "audio_bos_token": "<|audio_bos|>",
    "audio_eos_token": "<|audio_eos|>",
}
_CORPUS = """\
I hear that you have been under a lot of pressure lately. That sounds exhausting.
What has been the hardest part of your week? You are not alone in feeling this way.
It makes sense that you feel anxious before the exam. Would you like to try a breathing exercise?
Thank you for sharing this with me. How have you been sleeping? Let's take it one step at a time.
我听到你最近压力很大，这听起来真的很辛苦。你愿意多说一说吗？
谢谢你愿意告诉我这些。最近睡得怎么样？我们可以一起慢慢来。
你的感受是可以理解的。如果你愿意，我们可以试试深呼吸。你并不孤单。
焦虑 难过 生气 孤独 开心 平静 工作 学习 家人 朋友 睡眠 考试 心理 咨询 帮助
"""


def _train_tokenizer(vocab_size: int):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers.models.qwen2.tokenization_qwen2 import Qwen2Tokenizer

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False
    )
    bpe.train_from_iterator(_CORPUS.splitlines() * 4, trainer=trainer)
    model = json.loads(bpe.to_str())["model"]
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in model["merges"]]
    # transformers' annotation says list[str]; the tokenizer takes (a, b) pairs, as tokenizers writes them.
    tok = Qwen2Tokenizer(vocab=model["vocab"], merges=merges, errors="replace")  # type: ignore[arg-type]
    tok.add_special_tokens({"extra_special_tokens": SPECIAL_TOKENS})
    tok.eos_token = "<|im_end|>"
    tok.pad_token = "<|endoftext|>"
    tok.chat_template = CHAT_TEMPLATE
    return tok


def _save_processor(tokenizer, out: Path) -> None:
    """Processor files as the released checkpoint lays them out (loadable with or without torchvision)."""
    from transformers import WhisperFeatureExtractor
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    from carellm.backends.processor import PIXEL_PARAMS

    tokenizer.save_pretrained(out)
    # Named multimodal tokens are read back from top-level `*_token` keys, as in the released config.
    tok_config = json.loads((out / "tokenizer_config.json").read_text(encoding="utf-8"))
    tok_config.update(NAMED_TOKENS)
    (out / "tokenizer_config.json").write_text(
        json.dumps(tok_config, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    # The released checkpoint keeps feature-extractor and image-processor fields in one file.
    features = WhisperFeatureExtractor(
        feature_size=128,
        sampling_rate=16000,
        hop_length=160,
        chunk_length=300,
        n_fft=400,
        padding_side="right",
    )
    Qwen2VLImageProcessorPil(**PIXEL_PARAMS).save_pretrained(out)  # type: ignore[arg-type]
    merged = json.loads((out / "preprocessor_config.json").read_text(encoding="utf-8"))
    merged.update({k: v for k, v in features.to_dict().items() if k != "mel_filters"})
    merged.update(
        {
            "processor_class": "Qwen2_5OmniProcessor",
            "image_processor_type": "Qwen2VLImageProcessor",
            "feature_extractor_type": "WhisperFeatureExtractor",
        }
    )
    (out / "preprocessor_config.json").write_text(json.dumps(merged, indent=2), encoding="utf-8")
    video = dict(
        PIXEL_PARAMS,
        video_processor_type="Qwen2VLVideoProcessor",
        do_resize=True,
        do_rescale=True,
        do_normalize=True,
        do_convert_rgb=True,
    )
    (out / "video_preprocessor_config.json").write_text(json.dumps(video, indent=2), encoding="utf-8")
    (out / "chat_template.jinja").write_text(CHAT_TEMPLATE, encoding="utf-8")


def tiny_config(tokenizer):
    """A Qwen2_5OmniConfig with tiny dimensions and every token id the released config sets."""
    from transformers import Qwen2_5OmniConfig

    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS}
    vocab = (len(tokenizer) + 63) // 64 * 64
    hidden = 64
    token_ids = dict(
        audio_token_index=ids["<|AUDIO|>"],
        image_token_index=ids["<|IMAGE|>"],
        video_token_index=ids["<|VIDEO|>"],
        audio_start_token_id=ids["<|audio_bos|>"],
        audio_end_token_id=ids["<|audio_eos|>"],
        position_id_per_seconds=25,
        seconds_per_chunk=2,
    )
    thinker = dict(
        **token_ids,
        vision_start_token_id=ids["<|vision_bos|>"],
        vision_end_token_id=ids["<|vision_eos|>"],
        user_token_id=tokenizer.convert_tokens_to_ids("user") if "user" in tokenizer.get_vocab() else 0,
        audio_config=dict(
            num_mel_bins=128,
            encoder_layers=2,
            encoder_attention_heads=2,
            encoder_ffn_dim=64,
            d_model=32,
            output_dim=hidden,
            n_window=100,
            max_source_positions=1500,
        ),
        vision_config=dict(
            depth=2,
            hidden_size=32,
            intermediate_size=64,
            num_heads=2,
            out_hidden_size=hidden,
            fullatt_block_indexes=[1],
            patch_size=14,
            spatial_merge_size=2,
            temporal_patch_size=2,
            window_size=112,
            in_channels=3,
        ),
        text_config=dict(
            vocab_size=vocab,
            hidden_size=hidden,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=8192,
            rope_parameters={"rope_type": "default", "rope_theta": 1e6, "mrope_section": [2, 3, 3]},
            eos_token_id=ids["<|im_end|>"],
            pad_token_id=ids["<|endoftext|>"],
        ),
    )
    talker = dict(
        **token_ids,
        vision_start_token_id=ids["<|vision_bos|>"],
        vision_end_token_id=ids["<|vision_eos|>"],
        vocab_size=8448,
        embedding_size=hidden,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=16,
        max_position_embeddings=8192,
        rope_parameters={"rope_type": "default", "rope_theta": 1e6, "mrope_section": [2, 3, 3]},
        tts_text_start_token_id=ids["<|tts_text_bos|>"],
        tts_text_end_token_id=ids["<|tts_text_eod|>"],
        tts_text_pad_token_id=ids["<|tts_pad|>"],
    )
    token2wav = dict(
        # num_embeds covers the whole talker vocabulary so random codes stay inside the codebook.
        dit_config=dict(
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            head_dim=16,
            ff_mult=2,
            emb_dim=16,
            num_embeds=8448,
            mel_dim=80,
            enc_emb_dim=16,
            enc_dim=16,
            # ECAPA needs enc_channels[-1] == sum(enc_channels[1:-1]).
            enc_channels=[32, 32, 32, 32, 96],
            enc_attention_channels=16,
            enc_se_channels=16,
            look_ahead_layers=[1],
            look_backward_layers=[0, 1],
            block_size=24,
            repeats=2,
        ),
        # upsample_initial_channel must stay >= 2**len(upsample_rates).
        bigvgan_config=dict(
            mel_dim=80,
            upsample_initial_channel=64,
            resblock_kernel_sizes=[3],
            resblock_dilation_sizes=[[1, 3, 5]],
            upsample_rates=[5, 3, 2, 2, 2, 2],
            upsample_kernel_sizes=[11, 7, 4, 4, 4, 4],
        ),
    )
    config = Qwen2_5OmniConfig(
        thinker_config=thinker, talker_config=talker, token2wav_config=token2wav, enable_audio_output=True
    )
    config.architectures = ["Qwen2_5OmniForConditionalGeneration"]
    return config


def _speaker_map(tokenizer, config):
    import torch

    gen = torch.Generator().manual_seed(0)
    emb = config.token2wav_config.dit_config.enc_emb_dim
    return {
        name: {
            "cond": torch.randn(1, emb, generator=gen),
            "ref_mel": torch.randn(1, 60, 80, generator=gen) * 0.1,
            "bos_token": tokenizer.convert_tokens_to_ids(f"<|tts_bos_{name.lower()}|>"),
        }
        for name in VOICES
    }


def _make_speech_audible(model, speakers: dict) -> None:
    """Scale the random vocoder's last layer so its output is noise at about `TINY_SPEECH_RMS`.

    The layer is linear and has no bias, so scaling its weight scales the waveform exactly. The
    factor is measured on one second of random codes, through the same DiT and vocoder code the
    backend runs.
    """
    import torch

    from carellm.backends.stream_speech import sample_mel, vocode

    t2w = model.token2wav.float()
    dit = t2w.config.dit_config
    gen = torch.Generator().manual_seed(1)
    codes = torch.randint(0, 8192, (1, TALKER_CODES_PER_SECOND), generator=gen)
    noise = torch.randn(1, codes.shape[1] * dit.repeats, dit.mel_dim, generator=gen)
    speaker = next(iter(speakers.values()))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # ops this small only wait on a second thread (backends/omni.py)
    try:
        with torch.inference_mode():
            mel = sample_mel(t2w, codes, speaker["cond"].float(), speaker["ref_mel"].float(), noise)
            rms = float(vocode(t2w, mel).pow(2).mean().sqrt())
    finally:
        torch.set_num_threads(threads)
    with torch.no_grad():
        t2w.code2wav_bigvgan_model.conv_post.weight.mul_(TINY_SPEECH_RMS / max(rms, 1e-20))


def make_tiny_model(out_dir: str | Path, seed: int = 0) -> Path:
    """Write a tiny random checkpoint to `out_dir` and return its path."""
    import torch
    from transformers import Qwen2_5OmniForConditionalGeneration

    from carellm.backends.loading import quiet_known_config_warnings

    quiet_known_config_warnings()
    out = Path(out_dir).expanduser()
    if out.exists() and not out.is_dir():
        raise CareLLMError(f"{out} exists and is not a folder.", "Choose a new folder name.")
    if out.exists() and any(out.iterdir()) and not (out / "config.json").exists():
        raise CareLLMError(f"{out} exists and is not empty.", "Choose a new or empty folder.")
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    tokenizer = _train_tokenizer(vocab_size=1200)
    config = tiny_config(tokenizer)
    model = Qwen2_5OmniForConditionalGeneration(config).eval()
    gen = model.thinker.generation_config
    gen.eos_token_id = [tokenizer.convert_tokens_to_ids("<|im_end|>"), tokenizer.eos_token_id]
    gen.pad_token_id = tokenizer.pad_token_id
    speakers = _speaker_map(tokenizer, config)
    _make_speech_audible(model, speakers)
    # Kept in config.json (a generation config drops keys it does not know when loaded).
    model.config.talker_config.max_speech_codes = round(TALKER_CODES_PER_SECOND * TINY_UTTERANCE_SECONDS)
    model.save_pretrained(out)
    _save_processor(tokenizer, out)
    torch.save(speakers, out / "spk_dict.pt")
    (out / "carellm_tiny.json").write_text(
        json.dumps(
            {
                TINY_MARKER: True,
                "warning": (
                    "Random weights: replies (text and speech) are noise. "
                    "For testing CareLLM's interfaces only."
                ),
                "parameters": sum(p.numel() for p in model.parameters()),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return out


def is_tiny_model(path: str | Path) -> bool:
    return (Path(path) / "carellm_tiny.json").is_file()
