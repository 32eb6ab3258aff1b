"""Loading the Qwen2.5-Omni processor, with a torchvision-free video path.

transformers' `Qwen2VLVideoProcessor` needs torchvision, which has no CPU build for every
torch release. Frames arrive here already sampled and resized by `carellm.media`, so all
that is left is rescale, normalise and the Qwen2-VL patch layout, done below in numpy
with the same layout as transformers' video processor.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import numpy as np
from transformers import BatchFeature
from transformers.video_processing_utils import VideoProcessorMixin

PIXEL_PARAMS = dict(
    min_pixels=3136,
    max_pixels=12845056,
    patch_size=14,
    temporal_patch_size=2,
    merge_size=2,
    image_mean=[0.48145466, 0.4578275, 0.40821073],
    image_std=[0.26862954, 0.26130258, 0.27577711],
)


class FrameVideoProcessor(VideoProcessorMixin):
    """Qwen2-VL video patches from (T, H, W, 3) uint8 frames whose sides are multiples of 28."""

    # transformers declares it per instance; a class constant here.
    model_input_names: ClassVar[list[str]] = ["pixel_values_videos", "video_grid_thw"]  # type: ignore[misc]

    def __init__(
        self,
        patch_size: int = 14,
        temporal_patch_size: int = 2,
        merge_size: int = 2,
        image_mean: list[float] | None = None,
        image_std: list[float] | None = None,
        **_: object,
    ):
        super().__init__()
        self.patch_size = patch_size
        self.temporal_patch_size = temporal_patch_size
        self.merge_size = merge_size
        self.image_mean = np.asarray(image_mean or PIXEL_PARAMS["image_mean"], np.float32)
        self.image_std = np.asarray(image_std or PIXEL_PARAMS["image_std"], np.float32)

    def _patchify(self, frames: np.ndarray) -> tuple[np.ndarray, list[int]]:
        x = (np.asarray(frames, np.float32) / 255.0 - self.image_mean) / self.image_std
        x = x.transpose(0, 3, 1, 2)  # T, C, H, W
        tp, p, m = self.temporal_patch_size, self.patch_size, self.merge_size
        if pad := -x.shape[0] % tp:
            x = np.concatenate([x, np.repeat(x[-1:], pad, axis=0)])
        t, c, h, w = x.shape
        gt, gh, gw = t // tp, h // p, w // p
        x = x.reshape(gt, tp, c, gh // m, m, p, gw // m, m, p)
        x = x.transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
        return x.reshape(gt * gh * gw, c * tp * p * p), [gt, gh, gw]

    def __call__(self, videos, **kwargs) -> BatchFeature:  # type: ignore[override]  # frames only
        if isinstance(videos, np.ndarray) and videos.ndim == 4:
            videos = [videos]
        patches, grids = zip(*(self._patchify(v) for v in videos), strict=True)
        return BatchFeature(
            {"pixel_values_videos": np.concatenate(patches), "video_grid_thw": np.asarray(grids, np.int64)},
            tensor_type=kwargs.get("return_tensors"),
        )


def load_processor(path: str | Path, **hub_kwargs):
    """The model's own processor; without torchvision, the same parts with our video processor."""
    from transformers import Qwen2_5OmniProcessor

    try:
        return Qwen2_5OmniProcessor.from_pretrained(path, **hub_kwargs)
    except ImportError as exc:
        if "torchvision" not in str(exc).lower():
            raise
    from transformers import AutoTokenizer, WhisperFeatureExtractor
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    tokenizer = AutoTokenizer.from_pretrained(path, **hub_kwargs)
    features = WhisperFeatureExtractor.from_pretrained(path, **hub_kwargs)
    images = Qwen2VLImageProcessorPil.from_pretrained(path, **hub_kwargs)

    class TorchvisionFreeOmniProcessor(Qwen2_5OmniProcessor):
        def check_argument_for_proper_class(self, argument_name, argument):
            # The stock check looks the video class up in a mapping that only exists with torchvision.
            if argument_name == "video_processor":
                return type(argument)
            return super().check_argument_for_proper_class(argument_name, argument)

    return TorchvisionFreeOmniProcessor(
        image_processor=images,
        video_processor=FrameVideoProcessor(),
        feature_extractor=features,
        tokenizer=tokenizer,
        chat_template=tokenizer.chat_template or _chat_template_file(path),
    )


def _chat_template_file(path: str | Path) -> str | None:
    folder = Path(path)
    if (folder / "chat_template.jinja").is_file():
        return (folder / "chat_template.jinja").read_text(encoding="utf-8")
    if (folder / "chat_template.json").is_file():
        return json.loads((folder / "chat_template.json").read_text(encoding="utf-8")).get("chat_template")
    return None
