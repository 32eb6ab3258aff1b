"""What the reply guard's model self-check adds per reply, beside the guard without it (same run).

The baseline is `SafetyLayer.check_reply` on whole replies with the patterns and the learned model
(what every reply costs today); the self-check runs the same call with `SelfCheck` on the engine,
through `OmniBackend.stream` (the fast batched decode on CUDA, as served). Model-style replies,
4 en and 4 zh. Prints ONE JSON line (milliseconds):

- `baseline_ms`, `with_self_check_ms`: p50/p99/mean of the whole-reply check without and with it;
  `added_ms` = their difference at p50 and p99.
- at two answer lengths, `cap_16` (the shipped cap; a random model never stops, so this is the
  worst case, 16 decode steps) and `cap_2` (`safe` and the end token: what a model that answers as
  asked costs); `self_check_ms` is the engine call alone.
- `sentence_scope_ms_per_reply`: scope "sentence", one self-check per settled sentence (each on the
  reply so far), summed over a reply (`cap_2`).
- `prompt_tokens`: the rubric with a reply, through the loaded processor. The tiny checkpoint's
  tokenizer (used at both scales: random weights have no tokenizer of their own) splits text finer
  than Qwen's; `prompt_tokens_qwen_estimate` is the remote backend's estimate for Qwen's.

`--scale tiny` (CPU): the tiny random checkpoint. `--scale 7b` (CUDA): random bf16 weights at the
released Qwen2.5-Omni-7B shapes (bench/gpu_omni.py's `build_model`), the tiny checkpoint's processor.

    python bench/guard_self_check.py [--scale tiny|7b] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's carellm, not an installed one
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPLIES = [
    ("en", "That sounds really exhausting. Carrying exams and a part-time job at once would wear anyone "
           "down. It makes sense that you feel behind. What part of this week feels heaviest right now? "
           "If it helps, we could look at one small thing you might set down for a day."),
    ("en", "I'm really glad you told me. Feeling like a burden is painful, and you don't have to carry it "
           "alone. Are you safe right now? If you ever feel you might act on these thoughts, please call "
           "a crisis line or emergency services straight away."),
    ("en", "It sounds like your sleep has been off for weeks, and that makes everything harder. Many "
           "people find a fixed wind-down time helps a little. A doctor can also look at what is keeping "
           "you awake. What do your evenings usually look like?"),
    ("en", "Losing him must have left a huge gap in your days. Grief can come in waves like this. There "
           "is no right way to feel about it. Would you like to tell me a bit about him?"),
    ("zh", "听起来你最近真的很累，考试和兼职同时压在身上，谁都会觉得喘不过气。"
           "你觉得落后了，这种感受很可以理解。这周最让你难受的是哪一部分？如果愿意，我们可以一起看看有没有哪件小事可以先放一放。"),
    ("zh", "谢谢你愿意告诉我。觉得自己是别人的负担，这种感觉很痛苦，你不需要一个人扛着。你现在安全吗？"
           "如果你觉得自己可能会伤害自己，请马上拨打心理危机热线或急救电话。"),
    ("zh", "听起来你已经好几周没睡好了，这会让所有事情都变得更难。很多人发现固定的睡前放松时间会有些帮助。"
           "医生也可以帮你看看是什么让你睡不着。你平时晚上一般是怎么度过的？"),
    ("zh", "失去他一定在你的生活里留下了很大的空缺。悲伤常常像这样一阵一阵地涌来，怎么感受都没有对错。"
           "你愿意和我说说他吗？"),
]  # fmt: skip


def stats(values: list[float]) -> dict:
    ordered = sorted(values)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]

    return {
        "p50": round(pct(50) * 1e3, 3),
        "p99": round(pct(99) * 1e3, 3),
        "mean": round(statistics.fmean(values) * 1e3, 3),
    }


def build_backend(scale: str, model_dir: Path):
    import torch

    from carellm.backends.omni import OmniBackend
    from carellm.config import Settings

    if scale == "tiny":
        return OmniBackend.load(Settings(model=str(model_dir), seed=0, audio_output=False))
    from carellm.backends.processor import load_processor

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gpu_omni import SHAPES_7B, build_model

    model = build_model(SHAPES_7B, "cuda", torch.bfloat16)
    model.disable_talker()  # the self-check writes no speech
    processor = load_processor(str(model_dir), local_files_only=True)
    return OmniBackend(model, processor, Settings(model="random-7b", audio_output=False))


def sentence_prefixes(reply: str) -> list[str]:
    """The reply up to the end of each sentence, as scope "sentence" checks it while it streams in."""
    from carellm.counseling.sentences import SENTENCE_END

    ends = sorted({m.end() for m in SENTENCE_END.finditer(reply)} | {len(reply)})
    return [reply[:end] for end in ends if reply[:end].strip()]


def timed(fn) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["tiny", "7b"], default="tiny")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import torch

    from carellm.backends.openai import OpenAIBackend
    from carellm.dev.tiny_model import make_tiny_model
    from carellm.safety.gate import SafetyLayer
    from carellm.safety.self_check import MAX_NEW_TOKENS, SelfCheck, rubric_messages

    device = "cuda" if args.scale == "7b" else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--scale 7b needs a CUDA GPU")
    result: dict = {
        "bench": "guard_self_check",
        "scale": args.scale,
        "device": device,
        "torch": torch.__version__,
    }
    if device == "cuda":
        result["gpu"] = torch.cuda.get_device_name()
    model_dir = make_tiny_model(Path(tempfile.mkdtemp(prefix="carellm-bench-")))
    began = time.perf_counter()
    backend = build_backend(args.scale, model_dir)
    result["build_s"] = round(time.perf_counter() - began, 1)
    result["decode_slots"] = backend.concurrency  # > 1: the fast batched decode path, as served on CUDA
    estimate = OpenAIBackend("http://127.0.0.1:9/v1", "qwen")  # its count_tokens is a Qwen-token estimate
    result["prompt_tokens"] = {
        lang: round(
            statistics.fmean(backend.count_tokens(rubric_messages(r, lang)) for g, r in REPLIES if g == lang)
        )
        for lang in ("en", "zh")
    }
    result["prompt_tokens_qwen_estimate"] = {
        lang: round(
            statistics.fmean(estimate.count_tokens(rubric_messages(r, lang)) for g, r in REPLIES if g == lang)
        )
        for lang in ("en", "zh")
    }

    caps = (MAX_NEW_TOKENS, 2)
    baseline = SafetyLayer()
    checked = {
        cap: SafetyLayer(self_check=SelfCheck(backend, max_new_tokens=cap, remember=0)) for cap in caps
    }
    for lang, reply in REPLIES[:2] + REPLIES[4:6]:  # warm-up: learned model, CUDA graphs, allocator
        baseline.check_reply(reply, lang)
        for layer in checked.values():
            layer.check_reply(reply, lang)

    plain: list[float] = []
    whole: dict[int, list[float]] = {cap: [] for cap in caps}
    own: dict[int, list[float]] = {cap: [] for cap in caps}
    for _ in range(args.rounds):
        for lang, reply in REPLIES:
            plain.append(timed(lambda lang=lang, reply=reply: baseline.check_reply(reply, lang)))
            for cap in caps:
                began = time.perf_counter()
                decision = checked[cap].check_reply(reply, lang)
                whole[cap].append(time.perf_counter() - began)
                own[cap].append(decision.details["self_check"]["seconds"])
    sentence = SafetyLayer(self_check=SelfCheck(backend, scope="sentence", max_new_tokens=2, remember=0))
    per_reply = [
        timed(lambda r=reply, g=lang: [sentence.check_reply(p, g, final=False) for p in sentence_prefixes(r)])
        for _ in range(max(1, args.rounds // 2))
        for lang, reply in REPLIES
    ]
    result["replies"] = len(REPLIES)
    result["rounds"] = args.rounds
    result["baseline_ms"] = stats(plain)
    result["with_self_check_ms"] = {f"cap_{cap}": stats(whole[cap]) for cap in caps}
    result["added_ms"] = {
        f"cap_{cap}": {q: round(stats(whole[cap])[q] - stats(plain)[q], 3) for q in ("p50", "p99")}
        for cap in caps
    }
    result["self_check_ms"] = {f"cap_{cap}": stats(own[cap]) for cap in caps}
    result["sentences_per_reply"] = round(statistics.fmean(len(sentence_prefixes(r)) for _, r in REPLIES), 1)
    result["sentence_scope_ms_per_reply"] = stats(per_reply)
    result["outcomes"] = checked[MAX_NEW_TOKENS].self_check.counts()
    if device == "cuda":
        result["max_gpu_mem_gb"] = round(torch.cuda.max_memory_allocated() / 2**30, 1)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
