"""Which stages an ensemble of two trainings needs: fold bundles of run A whose chosen stages are
replaced by the mean of A's and B's.

Two leave-one-source-out runs of one configuration (``loso_train.py``, e.g. trained on pages that
differ by 1%) order the held-out blocks better averaged than either alone
(``results/loso_ensemble.md``), at twice the cost of every stage. This writes, for each fold of
run A, a bundle with A's stages where `--stages` names the ones averaged with B's fold of the same
source: a pass becomes both passes' trees in one boosted ensemble, each leaf value halved (the
mean of their log-odds), the word stage the mean of both weight vectors (the mean of its log-odds,
since it is linear). The calibration stays A's; ``loso_noise.py`` fits it again on the fold's
tune pages. Score the bundles with ``loso_noise.py`` next to A and B.

    python experiments/loso_hybrid.py A_DIR B_DIR OUT_DIR --stages first,final
    python experiments/loso_noise.py --run a=A_DIR/html-canola,... --run hybrid=OUT_DIR/html-canola,...
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np

from boilersift import Model
from boilersift.model.predictors import HashedWords, Trees

STAGES = ("words", "first", "final")


def mean_trees(a: Trees, b: Trees) -> Trees:
    """Two boosted ensembles as one that scores the mean of their log-odds."""
    if not (a.boosted and b.boosted):
        raise SystemExit("only boosted passes can be averaged")
    n = len(a.feature)

    def shifted(links: np.ndarray) -> np.ndarray:
        return np.where(links < 0, -1, links + n)

    return Trees(np.concatenate([a.feature, b.feature]), np.concatenate([a.threshold, b.threshold]),
                 np.concatenate([a.left, shifted(b.left)]), np.concatenate([a.right, shifted(b.right)]),
                 np.concatenate([a.missing_left, b.missing_left]), np.concatenate([a.value, b.value]) / 2,
                 np.concatenate([a.roots, b.roots + n]), a.n_features_in_, True, (a.baseline + b.baseline) / 2)


def mean_words(a: HashedWords, b: HashedWords) -> HashedWords:
    return HashedWords((a.coef + b.coef) / 2, (a.intercept + b.intercept) / 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path, help="run A: a directory of html-SOURCE fold bundles")
    parser.add_argument("b", type=Path, help="run B, the same sources held out")
    parser.add_argument("output", type=Path)
    parser.add_argument("--stages", default="first,final", help=f"comma-separated, of {', '.join(STAGES)}")
    args = parser.parse_args(argv)
    stages = args.stages.split(",")
    if not set(stages) <= set(STAGES):
        parser.error(f"--stages: choose from {', '.join(STAGES)}")
    for fold in sorted(p for p in args.a.glob("html-*") if p.is_dir()):
        a, b = Model.load(fold, "html").classifier, Model.load(args.b / fold.name, "html").classifier
        hybrid = Model.load(fold, "html")
        averaged = {stage: mean_words(a.words, b.words) if stage == "words"
                    else mean_trees(getattr(a, stage), getattr(b, stage)) for stage in stages}
        hybrid.classifier = dataclasses.replace(a, **averaged)
        hybrid.save(args.output / fold.name)
        print(f"{fold.name}: {', '.join(stages)} averaged", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
