"""A run's report: one self-contained HTML page (plots embedded as PNG, no script, no CDN), so
it opens from a CI artefact or an e-mail the same as from disk.

Plots: a radar per benchmark (each metric as a share of its scale, published anchors drawn
beside ours), per-topic bars, and a histogram of time to first token.
"""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path
from typing import Any

REPORT = "report.html"
STYLE = (
    "body{font-family:sans-serif;max-width:1000px;margin:2em auto}"
    "table{border-collapse:collapse;margin:1em 0}"
    "td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;vertical-align:top}img{max-width:100%}"
)


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _scaled(values: dict[str, float | None], ranges: dict[str, list[float]]) -> list[float]:
    out = []
    for key, (low, high) in ranges.items():
        v = values.get(key)
        out.append(0.0 if v is None else (v - low) / (high - low))
    return out


def radar(name: str, suite: dict[str, Any]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ranges = suite["metric_ranges"]
    labels = list(ranges)
    if len(labels) < 3:
        return ""
    angles = [2 * math.pi * i / len(labels) for i in range(len(labels))]
    fig = plt.figure(figsize=(5, 5))
    ax = fig.add_subplot(polar=True)
    series = {"this run": suite["metrics"], **suite.get("anchors", {})}
    for label, values in series.items():
        scaled = _scaled(values, ranges)
        ax.plot([*angles, angles[0]], [*scaled, scaled[0]], label=label)
        ax.fill([*angles, angles[0]], [*scaled, scaled[0]], alpha=0.1)
    ax.set_xticks(angles)
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_title(f"{name} (share of each scale)")
    ax.legend(fontsize=7, loc="lower right", bbox_to_anchor=(1.3, -0.1))
    return _png(fig)


def topic_bars(name: str, suite: dict[str, Any]) -> str:
    import matplotlib.pyplot as plt

    topics = suite.get("by_topic", {})
    if len(topics) < 2:
        return ""
    ranges = suite["metric_ranges"]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    width = 0.8 / max(len(ranges), 1)
    for k, metric in enumerate(ranges):
        low, high = ranges[metric]
        values = [((topics[t].get(metric) or low) - low) / (high - low) for t in topics]
        ax.bar([i + k * width for i in range(len(topics))], values, width, label=metric)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(topics))])
    ax.set_xticklabels(list(topics), rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("share of scale")
    ax.set_ylim(0, 1)
    ax.set_title(f"{name} per topic")
    ax.legend(fontsize=7, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.3))
    return _png(fig)


def latency_histogram(results: dict[str, Any]) -> str:
    import matplotlib.pyplot as plt

    times = [
        row["stats"]["ttft_s"]
        for suite in results["suites"].values()
        for row in suite.get("items", [])
        if "ttft_s" in row["stats"]
    ]
    if not times:
        return ""
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(times, bins=min(30, max(5, len(times) // 3)))
    ax.set_xlabel("time to first token (s)")
    ax.set_ylabel("replies")
    return _png(fig)


def _table(rows: list[list[Any]], head: list[str]) -> str:
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.3f}"
        return html.escape("" if v is None else str(v))

    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{''.join(f'<th>{html.escape(h)}</th>' for h in head)}</tr>{body}</table>"


def suite_section(name: str, suite: dict[str, Any]) -> str:
    if name == "emotion":
        parts = [f"<h2>{name}</h2>"]
        for file, res in suite["files"].items():
            rows = [[lang, r["n"], *r["macro_f1"], ", ".join(f"{k} {v:.2f}" for k, v in r["f1"].items())]
                    for lang, r in res["by_lang"].items()]  # fmt: skip
            parts.append(f"<h3>{html.escape(file)}</h3>")
            parts.append(_table(rows, ["lang", "n", "macro-F1", "low", "high", "F1 per label"]))
        return "\n".join(parts)
    judge = suite.get("judge") or {}
    metrics = [[m, v, *suite["metric_ranges"][m]] for m, v in suite["metrics"].items()]
    head = ["metric", "mean", "min", "max"]
    if reference := suite.get("reference"):  # e.g. CounselBench's human answers, same judge
        metrics = [[*row, reference["metrics"].get(row[0])] for row in metrics]
        head.append(f"{reference['name']} (n={reference['n']})")
    stats = suite["stats"]
    parts = [
        f"<h2>{name}</h2>",
        f"<p>{suite['n']} items; judge: {judge.get('calls', 0)} calls, {judge.get('cached', 0)} cached, "
        f"<b>{judge.get('parse_failures', 0)} parse failures</b>, {judge.get('errors', 0)} errors. "
        f"Anchors: {html.escape(suite.get('anchor_source', ''))}.</p>",
        _table(metrics, head),
        radar(name, suite),
        topic_bars(name, suite),
        _table([[k, v] for k, v in stats.items()], ["reply statistic", "value"]),
    ]
    if "counts" in suite:
        counts = suite["counts"]
        parts.append(_table([[k, v] for k, v in counts.items() if k != "slips"], ["safety count", "value"]))
        slips = [[s["id"], s["category"], ", ".join(s["by"]), ", ".join(s["guard_violations"]), s["reply"]]
                 for s in counts["slips"]]  # fmt: skip
        parts.append("<h3>Slips (each one, for a person to read)</h3>")
        parts.append(_table(slips, ["id", "category", "caught by", "guard rules", "reply shown"]))
    return "\n".join(p for p in parts if p)


def render(results: dict[str, Any]) -> str:
    run = results.get("run", {})
    head = _table([[k, v] for k, v in run.items()], ["run", ""])
    sections = "\n".join(suite_section(n, s) for n, s in results["suites"].items())
    latency = latency_histogram(results)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CareLLM evaluation</title>
<style>{STYLE}</style></head>
<body><h1>CareLLM evaluation</h1>
<p>Research use only. LLM-judge scores compare runs under the same judge; they are not clinical quality.</p>
{head}
{sections}
{"<h2>Latency</h2>" + latency if latency else ""}
</body></html>
"""


def write_report(results: dict[str, Any], out: Path) -> Path:
    path = out / REPORT
    path.write_text(render(results), encoding="utf-8")
    return path
