"""Are the byline and date lines at the head of an article part of the gold? Per source.

Every page of the held-out sources is scored by the text models of a leave-one-source-out run
(the cache of ``loso_text_decisions.py``; `nodes` scrapes); on the content that model keeps, the
lines ``decide.byline_lines`` finds ("By Jane Doe", "Published 3 June 2024") are counted, with
how many of them the gold holds (by the block alignment of training). This is the convention
``--bylines`` lets users choose.

    python experiments/bylines_in_gold.py --loso-models experiments/loso/text-*

Writes ``bylines_in_gold.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

from compare_text import DATASETS, RESULTS  # noqa: E402
from loso_text_decisions import CACHE, score_text_pages  # noqa: E402

from boilersift.decide import TEXT_DECISIONS, byline_lines, decide  # noqa: E402
from boilersift.labelled.labels import align_labels  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loso-models", nargs="+", required=True, metavar="DIR")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"a directory for the scores (default {CACHE})")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    pages, with_bylines, lines, in_gold = Counter(), Counter(), Counter(), Counter()
    for page in score_text_pages(args.loso_models, args.datasets, args.cache):
        if page.row["style"] != "nodes" or not page.texts:
            continue
        source = page.row["source"]
        found = byline_lines(page.texts, decide(page.texts, page.scores, page.threshold, TEXT_DECISIONS).keep)
        labels = align_labels(page.texts, page.gold)
        pages[source] += 1
        with_bylines[source] += bool(found)
        lines[source] += len(found)
        in_gold[source] += sum(bool(labels[i]) for i in found)
    rows = ["| source | pages | pages with byline or date lines | lines | in the gold |", "|---|---|---|---|---|"]
    rows += [f"| {s} | {pages[s]} | {with_bylines[s]} ({with_bylines[s] / pages[s]:.0%}) | {lines[s]} | "
             f"{in_gold[s] / max(lines[s], 1):.0%} |" for s in sorted(pages)]
    text = "# Byline and date lines in the gold\n\n`python experiments/bylines_in_gold.py`: " + \
        __doc__.split("\n\n")[1].replace("\n", " ") + "\n\n" + "\n".join(rows) + "\n"
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "bylines_in_gold.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
