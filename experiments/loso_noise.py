"""How far leave-one-source-out figures move between trainings that change no setting, and how
much of that the calibration of the probabilities causes.

Each run is a set of leave-one-source-out HTML models (``experiments/loso_train.py``) trained
with one configuration on slightly different pages (another commit's labelling, 1% of the pages
left out). Every page of each held-out source is scored once by its model without its
calibration (cached beside the models); then each fold's calibration is fitted again on its own
tune pages in each of the ways of :data:`CALIBRATIONS`, and the pages are decided with the
shipped decisions at each threshold of a sweep. A difference between two trials smaller than the
difference between such runs is not evidence.

Two rows per run do without the threshold (isotonic calibration, a sweep of 0.1-0.9): the
best threshold of each source (how well the model orders one source's blocks, its convention
chosen for it) and the best threshold of each page (how well it orders one page's blocks). Where
the model's placement of a threshold moves between runs, these hardly do
(``results/loso_ranking.md``): they judge a change's ordering with less noise, not its figure.

    python experiments/loso_noise.py --run current=DIR/html-canola,DIR/html-cetd,... --run before=OLD/html-wcxb

``--mean`` adds the runs' mean probabilities as one more run: what an ensemble of the trainings
would score.

Writes ``loso_noise.json`` and ``loso_noise.md`` (``--name``) into --output-dir.
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
from collections.abc import Callable  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, RESULTS, gold_of  # noqa: E402
from loso_decisions import ScoredPage, evaluate, fold_tune_pages, kept_text, mean_scores, scored_page  # noqa: E402
from sklearn.isotonic import IsotonicRegression  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.decide import DEFAULT_DECISIONS, DecisionConfig  # noqa: E402
from boilersift.evaluation.metrics import char_prf, word_prf  # noqa: E402
from boilersift.labelled.data import read_jsonl  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.6)
SWEEP = tuple(np.round(np.arange(0.1, 0.91, 0.05), 2))  # for the rows without a threshold
Calibrator = Callable[[np.ndarray], np.ndarray]
Fit = Callable[[np.ndarray, np.ndarray], Calibrator]  # tune scores and labels -> a calibration


def isotonic(scores: np.ndarray, labels: np.ndarray) -> Calibrator:
    """What ``train`` fits (``estimators.fit_calibration``): flat wherever the tune pages' labels
    go against the scores' order."""
    return IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, labels).predict


def centred(scores: np.ndarray, labels: np.ndarray) -> Calibrator:
    """Isotonic, each flat step replaced by its midpoint and joined linearly to the next
    (centred isotonic regression): as flexible, strictly increasing."""
    fitted = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, labels)
    x, y = fitted.X_thresholds_, fitted.y_thresholds_
    steps, first = np.unique(y, return_index=True)
    last = len(y) - 1 - np.unique(y[::-1], return_index=True)[1]
    return lambda p: np.interp(p, (x[first] + x[last]) / 2, steps)


def sigmoid(scores: np.ndarray, labels: np.ndarray) -> Calibrator:
    """Platt scaling on the log-odds: two parameters, strictly increasing (the order of the
    scores is kept)."""
    def logit(p: np.ndarray) -> np.ndarray:
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))[:, None]
    fitted = LogisticRegression(C=1e6).fit(logit(scores), labels)
    return lambda p: fitted.predict_proba(logit(p))[:, 1]


CALIBRATIONS: dict[str, Fit] = {
    "isotonic": isotonic, "centred": centred, "sigmoid": sigmoid, "none": lambda scores, labels: (lambda p: p)}


def uncalibrated(directory: str) -> Model:
    model = Model.load(directory, "html")
    model.classifier = dataclasses.replace(model.classifier, calibration=None)
    return model


def fold_scores(directory: str, datasets: Path) -> dict:
    """The fold's raw scores of its held-out pages and of its tune pages (with their labels),
    cached beside the model."""
    cache = Path(directory).parent / f"raw-{Path(directory).name}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    model = uncalibrated(directory)
    split = model.manifest["split"]
    tune = fold_tune_pages(datasets, split, ["dom"], strict=False)  # also of runs trained on other pages
    tune_scores = np.concatenate(model.score_pages([p.blocks for p in tune]))
    tune_labels = np.concatenate([np.asarray(p.labels, dtype=np.float64) for p in tune])
    held_out = [scored_page(model, record) for path in sorted(datasets.glob("*.jsonl.gz"))
                for record in read_jsonl(path) if record.get("source") == split["dev_source"]]
    result = {"tune": (tune_scores, tune_labels), "pages": held_out}
    cache.write_bytes(pickle.dumps(result))
    return result


def calibrated_pages(folds: list[dict], fit: Fit = isotonic) -> list[ScoredPage]:
    """The held-out pages of the folds (:func:`fold_scores`), each fold's scores calibrated by
    `fit` on its own tune pages."""
    pages: list[ScoredPage] = []
    for fold in folds:
        calibrate = fit(*fold["tune"])
        pages += [p._replace(scores=calibrate(p.scores) if len(p.scores) else p.scores) for p in fold["pages"]]
    return pages


def run_scores(folds: list[dict], thresholds: tuple[float, ...]) -> dict[str, dict]:
    """Per calibration and threshold, the word F1 of each held-out source of the run (its
    :func:`fold_scores`) and of all its pages pooled."""
    out: dict[str, dict] = {}
    for name, fit in CALIBRATIONS.items():
        out.update(page_rows(calibrated_pages(folds, fit), thresholds, name))
    return out


def page_rows(pages: list[ScoredPage], thresholds: tuple[float, ...], calibration: str) -> dict[str, dict]:
    """The rows of one run's calibrated pages: at each threshold, and (isotonic) at each source's
    and each page's best."""
    out: dict[str, dict] = {}
    for threshold in thresholds:
        report = evaluate([p._replace(threshold=threshold) for p in pages], DEFAULT_DECISIONS)
        out[f"{calibration} at {threshold:g}"] = {
            "pooled": report["f1"], "pages": report["pages"],
            **{source: row["f1"] for source, row in report["per_source"].items()}}
    return out | (best_thresholds(pages) if calibration == "isotonic" else {})


def mean_run(runs: list[list[dict]], thresholds: tuple[float, ...]) -> dict[str, dict]:
    """The rows of an ensemble of runs (their folds) that hold out the same sources: each page's
    isotonic probabilities averaged over the runs."""
    pages = [calibrated_pages(folds) for folds in runs]
    if len({tuple(p.row["id"] for p in run) for run in pages}) != 1:
        raise SystemExit("--mean: the runs do not hold out the same pages")
    return page_rows(mean_scores(pages), thresholds, "isotonic")


def f1_curves(pages: list[ScoredPage], thresholds: tuple[float, ...] = SWEEP,
              config: DecisionConfig = DEFAULT_DECISIONS, characters: bool = False) -> np.ndarray:
    """Each page's word F1 with `config`'s decisions at each threshold: one row per page. With
    `characters`, character F1 on the unspaced languages, where a sentence is one `\\w+` word."""
    rows = []
    for p in pages:
        words, chars = gold_of({"gold": p.gold or "", "lang": p.row["lang"] if p.row["lang"] != "unknown" else None})
        prf, gold = (char_prf, chars) if characters and chars is not None else (word_prf, words)
        rows.append([prf(kept_text(p._replace(threshold=t), config), gold).f1 for t in thresholds])
    return np.array(rows).reshape(len(pages), len(thresholds))


def best_thresholds(pages: list[ScoredPage]) -> dict[str, dict]:
    """Word F1 at the best threshold of :data:`SWEEP` for each source, and for each page."""
    f1 = f1_curves(pages)
    sources = np.array([p.row["source"] for p in pages])
    per_source = {s: f1[sources == s].mean(0) for s in sorted(set(sources))}
    best = {s: float(curve.max()) for s, curve in per_source.items()}
    return {
        "best threshold per source": {
            "pooled": sum(best[s] * (sources == s).sum() for s in best) / len(pages), "pages": len(pages), **best,
            "thresholds": {s: SWEEP[int(curve.argmax())] for s, curve in per_source.items()}},
        "best threshold per page": {
            "pooled": float(f1.max(1).mean()), "pages": len(pages),
            **{s: float(f1[sources == s].max(1).mean()) for s in best}}}


def markdown(report: dict) -> str:
    sources = sorted({s for run in report["runs"].values() for row in run.values() for s in row}
                     - {"pooled", "pages", "thresholds"})
    lines = ["# Leave one source out: how far runs of one configuration differ, by calibration", "",
             f"- command: `{report['meta']['command']}`", f"- date: {report['meta']['date']}",
             "- word F1 (character F1 on zh, ja, th), mean over pages, the shipped decisions; "
             "`pooled` is over the pages of the sources the run held out", "",
             "| run | calibration and threshold | pooled (pages) | " + " | ".join(sources) + " |",
             "|---|---|---|" + "---|" * len(sources)]
    for name, run in report["runs"].items():
        for variant, row in run.items():
            cells = [f"{row[s]:.3f}" if s in row else "" for s in sources]
            lines.append(f"| {name} | {variant} | {row['pooled']:.4f} ({row['pages']}) | " + " | ".join(cells) + " |")
    lines += ["", "The best threshold of each source (isotonic):", ""]
    lines += [f"- {name}: " + ", ".join(f"{s} {t:g}" for s, t in run["best threshold per source"]["thresholds"].items())
              for name, run in report["runs"].items()]
    return "\n".join(lines) + "\n"


def parse_run(value: str) -> tuple[str, list[str]]:
    """``NAME=DIR,DIR,...``."""
    name, _, dirs = value.partition("=")
    if not name or not dirs:
        raise argparse.ArgumentTypeError(f"{value!r}: expected NAME=DIR[,DIR...]")
    return name, [d for d in dirs.split(",") if d]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", type=parse_run, action="append", required=True, metavar="NAME=DIR[,DIR...]",
                        help="a run: its name and its leave-one-source-out HTML bundles")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--thresholds", type=float, nargs="+", default=THRESHOLDS)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--name", default="loso_noise", help="stem of the output files")
    parser.add_argument("--mean", action="store_true",
                        help="also the runs' mean probabilities as one run (the runs hold out the same sources)")
    args = parser.parse_args(argv)
    thresholds = tuple(args.thresholds)
    runs = {name: [fold_scores(d, args.datasets) for d in dirs] for name, dirs in args.run}
    report = {"meta": {"command": shlex.join(["python", *sys.argv]),
                       "date": datetime.now(timezone.utc).isoformat(timespec="seconds")},
              "runs": {name: run_scores(folds, thresholds) for name, folds in runs.items()}}
    if args.mean:
        report["runs"]["mean of the runs"] = mean_run(list(runs.values()), thresholds)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / f"{args.name}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    text = markdown(report)
    (args.output_dir / f"{args.name}.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
