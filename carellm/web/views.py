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


def crisis_html(lang: str, text: str | None) -> str:
    """The crisis panel: the safety layer's own response text, shown as-is (never rewritten here)."""
    if not text:
        return ""
    return (
        f"<section class='carellm-crisis' id='crisis' role='alert' lang='{lang}'>"
        f"<h2>{html.escape(t(lang, 'crisis_title'))}</h2>"
        f"<div class='carellm-crisis-text'>{html.escape(text)}</div></section>"
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


CSS = """
.carellm-notice {background:#fff8e1; border:1px solid #f0c36d; border-radius:8px; padding:6px 10px;
  font-size:0.9em; color:#5d4300}
.carellm-disclaimer {background:#fffdf5; border:1px solid #f0c36d; border-radius:10px; padding:12px}
.carellm-disclaimer h2 {margin-top:0}
#crisis-panel:has(.carellm-crisis) {position:sticky; top:0; z-index:50}
.carellm-crisis {background:#fdecea; border:3px solid #c62828;
  border-radius:10px; padding:10px 14px; color:#4a0d0d; max-height:45vh; overflow:auto}
.carellm-crisis h2 {margin:0 0 6px 0; color:#b71c1c}
.carellm-crisis-text {white-space:pre-line; font-size:1.02em; line-height:1.45}
.carellm-error {background:#fdecea; border-left:4px solid #c62828; padding:8px 10px; border-radius:6px;
  color:#4a0d0d}
.carellm-info {background:#e8f5e9; border-left:4px solid #2e7d32; padding:8px 10px; border-radius:6px;
  color:#1b3d1f}
.carellm-muted {color:#666}
.carellm-emotion-now {font-size:1.1em; margin-bottom:6px}
.carellm-meter {display:flex; gap:8px; align-items:center; flex-wrap:wrap}
.carellm-meter meter {flex:1; min-width:80px}
#turn-state {display:none}
@media (max-width: 640px) {
  .carellm-crisis {max-height:30vh; font-size:0.9em}
}
"""
