"""The one place where audio, images and video are read, validated and normalised.

Every interface and backend goes through here, so limits and error messages are the same
everywhere. Sources may be a path, raw bytes (e.g. from an HTTP upload) or, for audio, an
array already in memory.
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias

import numpy as np

from carellm.config import MediaLimits
from carellm.errors import MediaError, MediaTooLargeError

if TYPE_CHECKING:
    from PIL.Image import Image

MediaKind = Literal["audio", "image", "video"]
Source = str | Path | bytes

AUDIO_EXTS = {".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus", ".webm", ".m4a"}
IMAGE_EXTS = {".png", ".jpg", ".jpeg", ".webp"}
VIDEO_EXTS = {".mp4", ".webm", ".mov", ".mkv"}
INPUT_SAMPLE_RATE = 16_000
OUTPUT_SAMPLE_RATE = 24_000
# Qwen2.5-Omni's vision patches are 14 px, merged 2x2: frame sides must be multiples of 28.
_VISION_FACTOR = 28
_PIL_LIMIT_LOCK = threading.Lock()  # Pillow's bomb limit is a global; change it one thread at a time


@dataclass
class VideoClip:
    frames: np.ndarray  # (T, H, W, 3) uint8
    fps: float
    audio: np.ndarray | None = None  # 16 kHz mono float32, when the file has a track and it was asked for


# What `MediaItem.load` gives: a waveform (audio), an RGB picture (image) or a clip (video).
LoadedMedia: TypeAlias = "np.ndarray | Image | VideoClip"


@dataclass
class MediaItem:
    """A reference to one piece of media in a message; loaded lazily and cached.

    `load()` checks and decodes whatever kind it is; `audio()`, `image()` and `video()` return
    the decoded value as its own type for callers that know the kind (asking an image for its
    audio is a programming error, a ValueError).
    """

    kind: MediaKind
    source: Source | np.ndarray
    name: str = ""
    use_audio_in_video: bool = False
    _audio: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)
    _image: Image | None = field(default=None, init=False, repr=False, compare=False)
    _video: VideoClip | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.name:
            self.name = str(self.source) if isinstance(self.source, str | Path) else f"<{self.kind} data>"

    def load(self, limits: MediaLimits | None = None) -> LoadedMedia:
        """Read, check and decode the item (once: later calls return the same object)."""
        if self.kind == "audio":
            return self.audio(limits)
        if self.kind == "image":
            return self.image(limits)
        return self.video(limits)

    def audio(self, limits: MediaLimits | None = None) -> np.ndarray:
        """The 16 kHz mono float32 waveform of an audio item."""
        self._expect("audio")
        if self._audio is None:
            self._audio = load_audio(self.source, limits)
        return self._audio

    def image(self, limits: MediaLimits | None = None) -> Image:
        """The RGB picture of an image item."""
        self._expect("image")
        if self._image is None:
            self._image = load_image(self._encoded(), limits)
        return self._image

    def video(self, limits: MediaLimits | None = None) -> VideoClip:
        """The sampled frames (and the sound track, when asked for) of a video item."""
        self._expect("video")
        if self._video is None:
            self._video = load_video(self._encoded(), limits, with_audio=self.use_audio_in_video)
        return self._video

    def _expect(self, kind: MediaKind) -> None:
        if self.kind != kind:
            raise ValueError(f"{self.name} is {self.kind}, not {kind}.")

    def _encoded(self) -> Source:
        """A file or its bytes: only audio may arrive as an array of samples."""
        if isinstance(self.source, np.ndarray):
            raise MediaError(f"The {self.kind} must be a file or its bytes.", f"Attach the {self.kind} file.")
        return self.source


def _read_bytes(src: Source, kind: str, allowed: set[str], limits: MediaLimits) -> tuple[bytes, str]:
    """Bytes and a display name; checks existence, extension and size before decoding anything."""
    if isinstance(src, bytes):
        if not src:
            raise MediaError(f"The {kind} data is empty.", "Send a non-empty file.")
        if len(src) > limits.max_file_mb * 1e6:
            raise MediaTooLargeError(
                f"The {kind} is {len(src) / 1e6:.1f} MB; the limit is {limits.max_file_mb:g} MB.",
                "Send a shorter or smaller file, or raise CARELLM_MEDIA_MAX_FILE_MB.",
            )
        return src, f"<{kind} data>"
    path = Path(src).expanduser()
    if not path.is_file():
        raise MediaError(f"No {kind} file at {path}.", "Check the path and try again.")
    ext = path.suffix.lower()
    if ext not in allowed:
        raise MediaError(
            f"{path.name}: '{ext or 'no extension'}' is not a supported {kind} format.",
            f"Supported: {', '.join(sorted(allowed))}.",
        )
    size = path.stat().st_size
    if size == 0:
        raise MediaError(f"{path.name} is empty.", f"Record or choose the {kind} again.")
    if size > limits.max_file_mb * 1e6:
        raise MediaTooLargeError(
            f"{path.name} is {size / 1e6:.1f} MB; the limit is {limits.max_file_mb:g} MB.",
            "Send a shorter or smaller file, or raise CARELLM_MEDIA_MAX_FILE_MB.",
        )
    return path.read_bytes(), path.name


def _check_audio_seconds(seconds: float, name: str, limit: float) -> None:
    if seconds > limit:
        raise MediaTooLargeError(
            f"{name} is {seconds:.0f} s of audio; the limit is {limit:g} s.",
            "Trim the recording, or raise CARELLM_MEDIA_MAX_AUDIO_SECONDS.",
        )


def _to_mono_16k(samples: np.ndarray, sr: int) -> np.ndarray:
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim == 2:
        samples = samples.mean(axis=1)
    if sr != INPUT_SAMPLE_RATE:
        import librosa

        samples = librosa.resample(samples, orig_sr=sr, target_sr=INPUT_SAMPLE_RATE)
    return np.ascontiguousarray(samples, dtype=np.float32)


def _decode_with_av(data: bytes, name: str, limit_s: float) -> np.ndarray | None:
    """Audio track of any container ffmpeg reads, at 16 kHz mono; None when there is no audio stream."""
    import av

    try:
        with av.open(io.BytesIO(data), "r") as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            if stream.duration and stream.time_base:
                _check_audio_seconds(float(stream.duration * stream.time_base), name, limit_s)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=INPUT_SAMPLE_RATE)
            parts: list[np.ndarray] = []
            total = 0
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    arr = out.to_ndarray().reshape(-1)
                    parts.append(arr)
                    total += arr.size
                    _check_audio_seconds(total / INPUT_SAMPLE_RATE, name, limit_s)
            for out in resampler.resample(None):
                parts.append(out.to_ndarray().reshape(-1))
    except MediaError:
        raise
    except Exception as exc:  # av raises many types for corrupt input
        raise MediaError(
            f"{name} could not be decoded as audio ({type(exc).__name__}).",
            "Check that it is a real, complete audio file (wav, flac, mp3, ogg, webm).",
        ) from exc
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)


def load_audio(
    src: Source | np.ndarray, limits: MediaLimits | None = None, sample_rate: int | None = None
) -> np.ndarray:
    """16 kHz mono float32 waveform, the format the Qwen2.5-Omni feature extractor expects."""
    limits = limits or MediaLimits()
    if isinstance(src, np.ndarray):
        sr = sample_rate or INPUT_SAMPLE_RATE
        if src.size == 0:
            raise MediaError("The audio is empty.", "Record again: no samples were captured.")
        _check_audio_seconds(src.shape[0] / sr, "The recording", limits.max_audio_seconds)
        return _to_mono_16k(src, sr)
    data, name = _read_bytes(src, "audio", AUDIO_EXTS | VIDEO_EXTS, limits)
    import soundfile as sf

    try:
        info = sf.info(io.BytesIO(data))
    except Exception:
        info = None
    if info is not None:
        _check_audio_seconds(info.duration, name, limits.max_audio_seconds)
        samples, sr = sf.read(io.BytesIO(data), dtype="float32", always_2d=False)
        audio = _to_mono_16k(samples, sr)
    else:
        decoded = _decode_with_av(data, name, limits.max_audio_seconds)
        if decoded is None:
            raise MediaError(f"{name} has no audio track.", "Send an audio file, or attach video as video.")
        audio = decoded
    if audio.size == 0:
        raise MediaError(f"{name} contains no audio samples.", "Record again.")
    if not np.isfinite(audio).all():
        raise MediaError(f"{name} contains invalid (NaN/inf) samples.", "Re-export the recording.")
    return audio


def load_image(src: Source, limits: MediaLimits | None = None) -> Image:
    """An RGB PIL image; the pixel count is checked before the pixels are decoded."""
    from PIL import Image, UnidentifiedImageError

    limits = limits or MediaLimits()
    data, name = _read_bytes(src, "image", IMAGE_EXTS, limits)
    try:
        with _PIL_LIMIT_LOCK:
            previous, Image.MAX_IMAGE_PIXELS = (
                Image.MAX_IMAGE_PIXELS,
                None,
            )  # header only: our own limit below
            try:
                with Image.open(io.BytesIO(data)) as probe:
                    width, height = probe.size
                    fmt = (probe.format or "").upper()
            finally:
                Image.MAX_IMAGE_PIXELS = previous
    except (UnidentifiedImageError, OSError) as exc:
        raise MediaError(f"{name} is not a readable image.", "Send a PNG, JPEG or WebP file.") from exc
    if fmt not in {"PNG", "JPEG", "WEBP", "MPO"}:
        raise MediaError(f"{name} is a {fmt or 'unknown'} image.", "Send a PNG, JPEG or WebP file.")
    if width * height > limits.max_image_pixels:
        raise MediaTooLargeError(
            f"{name} is {width}x{height} px; the limit is {limits.max_image_pixels:,} pixels.",
            "Resize the image, or raise CARELLM_MEDIA_MAX_IMAGE_PIXELS.",
        )
    try:
        with Image.open(io.BytesIO(data)) as img:
            return img.convert("RGB")
    except Exception as exc:
        raise MediaError(f"{name} is damaged and could not be decoded.", "Send the image again.") from exc


def _fit_frame(width: int, height: int, max_pixels: int) -> tuple[int, int]:
    """Frame size with sides a multiple of 28 and area within max_pixels (Qwen's smart-resize rule)."""
    scale = min(1.0, math.sqrt(max_pixels / max(width * height, 1)))
    w = max(_VISION_FACTOR, int(width * scale) // _VISION_FACTOR * _VISION_FACTOR)
    h = max(_VISION_FACTOR, int(height * scale) // _VISION_FACTOR * _VISION_FACTOR)
    return w, h


def load_video(src: Source, limits: MediaLimits | None = None, with_audio: bool = False) -> VideoClip:
    """Frames sampled at `limits.video_fps` (at most `video_max_frames`), resized for the vision encoder."""
    import av

    limits = limits or MediaLimits()
    data, name = _read_bytes(src, "video", VIDEO_EXTS, limits)
    frames: list[np.ndarray] = []
    try:
        with av.open(io.BytesIO(data), "r") as container:
            if not container.streams.video:
                raise MediaError(f"{name} has no video stream.", "Attach it as audio instead.")
            stream = container.streams.video[0]
            seconds = float(container.duration / av.time_base) if container.duration else None
            if seconds is None and stream.duration and stream.time_base:
                seconds = float(stream.duration * stream.time_base)
            if seconds is not None and seconds > limits.max_video_seconds:
                raise MediaTooLargeError(
                    f"{name} is {seconds:.0f} s long; the limit is {limits.max_video_seconds:g} s.",
                    "Trim the video, or raise CARELLM_MEDIA_MAX_VIDEO_SECONDS.",
                )
            size = _fit_frame(
                stream.codec_context.width, stream.codec_context.height, limits.video_max_pixels
            )
            step = 1.0 / limits.video_fps
            next_t = 0.0
            for frame in container.decode(stream):
                t = float(frame.time) if frame.time is not None else next_t
                if t + 1e-6 < next_t:
                    continue
                if t > limits.max_video_seconds:
                    raise MediaTooLargeError(
                        f"{name} is longer than {limits.max_video_seconds:g} s.",
                        "Trim the video, or raise CARELLM_MEDIA_MAX_VIDEO_SECONDS.",
                    )
                frames.append(frame.to_ndarray(format="rgb24", width=size[0], height=size[1]))
                next_t += step
                if len(frames) >= limits.video_max_frames:
                    break
    except MediaError:
        raise
    except Exception as exc:
        raise MediaError(
            f"{name} could not be decoded as video ({type(exc).__name__}).",
            "Send a complete MP4 or WebM file.",
        ) from exc
    if not frames:
        raise MediaError(f"{name} contains no video frames.", "Send a video with at least one frame.")
    if len(frames) % 2:  # the encoder groups frames in pairs
        frames.append(frames[-1])
    audio = _decode_with_av(data, name, limits.max_video_seconds) if with_audio else None
    return VideoClip(frames=np.stack(frames), fps=limits.video_fps, audio=audio)


def media_kind_for(path: str | Path) -> MediaKind | None:
    ext = Path(path).suffix.lower()
    if ext in IMAGE_EXTS:
        return "image"
    if ext in {".mp4", ".mov", ".mkv"}:
        return "video"
    if ext in AUDIO_EXTS:
        return "audio"
    return None


def to_wav_bytes(audio: np.ndarray, sample_rate: int = OUTPUT_SAMPLE_RATE) -> bytes:
    """16-bit PCM WAV, the format every player and the OpenAI audio API accept."""
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(
        buf,
        np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0),
        sample_rate,
        format="WAV",
        subtype="PCM_16",
    )
    return buf.getvalue()
