"""HTML for the page's panels, built from plain data (strings, the emotion dicts), not from Gradio."""

from __future__ import annotations

import html

from carellm.errors import BackendError, CareLLMError
from carellm.web.strings import emotion_name, t


def notice_html(lang: str, tiny_model: bool = False) -> str:
    extra = f"<br><strong>{html.escape(t(lang, 'tiny_model'))}</strong>" if tiny_model else ""
    return f"<div class='carellm-notice' role='note'>{html.escape(t(lang, 'notice'))}{extra}</div>"


def disclaimer_html(lang: str) -> str:
    from carellm.counseling.disclaimer import disclaimer

    return (
        f"<div class='carellm-disclaimer'><h2>{html.escape(t(lang, 'disclaimer_title'))}</h2>"
        f"<p>{html.escape(disclaimer(lang))}</p></div>"
    )


def crisis_html(lang: str, text: str | None, lines: list[str] | tuple = ()) -> str:
    """The crisis panel: the lines to call always in view, the safety layer's whole response folded
    beneath them (open when there are no lines). Both are its own text, shown as-is (never rewritten here)."""
    if not text:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    listed = f"<ul class='carellm-crisis-lines'>{items}</ul>" if lines else ""
    return (
        f"<section class='carellm-crisis' id='crisis' role='alert' lang='{lang}'>"
        f"<h2>{html.escape(t(lang, 'crisis_title'))}</h2>{listed}"
        f"<details class='carellm-crisis-more'{'' if lines else ' open'}>"
        f"<summary>{html.escape(t(lang, 'crisis_more'))}</summary>"
        f"<div class='carellm-crisis-text'>{html.escape(text)}</div></details></section>"
    )


def emotion_html(lang: str, turn: dict | None, trajectory: dict | None, enabled: bool = True) -> str:
    """The current turn's emotion (from `TurnEmotion.to_dict()`) and the session trend."""
    if not enabled:
        return f"<p class='carellm-muted'>{html.escape(t(lang, 'emotion_off'))}</p>"
    if not turn:
        return f"<p class='carellm-muted'>{html.escape(t(lang, 'emotion_empty'))}</p>"
    from carellm.emotion.report import TEXT

    name = emotion_name(turn.get("primary", "neutral"), lang)
    rows = [
        f"<div class='carellm-emotion-now'><span>{html.escape(t(lang, 'emotion_current'))}</span> "
        f"<strong id='emotion-primary'>{html.escape(name)}</strong></div>",
        _meter(t(lang, "valence"), float(turn.get("valence", 0.0)), -1.0, 1.0),
        _meter(t(lang, "arousal"), float(turn.get("arousal", 0.0)), 0.0, 1.0),
    ]
    voice = turn.get("voice") or {}
    flags = voice.get("flags") if isinstance(voice, dict) else None
    if flags:
        rows.append(f"<div>{html.escape(t(lang, 'voice_flags'))}: {html.escape(', '.join(flags))}</div>")
    trend = (trajectory or {}).get("trend", "")
    sentence = TEXT.get(lang, TEXT["en"])["trend"].get(trend, "")
    if sentence:
        rows.append(f"<p class='carellm-trend'>{html.escape(sentence)}</p>")
    return "<div class='carellm-emotion'>" + "".join(rows) + "</div>"


def _meter(label: str, value: float, low: float, high: float) -> str:
    return (
        f"<div class='carellm-meter'><span>{html.escape(label)}</span>"
        f"<meter min='{low}' max='{high}' value='{value:.2f}'></meter><span>{value:+.2f}</span></div>"
    )


def error_html(lang: str, exc: BaseException) -> str:
    """A clean in-page message for a failed turn: what happened, what to do, and that nothing was lost."""
    if isinstance(exc, BackendError):
        message, hint = f"{t(lang, 'backend_gone')} {exc.message}", exc.hint
    elif isinstance(exc, CareLLMError):
        message, hint = exc.message, exc.hint
    else:
        message, hint = t(lang, "unexpected"), t(lang, "unexpected_hint")
    return (
        f"<div class='carellm-error' role='alert'><strong>{html.escape(t(lang, 'error'))}:</strong> "
        f"{html.escape(message)} {html.escape(hint)}<br><em>{html.escape(t(lang, 'error_kept'))}</em></div>"
    )


def info_html(text: str) -> str:
    return f"<div class='carellm-info' role='status'>{html.escape(text)}</div>"
