"""A decision tried and not adopted: drop the islands of kept blocks far from the page's main content.

On the held-out scores cached by ``experiments/loso_decisions.py`` (every page scored by the HTML
model that never saw its source), the kept blocks of a page are grouped into clusters (a gap of
more than GAP blocks not kept splits them); a cluster with under FRACTION of the largest
cluster's words, none of whose blocks scores PMAX or more, is dropped. Word F1 per source
against the default decisions, for a grid of (GAP, FRACTION, PMAX).

    python experiments/loso_islands.py experiments/loso/scores.pkl > experiments/results/loso_islands.txt
"""

from __future__ import annotations

import itertools
import pickle
import sys
from pathlib import Path

import numpy as np
from compare_text import gold_of

from boilersift.decide import decide
from boilersift.evaluation.metrics import word_prf

GRID = ([3, 6, 10], [0.05, 0.1, 0.2, 0.3], [0.9, 0.95, 1.01])


def islands(texts: list[str], probabilities: np.ndarray, keep: np.ndarray, gap: int, fraction: float,
            pmax: float) -> np.ndarray:
    """`keep` without the small, unsure clusters of kept blocks."""
    kept = np.flatnonzero(keep)
    if len(kept) < 2:
        return keep
    words = np.array([len(t.split()) for t in texts])
    clusters = np.split(kept, np.flatnonzero(np.diff(kept) - 1 > gap) + 1)
    largest = max(words[c].sum() for c in clusters)
    out = keep.copy()
    for cluster in clusters:
        if words[cluster].sum() < fraction * largest and probabilities[cluster].max() < pmax:
            out[cluster] = False
    return out


def main(argv: list[str] | None = None) -> int:
    cache = Path((argv or sys.argv[1:])[0])
    pages = pickle.loads(cache.read_bytes())["pages"]
    golds = [gold_of({"gold": g, "lang": r["lang"] if r["lang"] != "unknown" else None})[0]
             for r, _, _, _, g, *_ in pages]
    base = [decide(p.texts, p.scores, p.threshold, in_comments=p.in_comments, kind=p.kind).keep
            if p.texts else np.zeros(0, bool) for p in pages]

    def score(keeps: list[np.ndarray]) -> tuple[float, dict[str, float]]:
        per: dict[str, list[float]] = {}
        for (row, texts, *_), keep, gold in zip(pages, keeps, golds):
            f1 = word_prf("\n".join(t for t, k in zip(texts, keep) if k), gold).f1
            per.setdefault(row["source"], []).append(f1)
        pooled = float(np.mean([f for v in per.values() for f in v]))
        return pooled, {k: float(np.mean(v)) for k, v in sorted(per.items())}

    default, per_default = score(base)
    print("default", f"{default:.4f}", " ".join(f"{k} {v:.3f}" for k, v in per_default.items()))
    for gap, fraction, pmax in itertools.product(*GRID):
        keeps = [islands(t, np.asarray(s), k, gap, fraction, pmax) if len(t) else k
                 for (_, t, s, *_), k in zip(pages, base)]
        f1, per = score(keeps)
        print(f"gap {gap} fraction {fraction} pmax {pmax}: {f1 - default:+.4f}",
              " ".join(f"{k} {v - per_default[k]:+.3f}" for k, v in per.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
