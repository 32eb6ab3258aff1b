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


CSS = """
.carellm-notice {background:#fff8e1; border:1px solid #f0c36d; border-radius:8px; padding:6px 10px;
  font-size:0.9em; color:#5d4300}
.carellm-disclaimer {background:#fffdf5; border:1px solid #f0c36d; border-radius:10px; padding:12px}
.carellm-disclaimer h2 {margin-top:0}
/* Once it has content the crisis panel sticks to the top of the window, compact enough to leave
   the chat and the message box usable: the lines to call always show, the whole message folds out
   and scrolls inside the panel. What the browser scrolls into view (the message box, when tapped)
   lands below the panel's greatest height. Gradio's container clips with overflow:hidden, which
   would make it the panel's scroll box and keep it from sticking; overflow:clip clips without that.
   (Gradio drops :root and html rules inside @media, so the height is one for all screens.) */
.gradio-container {overflow:clip}
:root {--carellm-crisis-max:40vh}
html:has(.carellm-crisis) {scroll-padding-top:calc(var(--carellm-crisis-max) + 32px)}
#crisis-panel:has(.carellm-crisis) {position:sticky; top:0; z-index:50; padding-top:4px;
  background:var(--body-background-fill)}
.carellm-crisis {background:#fdecea; border:3px solid #c62828; border-radius:10px; padding:8px 14px;
  color:#4a0d0d; max-height:var(--carellm-crisis-max); overflow:auto; box-shadow:0 4px 10px rgba(0,0,0,0.15);
  display:flex; flex-direction:column}
.carellm-crisis h2 {margin:0 0 4px 0; color:#b71c1c; font-size:1.3em; flex-shrink:0}
.carellm-crisis-lines {margin:0 0 4px 0; padding-left:1.2em; font-weight:600; line-height:1.35; flex-shrink:0}
.carellm-crisis-more {min-height:0; overflow:auto}
.carellm-crisis-more summary {cursor:pointer; color:#b71c1c; text-decoration:underline; background:#fdecea;
  position:sticky; top:0}
.carellm-crisis-text {white-space:pre-line; font-size:1.02em; line-height:1.45; margin-top:4px}
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
  .carellm-crisis {font-size:0.88em; padding:6px 10px}
  .carellm-crisis h2 {font-size:1.15em}
}
"""
