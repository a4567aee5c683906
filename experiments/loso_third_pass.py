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
    python experiments/loso_third_pass.py compare --scores DIR

Writes ``loso_third_pass.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import pickle  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, RESULTS  # noqa: E402
from loso_decisions import evaluate, markdown, scored_page  # noqa: E402
from loso_kind_threshold import held_out_pages  # noqa: E402
from sklearn.base import clone  # noqa: E402

from boilersift.decide import DEFAULT_DECISIONS  # noqa: E402
from boilersift.labelled.data import load_pages, read_jsonl  # noqa: E402
from boilersift.model.stages import (  # noqa: E402
    RESCORE_BAND,
    Calibrated,
    Cascade,
    Stages,
    chain_input,
    first_pass_input,
    second_pass_input,
)
from boilersift.training import estimators  # noqa: E402
from boilersift.training.estimators import (  # noqa: E402
    BlockClassifier,
    _fit,
    export_pass,
    export_words,
    page_balanced_weights,
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


def rescored(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """What a :class:`Cascade` predicts: `after` where `before` is unsure, else `before`."""
    unsure = (before > RESCORE_BAND[0]) & (before < RESCORE_BAND[1])
    return np.where(unsure, after, before)


class ThreePassClassifier(BlockClassifier):
    """:class:`BlockClassifier` with a cross-fitted second pass and a third, final one."""

    def fit(self, X, y, groups=None, sample_weight=None) -> ThreePassClassifier:
        pass_estimator = self._pass_estimator()
        columns, hashed, page, words = self._unpack(X)
        y = np.asarray(y, dtype=np.int64)
        groups = page if groups is None else np.asarray(groups)
        weights = page_balanced_weights(words, columns.pages)
        if sample_weight is not None:
            weights = weights * np.asarray(sample_weight)
        word_scores, self.words_ = self._cross_fit(estimators.word_scorer(), hashed, y, weights, groups)
        word_scores = self._unfamiliar_scores(hashed, word_scores, columns.pages)
        first_X = first_pass_input(columns.shallow, word_scores, columns.pages)
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
    """The shipped decisions on the three-pass models' held-out scores, beside the two-pass
    models' figures of the same decisions (`--baseline`: ``loso_rule_trials.json``, whose
    "shipped decisions" row scored the nine two-pass folds this way)."""
    third = [page for path in sorted(args.scores.glob("scores-*.pkl")) for page in pickle.loads(path.read_bytes())]
    pages, _ = held_out_pages({"pages": third}, args.datasets, 0.5)
    baseline = json.loads(args.baseline.read_text())
    # The variant first: its sources are the rows of the tables (all nine, or those trained so far).
    systems = {"three passes": evaluate(pages, DEFAULT_DECISIONS),
               "two passes (shipped)": baseline["systems"]["shipped decisions"]}
    meta = {"command": shlex.join(["python", "experiments/loso_third_pass.py", *sys.argv[1:]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(pages),
            "models": sorted(path.stem.removeprefix("scores-") for path in args.scores.glob("scores-*.pkl")),
            "threshold": 0.5, "baseline": baseline["meta"]["command"]}
    report = {"meta": meta, "systems": systems}
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "loso_third_pass.json").write_text(json.dumps(report, indent=1))
    text = markdown(report).replace("# Decisions over the page, leave one source out",
                                    "# A third pass, leave one source out")
    (args.output_dir / "loso_third_pass.md").write_text(text)
    print(text[:2500])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    trainer = commands.add_parser("train", help="train the three-pass models and score their held-out pages")
    trainer.add_argument("sources", nargs="*", help="sources to hold out (default: every source)")
    trainer.add_argument("--output-dir", type=Path, required=True)
    trainer.add_argument("--datasets", type=Path, default=DATASETS)
    comparer = commands.add_parser("compare", help="the decisions on both models' held-out scores")
    comparer.add_argument("--scores", type=Path, required=True, help="train's --output-dir")
    comparer.add_argument("--baseline", type=Path, default=RESULTS / "loso_rule_trials.json",
                          help="the two-pass models' figures (default: %(default)s)")
    comparer.add_argument("--datasets", type=Path, default=DATASETS)
    comparer.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    train(args) if args.command == "train" else compare(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
