"""Qwen2.5-Omni exported to MNN (`carellm export mnn`), run on a CPU through MNN's Python LLM API.

The edge engine: a 4-bit thinker in a few GB of RAM, no GPU, no server. It is only the engine;
the session around it (crisis layer, reply guard, emotion, store, disclaimer) is the same code
as with the other backends.

The prompt is rendered from the chat template the exporter copied out of the source checkpoint's
tokenizer (`llm_config.json` → `jinja.chat_template`: the checkpoint's own template, the one the
transformers path uses through its processor), with transformers' renderer on the same
conversation dicts (`inputs.qwen_conversation`): so both engines prompt a model with the same text.
Tokens are decoded one step at a time (`Llm.forward`) and sampled here, so `temperature`,
`top_p`, `seed` and the stop reason mean what they mean on the other engines.

Speech: the MNN runtime in the `MNN` wheel has no Python entry to the talker, and the exporter
cannot export the tiny checkpoint's code2wav (docs/edge.md), so this engine writes text only.
"""

from __future__ import annotations

import codecs
import json
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from carellm.backends.base import Chunk, GenerationOptions, Message
from carellm.backends.transcription import transcription_messages, transcription_options
from carellm.config import MediaLimits, Settings
from carellm.errors import BackendError, ConfigError, MediaError
from carellm.media import MediaItem

# The files every export has; without them MNN fails deep inside its loader.
REQUIRED_FILES = ("config.json", "llm_config.json", "llm.mnn", "llm.mnn.weight", "tokenizer.mtok")
STOP_TOKENS = ("<|im_end|>", "<|endoftext|>")
# Per media item, what `count_tokens` adds (the exported encoders' output lengths vary with size).
MEDIA_TOKENS = {"image": 256, "audio": 750, "video": 1500}


def check_export(folder: Path) -> dict:
    """The export's `llm_config.json`, after checking the folder is a whole MNN export."""
    if not folder.is_dir():
        raise ConfigError(
            f"No MNN model folder at {folder}.",
            "Export one first: carellm export mnn --model Qwen/Qwen2.5-Omni-3B --out DIR",
        )
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise ConfigError(
            f"{folder} is not a complete MNN export (missing {', '.join(missing)}).",
            "Export it again with carellm export mnn.",
        )
    try:
        config = json.loads((folder / "llm_config.json").read_text(encoding="utf-8"))
        json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{folder}'s MNN config files cannot be read ({exc}).", "Export it again with carellm export mnn."
        ) from exc
    if not isinstance(config, dict) or not config.get("jinja", {}).get("chat_template"):
        raise ConfigError(
            f"{folder}/llm_config.json has no chat template.", "Export it again with carellm export mnn."
        )
    return config


class _Utf8Pieces:
    """Token texts as they become whole characters: MNN's decoder returns one token's bytes, and a
    Chinese character is often split over two byte-level tokens (its binding then raises)."""

    def __init__(self, llm) -> None:
        self.llm = llm
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def add(self, token: int) -> str:
        try:
            raw = self.llm.tokenizer_decode(token).encode("utf-8")
        except UnicodeDecodeError as exc:  # the binding's bytes were not a whole character
            raw = bytes(exc.object)
        return self.decoder.decode(raw)

    def flush(self) -> str:
        return self.decoder.decode(b"", final=True)


def sample(logits: np.ndarray, options: GenerationOptions, rng: np.random.Generator) -> int:
    """Greedy at temperature 0, else nucleus sampling at `top_p` (as transformers' generate does)."""
    if options.temperature <= 0:
        return int(logits.argmax())
    z = logits.astype(np.float64) / options.temperature
    probs = np.exp(z - z.max())
    probs /= probs.sum()
    order = np.argsort(-probs)
    keep = np.cumsum(probs[order]) - probs[order] < options.top_p  # always keeps the first
    kept = order[keep]
    return int(rng.choice(kept, p=probs[kept] / probs[kept].sum()))


class MNNBackend:
    """A `carellm export mnn` folder through `MNN.llm` (one generation at a time, on the CPU)."""

    name = "mnn"
    speaks_separately = True

    def __init__(self, llm, folder: Path, config: dict, settings: Settings) -> None:
        self.llm = llm
        self.folder = folder
        self.config = config
        self.settings = settings
        self.limits: MediaLimits = settings.media
        self.template: str = config["jinja"]["chat_template"]
        self._lock = threading.Lock()  # MNN's Llm keeps one KV cache: one generation at a time
        self._stop = {ids[0] for t in STOP_TOKENS if len(ids := llm.tokenizer_encode(t)) == 1}

    @classmethod
    def load(cls, settings: Settings) -> MNNBackend:
        folder = Path(settings.model).expanduser()
        config = check_export(folder)
        try:
            import MNN.llm as mnn_llm
        except ImportError as exc:
            raise ConfigError(
                "The mnn backend needs MNN's Python package.", "Install it: pip install 'carellm[edge]'"
            ) from exc
        llm = mnn_llm.create(str(folder / "config.json"))
        # The export says 4 threads; more threads than cores only wait on each other.
        llm.set_config({"thread_num": max(1, min(4, os.cpu_count() or 1))})
        llm.load()
        if int(llm.context.status) < 0:  # MNN logs its reason and leaves the model unloaded
            raise ConfigError(
                f"MNN could not load the model in {folder} (a corrupt or incompatible export).",
                "Export it again with carellm export mnn, with the same MNN version as this one.",
            )
        return cls(llm, folder, config, settings)

    # ----------------------------------------------------------------- what it can do
    @property
    def can_speak(self) -> bool:
        return False

    @property
    def accelerated(self) -> bool:
        return False

    @property
    def concurrency(self) -> int:
        return 1

    @property
    def takes(self) -> set[str]:
        """The media kinds the export has an encoder for."""
        kinds = set()
        if self.config.get("is_visual"):
            kinds.add("image")
        if self.config.get("is_audio"):
            kinds.add("audio")
        return kinds

    def warm_up(self) -> None:
        """Nothing to prepare: `load` mapped the weights."""

    # ----------------------------------------------------------------- prompt
    def prompt(self, messages: Sequence[Message]) -> str:
        """The exported chat template over the messages; media as MNN's `<img>`/`<audio>` tags."""
        from transformers.utils.chat_template_utils import render_jinja_template

        conversation = []
        for msg in messages:
            tags = "".join(self._media_tag(item) for item in msg.media)
            conversation.append({"role": msg.role, "content": [{"type": "text", "text": tags + msg.text}]})
        # Typed as returning str, it returns (rendered conversations, generation indices).
        rendered: Any = render_jinja_template(
            conversations=[conversation], chat_template=self.template, add_generation_prompt=True
        )
        return str(rendered[0][0])

    def _media_tag(self, item: MediaItem) -> str:
        if item.kind not in self.takes:
            raise MediaError(
                f"This MNN export takes no {item.kind} input.",
                "Send text, or export the model again with its encoders.",
            )
        if not isinstance(item.source, (str, Path)):
            raise MediaError(f"The MNN engine reads {item.kind} from files only.", "Send it as a file.")
        tag = "img" if item.kind == "image" else "audio"
        return f"<{tag}>{item.source}</{tag}>"

    def count_tokens(self, messages: Sequence[Message]) -> int:
        total = 0
        for msg in messages:
            total += len(self.llm.tokenizer_encode(msg.text)) + 5
            total += sum(MEDIA_TOKENS.get(item.kind, 0) for item in msg.media)
        return total

    # ----------------------------------------------------------------- text
    def stream(self, messages: Sequence[Message], options: GenerationOptions) -> Iterator[Chunk]:
        prompt = self.prompt(messages)
        rng = np.random.default_rng(options.seed)
        with self._lock:
            self.llm.reset()
            ids = self.llm.tokenizer_encode(prompt)
            text = _Utf8Pieces(self.llm)
            made, token = 0, None
            try:
                logits = self._logits(ids)
                while made < options.max_new_tokens:
                    token = sample(logits, options, rng)
                    made += 1
                    if token in self._stop:
                        break
                    if piece := text.add(token):
                        yield Chunk("text", text=piece)
                    if made < options.max_new_tokens:
                        logits = self._logits([token])
                if tail := text.flush():
                    yield Chunk("text", text=tail)
            finally:
                self.llm.reset()
        if made >= options.max_new_tokens and token not in self._stop:
            yield Chunk("end", finish_reason="length")

    def _logits(self, ids: list[int]) -> np.ndarray:
        out = self.llm.forward(ids)
        if out is None:
            raise BackendError(
                "The MNN engine failed while generating.",
                "Try again; if it keeps failing, export the model again.",
            )
        # A copy: `read()` is a view of MNN's output buffer, which the next step overwrites.
        return np.array(out.read(), dtype=np.float32, copy=True).reshape(-1)

    def transcribe(self, speech: Sequence[MediaItem], lang: str | None, max_new_tokens: int) -> str | None:
        """The exported audio encoder's reading of `speech` (None when the export has none)."""
        if "audio" not in self.takes:
            return None
        messages = transcription_messages(speech, lang)
        return "".join(c.text for c in self.stream(messages, transcription_options(max_new_tokens))).strip()

    def speak_stream(
        self, messages: Sequence[Message], reply: str, voice: str, max_seconds: float | None = None
    ) -> Iterator[np.ndarray]:
        """No speech from this engine (see the module's docstring)."""
        return iter(())
