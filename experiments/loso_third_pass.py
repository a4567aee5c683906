"""A third pass tried on the HTML model, leave one source out.

The shipped model stacks two passes: the second sees the context of the first pass's scores
(its neighbours', its page's, its markup path's and container's). Here a third pass sees the
same context of the second pass's scores, so that what the second pass learned about a region
(a comment thread, a feed of teasers, the article) reaches the blocks around it once more
(stacked sequential learning). It is cross-fitted like the others and, like the second pass,
rescores only the blocks the pass before it is unsure of (:class:`~boilersift.model.stages.Cascade`).
One model per source is trained with that source held out, otherwise as ``loso_train.py`` does,
and every page of the held-out source is scored in the same process (a model with three passes
has no bundle format); then the shipped decisions at threshold 0.5 are applied as in
``loso_rule_trials.py`` (WCXB's kinds cross-validated by site), beside the two-pass models.

    python experiments/loso_third_pass.py train --output-dir DIR [SOURCE ...]   # DIR/scores-SOURCE.pkl
    python experiments/loso_third_pass.py compare --scores DIR --loso-models experiments/loso/html-*

Writes ``loso_third_pass.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import pickle  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, RESULTS  # noqa: E402
from loso_decisions import CACHE, evaluate, score_pages, scored_page, write_report  # noqa: E402
from loso_kind_threshold import cross_validated_kinds, with_wcxb_kinds  # noqa: E402
from sklearn.base import clone  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.decide import DEFAULT_DECISIONS  # noqa: E402
from boilersift.labelled.data import load_pages, read_jsonl  # noqa: E402
from boilersift.model.stages import (  # noqa: E402
    RESCORE_BAND,
    Calibrated,
    Cascade,
    Stages,
    chain_input,
    second_pass_input,
    unsure,
)
from boilersift.training import estimators  # noqa: E402
from boilersift.training.estimators import (  # noqa: E402
    BlockClassifier,
    _fit,
    export_pass,
    export_words,
)
from boilersift.training.train import train_model  # noqa: E402


@dataclasses.dataclass(frozen=True)
class ThreePassStages(Stages):
    """:class:`Stages` with a `second` pass between the first and the final one."""

    second: Any = None

    def _final_input(self, X, columns):
        second_X = chain_input(columns, self.words.predict_proba([b.text for b in X])[:, 1], self.first)
        scores = Cascade(self.second, self.first.n_features_in_).predict_proba(second_X)[:, 1]
        return second_pass_input(columns, second_X, scores)

    @property
    def final_stage(self) -> Any:
        stage = Cascade(self.final, self.second.n_features_in_)
        return stage if self.calibration is None else Calibrated(stage, self.calibration)


def rescored(before: np.ndarray, after: np.ndarray, band: tuple[float, float] = RESCORE_BAND) -> np.ndarray:
    """What a :class:`Cascade` predicts: `after` where `before` is unsure (inside `band`), else `before`."""
    return np.where(unsure(before, band), after, before)


class ThreePassClassifier(BlockClassifier):
    """:class:`BlockClassifier` with a cross-fitted second pass and a third, final one."""

    def fit(self, X, y, groups=None, sample_weight=None) -> ThreePassClassifier:
        pass_estimator = self._pass_estimator()
        columns, y, weights, groups, first_X = self._fit_words(X, y, groups, sample_weight)
        first_scores, self.first_ = self._cross_fit(pass_estimator, first_X, y, weights, groups)
        second_X = second_pass_input(columns, first_X, first_scores)
        second_scores, self.second_ = self._cross_fit(pass_estimator, second_X, y, weights, groups)
        final_X = second_pass_input(columns, second_X, rescored(first_scores, second_scores))
        self.final_ = _fit(clone(pass_estimator), final_X, y, weights)
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X.shape[1]
        return self

    def export(self) -> ThreePassStages:
        return ThreePassStages(export_words(self.words_), export_pass(self.first_), export_pass(self.final_),
                               self.input_format, second=export_pass(self.second_))


def train(args: argparse.Namespace) -> None:
    """One three-pass model per held-out source; its scores of that source's pages pickled."""
    estimators.BlockClassifier = ThreePassClassifier  # what fit_classifier builds
    pages = load_pages([str(p) for p in sorted(args.datasets.glob("*.jsonl.gz"))], ["dom"])
    sources = args.sources or sorted({str(p.meta.get("source")) for p in pages})
    records = [r for path in sorted(args.datasets.glob("*.jsonl.gz")) for r in read_jsonl(path)]
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for source in sources:
        started = time.perf_counter()
        model = train_model(pages, input_format="html", dev_source=source)
        scored = [scored_page(model, record) for record in records if record.get("source") == source]
        (args.output_dir / f"scores-{source}.pkl").write_bytes(pickle.dumps(scored))
        print(f"{source}: {time.perf_counter() - started:.0f} s, {len(scored)} pages", flush=True)


def compare(args: argparse.Namespace) -> None:
    """The shipped decisions on the held-out scores of the three-pass models and of the two-pass
    models that hold out the same sources (`--loso-models`, ``loso_train.py``'s)."""
    third = [page for path in sorted(args.scores.glob("scores-*.pkl")) for page in pickle.loads(path.read_bytes())]
    sources = sorted({page.row["source"] for page in third})
    two = [d for d in args.loso_models if Model.load(d, "html").manifest["split"]["dev_source"] in sources]
    kinds, _ = cross_validated_kinds(args.datasets / "wcxb_dev.jsonl.gz")
    systems = {name: evaluate(with_wcxb_kinds(pages, kinds, 0.5), DEFAULT_DECISIONS)
               for name, pages in [("two passes (shipped)", score_pages(two, args.datasets, args.cache)["pages"]),
                                   ("three passes", third)]}
    meta = {"command": shlex.join(["python", "experiments/loso_third_pass.py", "compare", "--scores", "DIR",
                                   "--loso-models", *[f"experiments/loso/{Path(d).name}" for d in two]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(third),
            "models": sources, "threshold": 0.5}
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, "loso_third_pass",
                       "A third pass, leave one source out")[:2500])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    trainer = commands.add_parser("train", help="train the three-pass models and score their held-out pages")
    trainer.add_argument("sources", nargs="*", help="sources to hold out (default: every source)")
    trainer.add_argument("--output-dir", type=Path, required=True)
    trainer.add_argument("--datasets", type=Path, default=DATASETS)
    comparer = commands.add_parser("compare", help="the decisions on both models' held-out scores")
    comparer.add_argument("--scores", type=Path, required=True, help="train's --output-dir")
    comparer.add_argument("--loso-models", nargs="+", metavar="DIR", required=True,
                          help="two-pass models (loso_train.py's); those of the same sources are compared")
    comparer.add_argument("--datasets", type=Path, default=DATASETS)
    comparer.add_argument("--cache", type=Path, default=CACHE.with_name("scores_two_passes.pkl"),
                          help="where the two-pass models' scores are kept")
    comparer.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    train(args) if args.command == "train" else compare(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
