"""Convert the pickled models (bundle format 1) of a git revision to arrays (format 2), and check it.

1. takes the format-1 bundles from git revision REV (af0342a: the last one that shipped them);
2. converts each with `boilersift convert-model --trust-pickle` into OUT_DIR;
3. scores the blocks of both quality-gate fixtures with the pickled scikit-learn estimator
   and with the converted arrays, and prints the largest difference.

Needs the scikit-learn version the pickles were made with (1.9.1). To show that the converted
models give byte-identical outputs, point experiments/snapshot_outputs.py at them.

    python experiments/bundle_conversion.py --rev af0342a --output-dir /tmp/converted
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

from boilersift.labelled.data import load_pages  # noqa: E402
from boilersift.model.stages import Stages  # noqa: E402
from boilersift.pipeline import Model, _numbered  # noqa: E402
from boilersift.training.legacy import load_pickled  # noqa: E402

MODELS = {"text-default": (GATE_DEV, None), "html-default": (GATE_HTML, ["dom"])}


def gate_blocks(fixture: Path, styles: list[str] | None) -> list:
    pages = load_pages([fixture], styles) if styles else load_pages([fixture])
    return [block for page in pages for block in _numbered(page.blocks)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rev", default="af0342a", help="git revision with the pickled bundles")
    parser.add_argument("--output-dir", type=Path, required=True, help="where to write the converted bundles")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name, (fixture, styles) in MODELS.items():
            old = Path(tmp) / name
            old.mkdir()
            for file in ("manifest.json", "model.joblib"):
                data = subprocess.run(["git", "show", f"{args.rev}:models/{name}/{file}"], cwd=ROOT,
                                      check=True, capture_output=True).stdout
                (old / file).write_bytes(data)
            subprocess.run([sys.executable, "-m", "boilersift.cli", "convert-model", str(old),
                            str(args.output_dir / name), "--trust-pickle"], check=True)
            pickled, _ = load_pickled(old)
            blocks = gate_blocks(fixture, styles)
            stages = pickled.estimator_  # its fitted stages, chained as predict chains arrays
            chained = Stages(stages.words_, stages.first_, stages.final_, stages.input_format)
            expected = chained.predict_proba(blocks)[:, 1]
            actual = Model.load(args.output_dir / name).classifier.predict_proba(blocks)[:, 1]
            print(f"{name}: {len(blocks)} blocks, largest difference {np.abs(expected - actual).max():.3g}")


if __name__ == "__main__":
    main()
