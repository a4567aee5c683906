"""Text models of leave-one-source-out runs at fixed thresholds: how much of a fold's figure is its threshold?

Every model scores every page of the source it never saw, in both scrape styles (cached as in
``loso_text_decisions.py``); each is then scored against the gold (word F1, character F1 on
unspaced languages, mean over the pages of both styles, the shipped text decisions) at the
threshold it chose on its tune pages and at fixed thresholds, so that models trained with other
options or augmentation seeds can be compared at the same threshold; and without a threshold, at
the best of a sweep from 0.1 to 0.9 for the source and for each page (``loso_noise.py``: how well
the model orders the blocks, which moves less between trainings than a threshold's figure). With ``--mean``, also the
mean of the probabilities of all the models of one source (an ensemble of the runs).

    python experiments/loso_text_thresholds.py --loso-models RUN1/text-wcxb RUN2/text-wcxb ... --mean

Writes ``loso_text_thresholds.json`` and ``.md`` into --output-dir.
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

from compare_text import DATASETS, RESULTS  # noqa: E402
from loso_decisions import evaluate, mean_scores  # noqa: E402
from loso_noise import SWEEP, f1_curves  # noqa: E402
from loso_text_decisions import CACHE, score_text_pages  # noqa: E402

from boilersift.decide import TEXT_DECISIONS  # noqa: E402

THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5)


def f1_at(pages: list, threshold: float | None) -> float:
    """Mean F1 of `pages` at `threshold` (None: each page's model's own)."""
    if threshold is not None:
        pages = [page._replace(threshold=threshold) for page in pages]
    return round(evaluate(pages, TEXT_DECISIONS)["f1"], 4)


def best_of_sweep(pages: list) -> dict:
    """Word F1 at the best threshold of the sweep for the whole source, and for each page."""
    f1 = f1_curves(pages, SWEEP, TEXT_DECISIONS)
    curve = f1.mean(0)
    return {"best_threshold": SWEEP[int(curve.argmax())], "at_best": round(float(curve.max()), 4),
            "best_per_page": round(float(f1.max(1).mean()), 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loso-models", nargs="+", required=True, metavar="DIR")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"a directory for the scores (default {CACHE})")
    parser.add_argument("--mean", action="store_true", help="also the mean probability of each source's models")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    rows, by_source = [], {}
    for directory in args.loso_models:  # one at a time: a model's cached pages are its own list
        manifest = json.loads((Path(directory) / "manifest.json").read_text())
        pages = score_text_pages([directory], args.datasets, args.cache)
        split = manifest["split"]
        rows.append({"model": directory, "source": split["dev_source"], "seed": split["seed"],
                     "related_rate": split["related_rate"], "threshold": manifest["threshold"],
                     "pages": len(pages), "tuned": f1_at(pages, None),
                     "fixed": {str(t): f1_at(pages, t) for t in THRESHOLDS}, **best_of_sweep(pages)})
        by_source.setdefault(split["dev_source"], []).append(pages)
        print(json.dumps(rows[-1]), flush=True)
    if args.mean:
        for source, runs in by_source.items():
            if len(runs) < 2:
                continue
            mean = mean_scores(runs)
            rows.append({"model": f"mean of the {len(runs)} models", "source": source, "seed": None,
                         "related_rate": None, "threshold": None, "pages": len(mean), "tuned": None,
                         "fixed": {str(t): f1_at(mean, t) for t in THRESHOLDS}, **best_of_sweep(mean)})
    meta = {"command": shlex.join(["experiments/loso_text_thresholds.py", *(sys.argv[1:] if argv is None else argv)]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "loso_text_thresholds.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    lines = ["# Text models held out, at their tuned threshold and at fixed ones", "",
             f"- command: `{meta['command']}`", f"- date: {meta['date']}",
             "- word F1 (character F1 on zh, ja, th), mean over every page of the held-out source in both "
             "scrape styles, the shipped text decisions", "",
             "| held-out source | model | seed | related rate | tuned threshold | at it | "
             + " | ".join(f"at {t}" for t in THRESHOLDS) + " | best of 0.1-0.9 (at) | best per page |",
             "|---|---|---|---|---|---|" + "---|" * len(THRESHOLDS) + "---|---|"]
    for r in sorted(rows, key=lambda r: r["source"]):
        cells = [r["source"], f"`{r['model']}`", r["seed"], r["related_rate"], r["threshold"], r["tuned"],
                 *r["fixed"].values(), f"{r['at_best']} ({r['best_threshold']:g})", r["best_per_page"]]
        lines.append("| " + " | ".join("" if c is None else str(c) for c in cells) + " |")
    (args.output_dir / "loso_text_thresholds.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
