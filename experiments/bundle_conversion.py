"""Convert the shipped models from their pickled bundles (format 1) to arrays (format 2), and check it.

1. takes the format-1 bundles from git revision REV (the last one that shipped them);
2. converts each with `boilersift convert-model --trust-pickle` into models/;
3. scores the blocks of both quality-gate fixtures with the pickled scikit-learn estimator
   and with the converted arrays, prints the largest difference, and writes the
   scikit-learn probabilities to tests/fixtures/reference_probabilities.npz, against which
   tests/test_predictors.py checks the shipped arrays (to 1e-9) on any numpy.

Needs the scikit-learn version the pickles were made with (1.9.1).

    python experiments/bundle_conversion.py            # REV af0342a
Results: experiments/results/bundle_conversion.md
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import GATE_DEV, GATE_HTML  # noqa: E402

from boilersift.bundle import load_bundle  # noqa: E402
from boilersift.data import load_pages  # noqa: E402
from boilersift.legacy import load_pickled  # noqa: E402
from boilersift.model import _numbered  # noqa: E402

REFERENCE = ROOT / "tests" / "fixtures" / "reference_probabilities.npz"
MODELS = {"text-default": (GATE_DEV, None), "html-default": (GATE_HTML, ["dom"])}


def gate_blocks(fixture: Path, styles: list[str] | None) -> list:
    pages = load_pages([fixture], styles) if styles else load_pages([fixture])
    return [block for page in pages for block in _numbered(page.blocks)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rev", default="af0342a", help="git revision with the pickled bundles")
    args = parser.parse_args()
    reference = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (fixture, styles) in MODELS.items():
            old = Path(tmp) / name
            old.mkdir()
            for file in ("manifest.json", "model.joblib"):
                data = subprocess.run(["git", "show", f"{args.rev}:models/{name}/{file}"], cwd=ROOT,
                                      check=True, capture_output=True).stdout
                (old / file).write_bytes(data)
            subprocess.run([sys.executable, "-m", "boilersift.cli", "convert-model", str(old),
                            str(ROOT / "models" / name), "--trust-pickle"], check=True)
            pickled, _ = load_pickled(old)
            blocks = gate_blocks(fixture, styles)
            expected = pickled.estimator_.predict_proba(blocks)[:, 1]
            actual = load_bundle(ROOT / "models" / name).classifier.predict_proba(blocks)[:, 1]
            print(f"{name}: {len(blocks)} blocks, largest difference {np.abs(expected - actual).max():.3g}")
            reference[name] = expected
    np.savez_compressed(REFERENCE, **reference)
    print(f"wrote {REFERENCE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
