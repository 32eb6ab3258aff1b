"""How the page looks: its theme (the fonts) and its CSS, for a phone (390 px wide) and a desktop.

The layout is checked in a real Chromium by tests/web/test_layout.py (first screen, crisis panel,
fonts), with screenshots in docs/figures/web_phone.png and web_desktop.png.
"""

from __future__ import annotations

import gradio as gr
from gradio.themes.utils import fonts


def theme() -> gr.themes.Base:
    """Gradio's default theme, with bold text in the page's own font.

    The default declares Source Sans Pro (and IBM Plex Mono) at weights 400 and 600, but the
    semi-bold files Gradio ships are stubs (5 kB, the letters "A" and "B" only): bold text was
    drawn in the system font except those two letters ("Before", "RANDOM"). The bold files are
    complete, so they serve every weight above 500.
    """
    sans = fonts.LocalFont("Source Sans Pro", weights=(400, 700))
    mono = fonts.LocalFont("IBM Plex Mono", weights=(400, 700))
    return gr.themes.Default(
        font=(sans, "ui-sans-serif", "system-ui", "sans-serif"),
        font_mono=(mono, "ui-monospace", "Consolas", "monospace"),
    )


# Gradio copies each top-level rule as written and once more prefixed with its container
# (".gradio-container-<version> .contain"), but keeps only the prefixed copy of a rule inside
# @media: there, a selector must name something inside the page (#chat), never :root, html or
# .gradio-container itself. Rules that depend on the crisis panel are therefore top-level, and
# win over the phone's by specificity (two ids).
CSS = """
.carellm-notice {background:#fff8e1; border:1px solid #f0c36d; border-radius:8px; padding:6px 10px;
  font-size:0.9em; color:#5d4300}
.carellm-disclaimer {background:#fffdf5; border:1px solid #f0c36d; border-radius:10px; padding:12px}
.carellm-disclaimer h2 {margin-top:0}
/* An empty panel takes no room: no band between the banner and the conversation. The notice, the
   disclaimer and the crisis panel are as wide as the conversation (no padding around their box). */
#crisis-panel:not(:has(.carellm-crisis)), #status:not(:has(.prose > *)) {display:none}
#notice .html-container, #disclaimer .html-container, #crisis-panel .html-container {padding:0}
/* Once it has content the crisis panel sits right above the conversation and sticks to the top
   of the window as the page scrolls: the lines to call always show, the whole message folds out
   and scrolls inside the panel. Gradio's container clips with overflow:hidden, which would make
   it the panel's scroll box and keep it from sticking; overflow:clip clips without that.
   So that the panel covers nothing the visitor is reading, the conversation is then short enough
   for panel, conversation and message box to fit one window, and the message box, when the
   browser brings it into view (tapped, or typed in), lands where the conversation fits between
   the panel (at its greatest height) and the box: scroll-padding-top is the panel's greatest
   height, the conversation's and the gaps (4 px above the panel, 16 px between blocks, 24 to spare).
   A visitor who scrolls further down still sees the panel slide over the conversation's top as it
   leaves the window, like any header that stays. */
.gradio-container {overflow:clip}
:root {--carellm-crisis-max:40vh;
  --carellm-crisis-chat:max(200px, calc(100vh - var(--carellm-crisis-max) - 230px))}
html:has(.carellm-crisis) {
  scroll-padding-top:calc(var(--carellm-crisis-max) + var(--carellm-crisis-chat) + 60px)}
.gradio-container:has(.carellm-crisis) #main #chat {height:var(--carellm-crisis-chat) !important}
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
/* A phone's first screen: the banner (title and language on one line, the subtitle, the notice),
   the conversation and the message box. */
@media (max-width: 640px) {
  #topbar {position:relative}
  #topbar > .form {position:absolute; top:0; right:0; width:max-content; min-width:0 !important; z-index:1;
    border:0; background:none; box-shadow:none}
  #lang {flex:none; width:max-content; min-width:0 !important; padding:0; border:0; background:none;
    overflow:visible !important}
  #lang > .wrap:not([data-testid]) {flex-wrap:nowrap; gap:6px}
  #lang > [data-testid=block-info] {position:absolute; width:1px; height:1px; overflow:hidden;
    clip-path:inset(50%); white-space:nowrap}
  #lang label {padding:3px 8px}
  #header h1 {margin:0 0 8px 0}
  #header p {font-size:0.95em; margin:0}
  #chat {height:max(260px, calc(100vh - 430px)) !important}
  .carellm-crisis {font-size:0.88em; padding:6px 10px}
  .carellm-crisis h2 {font-size:1.15em}
}
"""
