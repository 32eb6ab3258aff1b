"""The media module: every format in, and clear, early errors for what cannot be used."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from carellm.config import MediaLimits
from carellm.errors import MediaError, MediaTooLargeError
from carellm.media import MediaItem, VideoClip, load_audio, load_image, load_video, to_wav_bytes


@pytest.mark.parametrize("ext", ["wav", "flac", "mp3", "ogg", "webm"])
def test_audio_formats_become_16khz_mono(media_dir, ext):
    audio = load_audio(media_dir / f"speech.{ext}")
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert 1.5 < len(audio) / 16_000 < 6  # espeak's sentence is about 3 s


def test_video_audio_track_is_read(media_dir):
    clip = load_video(media_dir / "clip.mp4", with_audio=True)
    assert clip.frames.ndim == 4 and clip.frames.shape[1] % 28 == 0 and clip.frames.shape[2] % 28 == 0
    assert clip.audio is not None and clip.audio.size > 16_000


def test_image_is_rgb(media_dir):
    assert load_image(media_dir / "face.webp").mode == "RGB"


def test_text_file_posing_as_audio(tmp_path):
    fake = tmp_path / "note.wav"
    fake.write_text("not audio at all")
    with pytest.raises(MediaError, match="could not be decoded"):
        load_audio(fake)


def test_truncated_image(media_dir, tmp_path):
    cut = tmp_path / "cut.png"
    cut.write_bytes((media_dir / "face.png").read_bytes()[:200])
    with pytest.raises(MediaError):
        load_image(cut)


def test_unsupported_extension(tmp_path):
    doc = tmp_path / "notes.docx"
    doc.write_bytes(b"PK\x03\x04")
    with pytest.raises(MediaError, match="not a supported image format"):
        load_image(doc)


def test_missing_file_says_so(tmp_path):
    with pytest.raises(MediaError, match="No audio file"):
        load_audio(tmp_path / "nope.wav")


def test_huge_image_is_refused_before_decoding(tmp_path):
    from PIL import Image

    big = tmp_path / "big.png"
    Image.new("1", (20_000, 20_000)).save(big)  # 1-bit: small on disk, 400 Mpx when decoded
    with pytest.raises(MediaTooLargeError, match="20000x20000"):
        load_image(big)


def test_three_hour_video_is_refused(tmp_path):
    long = tmp_path / "long.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:size=32x32:rate=1/60",
         "-t", "10800", "-pix_fmt", "yuv420p", str(long)],
        check=True,
    )  # fmt: skip
    with pytest.raises(MediaTooLargeError, match="limit"):
        load_video(long)


def test_audio_limit_is_configurable(media_dir):
    with pytest.raises(MediaTooLargeError, match="CARELLM_MEDIA_MAX_AUDIO_SECONDS"):
        load_audio(media_dir / "speech.mp3", MediaLimits(max_audio_seconds=1))


def test_file_size_limit_from_the_environment(media_dir, monkeypatch):
    monkeypatch.setenv("CARELLM_MEDIA_MAX_FILE_MB", "0.001")
    with pytest.raises(MediaTooLargeError, match="CARELLM_MEDIA_MAX_FILE_MB"):
        load_audio(media_dir / "speech.wav", MediaLimits())


def test_reply_audio_is_written_as_24khz_wav():
    import io

    import soundfile as sf

    data, rate = sf.read(io.BytesIO(to_wav_bytes(np.zeros(24_000, np.float32))))
    assert rate == 24_000 and len(data) == 24_000


def test_media_item_loads_once_as_its_own_type(media_dir):
    item = MediaItem("video", str(media_dir / "clip.mp4"), use_audio_in_video=True)
    clip = item.video()
    assert isinstance(clip, VideoClip) and clip.audio is not None
    assert item.load() is clip  # decoded once, then cached


def test_media_item_asked_for_another_kind_is_a_bug(media_dir):
    with pytest.raises(ValueError, match="is image, not audio"):
        MediaItem("image", str(media_dir / "face.png")).audio()


def test_samples_are_only_audio():
    samples = np.zeros(16_000, dtype=np.float32)
    assert MediaItem("audio", samples).audio().shape == (16_000,)
    with pytest.raises(MediaError, match="must be a file or its bytes"):
        MediaItem("image", samples).load()
