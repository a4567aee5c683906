"""scikit-learn's probabilities for the shipped models, on every block of both quality gates.

`boilersift train` keeps only the arrays it exports from the fitted scikit-learn estimators.
This script fits the shipped configuration again (training is deterministic: same data, same
split, same augmentation seed), checks that the export equals the shipped `model.npz`
array for array, bit for bit, and writes the scikit-learn estimators' probabilities on the
gate fixtures to tests/fixtures/reference_probabilities.npz, with the SHA-256 of the first
pass's input (the features and word scores) they were computed from. tests/model/test_predictors.py
then checks that the shipped arrays give them to 1e-9 wherever numpy computes the same
features (the last bits of log1p and exp differ between numpy builds).

    python experiments/reference_probabilities.py [text|html]   # needs data/labeled/all.jsonl.gz
(made by experiments/train_default.sh; about 10 minutes on 2 cores). Given one format, only that
model is fitted again and the other's reference is kept from the fixture.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import GATE_DEV, GATE_HTML  # noqa: E402

from boilersift.labelled.data import load_pages  # noqa: E402
from boilersift.model.bundle import MODEL_FILE, STAGE_NAMES, default_bundle_path  # noqa: E402
from boilersift.pipeline import Model, _numbered  # noqa: E402
from boilersift.training.config import TrainConfig  # noqa: E402
from boilersift.training.estimators import BlockFeaturizer  # noqa: E402
from boilersift.training.train import fit_stages, split_pages  # noqa: E402

REFERENCE = ROOT / "tests" / "fixtures" / "reference_probabilities.npz"
DATASETS = ROOT.parent / "shared" / "datasets"
# What experiments/train_default.sh trains the shipped models on; the pages of the sources
# a model's manifest names are its training data.
TEXT_DATA = [ROOT / "data" / "labeled" / "all.jsonl.gz"]
HTML_DATA = sorted(DATASETS.glob("*.jsonl.gz"))


def refit(input_format: str):
    """The shipped model's scikit-learn classifier, fitted again as its manifest says."""
    model = Model.load(default_bundle_path(input_format))
    config = TrainConfig.of_manifest(model.manifest)
    pages = load_pages(TEXT_DATA) if input_format == "text" else load_pages(HTML_DATA, ["dom"])
    sources = model.manifest["training_data"]["pages_per_source"]
    pages = [page for page in pages if page.meta.get("source") in sources]
    fit, _, _ = split_pages(pages, config.dev_percent, config.tune_percent, config.dev_fold)
    return model, fit_stages(fit, config)


def first_input_sha256(model, blocks: list) -> str:
    """SHA-256 of the first pass's input on `blocks`: equal where numpy computes the same features."""
    columns = model.classifier.first.n_features_in_
    return hashlib.sha256(np.ascontiguousarray(model.classifier.final_input(blocks)[:, :columns]).tobytes()).hexdigest()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("formats", nargs="*", metavar="{text,html}",
                        help="the shipped models to fit again (default: both)")
    args = parser.parse_args(argv)
    if set(args.formats) - {"text", "html"}:  # not `choices`: argparse checks an empty list against them
        parser.error(f"formats are text and html, not {' '.join(args.formats)}")
    formats = args.formats or ["text", "html"]
    kept = dict(np.load(REFERENCE)) if REFERENCE.exists() else {}
    reference = {key: value for key, value in kept.items() if key.split("-")[0] not in formats}
    for input_format, fixture, styles in (("text", GATE_DEV, None), ("html", GATE_HTML, ["dom"])):
        if input_format not in formats:
            continue
        model, classifier = refit(input_format)
        shipped = np.load(default_bundle_path(input_format) / MODEL_FILE)
        for name in STAGE_NAMES:
            stage = getattr(classifier.export(), name)
            for key, array in (stage.to_arrays(name)[0] if stage is not None else {}).items():
                if not np.array_equal(array, shipped[key]):
                    raise SystemExit(f"{input_format}: {key} differs from the shipped model; not its classifier")
        pages = load_pages([fixture], styles) if styles else load_pages([fixture])
        blocks = [block for page in pages for block in _numbered(page.blocks)]
        expected = classifier.predict_proba(BlockFeaturizer(input_format).transform(blocks))[:, 1]
        if model.classifier.calibration is not None:  # fitted on the tune pages, kept as its breakpoints
            expected = model.classifier.calibration.apply(expected)
        actual = model.classifier.predict_proba(blocks)[:, 1]
        print(f"{input_format}: {len(blocks)} blocks, largest difference {np.abs(expected - actual).max():.3g}")
        reference[f"{input_format}-default"] = expected
        reference[f"{input_format}-default.first_input_sha256"] = np.array(first_input_sha256(model, blocks))
    np.savez_compressed(REFERENCE, **reference)
    print(f"wrote {REFERENCE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
