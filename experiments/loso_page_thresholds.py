"""A threshold chosen for each page by a model of the page, leave one source out: can the HTML
model's held-out pages tell which threshold suits them?

A page's best threshold varies a lot (``loso_noise.py``'s "best threshold per page" row), and
the sources' best thresholds lie from 0.1 to 0.6. Here a small gradient-boosting regressor
learns, from a page's calibrated scores (the share and number of its words kept at each
threshold, how many are unsure) and the kind the page-type stage gives it, the page's word F1 at
each candidate threshold relative to 0.5. It learns from the held-out pages of eight sources
(each scored by a fold that never saw its source, so they look as a new site's pages do) and
picks a threshold for every page of the ninth.

    python experiments/loso_page_thresholds.py --loso-models DIR/html-canola DIR/html-cetd ...

Writes ``loso_page_thresholds.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, RESULTS  # noqa: E402
from loso_decisions import ScoredPage  # noqa: E402
from loso_noise import calibrated_pages, f1_curves, fold_scores  # noqa: E402
from sklearn.ensemble import HistGradientBoostingRegressor  # noqa: E402

from boilersift.decide import count_words  # noqa: E402

CANDIDATES = tuple(np.round(np.arange(0.1, 0.91, 0.1), 2))
SHIPPED = CANDIDATES.index(0.5)
KINDS = ("article", "forum", "product", "listing", "collection", "documentation", "service")
# The thresholds a page may get: the whole sweep, or a narrow band around the shipped one.
CHOICES = {"0.1-0.9": CANDIDATES, "0.3-0.6": (0.3, 0.4, 0.5, 0.6)}


def page_features(page: ScoredPage) -> list[float]:
    """What the page's calibrated scores say about it, and its predicted kind."""
    scores = np.asarray(page.scores, dtype=np.float64)
    words = count_words(page.texts).astype(np.float64) if page.texts else np.zeros(0)
    total = max(words.sum(), 1.0)
    row = [np.log1p(words.sum()), np.log1p(len(scores))]
    for t in CANDIDATES:
        kept = (words * (scores >= t)).sum()
        row += [kept / total, np.log1p(kept)]
    unsure = (words * ((scores > 0.2) & (scores < 0.8))).sum() / total
    row += [(words * scores).sum() / total, unsure, scores.max() if len(scores) else 0.0]
    return row + [float(page.kind == kind) for kind in KINDS]


def with_threshold(X: np.ndarray) -> np.ndarray:
    """One row per page and candidate threshold, the threshold as the last column."""
    return np.column_stack([np.repeat(X, len(CANDIDATES), axis=0), np.tile(CANDIDATES, len(X))])


def choose(X: np.ndarray, f1: np.ndarray, sources: np.ndarray, held_out: str, allowed: tuple[float, ...]) -> np.ndarray:
    """The candidate index picked for each page of `held_out` by a regressor fitted on the other
    sources' pages (each source weighed n ** -0.5, as training does)."""
    train = sources != held_out
    _, inverse, counts = np.unique(sources[train], return_inverse=True, return_counts=True)
    weights = counts[inverse].astype(np.float64) ** -0.5
    regressor = HistGradientBoostingRegressor(max_iter=200, learning_rate=0.05, max_leaf_nodes=7,
                                              min_samples_leaf=400, random_state=0)
    regressor.fit(with_threshold(X[train]), (f1[train] - f1[train][:, [SHIPPED]]).ravel(),
                  sample_weight=np.repeat(weights, len(CANDIDATES)))
    predicted = regressor.predict(with_threshold(X[~train])).reshape(-1, len(CANDIDATES))
    columns = np.array([CANDIDATES.index(t) for t in allowed])
    return columns[predicted[:, columns].argmax(1)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loso-models", nargs="+", required=True, metavar="DIR")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    pages = calibrated_pages([fold_scores(directory, args.datasets) for directory in args.loso_models])
    f1 = f1_curves(pages, CANDIDATES)
    X = np.array([page_features(p) for p in pages])
    sources = np.array([p.row["source"] for p in pages])
    rows: dict[str, dict[str, float]] = {}
    for name, allowed in CHOICES.items():
        picked = np.zeros(len(pages), dtype=np.intp)
        for source in np.unique(sources):
            picked[sources == source] = choose(X, f1, sources, source, allowed)
        got = f1[np.arange(len(pages)), picked]
        rows[f"chosen per page, {name}"] = {s: float(got[sources == s].mean()) for s in np.unique(sources)} | {
            "pooled": float(got.mean())}
    rows["0.5 (shipped)"] = {s: float(f1[sources == s, SHIPPED].mean()) for s in np.unique(sources)} | {
        "pooled": float(f1[:, SHIPPED].mean())}
    rows["best per page (oracle)"] = {s: float(f1[sources == s].max(1).mean()) for s in np.unique(sources)} | {
        "pooled": float(f1.max(1).mean())}
    report = {"meta": {"command": shlex.join(["python", *sys.argv]),
                       "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(pages)},
              "rows": rows}
    names = sorted(np.unique(sources))
    counts = {s: int((sources == s).sum()) for s in names}
    lines = ["# A threshold for each page, chosen by a model of the page, leave one source out", "",
             f"- command: `{report['meta']['command']}`", f"- date: {report['meta']['date']}",
             "- word F1, mean over pages, the shipped decisions; each source's pages get thresholds "
             "from a regressor fitted on the other sources' held-out pages", "",
             "| threshold | pooled | " + " | ".join(f"{s} ({counts[s]})" for s in names) + " |",
             "|---|---|" + "---|" * len(names)]
    for name, row in rows.items():
        lines.append(f"| {name} | {row['pooled']:.4f} | " + " | ".join(f"{row[s]:.3f}" for s in names) + " |")
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "loso_page_thresholds.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    (args.output_dir / "loso_page_thresholds.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
