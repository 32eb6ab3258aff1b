"""The session report: plot, plain-language summary, suggestions, and what the chat's risk policy says.

The report answers risk exactly as the chat does (`carellm.safety.policy.respond_to_risk` on the
session's highest level): high or imminent opens with the crisis resources; medium adds the
chat's gentle check-in with two lines after the summary; none or low adds nothing.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carellm.counseling.hooks import RISK_LEVELS, is_flagged
from carellm.emotion.labels import NAMES_ZH
from carellm.emotion.suggestions import choose
from carellm.emotion.tracker import SessionEmotionTracker
from carellm.errors import InputError

if TYPE_CHECKING:
    from carellm.safety.policy import PolicyAction

TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Session emotion report",
        "note": "This is not a diagnosis. It describes signals in what was written and how it sounded.",
        "signals": "Signals in this session are consistent with {names}.",
        "calm": "No strong emotional signals stood out in this session.",
        "trend": {"improving": "Your mood seemed to lighten over the session.",
                  "worsening": "Your mood seemed to get heavier over the session.",
                  "steady": "Your mood stayed fairly steady over the session.",
                  "too few turns": "There were too few turns to see a trend.", "no turns yet": ""},
        "suggestions": "Suggestions", "why": "Why", "source": "Source", "crisis": "Please reach out now",
        "check_in": "Someone to talk to",
        "timeline": "Valence (mood) and arousal (activation) per turn",
    },
    "zh": {
        "title": "会话情绪报告",
        "note": "这不是诊断。它描述的是文字内容和语音语调中的信号。",
        "signals": "本次对话中的信号与{names}相符。",
        "calm": "本次对话中没有明显的情绪信号。",
        "trend": {"improving": "在这次对话中，你的情绪似乎有所好转。",
                  "worsening": "在这次对话中，你的情绪似乎越来越沉重。",
                  "steady": "在这次对话中，你的情绪比较平稳。",
                  "too few turns": "对话轮次太少，看不出趋势。", "no turns yet": ""},
        "suggestions": "建议", "why": "原因", "source": "来源", "crisis": "请现在就联系他们",
        "check_in": "可以倾诉的人",
        "timeline": "每一轮的情绪效价（心情）与唤醒度（紧张程度）",
    },
}  # fmt: skip
_EN_NAMES = {
    "anxiety": "anxiety",
    "sadness": "low mood",
    "anger": "anger",
    "shame": "shame",
    "loneliness": "loneliness",
}


def read_transcript(path: Path) -> list[dict]:
    if not path.is_file():
        raise InputError(f"No transcript at {path}.", "Save one with /save FILE in `carellm chat`.")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number} is not valid JSON.", "Fix or remove that line.") from exc
        if not isinstance(row, dict) or "role" not in row or "text" not in row:
            raise InputError(
                f"{path}:{number} needs 'role' and 'text'.", "See docs/emotion.md for the format."
            )
        rows.append(row)
    return rows


def tracker_from_transcript(rows: list[dict], base: Path) -> tuple[SessionEmotionTracker, str]:
    from carellm.language import detect_lang
    from carellm.media import load_audio

    tracker = SessionEmotionTracker()
    user_rows = [r for r in rows if r.get("role") == "user"]
    lang = next((r["lang"] for r in user_rows if r.get("lang") in ("zh", "en")), None)
    lang = lang or detect_lang(" ".join(r["text"] for r in user_rows))
    for row in user_rows:
        audio = None
        if row.get("audio"):
            path = Path(row["audio"])
            path = path if path.is_absolute() else base / path
            audio = load_audio(path) if path.is_file() else None
        tracker.observe(row["text"], row.get("lang") or lang, audio, row.get("safety_level", "none"))
    return tracker, lang


def plot_png(tracker: SessionEmotionTracker, lang: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    # Chinese labels need a CJK font; these are the ones Debian/Ubuntu and macOS ship.
    plt.rcParams["font.sans-serif"] = [
        "WenQuanYi Micro Hei",
        "Noto Sans CJK SC",
        "PingFang SC",
        "DejaVu Sans",
    ]

    turns = [t.turn + 1 for t in tracker.timeline]
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=110)
    ax.plot(turns, [t.valence for t in tracker.timeline], marker="o", label="valence")
    ax.plot(turns, [t.arousal for t in tracker.timeline], marker="s", label="arousal")
    for t in tracker.timeline:
        if is_flagged(t.safety_level):
            ax.axvline(t.turn + 1, color="red", alpha=0.3)
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("turn")
    ax.set_xlim(0.5, max(turns, default=1) + 0.5)
    ax.xaxis.set_major_locator(
        MaxNLocator(nbins=12, integer=True, min_n_ticks=1)
    )  # turns 1, 2, 3, never 0.96
    ax.set_title("valence / arousal" if lang == "en" else "valence / arousal (效价 / 唤醒度)")
    ax.legend(loc="lower left")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def highest_level(tracker: SessionEmotionTracker) -> str:
    """The session's highest risk level (levels the safety layer does not know count as none)."""
    ranks = [RISK_LEVELS.index(t.safety_level) for t in tracker.timeline if t.safety_level in RISK_LEVELS]
    return RISK_LEVELS[max(ranks, default=0)]


def risk_action(tracker: SessionEmotionTracker, lang: str, locale: str | None = None) -> PolicyAction:
    """What the chat's policy does at the session's highest level: the report follows it, no second policy."""
    from carellm.safety.assess import RiskAssessment
    from carellm.safety.policy import respond_to_risk

    return respond_to_risk(RiskAssessment(level=highest_level(tracker), lang=lang), lang, locale)


def build_report(
    tracker: SessionEmotionTracker, lang: str, texts: list[str], locale: str | None = None
) -> dict:
    lang = lang if lang in TEXT else "en"
    t = TEXT[lang]
    traj = tracker.trajectory()
    names = [NAMES_ZH[d] if lang == "zh" else _EN_NAMES.get(d, d) for d in traj["dominant"]]
    summary = [
        t["signals"].format(names=("、" if lang == "zh" else ", ").join(names)) if names else t["calm"]
    ]
    if traj["trend"] in t["trend"] and t["trend"][traj["trend"]]:
        summary.append(t["trend"][traj["trend"]])
    action = risk_action(tracker, lang, locale)
    return {
        "lang": lang,
        "crisis": action.replace_with,
        "check_in": action.append,
        "summary": " ".join(summary),
        "note": t["note"],
        "trajectory": traj,
        "suggestions": choose(traj, texts, lang),
        "timeline": [
            {"turn": x.turn + 1, "primary": x.primary, "valence": x.valence, "arousal": x.arousal,
             "voice_flags": x.voice.flags if x.voice else [], "safety_level": x.safety_level}
            for x in tracker.timeline
        ],
    }  # fmt: skip


def render_html(report: dict, png: bytes) -> str:
    t = TEXT[report["lang"]]
    e = html.escape
    parts = [f"<!doctype html><html lang='{report['lang']}'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>{e(t['title'])}</title><style>body{{font-family:sans-serif;max-width:760px;margin:auto;padding:1em}}",
             ".crisis{border:3px solid #c00;background:#fee;padding:1em;white-space:pre-line}",
             ".check-in{border-left:4px solid #68a;padding:0 1em;white-space:pre-line}</style></head><body>"]  # fmt: skip
    if report["crisis"]:
        parts.append(
            f"<section class='crisis' id='crisis'><h2>{e(t['crisis'])}</h2>{e(report['crisis'])}</section>"
        )
    parts.append(f"<h1>{e(t['title'])}</h1><p>{e(report['summary'])}</p><p><em>{e(report['note'])}</em></p>")
    if report.get("check_in"):
        parts.append(
            f"<section class='check-in' id='check-in'><h2>{e(t['check_in'])}</h2>{e(report['check_in'])}</section>"
        )
    parts.append(
        f"<h2>{e(t['timeline'])}</h2><img alt='timeline' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"
    )
    parts.append(f"<h2>{e(t['suggestions'])}</h2><ul>")
    for s in report["suggestions"]:
        parts.append(f"<li><strong>{e(s['title'])}</strong>: {e(s['how'])}<br><small>{e(t['why'])}: {e(s['why'])}. "
                     f"{e(t['source'])}: {e(s['source'])}</small></li>")  # fmt: skip
    parts.append("</ul></body></html>")
    return "".join(parts)


def render_markdown(report: dict, png_name: str) -> str:
    t = TEXT[report["lang"]]
    lines = []
    if report["crisis"]:
        lines += [f"## {t['crisis']}", "", report["crisis"], ""]
    lines += [
        f"# {t['title']}",
        "",
        report["summary"],
        "",
        f"*{report['note']}*",
        "",
    ]
    if report.get("check_in"):
        lines += [f"## {t['check_in']}", "", report["check_in"], ""]
    lines += [
        f"![timeline]({png_name})",
        "",
    ]
    lines += [f"## {t['suggestions']}", ""]
    lines += [
        f"- **{s['title']}**: {s['how']} ({t['why']}: {s['why']}; {t['source']}: {s['source']})"
        for s in report["suggestions"]
    ]
    return "\n".join(lines) + "\n"


def plot_path(out: Path) -> Path:
    """Where a Markdown report's timeline plot goes (an HTML report carries it inside)."""
    return out.with_suffix(".png")


def write_report(
    tracker: SessionEmotionTracker, lang: str, texts: list[str], out: Path, locale: str | None = None
) -> Path:
    report = build_report(tracker, lang, texts, locale)
    suffix = out.suffix.lower()
    if suffix not in {".html", ".md", ".json"}:
        raise InputError(
            f"Unsupported report format '{suffix}'.", "Use --out report.html, report.md or report.json."
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        return out
    png = plot_png(tracker, report["lang"])
    if suffix == ".html":
        out.write_text(render_html(report, png), encoding="utf-8")
    else:
        png_path = plot_path(out)
        png_path.write_bytes(png)
        out.write_text(render_markdown(report, png_path.name), encoding="utf-8")
    return out
