"""Compiled decode steps that survive restarts.

`torch.compile` fuses the fast decode step's ~450 small kernels per step (docs/perf.md: the
step drops from ~6.6 to ~6.2 ms on an H100), but compiling one step shape costs 60–115 s,
so it cannot be paid on every start. Inductor already keeps what it builds (FX graphs, the
AOTAutograd wrappers, the Triton kernels and max-autotune's choices) in a cache directory;
here that directory is a persistent one under CareLLM's cache folder, one per *key*, and a
marker file beside the artefacts lists the step shapes ("variants") compiled into it.

The key is a hash of everything that makes an artefact wrong elsewhere: the decoder's shapes,
dtype and FP8 choice, the torch / Triton / CUDA versions, the GPU (name and compute
capability) and the source of `fast_decode.py` itself (Inductor keys on the traced graph,
but our marker must not claim "warm" after the step's code changed). Inductor's own keys
still guard every artefact, so a wrong key can only cost time, never a wrong kernel.

Modes (`Settings.compile`, `CARELLM_COMPILE`): "off" never compiles; "on" compiles every
step shape it meets (slow the first time, recorded in the marker); "auto" compiles only the
shapes the marker lists, i.e. where the cache is known warm, and captures the rest
uncompiled, so a start never waits for a cold compile.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from carellm.config import CompileMode

if TYPE_CHECKING:
    import torch

    from carellm.backends.fast_decode import StaticDecoder

log = logging.getLogger(__name__)

MARKER = "carellm_steps.json"  # in a key's directory: the fields it was made for, and its variants
STEP_SOURCE = Path(__file__).with_name("fast_decode.py")
Fields = Mapping[str, str | int | bool]
_SET_BY_US: set[str] = set()  # TORCHINDUCTOR_CACHE_DIR values chosen here (another key may replace)


def variant_name(batch: int, length: int, rows: int) -> str:
    """The marker's name for a step shape: buffer rows, cache length, rows stepped."""
    return f"b{batch}-len{length}-n{rows}"


def cached_lengths(variants: set[str], batch: int) -> set[int]:
    """The cache lengths of the step shapes in `variants` made for `batch` buffer rows: what a
    server with that many decode slots met before, so what its start should make ready."""
    lengths = set()
    for variant in variants:
        b, _, rest = variant.partition("-len")
        length, _, rows = rest.partition("-n")
        if b == f"b{batch}" and length.isdigit() and rows.isdigit():
            lengths.add(int(length))
    return lengths


def step_source_digest() -> str:
    """A short hash of the decode step's source: a changed step must not count as warm."""
    return hashlib.sha256(STEP_SOURCE.read_bytes()).hexdigest()[:16]


def environment_fields(device: torch.device) -> dict[str, str | int | bool]:
    """What besides the model decides whether a compiled artefact fits: software and GPU."""
    import torch

    try:
        import triton

        triton_version = triton.__version__
    except ImportError:
        triton_version = ""
    fields: dict[str, str | int | bool] = {
        "torch": torch.__version__,
        "triton": triton_version,
        "cuda": torch.version.cuda or "",
        "device": device.type,
        "step_source": step_source_digest(),
    }
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        fields["gpu"] = props.name
        fields["capability"] = f"{props.major}.{props.minor}"
    return fields


def cache_key(fields: Fields) -> str:
    """The directory name for artefacts made under `fields` (any changed field: another name)."""
    return hashlib.sha256(json.dumps(dict(fields), sort_keys=True).encode()).hexdigest()[:20]


def read_variants(directory: Path, fields: Fields) -> set[str]:
    """The step shapes already compiled into `directory` for exactly `fields` (else none)."""
    try:
        marker = json.loads((directory / MARKER).read_text())
    except FileNotFoundError:
        return set()
    except (OSError, ValueError) as exc:
        log.warning("ignoring the unreadable compile-cache marker in %s: %s", directory, exc)
        return set()
    if not isinstance(marker, dict) or marker.get("fields") != dict(fields):
        return set()
    variants = marker.get("variants")
    return {v for v in variants if isinstance(v, str)} if isinstance(variants, list) else set()


@dataclass
class StepCache:
    """Which step shapes to compile, and where their artefacts live.

    `directory` None: nothing persists (mode "off", or a compile asked for in code without a
    cache folder, as the benchmarks' uncached runs do).
    """

    mode: CompileMode
    directory: Path | None = None
    fields: dict[str, str | int | bool] = field(default_factory=dict)
    warm: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, mode: CompileMode, root: Path | None, fields: Fields) -> StepCache:
        """The cache for `fields` under `root` (its directory is made on first compile)."""
        if mode == "off" or root is None:
            return cls(mode)
        directory = root / cache_key(fields)
        return cls(mode, directory, dict(fields), read_variants(directory, fields))

    @property
    def compiles(self) -> bool:
        """Whether any step shape may be compiled (so a compiled function is worth making)."""
        return self.mode == "on" or (self.mode == "auto" and bool(self.warm))

    def wants(self, variant: str) -> bool:
        """Compile this step shape? "on": always; "auto": only if it is already cached."""
        return self.mode == "on" or (self.mode == "auto" and variant in self.warm)

    def record(self, variant: str) -> None:
        """`variant` compiled (and ran): a later start may compile it from the cache."""
        if self.directory is None or variant in self.warm:
            return
        self.warm.add(variant)
        self.directory.mkdir(parents=True, exist_ok=True)
        marker = {"fields": self.fields, "variants": sorted(self.warm)}
        tmp = self.directory / f".{MARKER}.{os.getpid()}"
        tmp.write_text(json.dumps(marker, indent=1, sort_keys=True))
        tmp.replace(self.directory / MARKER)  # atomic: a reader sees the old list or the new

    def activate(self) -> None:
        """Point Inductor's caches (FX graphs, AOTAutograd, Triton kernels) at our directory.

        Inductor reads `TORCHINDUCTOR_CACHE_DIR` whenever it needs the directory, so this holds
        for the rest of the process; one set by the user wins (their choice of place).
        """
        if self.directory is None:
            return
        import torch._functorch.config
        import torch._inductor.config
        from torch._inductor.runtime.cache_dir_utils import default_cache_dir
        from torch._inductor.utils import clear_caches

        current = os.environ.get("TORCHINDUCTOR_CACHE_DIR")
        # Inductor writes its default (/tmp/torchinductor_$USER) into the variable on first use:
        # that one is nobody's choice, and /tmp does not outlive a reboot.
        if current and current not in _SET_BY_US and Path(current) != Path(default_cache_dir()).absolute():
            log.info("compile cache: keeping TORCHINDUCTOR_CACHE_DIR=%s", current)
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(self.directory)
        _SET_BY_US.add(str(self.directory))
        clear_caches()  # lookups Inductor memoised for the previous folder
        torch._inductor.config.fx_graph_cache = True
        torch._functorch.config.enable_autograd_cache = True
        keep_tuned_configs_on_warm_starts()


def keep_tuned_configs_on_warm_starts() -> bool:
    """Let kernels loaded from the cache keep the block sizes coordinate descent chose for them.

    torch 2.9–2.11 re-run that tuning on every warm start (pytorch/pytorch#172819, fixed by
    #173391 in 2.12): a kernel restored from the FX-graph cache finds its tuned config in the
    autotune cache but drops the "found by coordinate descent" mark, so its first launch tunes
    again: 21–26 s of a 28–35 s warm start on an H100 (docs/perf.md, run 7). This wraps the one
    method that loses the mark and puts it back; True where it was installed.
    """
    import torch
    from torch._inductor.runtime import triton_heuristics as th

    version = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2])
    recheck = getattr(th.CachingAutotuner, "recheck_autotune_cache", None)
    if not (2, 9) <= version < (2, 12) or recheck is None or getattr(recheck, "_carellm", False):
        return False

    def recheck_keeping_the_mark(self, *args, **kwargs):
        candidates = [result.config for result in self.compile_results]
        recheck(self, *args, **kwargs)
        cached, _, _ = th.check_autotune_cache(candidates, self.filename, self.inductor_meta)
        if len(cached) != 1 or not getattr(cached[0], "found_by_coordesc", False):
            return
        best = th.triton_config_to_hashable(cached[0])
        for result in self.compile_results:
            if th.triton_config_to_hashable(result.config) == best:
                self.compile_results = [result]
                result.config.found_by_coordesc = True
                return

    recheck_keeping_the_mark._carellm = True  # type: ignore[attr-defined]
    setattr(th.CachingAutotuner, "recheck_autotune_cache", recheck_keeping_the_mark)  # noqa: B010
    return True


def open_step_cache(decoder: StaticDecoder, mode: CompileMode, cache_dir: Path) -> StepCache:
    """The step cache for `decoder` under `cache_dir`/compile, per `Settings.compile`.

    "auto" compiles on CUDA only: on CPU the step is not launch-bound and "warm" would only
    mean a slower start ("on" still compiles there, for tests)."""
    if mode == "auto" and decoder.device.type != "cuda":
        mode = "off"
    fields = {**decoder.shape_fields(), **environment_fields(decoder.device)}
    return StepCache.open(mode, cache_dir / "compile", fields)
