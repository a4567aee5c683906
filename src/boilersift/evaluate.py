"""Evaluation: how good a model is and where it fails, next to simple baselines.

One run scores the model and every baseline of :mod:`boilersift.baselines` on the
same pages: line-level precision/recall/F1 of the content class, and the headline
word-F1 against the gold text (:mod:`boilersift.metrics`), overall, per source and
per page type; plus a threshold sweep and a precision-recall curve. The report is
written as JSON (for machines), Markdown (for people) and a PNG plot.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import precision_recall_curve

from .baselines import BASELINES
from .data import LabeledPage
from .metrics import PRF, line_prf, mean_prf, word_counts, word_prf
from .model import Model
from .output import atomic_writer

SWEEP = tuple(round(t, 2) for t in np.arange(0.05, 1.0, 0.05))
GROUPS = ("source", "page_type", "style")


def page_probabilities(model: Model, pages: list[LabeledPage], progress: bool = False) -> list[np.ndarray]:
    from tqdm import tqdm

    return [model.predict_proba_blocks(p.blocks)
            for p in tqdm(pages, desc="scoring", unit="page", disable=None if progress else True)]


def _content_text(page: LabeledPage, keep: np.ndarray | list[int]) -> str:
    return "\n".join(b.text for b, k in zip(page.blocks, keep) if k)


def score_system(pages: list[LabeledPage], predictions: list[list[int]]) -> dict:
    """Line and word scores of one system's 0/1 predictions, overall and per group."""
    word_scores = [word_prf(_content_text(p, pred), p.gold_text) for p, pred in zip(pages, predictions)]
    y_true = [y for p in pages for y in p.labels]
    y_pred = [y for pred in predictions for y in pred]
    result = {"word": mean_prf(word_scores).as_dict(), "line": line_prf(y_true, y_pred).as_dict(),
              "pages": len(pages)}
    for group in GROUPS:
        buckets: dict[str, list[PRF]] = defaultdict(list)
        for page, score in zip(pages, word_scores):
            buckets[str(page.meta.get(group) or "unknown")].append(score)
        if len(buckets) > 1 or "unknown" not in buckets:
            result[f"per_{group}"] = {k: {**mean_prf(v).as_dict(), "pages": len(v)}
                                      for k, v in sorted(buckets.items())}
    result["page_word_f1"] = [round(s.f1, 4) for s in word_scores]
    return result


def threshold_sweep(pages: list[LabeledPage], probabilities: list[np.ndarray],
                    thresholds: tuple[float, ...] = SWEEP) -> list[dict]:
    """Word-F1 and line scores at each threshold; gold counts are computed once."""
    gold = [word_counts(p.gold_text) for p in pages]
    y_true = [y for p in pages for y in p.labels]
    rows = []
    for t in thresholds:
        keeps = [(proba >= t).astype(int).tolist() for proba in probabilities]
        words = mean_prf([word_prf(_content_text(p, k), g) for p, k, g in zip(pages, keeps, gold)])
        line = line_prf(y_true, [y for k in keeps for y in k])
        rows.append({"threshold": t, "word_f1": words.f1, "word_precision": words.precision,
                     "word_recall": words.recall, "line_f1": line.f1,
                     "line_precision": line.precision, "line_recall": line.recall})
    return rows


def best_threshold(pages: list[LabeledPage], probabilities: list[np.ndarray]) -> float:
    """The sweep threshold with the best mean word-F1 (ties: the one nearest 0.5)."""
    rows = threshold_sweep(pages, probabilities)
    return max(rows, key=lambda r: (round(r["word_f1"], 4), -abs(r["threshold"] - 0.5)))["threshold"]


def evaluate(model: Model, pages: list[LabeledPage], threshold: float | None = None,
             progress: bool = False) -> tuple[dict, dict]:
    """Score `model` and the baselines on `pages`. Returns (report, curve data)."""
    cut = model.threshold if threshold is None else threshold
    probabilities = page_probabilities(model, pages, progress)
    systems = {"boilersift": [(p >= cut).astype(int).tolist() for p in probabilities]}
    for name, rule in BASELINES.items():
        systems[name] = [[rule(b.text) for b in page.blocks] for page in pages]
    report = {
        "model": {"path": model.manifest.get("path"), "threshold": cut,
                  "feature_schema_version": model.manifest.get("feature_schema_version"),
                  "training_data": model.manifest.get("training_data", {}).get("sha256")},
        "data": {"pages": len(pages), "lines": sum(len(p.blocks) for p in pages),
                 "content_lines": sum(sum(p.labels) for p in pages)},
        "systems": {name: score_system(pages, preds) for name, preds in systems.items()},
        "threshold_sweep": threshold_sweep(pages, probabilities),
    }
    y_true = np.array([y for p in pages for y in p.labels])
    y_score = np.concatenate(probabilities) if probabilities else np.zeros(0)
    curve = {}
    if y_true.size and 0 < y_true.sum() < y_true.size:
        precision, recall, _ = precision_recall_curve(y_true, y_score)
        curve = {"precision": precision, "recall": recall}
    return report, curve


def _markdown(report: dict) -> str:
    lines = ["# boilersift evaluation", "",
             f"{report['data']['pages']} pages, {report['data']['lines']} lines "
             f"({report['data']['content_lines']} content); threshold {report['model']['threshold']}.", "",
             "## Overall", "",
             "| system | word F1 | word P | word R | line F1 | line P | line R |",
             "|---|---|---|---|---|---|---|"]
    for name, s in report["systems"].items():
        w, ln = s["word"], s["line"]
        lines.append(f"| {name} | {w['f1']:.3f} | {w['precision']:.3f} | {w['recall']:.3f} | "
                     f"{ln['f1']:.3f} | {ln['precision']:.3f} | {ln['recall']:.3f} |")
    for group in GROUPS:
        key = f"per_{group}"
        first = report["systems"]["boilersift"]
        if key not in first:
            continue
        names = list(report["systems"])
        lines += ["", f"## Word F1 per {group.replace('_', ' ')}", "",
                  "| " + group + " | pages | " + " | ".join(names) + " |",
                  "|---|---|" + "---|" * len(names)]
        for value, row in first[key].items():
            cells = [f"{report['systems'][n][key][value]['f1']:.3f}" for n in names]
            lines.append(f"| {value} | {row['pages']} | " + " | ".join(cells) + " |")
    lines += ["", "## Threshold sweep (boilersift)", "",
              "| threshold | word F1 | word P | word R | line F1 |", "|---|---|---|---|---|"]
    for row in report["threshold_sweep"]:
        lines.append(f"| {row['threshold']:.2f} | {row['word_f1']:.3f} | {row['word_precision']:.3f} | "
                     f"{row['word_recall']:.3f} | {row['line_f1']:.3f} |")
    return "\n".join(lines) + "\n"


def _plot_pr(curve: dict, report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    ax.plot(curve["recall"], curve["precision"], label="boilersift")
    for name, s in report["systems"].items():
        label = f"{name} at threshold {report['model']['threshold']:.2f}" if name == "boilersift" else name
        ax.plot(s["line"]["recall"], s["line"]["precision"], "o", label=label)
    ax.set_xlabel("recall (content lines)")
    ax.set_ylabel("precision (content lines)")
    ax.set_xlim(0, 1.01)
    ax.set_ylim(0, 1.01)
    ax.legend(loc="lower left")
    ax.set_title("Precision-recall, line level")
    fig.tight_layout()
    with atomic_writer(path, binary=True) as handle:
        fig.savefig(handle, format="png")
    plt.close(fig)


def write_report(report: dict, curve: dict, out_dir: str | Path) -> list[Path]:
    """Write report.json, report.md and (when defined) pr_curve.png into `out_dir`."""
    out_dir = Path(out_dir)
    written = [out_dir / "report.json", out_dir / "report.md"]
    with atomic_writer(written[0]) as handle:
        json.dump(report, handle, indent=2)
    with atomic_writer(written[1]) as handle:
        handle.write(_markdown(report))
    if curve:
        written.append(out_dir / "pr_curve.png")
        _plot_pr(curve, report, written[-1])
    return written
