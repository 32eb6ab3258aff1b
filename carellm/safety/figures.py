"""The figures docs/safety.md shows: reliability diagrams (dev) and precision-recall curves (test)."""

from __future__ import annotations

from pathlib import Path


def reliability_diagram(dev: dict[str, dict], test: dict[str, dict], path: Path) -> Path:
    """Mean predicted probability against the observed rate, one panel per language: the dev
    split (where the calibration was fitted, so near-perfect by construction) and the test split."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(dev), figsize=(4.4 * len(dev), 4.2), squeeze=False)
    for ax, lang in zip(axes[0], sorted(dev), strict=True):
        ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
        for name, table, marker in (("dev", dev[lang], "o"), ("test", test[lang], "s")):
            xs = [b["mean_predicted"] for b in table["bins"]]
            ys = [b["observed"] for b in table["bins"]]
            ax.plot(xs, ys, marker=marker, label=f"{name} (ECE {table['ece']:.3f})")
            if name == "test":
                for b in table["bins"]:
                    ax.annotate(
                        str(b["n"]),
                        (b["mean_predicted"], b["observed"]),
                        fontsize=7,
                        xytext=(3, -9),
                        textcoords="offset points",
                    )
        ax.set(
            title=f"{lang}: calibrated probability",
            xlabel="predicted probability",
            ylabel="observed crisis rate",
            xlim=(0, 1),
            ylim=(0, 1),
        )
        ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def pr_curves(curves: dict[str, dict], thresholds: dict[str, dict], path: Path) -> Path:
    """Precision against recall for the learned model on the test split, thresholds marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4))
    for lang, curve in sorted(curves.items()):
        line = ax.plot(curve["recall"], curve["precision"], label=f"{lang}")[0]
        for name, marker in (("medium", "o"), ("high", "s")):
            t = thresholds[lang][name]
            at = [i for i, x in enumerate(curve["threshold"]) if x >= t]
            if at:
                i = at[-1]
                ax.plot(curve["recall"][i], curve["precision"][i], marker=marker, color=line.get_color())
    ax.set(
        title="learned model, test split (o medium, □ high)",
        xlabel="recall",
        ylabel="precision",
        xlim=(0, 1),
        ylim=(0, 1.02),
    )
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
