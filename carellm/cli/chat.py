"""`carellm chat`: a streaming REPL, or one message with `-m`."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.panel import Panel
from rich.status import Status

from carellm.cli.inputs import check_message
from carellm.config import VOICES, Settings, Voice, load_settings
from carellm.counseling.session import Reply, Session, TurnOptions, attachments
from carellm.errors import CareLLMError, InputError
from carellm.media import OUTPUT_SAMPLE_RATE, MediaItem, MediaKind, to_wav_bytes

if TYPE_CHECKING:
    import numpy as np

    from carellm.store.store import Store

console = Console(highlight=False)

HELP = """Commands:
  /audio PATH         attach an audio file (wav/flac/mp3/ogg/webm) to your next message
  /image PATH         attach an image (png/jpeg/webp)
  /video PATH [--with-audio]  attach a video (mp4/webm); --with-audio uses its sound track too
  /voice on|off       spoken replies on or off (saved as WAV files)
  /voice NAME          choose the voice ({voices})
  /save FILE          save the conversation as JSONL
  /sessions           list stored sessions (start with --session ID to store this one)
  /reset              start a new session
  /help               this help
  /quit               leave""".format(voices=", ".join(VOICES))
ATTACH_COMMANDS: dict[str, MediaKind] = {"/audio": "audio", "/image": "image", "/video": "video"}
SPEAKING = "Making the spoken reply..."


class ChatREPL:
    """Holds the pending attachments and turns slash commands into session calls."""

    def __init__(self, session: Session, audio_dir: Path, store: Store | None = None) -> None:
        self.session = session
        self.store = store
        # /voice changes what the next turns ask for; the session itself is never patched.
        self.speak: bool = session.speak
        self.voice: Voice = session.voice
        self.audio_dir = audio_dir
        self.pending: dict[str, list[str]] = {"audio": [], "image": [], "video": []}
        self.video_audio = False

    def run(self) -> None:
        show_disclaimer(self.session.disclaimer)
        if not self.session.backend.can_speak:
            console.print("Replies are text only: this engine has no speech output.")
        console.print("Type a message, or /help. /quit to leave.")
        while True:
            try:
                line = console.input("[bold cyan]you>[/] ")
            except EOFError:
                console.print()
                return
            except KeyboardInterrupt:
                console.print()
                return
            try:
                if not self.handle(line.strip()):
                    return
            except ReplyCancelled:
                continue  # stream_turn has said so; the session is as it was
            except CareLLMError as exc:
                console.print(f"[bold red]Error:[/] {exc.message}")
                if exc.hint:
                    console.print(exc.hint)

    def handle(self, line: str) -> bool:
        """False when the user wants to leave."""
        if not line:
            return True
        if line.startswith("/"):
            return self.command(line)
        self.turn(line)
        return True

    def command(self, line: str) -> bool:
        try:
            name, *args = shlex.split(line)
        except ValueError as exc:
            raise InputError(f"Could not read that command ({exc}).", "Quote paths with spaces.") from exc
        name = name.lower()
        if name in {"/quit", "/exit", "/q"}:
            return False
        if name == "/help":
            console.print(HELP)
        elif name in ATTACH_COMMANDS:
            self.attach(ATTACH_COMMANDS[name], args)
        elif name == "/voice":
            self.choose_voice(args)
        elif name == "/save":
            if len(args) != 1:
                raise InputError("Usage: /save FILE", "For example: /save session.jsonl")
            path = self.session.save(args[0])
            console.print(f"Saved {self.session.turns} turns to {path}")
        elif name == "/sessions":
            from carellm.cli.sessions import sessions_table
            from carellm.store import open_store

            console.print(sessions_table(self.store or open_store(self.session.settings)))
        elif name == "/reset":
            self.session.reset()
            self.pending = {k: [] for k in self.pending}
            console.print("New session started.")
            show_disclaimer(self.session.disclaimer)
        else:
            raise InputError(f"Unknown command {name}.", "Type /help to see the commands.")
        return True

    def attach(self, kind: MediaKind, args: list[str]) -> None:
        with_audio = "--with-audio" in args
        paths = [a for a in args if a != "--with-audio"]
        if len(paths) != 1:
            raise InputError(f"Usage: /{kind} PATH", f"For example: /{kind} ~/Desktop/file")
        path = str(Path(paths[0]).expanduser())
        MediaItem(kind, path, use_audio_in_video=with_audio).load(self.session.settings.media)
        self.pending[kind].append(path)
        self.video_audio = self.video_audio or with_audio
        console.print(f"Attached {kind} {path}; it goes with your next message.")

    def choose_voice(self, args: list[str]) -> None:
        arg = args[0] if len(args) == 1 else ""
        if arg.lower() in {"on", "off"}:
            wanted = arg.lower() == "on"
            if wanted and not self.session.backend.can_speak:
                raise InputError(
                    "This model was loaded without speech output.",
                    "Restart without --no-audio-output (needs more GPU memory).",
                )
            self.speak = wanted
            console.print(f"Spoken replies {'on' if wanted else 'off'} (voice {self.voice}).")
        elif (name := _voice(arg)) is not None:
            self.voice = name
            console.print(f"Voice: {self.voice}")
        else:
            raise InputError(f"Usage: /voice on|off|{'|'.join(VOICES)}", f"For example: /voice {VOICES[-1]}")

    def turn(self, text: str) -> None:
        pending, self.pending = self.pending, {k: [] for k in self.pending}
        video_audio, self.video_audio = self.video_audio, False
        try:
            media = attachments(pending["audio"], pending["image"], pending["video"], video_audio)
            reply = stream_turn(self.session, text, media, TurnOptions(speak=self.speak, voice=self.voice))
        except BaseException:
            self.pending, self.video_audio = pending, video_audio  # keep attachments for a retry
            raise
        if reply.audio is not None:
            console.print(f"[dim]spoken reply: {self.keep_spoken_reply(reply.turn_index, reply.audio)}[/]")

    def keep_spoken_reply(self, turn_index: int, audio: np.ndarray) -> Path:
        """The reply's WAV, named by the whole session id and recorded with a stored session, so
        `carellm sessions delete` removes it and no other session's audio is ever overwritten."""
        from carellm.store.media_files import MediaFiles, session_file_name

        wav = to_wav_bytes(audio, OUTPUT_SAMPLE_RATE)
        if self.store is not None:
            return self.store.keep_file(self.session.id, turn_index, "reply_audio", wav, ".wav")
        name = session_file_name(self.session.id, turn_index, ".wav")
        return MediaFiles(self.audio_dir, None).write(name, wav, "the spoken reply")


def show_disclaimer(text: str) -> None:
    console.print(Panel(text, title="Research use only", border_style="yellow"))


class ReplyCancelled(InputError):
    """Ctrl-C during a reply: the REPL goes on, a one-shot `chat -m` ends with this error."""


def stream_turn(
    session: Session, text: str, media: list[MediaItem], options: TurnOptions | None = None
) -> Reply:
    """Print the reply as it streams; returns the Reply. Ctrl-C cancels the turn, not the app.

    While the spoken reply is still being made after the text, a status line says so (and how
    many seconds are ready), so a slow talker never looks like a hung program.
    """
    console.print("[bold green]carellm>[/] ", end="")
    stream = session.stream(text, media, options)
    speaking: Status | None = None
    ready = 0.0
    try:
        for event in stream:
            if event.kind == "text":
                console.print(event.text, end="", markup=False)
            elif event.kind == "replace":
                console.print("\n[yellow](reply replaced by the safety layer)[/]")
                console.print(event.text, end="", markup=False)
            elif event.kind == "speaking":
                console.print()
                speaking = console.status(SPEAKING)
                speaking.start()
            elif event.kind == "audio" and speaking is not None:
                ready += len(event.audio) / event.sample_rate
                speaking.update(f"{SPEAKING} {ready:.1f} s ready")
            elif event.kind == "done":
                if speaking is None:
                    console.print()
                return event.reply
    except KeyboardInterrupt:
        stream.close()
        console.print("\n[yellow](cancelled; this turn was not added to the conversation)[/]")
        raise ReplyCancelled("Reply cancelled.", "Send your message again when you are ready.") from None
    finally:
        if speaking is not None:
            speaking.stop()
    raise InputError("The reply ended early.", "Send your message again.")


def write_wav(path: Path, audio) -> Path:
    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(to_wav_bytes(audio, OUTPUT_SAMPLE_RATE))
    except OSError as exc:
        raise InputError(f"Could not write {path}: {exc.strerror}.", "Choose a writable path.") from exc
    return path


def open_session(
    settings: Settings, speak: bool, session_id: str | None = None
) -> tuple[Session, Store | None]:
    """A new session, or with `session_id` the stored one (resumed, every turn saved); and its store."""
    from carellm.cli.counselor import load_counselor
    from carellm.counseling.counselor import Counselor
    from carellm.dev.tiny_model import is_tiny_model

    if session_id:
        from carellm.store import check_session_id

        check_session_id(session_id)
        # If the database cannot be opened, the chat warns and keeps this conversation in memory.
        counselor, recorder = load_counselor(settings, console)
    else:
        with console.status(f"Loading {settings.model} ..."):
            counselor = Counselor.load(settings)
    if is_tiny_model(settings.model):
        console.print("[yellow]This is a tiny RANDOM test model: its replies are noise.[/]")
    if not session_id:
        return counselor.session(speak=speak), None
    session = counselor.resume(session_id, speak=speak)
    if recorder.store is not None:
        state = f"resumed with {session.turns} turns" if session.turns else "new"
        console.print(f"Session {session_id}: {state}.")
    return session, recorder.store


def chat(
    message: str | None = typer.Option(None, "-m", "--message", help="Send one message and exit."),
    audio: list[Path] | None = typer.Option(None, "--audio", help="Audio file(s) for the message."),
    image: list[Path] | None = typer.Option(None, "--image", help="Image file(s) for the message."),
    video: list[Path] | None = typer.Option(None, "--video", help="Video file(s) for the message."),
    video_audio: bool = typer.Option(False, "--video-audio", help="Also use the videos' sound tracks."),
    speak: Path | None = typer.Option(None, "--speak", help="Write the spoken reply to this WAV file."),
    model: str | None = typer.Option(None, "--model", help="Hub id or local folder (default: 7B)."),
    lang: str | None = typer.Option(None, "--lang", help="zh, en or auto."),
    voice: str | None = typer.Option(None, "--voice", help=" or ".join(VOICES) + "."),
    audio_output: bool | None = typer.Option(
        None, "--audio-output/--no-audio-output", help="Load the talker for spoken replies (more memory)."
    ),
    max_new_tokens: int | None = typer.Option(None, "--max-new-tokens", help="Longest reply in tokens."),
    backend: str | None = typer.Option(
        None, "--backend", help="omni (in-process), openai (remote) or mnn (an MNN export, CPU)."
    ),
    base_url: str | None = typer.Option(None, "--base-url", help="Server URL for --backend openai."),
    api_key: str | None = typer.Option(None, "--api-key", help="Key for that server (or CARELLM_API_KEY)."),
    guard_self_check: str | None = typer.Option(
        None,
        "--guard-self-check",
        help="Model self-check of each reply by the reply guard: auto (GPU or remote engine), on, off.",
    ),
    fast: bool | None = typer.Option(
        None, "--fast/--no-fast", help="CUDA-graph decode (default on GPU); --no-fast uses plain generate."
    ),
    compile: str | None = typer.Option(
        None,
        "--compile",
        help="Compiled decode step: auto (only when cached on disk), on (compiles, ~2 min at first), off.",
    ),
    session_id: str | None = typer.Option(
        None,
        "--session",
        help="Resume this stored session, or start a new one with this id; every turn is saved.",
    ),
) -> None:
    """Talk with CareLLM. Research use only: not a therapist, not a medical device."""
    if message is None and (audio or image or video or speak):
        raise InputError("--audio/--image/--video/--speak need a message.", 'Add -m "your message".')
    if speak is not None and audio_output is False:
        raise InputError("--speak needs the talker, but --no-audio-output disables it.", "Drop one of them.")
    settings = load_settings(
        model=model,
        lang=lang,
        voice=voice,
        audio_output=audio_output,
        max_new_tokens=max_new_tokens,
        backend=backend,
        base_url=base_url,
        api_key=api_key,
        guard_self_check=guard_self_check,
        fast=fast,
        compile=compile,
    )
    if message is not None:  # a bad message or file fails now, not after the model has loaded
        check_message(message, audio or [], image or [], video or [], video_audio, settings.media)
    if message is None:
        session, store = open_session(settings, speak=False, session_id=session_id)
        ChatREPL(session, settings.data_dir / "audio", store).run()
        return
    session, _ = open_session(settings, speak=speak is not None, session_id=session_id)
    if speak is not None and not session.backend.can_speak:
        raise InputError("--speak needs speech output, and this engine is text only.", "Drop --speak.")
    show_disclaimer(session.disclaimer)
    media = attachments(
        [str(p) for p in audio or []],
        [str(p) for p in image or []],
        [str(p) for p in video or []],
        video_audio,
    )
    reply = stream_turn(session, message, media, TurnOptions(speak=speak is not None))
    if speak is not None:
        if reply.audio is None:
            raise InputError(
                "The model produced no speech for this reply.", "Try again or a shorter message."
            )
        console.print(f"[dim]spoken reply: {write_wav(speak, reply.audio)}[/]")


def _voice(name: str) -> Voice | None:
    """The voice `name` spells in any case, or None."""
    return next((v for v in VOICES if v.lower() == name.lower()), None)
