"""How much of the second pass to trust, and how to calibrate, leave one source out, without retraining.

A third pass lost held out (``loso_third_pass.md``). Here the other way: the HTML model's final
probability made with less of its second pass, and calibrated otherwise. For every block the
first pass's probability p1 and the second pass's p2 are taken from the fold models of
``loso_train.py``; the variants are

- **cascade** (shipped): p2 where p1 is unsure (inside ``RESCORE_BAND``), else p1
  (``loso_third_pass.rescored``);
- **rescore all**: p2 everywhere;
- **band lo-hi**: the cascade with another band (fewer blocks rescored);
- **blend a**: a * p1 + (1 - a) * cascade;
- **first pass**: p1 alone;
- **cascade, tune sources alike / uncalibrated**: the shipped probability calibrated with each
  source of the tune pages weighing alike (three quarters of the tune blocks are WCXB's), or not.

Each variant is calibrated as ``train`` calibrates, unless it says otherwise (isotonic regression
on the fold's tune pages, so that 0.5 means the same on every variant; the cascade's refit is the
shipped calibration), then decided with the shipped decisions at 0.5, WCXB's kinds
cross-validated by site as in ``loso_rule_trials.py``.

    python experiments/loso_pass_blend.py --loso-models experiments/loso/html-*

Writes ``loso_pass_blend.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import NamedTuple  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, RESULTS, page_row  # noqa: E402
from loso_decisions import ScoredPage, evaluate, fold_tune_pages, page_blocks, write_report  # noqa: E402
from loso_kind_threshold import cross_validated_kinds, with_wcxb_kinds  # noqa: E402
from loso_third_pass import rescored  # noqa: E402
from sklearn.isotonic import IsotonicRegression  # noqa: E402
from tqdm import tqdm  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.decide import DEFAULT_DECISIONS  # noqa: E402
from boilersift.labelled.data import read_jsonl  # noqa: E402
from boilersift.pipeline import comment_threads  # noqa: E402


def blend(share: float) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    return lambda p1, p2: share * p1 + (1.0 - share) * rescored(p1, p2)


class Variant(NamedTuple):
    """How a block's final probability is made from p1 and p2, and calibrated: isotonic on the
    fold's tune blocks, each block alike ("blocks", as ``train`` does) or each source alike
    ("sources"), or not at all (None)."""

    combine: Callable[[np.ndarray, np.ndarray], np.ndarray]
    calibration: str | None = "blocks"


VARIANTS: dict[str, Variant] = {
    "cascade (shipped)": Variant(rescored),
    "rescore all": Variant(lambda p1, p2: p2),
    "band 0.1-0.9": Variant(lambda p1, p2: rescored(p1, p2, (0.1, 0.9))),
    "band 0.2-0.8": Variant(lambda p1, p2: rescored(p1, p2, (0.2, 0.8))),
    "blend 0.25": Variant(blend(0.25)),
    "blend 0.5": Variant(blend(0.5)),
    "first pass": Variant(lambda p1, p2: p1),
    "cascade, tune sources alike": Variant(rescored, "sources"),
    "cascade, uncalibrated": Variant(rescored, None),
}


def calibration(variant: Variant, scores: np.ndarray, labels: np.ndarray,
                sources: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """The map from `variant`'s probabilities onto the share of content, fitted on the tune blocks."""
    if variant.calibration is None:
        return lambda probabilities: probabilities
    weights = None
    if variant.calibration == "sources":
        _, source, size = np.unique(sources, return_inverse=True, return_counts=True)
        weights = 1.0 / size[source]
    return IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, labels, weights).predict


def passes(model: Model, blocks: list) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """The uncalibrated first- and second-pass probabilities of the blocks of one or more pages,
    and the kind of each page, from one featurisation."""
    if not blocks:
        return np.zeros(0), np.zeros(0), [None]
    stages = model.classifier
    X, kinds = stages.final_input_and_kinds(blocks)
    return X[:, stages.first.n_features_in_], stages.final.predict_proba(X)[:, 1], kinds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loso-models", nargs="+", metavar="DIR", required=True)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    records = [r for path in sorted(args.datasets.glob("*.jsonl.gz")) for r in read_jsonl(path)]
    kinds, _ = cross_validated_kinds(args.datasets / "wcxb_dev.jsonl.gz")
    pages: dict[str, list[ScoredPage]] = {name: [] for name in VARIANTS}
    for model_dir in args.loso_models:
        model = Model.load(model_dir, "html")
        source = model.manifest["split"]["dev_source"]
        tune = fold_tune_pages(args.datasets, model.manifest["split"], ["dom"])
        tune_p1, tune_p2, _ = passes(model, [block for page in tune for block in page.blocks])
        labels = np.concatenate([np.asarray(page.labels, dtype=np.float64) for page in tune if page.blocks])
        sources = np.concatenate([[page.meta.get("source")] * len(page.blocks) for page in tune if page.blocks])
        maps = {name: calibration(variant, variant.combine(tune_p1, tune_p2), labels, sources)
                for name, variant in VARIANTS.items()}
        for record in tqdm([r for r in records if r.get("source") == source], desc=source, unit="page"):
            blocks = page_blocks(model, record)
            p1, p2, [kind] = passes(model, blocks)
            for name, variant in VARIANTS.items():
                scores = maps[name](variant.combine(p1, p2)) if len(blocks) else np.zeros(0)
                pages[name].append(ScoredPage(page_row(record), [b.text for b in blocks], scores, 0.5,
                                              record.get("gold") or "", comment_threads(blocks), kind))
    systems = {name: evaluate(with_wcxb_kinds(scored, kinds, 0.5), DEFAULT_DECISIONS) for name, scored in pages.items()}
    meta = {"command": shlex.join(["python", "experiments/loso_pass_blend.py", "--loso-models",
                                   *[f"experiments/loso/{Path(d).name}" for d in args.loso_models]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(pages["cascade (shipped)"]),
            "models": [Path(d).name for d in args.loso_models], "threshold": 0.5}
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, "loso_pass_blend",
                       "Less of the second pass, leave one source out")[:2500])
    return 0


if __name__ == "__main__":
    sys.exit(main())
