"""Text models averaged over augmentation draws, leave one source out: is an ensemble worth its cost?

For each held-out source, the text models of several ``loso_train.py --input-format text --seed S``
runs (one per seed: the same fit, tune and held-out pages, other draws of the augmentation and of
the unfamiliar-language pages) are put together, calibrated and given a threshold on the fold's
tune pages as ``train`` does:

- **probability mean**: the mean of the members' (calibrated) final probabilities, independent
  cascades, the ensemble ``loso_text_thresholds.py --mean`` measured; the threshold tuned on it;
- **stage mean** (``--stage-mean``, with ``results/members_stage_mean.patch`` applied, which adds
  ``train --members N``): every stage the mean of the members', so that the second pass reads the
  mean first pass, calibrated again; saved as a bundle under ``--output-dir``/ensembles.

Every model scores every page of the source it never saw in both scrape styles (cached as in
``loso_text_decisions.py``), scored against the gold (word F1, character F1 on unspaced
languages, mean over pages, the shipped text decisions) at its tuned threshold and at fixed ones.

    python experiments/loso_text_ensemble.py --runs SEED0_DIR SEED1_DIR [--stage-mean] [SOURCE ...]

Writes ``loso_text_ensemble.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, RESULTS  # noqa: E402
from loso_decisions import evaluate, fold_tune_pages, mean_scores  # noqa: E402
from loso_text_decisions import CACHE, score_text_pages  # noqa: E402
from loso_text_thresholds import THRESHOLDS  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.cli import DEFAULT_STYLES  # noqa: E402
from boilersift.decide import TEXT_DECISIONS, smooth_runs  # noqa: E402
from boilersift.evaluation.evaluate import best_threshold  # noqa: E402
from boilersift.labelled.data import LabeledPage  # noqa: E402
from boilersift.runner.batch import CHUNK_SIZE  # noqa: E402
from boilersift.training.estimators import fit_calibration  # noqa: E402


def tuned_threshold(models: list[Model], pages: list[LabeledPage]) -> float:
    """The threshold `train` would choose on the tune `pages` for the mean of `models`' probabilities."""
    blocks = [p.blocks for p in pages]
    scored = [[s for start in range(0, len(blocks), CHUNK_SIZE)
               for s in model.score_pages(blocks[start:start + CHUNK_SIZE])] for model in models]
    mean = [np.mean(page_scores, axis=0) for page_scores in zip(*scored)]
    return float(best_threshold(pages, [smooth_runs([b.text for b in p.blocks], s, TEXT_DECISIONS)
                                        for p, s in zip(pages, mean)]))


def stage_mean(members: list[Model], tune: list[LabeledPage]) -> Model:
    """What ``train --members`` makes of `members`: their stages averaged, calibrated on `tune`
    (needs ``results/members_stage_mean.patch``)."""
    from boilersift.model.stages import averaged
    stages = averaged([dataclasses.replace(m.classifier, calibration=None) for m in members])
    stages = dataclasses.replace(stages, calibration=fit_calibration(stages, tune))
    manifest = {key: value for key, value in members[0].manifest.items() if key != "dev_metrics"}
    model = Model(stages, 0.5, {**manifest, "split": {**manifest["split"], "members": len(members)}})
    model.threshold = tuned_threshold([model], tune)
    return model


def f1s(pages: list, threshold: float) -> dict:
    """Word F1 at `threshold` over all `pages` and over the `nodes` style's."""
    pages = [page._replace(threshold=threshold) for page in pages]
    nodes = [page for page in pages if page.row["style"] == "nodes"]
    return {"all": round(evaluate(pages, TEXT_DECISIONS)["f1"], 4),
            "nodes": round(evaluate(nodes, TEXT_DECISIONS)["f1"], 4), "pages": len(pages)}


def row(name: str, source: str, pages: list, threshold: float) -> dict:
    return {"system": name, "source": source, "threshold": threshold, "tuned": f1s(pages, threshold),
            "fixed": {str(t): f1s(pages, t)["all"] for t in THRESHOLDS}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="*", default=["wcxb", "daniel"],
                        help="held-out sources (default: wcxb daniel)")
    parser.add_argument("--runs", nargs="+", type=Path, required=True, metavar="DIR",
                        help="loso_train.py output directories, one per seed (each with text-SOURCE)")
    parser.add_argument("--stage-mean", action="store_true",
                        help="also the stage mean (apply results/members_stage_mean.patch first)")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"a directory for the scores (default {CACHE})")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    rows = []
    for source in args.sources:
        dirs = [run / f"text-{source}" for run in args.runs]
        members = [Model.load(d, "text") for d in dirs]
        split = members[0].manifest["split"]
        tune = fold_tune_pages(args.datasets, split, DEFAULT_STYLES.split(","))
        ensemble_dir = args.output_dir / "ensembles" / f"text-{source}"
        if args.stage_mean and not (ensemble_dir / "manifest.json").exists():  # kept: its scores are cached
            stage_mean(members, tune).save(ensemble_dir)
        scored = [*dirs, ensemble_dir] if args.stage_mean else dirs
        score_text_pages([str(d) for d in scored], args.datasets, args.cache)  # labels each page once
        pages = {d: score_text_pages([str(d)], args.datasets, args.cache) for d in scored}
        for d, member in zip(dirs, members):
            rows.append(row(f"seed {member.manifest['split']['seed']}", source, pages[d], member.threshold))
        if args.stage_mean:
            rows.append(row("stage mean", source, pages[ensemble_dir], Model.load(ensemble_dir, "text").threshold))
        rows.append(row("probability mean", source, mean_scores([pages[d] for d in dirs]),
                        tuned_threshold(members, tune)))
        print(*(json.dumps(r) for r in rows[-len(scored) - 1:]), sep="\n", flush=True)
    meta = {"command": shlex.join(["experiments/loso_text_ensemble.py", *(sys.argv[1:] if argv is None else argv)]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "loso_text_ensemble.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    lines = ["# Text models averaged over augmentation draws, held out", "", f"- command: `{meta['command']}`",
             f"- date: {meta['date']}",
             "- word F1 (character F1 on zh, ja, th), mean over every page of the held-out source in both scrape "
             "styles (`nodes`: one text node per line only), the shipped text decisions", "",
             "| held-out | system | tuned threshold | at it | nodes | "
             + " | ".join(f"at {t}" for t in THRESHOLDS) + " |", "|---" * (4 + len(THRESHOLDS)) + "|---|"]
    lines += [f"| {r['source']} | {r['system']} | {r['threshold']:.2f} | {r['tuned']['all']:.4f} | "
              f"{r['tuned']['nodes']:.4f} | " + " | ".join(f"{v:.4f}" for v in r["fixed"].values()) + " |"
              for r in rows]
    (args.output_dir / "loso_text_ensemble.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
