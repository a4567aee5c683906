"""A threshold per page, lowered where the model is unsure of what it keeps, judged leave one source out.

The rule: a page whose kept blocks (at 0.5) have a word-weighted mean probability ``m`` below
``M0`` is cut at ``0.5 - SLOPE * (M0 - m)`` (never below 0.3) instead, so that a listing or a
collection, whose items the model keeps at 0.5-0.7, keeps the items it scored just under 0.5.
Each (M0, SLOPE) of a grid is applied to every page's cached held-out scores
(``loso_decisions.score_pages``); then, **nested**, each source is scored with the (M0, SLOPE)
that is best over the other eight sources' pages, which is what a new benchmark would get.

    python experiments/loso_adaptive_threshold.py --loso-models DIR/html-* [--cache /tmp/loso_scores.pkl]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import gold_of  # noqa: E402
from loso_decisions import score_pages, scored_pages_arguments  # noqa: E402

from boilersift.decide import content_mask, smooth_runs  # noqa: E402
from boilersift.evaluation.metrics import word_prf  # noqa: E402

THRESHOLD, FLOOR = 0.5, 0.3
GRID = [(0.85, 0.0)] + [(m0, slope) for m0 in (0.8, 0.85, 0.9, 0.95) for slope in (0.25, 0.5, 0.75, 1.0, 1.5)]


def page_threshold(texts: list[str], p: np.ndarray, m0: float, slope: float) -> float:
    words = np.fromiter((max(len(t.split()), 1) for t in texts), dtype=np.float64, count=len(texts))
    kept = p >= THRESHOLD
    if not kept.any():
        return THRESHOLD
    mean = np.average(p[kept], weights=words[kept])
    return max(THRESHOLD - slope * max(m0 - mean, 0.0), FLOOR)


def f1_grid(pages: list) -> np.ndarray:
    """(pages, GRID): each page's word F1 under each (M0, SLOPE)."""
    scores = np.zeros((len(pages), len(GRID)))
    for i, (row, texts, probabilities, _, gold, *_) in enumerate(pages):
        words = gold_of({"gold": gold, "lang": None})[0]
        if not texts:
            scores[i] = word_prf("", words).f1
            continue
        p = smooth_runs(texts, probabilities)
        by_threshold: dict[float, float] = {}
        for j, (m0, slope) in enumerate(GRID):
            t = page_threshold(texts, p, m0, slope)
            if t not in by_threshold:
                keep = content_mask(texts, p, t)
                by_threshold[t] = word_prf("\n".join(x for x, k in zip(texts, keep) if k), words).f1
            scores[i, j] = by_threshold[t]
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scored_pages_arguments(parser, Path("/tmp/loso_scores.pkl"))
    args = parser.parse_args(argv)
    pages = score_pages(args.loso_models, args.datasets, args.cache)["pages"]
    scores = f1_grid(pages)
    sources = np.array([row["source"] for row, *_ in pages])
    kinds = np.array([row["page_type"] for row, *_ in pages])
    groups = sorted(set(sources)) + sorted(set(kinds))
    print("| M0, SLOPE | all pages | " + " | ".join(groups) + " |\n" + "|---" * (len(groups) + 2) + "|")
    for j, (m0, slope) in enumerate(GRID):
        cells = [scores[(sources == g) | (kinds == g), j].mean() for g in groups]
        name = "fixed 0.5" if slope == 0 else f"{m0}, {slope}"
        print(f"| {name} | {scores[:, j].mean():.4f} | " + " | ".join(f"{c:.4f}" for c in cells) + " |")
    print("\n| held-out source | pages | chosen on the others | held-out word F1 | fixed 0.5 |\n|---|---|---|---|---|")
    nested = np.zeros(len(pages))
    for source in sorted(set(sources)):
        here = sources == source
        j = int(np.argmax(scores[~here].mean(axis=0)))
        nested[here] = scores[here, j]
        print(f"| {source} | {here.sum()} | {GRID[j]} | {scores[here, j].mean():.4f} | {scores[here, 0].mean():.4f} |")
    print(f"| all, nested | {len(pages)} | | {nested.mean():.4f} | {scores[:, 0].mean():.4f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
