"""The page-type stage with and without the page's words, for both input formats.

Two measures, each variant fitted as ``train`` fits it (``fit_page_type``):

- **accuracy on WCXB, cross-validated by site**: the only benchmark that names seven kinds of
  page; five folds by site, the typed pages of the shipped models' other training sources
  (fundus_news, newspaper3k, chinese_wced: all articles) in every fold's training, as in the
  shipped models;
- **the share of news pages called articles** on the benchmarks no shipped model learns from
  (cetd's article pages, daniel's in five languages), by a stage fitted on the typed pages of
  the training sources' sites that the shipped split trains on. Every one of these pages is an
  article; a page called a forum keeps its comment thread, one of another kind is cut lower.

With ``--loso-models`` (the HTML models of ``loso_train.py``), a third: what the kinds do to the
decisions, leave one source out. Every page keeps its held-out model's scores and gets its kind
from each variant fitted on the typed pages of the other sources (WCXB's from five folds by site,
the other sources' typed pages in each), then the shipped decisions are scored (word F1, mean over
pages; ``loso_decisions.py``'s report, as ``page_type_words_loso``).

    python experiments/page_type_words.py            # ~10 min on 2 cores
    python experiments/page_type_words.py --loso-models experiments/loso/html-*   # and the decisions

Writes ``page_type_words.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, RESULTS  # noqa: E402
from loso_decisions import CACHE, evaluate, score_pages, write_report  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from boilersift.decide import DEFAULT_DECISIONS  # noqa: E402
from boilersift.labelled.data import LabeledPage, is_dev_site, load_pages  # noqa: E402
from boilersift.model.stages import page_kinds  # noqa: E402
from boilersift.pipeline import DEFAULT_THRESHOLD  # noqa: E402
from boilersift.training.estimators import PAGE_WORD_BUCKETS, SUMMARY_WEIGHT, fit_page_type  # noqa: E402

# name -> (word buckets, summary weight); the first is the stage before it read words.
VARIANTS: dict[str, tuple[int, float]] = {
    "summary alone": (0, 1.0),
    f"words ({PAGE_WORD_BUCKETS} buckets), summary x {SUMMARY_WEIGHT} (shipped)": (PAGE_WORD_BUCKETS, SUMMARY_WEIGHT),
    f"words (2**14 buckets), summary x {SUMMARY_WEIGHT}": (2**14, SUMMARY_WEIGHT),
    f"words (2**16 buckets), summary x {SUMMARY_WEIGHT}": (2**16, SUMMARY_WEIGHT),
    f"words ({PAGE_WORD_BUCKETS} buckets), summary x 0.3": (PAGE_WORD_BUCKETS, 0.3),
    f"words ({PAGE_WORD_BUCKETS} buckets), summary x 1.0": (PAGE_WORD_BUCKETS, 1.0),
}
TRAINING = ("wcxb_dev", "fundus_news", "newspaper3k", "chinese_wced")  # the training sources that name kinds
UNSEEN = ("cetd", "daniel")  # sources no shipped model learns from whose pages are news articles


def kinds_of(stage, pages: list[LabeledPage], input_format: str) -> list[str]:
    """What `stage` calls each page."""
    return page_kinds(stage, [block for page in pages for block in page.blocks], input_format)


def measure(datasets: Path, input_format: str, style: str) -> dict:
    """Both measures of every variant for one input format, its pages rendered in `style`."""
    def typed(path: Path) -> list[LabeledPage]:
        return [p for p in load_pages([path], [style]) if p.blocks and p.meta.get("page_type") not in (None, "unknown")]

    wcxb = typed(datasets / "wcxb_dev.jsonl.gz")
    others = [p for s in TRAINING[1:] for p in typed(datasets / f"{s}.jsonl.gz")]
    unseen = [p for s in UNSEEN for p in typed(datasets / f"{s}.jsonl.gz")]
    shipped_split = [p for p in wcxb + others if not is_dev_site(p.meta["site"])]
    truth = np.array([p.meta["page_type"] for p in wcxb])
    results = {}
    for name, (buckets, weight) in VARIANTS.items():
        called = np.empty(len(wcxb), dtype=object)
        for fit, held in GroupKFold(5).split(wcxb, groups=[p.meta["site"] for p in wcxb]):
            stage = fit_page_type([wcxb[i] for i in fit] + others, input_format, buckets, weight)
            called[held] = kinds_of(stage, [wcxb[i] for i in held], input_format)
        per_kind = {kind: {"precision": float(np.mean(truth[called == kind] == kind)) if (called == kind).any()
                           else 0.0, "recall": float(np.mean(called[truth == kind] == kind))}
                    for kind in sorted(set(truth))}
        stage = fit_page_type(shipped_split, input_format, buckets, weight)
        groups = Counter()
        for page, kind in zip(unseen, kinds_of(stage, unseen, input_format)):
            group = page.meta["source"] if page.meta["source"] != "daniel" else f"daniel, {page.meta.get('lang')}"
            groups[(group, "pages")] += 1
            groups[(group, kind)] += 1
        results[name] = {"wcxb_accuracy": float(np.mean(called == truth)), "per_kind": per_kind,
                         "unseen": {group: {"pages": groups[(group, "pages")], "article": groups[(group, "article")],
                                            "forum": groups[(group, "forum")]}
                                    for group in sorted({g for g, _ in groups})}}
    return results


def held_out_kinds(pages: list[LabeledPage], buckets: int, weight: float) -> dict[str, str]:
    """The kind of each of `pages` (DOM blocks; by id) from a stage fitted on the typed pages of the
    other sources, WCXB's from five folds by site with the other sources' typed pages in each."""
    kinds = {}
    for source in sorted({p.meta["source"] for p in pages}):
        held = [p for p in pages if p.meta["source"] == source]
        rest = [p for p in pages if p.meta["source"] != source and p.meta.get("page_type") not in (None, "unknown")]
        folds = GroupKFold(5).split(held, groups=[p.meta["site"] for p in held]) if source == "wcxb" \
            else [([], range(len(held)))]
        for fit, test in folds:
            stage = fit_page_type([held[i] for i in fit] + rest, "html", buckets, weight)
            tested = [held[i] for i in test]
            kinds.update(zip((p.id.split("#")[0] for p in tested), kinds_of(stage, tested, "html")))
    return kinds


def markdown(report: dict) -> str:
    lines = ["# The page-type stage with and without the page's words", "",
             f"- command: `{report['meta']['command']}`", f"- date: {report['meta']['date']}", ""]
    for fmt, results in report["formats"].items():
        groups = list(next(iter(results.values()))["unseen"])
        lines += [f"## {fmt}", "", "WCXB's 7 kinds cross-validated by site (accuracy; forum and article "
                  "precision/recall), and of the news pages of benchmarks no shipped model learns from, the share "
                  "called articles (and the number called forums):", "",
                  "| variant | WCXB accuracy | forum P / R | article P / R | "
                  + " | ".join(f"{g}: articles (forums)" for g in groups) + " |",
                  "|---|---|---|---|" + "---|" * len(groups)]
        for name, r in results.items():
            k = r["per_kind"]
            lines.append(f"| {name} | {r['wcxb_accuracy']:.3f} | "
                         f"{k['forum']['precision']:.2f} / {k['forum']['recall']:.2f} | "
                         f"{k['article']['precision']:.2f} / {k['article']['recall']:.2f} | "
                         + " | ".join(f"{u['article'] / u['pages']:.3f} ({u['forum']})" for u in r["unseen"].values())
                         + " |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--loso-models", nargs="+", metavar="DIR",
                        help="the HTML models of loso_train.py: also score the decisions held out")
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"where their scores are kept (default {CACHE})")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help=f"the held-out decisions' threshold (default {DEFAULT_THRESHOLD}, the shipped "
                             "HTML model's)")
    args = parser.parse_args(argv)
    if args.loso_models:
        pages = score_pages(args.loso_models, args.datasets, args.cache)["pages"]
        segmented = [p for p in load_pages(sorted(args.datasets.glob("*.jsonl.gz")), ["dom"]) if p.blocks]
        systems = {}
        for name, (buckets, weight) in list(VARIANTS.items())[:2]:  # the stage before and the shipped one
            kinds = held_out_kinds(segmented, buckets, weight)
            systems[name] = evaluate([p._replace(kind=kinds.get(p.row["id"], p.kind), threshold=args.threshold)
                                      for p in pages], DEFAULT_DECISIONS)
        meta = {"command": shlex.join(["python", "experiments/page_type_words.py", *sys.argv[1:]]),
                "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(pages),
                "models": args.loso_models, "threshold": args.threshold,
                "scored_by": "each by the HTML model that never saw its source, its kind from a stage that "
                             "never saw it either"}
        print(write_report({"meta": meta, "systems": systems}, args.output_dir, "page_type_words_loso",
                           "The page-type stage with and without the page's words: the decisions, "
                           "leave one source out")[:3000])
        return 0
    report = {"meta": {"command": shlex.join(["python", "experiments/page_type_words.py", *sys.argv[1:]]),
                       "date": datetime.now(timezone.utc).isoformat(timespec="seconds")},
              "formats": {"HTML (DOM blocks)": measure(args.datasets, "html", "dom"),
                          "text (one text node per line)": measure(args.datasets, "text", "nodes")}}
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "page_type_words.json").write_text(json.dumps(report, indent=1))
    text = markdown(report)
    (args.output_dir / "page_type_words.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
