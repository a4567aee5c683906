"""Which HTML block features tell the training benchmarks apart (adversarial validation).

A random forest learns each block's source (the benchmark it comes from) from the shallow HTML
features, a second one its label (content or noise); the features that name the source
better than they name the label are where a model can learn one benchmark's conventions.
Writes ``results/source_features.md``; ``loso_drop_features.md`` tests dropping the top ones.

    python experiments/source_features.py
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from compare_text import DATASETS, RESULTS
from sklearn.ensemble import RandomForestClassifier

from boilersift.features.featurize import feature_names
from boilersift.labelled.data import load_pages
from boilersift.model.stages import page_slices, shallow_features


def importances(X: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Impurity importances of a random forest fitted on `X` to `targets`."""
    forest = RandomForestClassifier(200, min_samples_leaf=20, max_features="sqrt", n_jobs=-1, random_state=0)
    return forest.fit(X, targets).feature_importances_


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--blocks", type=int, default=150_000, help="blocks drawn to fit the forests on")
    parser.add_argument("--top", type=int, default=30, help="features listed")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pages = [p for p in load_pages([str(p) for p in sorted(args.datasets.glob("*.jsonl.gz"))], ["dom"]) if p.blocks]
    names = feature_names("html")
    blocks = [block for page in pages for block in page.blocks]
    X = shallow_features(blocks, page_slices(blocks), "html")
    labels = np.concatenate([np.asarray(p.labels) for p in pages])
    sources = np.concatenate([np.full(len(p.blocks), str(p.meta.get("source"))) for p in pages])
    drawn = np.random.default_rng(0).choice(len(labels), min(args.blocks, len(labels)), replace=False)
    source = importances(X[drawn], sources[drawn])
    label = importances(X[drawn], labels[drawn])
    lines = ["# Block features that tell the training benchmarks apart", "",
             f"- command: `python experiments/source_features.py --blocks {args.blocks}`",
             f"- {len(pages)} HTML pages, {len(labels)} blocks, {len(drawn)} drawn; "
             f"{time.perf_counter() - started:.0f} s", "",
             "Impurity importance of each feature in a random forest that learns the block's source, and in one "
             "that learns its label, most important for the source first.", "",
             "| feature | importance for the source | for the label | ratio |", "|---|---|---|---|"]
    for i in np.argsort(-source)[:args.top]:
        lines.append(f"| {names[i]} | {source[i]:.4f} | {label[i]:.4f} | {source[i] / max(label[i], 1e-4):.1f} |")
    (RESULTS / "source_features.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
