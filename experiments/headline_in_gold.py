"""Is the page's headline part of the gold main content? Per dataset source.

The text model drops the headline of the canonical sample with confidence
(p = 0.01). This measures what it learned from: for every page of
../shared/datasets with an ``<h1>`` of at least 15 characters, whether that
heading's text (white space collapsed, lower case) occurs in the page's gold.

Rerun (about a minute)::

    .venv/bin/python experiments/headline_in_gold.py

Writes ``headline_in_gold.md`` into ``--output-dir``.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import lxml.html
from lxml import etree

from boilersift.labelled.data import read_jsonl

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    pages, in_gold = Counter(), Counter()
    for path in sorted(DATASETS.glob("*.jsonl.gz")):
        source = path.name.removesuffix(".jsonl.gz")
        for record in read_jsonl(path):
            try:
                headings = lxml.html.fromstring(record["html"]).xpath("//h1")
            except (etree.ParserError, ValueError):
                continue
            heading = " ".join(headings[0].text_content().split()).lower() if headings else ""
            if len(heading) < 15:
                continue
            pages[source] += 1
            in_gold[source] += heading in " ".join(record["gold"].split()).lower()
    rows = [f"| {s} | {pages[s]} | {in_gold[s]} | {in_gold[s] / pages[s]:.0%} |" for s in sorted(pages)]
    total = sum(pages.values())
    rows.append(f"| all | {total} | {sum(in_gold.values())} | {sum(in_gold.values()) / total:.0%} |")
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "headline_in_gold.md").write_text(
        "# Is the <h1> headline in the gold main content?\n\n`experiments/headline_in_gold.py`: pages of "
        "../shared/datasets with an <h1> of at least 15 characters, and how many have its text in the gold.\n\n"
        "| source | pages with an h1 | h1 in the gold | share |\n|---|---|---|---|\n" + "\n".join(rows) + "\n")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
