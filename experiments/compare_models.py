"""Which classifier? Compare the candidate estimators and stages on the same split.

Every candidate is trained on the same `fit` sites, its threshold chosen on the
`tune` sites, and scored on the held-out `dev` sites (the split of
`boilersift.training.train.split_pages`, by site), with the headline word-F1:

* pass estimator: logistic regression, random forest, gradient boosting (hgb);
* with and without the neighbour-aware second pass;
* and, for scale, the word (vocabulary) stage alone, its score thresholded at 0.5.

Rerun (about 20 minutes on 2 cores; needs data/labeled/all.jsonl.gz from
`boilersift label`, see experiments/train_default.sh):

    python experiments/compare_models.py [--max-fit-pages 1000]

Writes experiments/results/compare_models.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from boilersift.evaluation.evaluate import best_threshold, score_system
from boilersift.labelled.data import load_pages
from boilersift.pipeline import Model
from boilersift.training.estimators import fit_classifier
from boilersift.training.train import split_pages

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = [("hgb", True), ("hgb", False), ("forest", True), ("logreg", True)]


def write_results(rows: list[dict], meta: dict, step: int, out: Path) -> None:
    """Rewritten after every candidate, so an interrupted run keeps what it measured."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare_models.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    lines = ["# Candidate classifiers (dev sites, word-F1 averaged over pages)", "",
             f"fit {meta['fit_pages']} pages (every {step}th fit-split page), threshold tuned on "
             f"{meta['tune_pages']} tune pages, scored on {meta['dev_pages']} dev pages (both scrape styles).", "",
             "| pass estimator | second pass | word F1 | word P | word R | line F1 | threshold | fit s "
             "| dev predict s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['estimator']} | {r['second_pass']} | {r['word']['f1']:.3f} | "
                     f"{r['word']['precision']:.3f} | {r['word']['recall']:.3f} | {r['line']['f1']:.3f} | "
                     f"{r['threshold']:.2f} | {r['fit_seconds']} | {r['dev_predict_seconds']} |")
    if rows:
        lines += ["", f"Word stage alone (vocabulary score >= 0.5): word F1 {rows[0]['words_only_word_f1']:.3f}."]
    (out / "compare_models.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "data/labeled/all.jsonl.gz"))
    parser.add_argument("--max-fit-pages", type=int, default=1000,
                        help="fit on at most this many pages (every 2nd, 3rd, ... page) to keep it quick")
    parser.add_argument("--output-dir", default=str(ROOT / "experiments/results"))
    args = parser.parse_args()

    fit, tune, dev = split_pages(load_pages([args.data]), 20, 15)
    step = max(1, len(fit) // args.max_fit_pages)
    fit = fit[::step]
    meta = {"fit_pages": len(fit), "tune_pages": len(tune), "dev_pages": len(dev), "data": args.data}
    rows: list[dict] = []
    for estimator, second_pass in CANDIDATES:
        started = time.perf_counter()
        model = Model(fit_classifier(fit, estimator, second_pass=second_pass).export())
        seconds = time.perf_counter() - started
        tune_proba = [model.predict_proba_blocks(p.blocks) for p in tune]
        threshold = best_threshold(tune, tune_proba)
        started = time.perf_counter()
        dev_proba = [model.predict_proba_blocks(p.blocks) for p in dev]
        predict_seconds = time.perf_counter() - started
        scores = score_system(dev, [(p >= threshold).astype(int).tolist() for p in dev_proba])
        words = model.classifier.words
        word_proba = [words.predict_proba([b.text for b in p.blocks])[:, 1] if p.blocks else np.zeros(0)
                      for p in dev]
        word_only = score_system(dev, [(p >= 0.5).astype(int).tolist() for p in word_proba])
        rows.append({"estimator": estimator, "second_pass": second_pass, "threshold": threshold,
                     "fit_seconds": round(seconds, 1), "dev_predict_seconds": round(predict_seconds, 1),
                     "word": scores["word"], "line": scores["line"],
                     "per_page_type": {k: v["f1"] for k, v in scores.get("per_page_type", {}).items()},
                     "words_only_word_f1": word_only["word"]["f1"]})
        print(rows[-1]["estimator"], second_pass, f"{scores['word']['f1']:.3f}", f"{seconds:.0f}s", flush=True)
        write_results(rows, meta, step, Path(args.output_dir))


if __name__ == "__main__":
    main()
