"""How the threshold is chosen, judged leave one source out.

`train` picks the threshold with the best mean word F1 over the tune pages. Three quarters of
those pages come from one benchmark (WCXB), whose gold keeps more of a page than the others',
so the threshold follows its convention. This compares, for every model of a
leave-one-source-out run (``experiments/loso_train.py``), the threshold chosen on its tune
pages (the pages of the other sources' tune sites, as ``train`` split them) in two ways:

* ``pages``: the best mean word F1 over the tune pages (what ``train`` does);
* ``sources``: the best mean over sources of each source's mean word F1 (every benchmark
  counts the same, however many pages it has);

and scores each on the held-out source, next to the fixed thresholds of a sweep.

    python experiments/loso_threshold.py DIR/html-*      # a few minutes

Writes ``loso_threshold.json`` and ``loso_threshold.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from collections import defaultdict  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, RESULTS  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.evaluation.evaluate import page_probabilities, threshold_sweep  # noqa: E402
from boilersift.labelled.data import LabeledPage, load_pages  # noqa: E402
from boilersift.training.train import split_pages  # noqa: E402

SWEEP = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def sweep_by_source(pages: list[LabeledPage], probabilities: list[np.ndarray]) -> dict[str, dict[float, float]]:
    """{source: {threshold: mean word F1 over the source's pages}}."""
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, page in enumerate(pages):
        by_source[str(page.meta.get("source"))].append(i)
    return {source: {row["threshold"]: row["word_f1"] for row in
                     threshold_sweep([pages[i] for i in rows], [probabilities[i] for i in rows], SWEEP)}
            for source, rows in sorted(by_source.items())}


def choose(tune: dict[str, dict[float, float]], pages_per_source: dict[str, int]) -> dict[str, float]:
    """The threshold each way of choosing picks on the tune pages (ties: the one nearest 0.5)."""
    total = sum(pages_per_source.values())

    def best(score) -> float:
        return max(SWEEP, key=lambda t: (round(score(t), 4), -abs(t - 0.5)))

    return {"pages": best(lambda t: sum(tune[s][t] * n for s, n in pages_per_source.items()) / total),
            "sources": best(lambda t: float(np.mean([tune[s][t] for s in tune])))}


def markdown(report: dict) -> str:
    rows, meta = report["models"], report["meta"]
    out = ["# Choosing the threshold, leave one source out", "", f"- command: `{meta['command']}`",
           f"- date: {meta['date']}", "",
           "Word F1 on each held-out source (mean over its pages) at the threshold each way of choosing "
           "picks on the model's tune pages, and at fixed thresholds.", "",
           "| held-out source | pages | by pages (train) | by sources | "
           + " | ".join(f"{t}" for t in SWEEP) + " |", "|---" * (4 + len(SWEEP)) + "|"]
    for row in rows:
        held = row["held_out"]
        out.append(f"| {row['source']} | {row['pages']} | {held[str(row['chosen']['pages'])]:.4f} "
                   f"({row['chosen']['pages']}) | {held[str(row['chosen']['sources'])]:.4f} "
                   f"({row['chosen']['sources']}) | " + " | ".join(f"{held[str(t)]:.4f}" for t in SWEEP) + " |")
    for name in ("mean over sources", "mean over pages"):
        s = report[name]
        out.append(f"| **{name}** | {sum(r['pages'] for r in rows)} | **{s['pages']:.4f}** | **{s['sources']:.4f}** | "
                   + " | ".join(f"{s[str(t)]:.4f}" for t in SWEEP) + " |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", metavar="DIR", help="leave-one-source-out HTML bundles")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--name", default="loso_threshold", help="stem of the output files")
    args = parser.parse_args(argv)
    pages = load_pages([str(p) for p in sorted(args.datasets.glob("*.jsonl.gz"))], ["dom"])
    rows = []
    for directory in args.models:
        model = Model.load(directory)
        split = model.manifest["split"]
        _, tune, held_out = split_pages(pages, split["dev_percent"], split["tune_percent"], split["dev_fold"],
                                        split["dev_source"])
        tune_scores = sweep_by_source(tune, page_probabilities(model, tune))
        counts = {s: sum(p.meta.get("source") == s for p in tune) for s in tune_scores}
        held = sweep_by_source(held_out, page_probabilities(model, held_out))[split["dev_source"]]
        rows.append({"source": split["dev_source"], "pages": len(held_out), "model": directory,
                     "chosen": choose(tune_scores, counts), "held_out": {str(t): f for t, f in held.items()},
                     "tune": tune_scores, "tune_pages": counts})
        print(rows[-1]["source"], rows[-1]["chosen"], flush=True)
    report: dict = {"meta": {"command": shlex.join([Path(sys.executable).as_posix(), *sys.argv]),
                             "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}, "models": rows}
    weights = {"mean over sources": [1.0] * len(rows), "mean over pages": [r["pages"] for r in rows]}
    for name, w in weights.items():
        report[name] = {way: float(np.average([r["held_out"][str(r["chosen"][way])] for r in rows], weights=w))
                        for way in ("pages", "sources")}
        report[name].update({str(t): float(np.average([r["held_out"][str(t)] for r in rows], weights=w))
                             for t in SWEEP})
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / f"{args.name}.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (args.output_dir / f"{args.name}.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
