"""Where the held-out HTML model loses to the best of trafilatura and readability-lxml, page by page.

Every page of ../shared/datasets/ is scored by the HTML model that never saw its source (the
cache of ``loso_decisions.py``; the shipped decisions, threshold 0.5, WCXB's kinds
cross-validated by site as in ``loso_kind_threshold.py``) and set beside the better of
trafilatura and readability-lxml on the same page (their word F1 in
``results/compare_extractors_loso.json``). Each page the model loses is put in a cell by its
source, page type and what it got wrong (precision below recall: it kept too much; else it kept too
little), and each cell gets its share of the pooled loss (the sum of the page's shortfall over all
pages), so the cells add up to what per-page choice of the better tool would gain.

    python experiments/loso_gap.py --loso-models experiments/loso/html-*

Writes ``loso_gap.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

from compare_text import RESULTS, gold_of  # noqa: E402
from loso_decisions import kept_text, score_pages, scored_pages_arguments  # noqa: E402
from loso_kind_threshold import held_out_pages  # noqa: E402

from boilersift.decide import DEFAULT_DECISIONS  # noqa: E402
from boilersift.evaluation.metrics import word_prf  # noqa: E402

OTHERS = ("trafilatura", "readability-lxml")
EXAMPLES = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scored_pages_arguments(parser)
    parser.add_argument("--others", type=Path, default=RESULTS / "compare_extractors_loso.json",
                        help="the per-page word F1 of the other systems (compare_extractors.py --loso-models)")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    others = {r["id"]: r["word_f1"] for r in json.loads(args.others.read_text())["pages"]}
    pages, _ = held_out_pages(score_pages(args.loso_models, args.datasets, args.cache), args.datasets, 0.5)
    cells: dict[tuple[str, str, str], list[tuple[float, str]]] = defaultdict(list)
    ours = best = 0.0
    for page in pages:
        gold = gold_of({"gold": page.gold})[0]
        score = word_prf(kept_text(page, DEFAULT_DECISIONS), gold)
        other = max(others[page.row["id"]][name] for name in OTHERS)
        ours, best = ours + score.f1, best + max(score.f1, other)
        if other > score.f1:
            error = ("kept text where the gold has none" if not gold else
                     "kept too much" if score.precision < score.recall else "kept too little")
            cells[(page.row["source"], page.row["page_type"], error)].append((other - score.f1, page.row["id"]))
    n = len(pages)
    lines = ["# Where the held-out HTML model loses to the better of trafilatura and readability-lxml", "",
             f"{n} pages; the model held out {ours / n:.4f} word F1, the better of the three on each page "
             f"{best / n:.4f}. Each cell: the pages the model loses, and their share of that difference "
             "(pooled over all pages), with the pages it loses most on.", "",
             "| source | page type | what went wrong | pages | share of the pooled loss | worst pages |",
             "|---|---|---|---|---|---|"]
    for (source, kind, error), rows in sorted(cells.items(), key=lambda kv: -sum(r[0] for r in kv[1])):
        worst = ", ".join(f"{pid[:48]} (-{loss:.2f})" for loss, pid in sorted(rows, reverse=True)[:EXAMPLES])
        lines.append(f"| {source} | {kind} | {error} | {len(rows)} | {sum(r[0] for r in rows) / n:.4f} | {worst} |")
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "loso_gap.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
