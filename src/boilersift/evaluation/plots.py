"""The figures of an evaluation report, drawn with matplotlib as PNG bytes.

Each takes the report dict (and, for the precision-recall curve, the curve arrays
that are too long for the JSON), so a figure never shows a number the report lacks.
"""

from __future__ import annotations

import io

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no display; also keeps matplotlib from probing for one
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=100)
    _pyplot().close(fig)
    return buffer.getvalue()


def _primary(report: dict) -> tuple[str, float]:
    name, info = next(iter(report["models"].items()))
    return name, info["threshold"]


def pr_curve(curve: dict, report: dict) -> bytes:
    """Line-level precision against recall of the primary model, with every system's operating point."""
    fig, ax = _pyplot().subplots(figsize=(5, 4))
    name, cut = _primary(report)
    ax.plot(curve["recall"], curve["precision"], label=name)
    for system, scores in report["systems"].items():
        label = f"{system} at threshold {cut:.2f}" if system == name else system
        ax.plot(scores["line"]["recall"], scores["line"]["precision"], "o", label=label)
    ax.set(xlabel="recall (content lines)", ylabel="precision (content lines)", xlim=(0, 1.01), ylim=(0, 1.01),
           title="Precision-recall, line level")
    ax.legend(loc="lower left")
    return _png(fig)


def threshold_sweep(report: dict) -> bytes:
    """Word and line scores of the primary model at each threshold; the chosen one marked."""
    fig, ax = _pyplot().subplots(figsize=(5, 4))
    rows = report["threshold_sweep"]
    x = [r["threshold"] for r in rows]
    for key, style in (("word_f1", "-"), ("word_precision", "--"), ("word_recall", ":"), ("line_f1", "-.")):
        ax.plot(x, [r[key] for r in rows], style, label=key.replace("_", " "))
    name, cut = _primary(report)
    ax.axvline(cut, color="black", linewidth=1)
    ax.annotate(f"threshold {cut:.2f}", (cut, 0.02), xytext=(4, 0), textcoords="offset points")
    ax.set(xlabel="threshold", ylabel="score", ylim=(0, 1.01), title=f"Threshold sweep ({name})")
    ax.legend(loc="lower right")
    return _png(fig)


def calibration(report: dict) -> bytes:
    """Reliability diagram: the share of content lines per probability bin (and before the
    model's calibration, if it has one), and the bins' sizes."""
    plt = _pyplot()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(5, 4.6), sharex=True, height_ratios=(3, 1))
    bins = report["calibration"]["bins"]
    top.plot([0, 1], [0, 1], color="grey", linewidth=1, label="perfectly calibrated")
    if "calibration_before" in report:
        before = report["calibration_before"]["bins"]
        top.plot([b["mean_probability"] for b in before], [b["content_share"] for b in before], "s--",
                 color="tab:orange", label="before calibration")
    top.plot([b["mean_probability"] for b in bins], [b["content_share"] for b in bins], "o-", label=_primary(report)[0])
    top.set(ylabel="share of content lines", ylim=(0, 1.01), title="Calibration")
    top.legend(loc="upper left")
    bottom.bar([b["low"] for b in bins], [b["lines"] for b in bins], width=[b["high"] - b["low"] for b in bins],
               align="edge", color="grey")
    bottom.set(xlabel="predicted probability of content", ylabel="lines", xlim=(0, 1), yscale="log")
    return _png(fig)


def page_f1_distribution(report: dict) -> bytes:
    """Histogram of per-page word-F1 for every system."""
    fig, ax = _pyplot().subplots(figsize=(5, 4))
    edges = np.linspace(0, 1, 21)
    for i, (system, scores) in enumerate(report["systems"].items()):
        ax.hist(scores["page_word_f1"], bins=edges, histtype="stepfilled" if i == 0 else "step",
                alpha=0.5 if i == 0 else 1.0, linewidth=1.5, label=system)
    ax.set(xlabel="word F1 of a page", ylabel="pages", title="Distribution of per-page word F1")
    ax.legend(loc="upper left")
    return _png(fig)
