"""`carellm` driven as a user would: subprocesses, and the REPL through a pseudo-terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import numpy as np
import pexpect
import pytest
import soundfile as sf

from carellm.cli.chat import SPEAKING
from carellm.cli.doctor import recommend


@pytest.fixture
def cli_env(tmp_path):
    env = dict(os.environ, HF_HUB_OFFLINE="1", CARELLM_DATA_DIR=str(tmp_path / "data"), COLUMNS="200")
    env["CARELLM_MAX_NEW_TOKENS"] = "12"
    return env


def carellm(*args: str, env: dict, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "carellm", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def test_one_shot_message_with_image_and_spoken_reply(tiny_model_dir, media_dir, tmp_path, cli_env):
    out = tmp_path / "reply.wav"
    done = carellm(
        "chat", "--model", str(tiny_model_dir), "-m", "This is my room",
        "--image", str(media_dir / "face.png"), "--speak", str(out), env=cli_env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = " ".join(done.stdout.split())
    assert "Research use only" in shown and "RANDOM test model" in shown, done.stdout + done.stderr
    data, rate = sf.read(out)
    assert rate == 24_000 and len(data) > 0


def test_one_shot_with_audio_and_video(tiny_model_dir, media_dir, cli_env):
    done = carellm(
        "chat", "--model", str(tiny_model_dir), "-m", "listen and watch",
        "--audio", str(media_dir / "speech.mp3"), "--video", str(media_dir / "clip.webm"), env=cli_env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_crisis_message_gets_the_fixed_crisis_response(tiny_model_dir, cli_env):
    from carellm.safety import crisis_response

    done = carellm("chat", "--model", str(tiny_model_dir), "-m", "I want to kill myself tonight", env=cli_env)
    assert done.returncode == 0, done.stderr
    first_line = crisis_response("en").strip().splitlines()[0]
    assert first_line in " ".join(done.stdout.split()) or first_line in done.stdout


def test_bad_media_is_a_clean_error(tiny_model_dir, tmp_path, cli_env):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    done = carellm("chat", "--model", str(tiny_model_dir), "-m", "look", "--image", str(broken), env=cli_env)
    assert done.returncode == 2
    assert "Error:" in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_missing_weights_say_what_to_do(tmp_path, cli_env):
    done = carellm("chat", "--model", str(tmp_path / "no-such-model"), "-m", "hi", env=cli_env, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    text = " ".join(done.stderr.split())
    assert "hf download" in text and "make-tiny-model" in text


def test_make_tiny_model_command(tmp_path, cli_env):
    done = carellm("dev", "make-tiny-model", str(tmp_path / "tiny"), env=cli_env)
    assert done.returncode == 0 and (tmp_path / "tiny" / "config.json").is_file()
    assert "noise" in done.stdout
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("mine")
    refused = carellm("dev", "make-tiny-model", str(tmp_path / "other"), env=cli_env)
    assert refused.returncode == 2 and "not empty" in refused.stderr and "Traceback" not in refused.stderr


def test_doctor_explains_what_to_do_without_a_gpu(cli_env):
    done = carellm("doctor", env=cli_env, timeout=60)
    assert done.returncode == 0
    assert "Recommendation" in done.stdout and "make-tiny-model" in " ".join(done.stdout.split())


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [(["chat", "--lang", "fr"], {}, "--lang 'fr'"),
     (["chat", "--voice", "Bob"], {}, "--voice 'Bob'"),
     (["chat", "--max-new-tokens", "0"], {}, "--max-new-tokens 0"),
     (["chat", "--compile", "always"], {}, "--compile 'always'"),
     (["chat"], {"CARELLM_COMPILE": "yes"}, "CARELLM_COMPILE='yes'"),
     (["chat"], {"CARELLM_MAX_NEW_TOKENS": "abc"}, "CARELLM_MAX_NEW_TOKENS='abc'"),
     (["chat"], {"CARELLM_MEDIA_MAX_FILE_MB": "big"}, "CARELLM_MEDIA_MAX_FILE_MB='big'"),
     (["doctor"], {"CARELLM_AUDIO_OUTPUT": "maybe"}, "CARELLM_AUDIO_OUTPUT='maybe'"),
     (["doctor"], {"CARELLM_LANG": "fr"}, "CARELLM_LANG='fr'")],
)  # fmt: skip
def test_a_bad_flag_or_setting_is_one_line_naming_it(args, env, named, tmp_path, cli_env):
    if args[0] == "chat":  # a model that is never loaded, a message that is never sent
        args = [*args, "--model", str(tmp_path / "not-loaded"), "-m", "hi"]
    done = carellm(*args, env=cli_env | env, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and done.stderr.startswith("Error: ")
    assert named in done.stderr


def test_one_shot_chat_checks_its_inputs_before_loading_the_model(tmp_path, cli_env):
    notes = tmp_path / "notes.txt"
    notes.write_text("not audio")
    missing_model = str(tmp_path / "no-such-model")  # loading it would fail with a weights error
    empty = carellm("chat", "--model", missing_model, "-m", " ", env=cli_env, timeout=60)
    assert empty.returncode == 2 and "message is empty" in empty.stderr, empty.stderr
    text_as_audio = carellm(
        "chat", "--model", missing_model, "-m", "hi", "--audio", str(notes), env=cli_env, timeout=60
    )
    assert text_as_audio.returncode == 2 and "not a supported audio format" in text_as_audio.stderr
    assert "weights" not in empty.stderr + text_as_audio.stderr


def test_version_is_the_package_version(cli_env):
    from importlib.metadata import version

    done = carellm("--version", env=cli_env, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"carellm {version('carellm')}"


@pytest.mark.parametrize(
    ("free", "model", "audio"),
    [(80, "Qwen/Qwen2.5-Omni-7B", True), (20, "Qwen/Qwen2.5-Omni-7B", False),
     (16, "Qwen/Qwen2.5-Omni-7B", False), (12, "Qwen/Qwen2.5-Omni-3B", False), (4, None, False)],
)  # fmt: skip
def test_doctor_recommendation_follows_the_vram_table(free, model, audio):
    got_model, got_audio, _ = recommend(free)
    assert (got_model, got_audio) == (model, audio)


def test_doctor_counts_the_kv_cache_of_every_decode_slot():
    # 8 slots x 6,144 tokens x 56 KiB (7B) = 2.6 GiB more: 33 GiB no longer runs the 7B with speech.
    assert recommend(33)[:2] == ("Qwen/Qwen2.5-Omni-7B", True)
    model, audio, why = recommend(33, decode_slots=8, context_tokens=6144)
    assert (model, audio) == ("Qwen/Qwen2.5-Omni-7B", False) and "8 decode slots" in why
    assert recommend(17, decode_slots=8)[:2] == ("Qwen/Qwen2.5-Omni-3B", False)  # 16 + 1.7 > 17


def test_repl_session_through_a_pseudo_terminal(tiny_model_dir, media_dir, tmp_path, cli_env):
    transcript = tmp_path / "t.jsonl"
    child = pexpect.spawn(
        sys.executable, ["-m", "carellm", "chat", "--model", str(tiny_model_dir)],
        env=cli_env, encoding="utf-8", timeout=120, dimensions=(50, 200),
    )  # fmt: skip
    try:
        child.expect("Research use only")
        child.expect("you>")
        child.sendline("/help")
        child.expect(r"/audio PATH")
        child.expect("you>")
        child.sendline(f"/image {media_dir / 'face.png'}")
        child.expect("Attached image")
        child.expect("you>")
        child.sendline("I have been feeling low")
        child.expect("carellm>")
        child.expect("you>")
        child.sendline("/voice Ethan")
        child.expect("Voice: Ethan")
        child.sendline("/voice on")
        child.expect("Spoken replies on")
        child.sendline("and I can't sleep")
        child.expect(r"spoken reply: (\S+\.wav)")
        wav = child.match.group(1)
        child.expect("you>")
        child.sendline(f"/audio {tmp_path / 'missing.wav'}")
        child.expect("No audio file")
        child.sendline("/bogus")
        child.expect("Unknown command")
        child.sendline(f"/save {transcript}")
        child.expect("Saved 2 turns")
        child.sendline("/reset")
        child.expect("New session started")
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert sf.read(wav)[1] == 24_000
    rows = [json.loads(line) for line in transcript.read_text().splitlines()]
    assert [r["role"] for r in rows] == ["user", "assistant", "user", "assistant"]
    assert "Traceback" not in (child.before or "")


def test_a_spoken_reply_with_the_default_settings_is_quick_audible_and_never_holds_up_the_text(
    tiny_model_dir, tmp_path, cli_env
):
    """The REPL as a user runs it (no length settings): the whole reply is on screen before a status
    line says the speech is being made, and the speech (noise: the model is random) is short,
    audible and made in seconds, on 2 shared cores."""
    env = {k: v for k, v in cli_env.items() if k != "CARELLM_MAX_NEW_TOKENS"}
    transcript = tmp_path / "t.jsonl"
    child = pexpect.spawn(
        sys.executable, ["-m", "carellm", "chat", "--model", str(tiny_model_dir)],
        env=env, encoding="utf-8", timeout=120, dimensions=(50, 200),
    )  # fmt: skip
    try:
        child.expect("you>")
        child.sendline("/voice on")
        child.expect("Spoken replies on")
        child.expect("you>")
        started = time.monotonic()
        child.sendline("I have been feeling low and I can't sleep")
        child.expect("carellm>")
        child.expect(re.escape(SPEAKING), timeout=60)
        text_on_screen = child.before
        child.expect(r"spoken reply: (\S+\.wav)", timeout=60)
        took = time.monotonic() - started
        wav = child.match.group(1)
        child.expect("you>")
        child.sendline(f"/save {transcript}")
        child.expect("Saved 1 turns")
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    reply = json.loads(transcript.read_text().splitlines()[-1])["text"]

    def squeezed(text: str) -> str:
        return re.sub(r"\s+", "", text)

    assert squeezed(reply) in squeezed(text_on_screen)  # all of it, before the speech status
    assert took < 30, f"a spoken reply took {took:.0f} s"
    audio, rate = sf.read(wav)
    assert rate == 24_000 and 0 < len(audio) <= 3 * rate
    assert np.abs(audio).max() > 0.01  # audible, not 16-bit zeros


def test_ctrl_c_cancels_a_reply_without_an_error(tiny_model_dir, cli_env):
    env = cli_env | {"CARELLM_MAX_NEW_TOKENS": "4000"}  # a reply long enough to interrupt
    child = pexpect.spawn(
        sys.executable, ["-m", "carellm", "chat", "--model", str(tiny_model_dir), "--no-audio-output"],
        env=env, encoding="utf-8", timeout=120, dimensions=(50, 200),
    )  # fmt: skip
    try:
        child.expect("you>")
        child.sendline("tell me a long story")
        child.expect("carellm>")
        child.sendintr()
        child.expect("cancelled")
        child.expect("you>")
        assert "Error" not in child.before
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
