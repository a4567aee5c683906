"""Which HTML parser for dom.py: lxml, selectolax (lexbor) or html5-parser.

What is measured: on the first --limit pages of wcxb_dev.jsonl.gz, CPU
milliseconds per page to parse the HTML and visit every node (the least any
segmenter must do), and, for the chosen parser, boilersift's whole
``dom.segment_html``. html5-parser is reported as unavailable when it cannot be
imported (it refuses to load beside pip's lxml: two different libxml2 builds).

Rerun::

    /work/venv/bin/python experiments/compare_parsers.py [--limit 300]

Writes ``results/compare_parsers.md``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from boilersift.blocks.html import segment_html
from boilersift.labelled.data import read_jsonl

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
RESULTS = Path(__file__).resolve().parent / "results"


def lxml_walk(html: str) -> int:
    root = etree.fromstring(html, etree.HTMLParser())
    return sum(1 for _ in root.iter()) if root is not None else 0


def parsers() -> dict[str, Callable[[str], int] | str]:
    found: dict[str, Callable[[str], int] | str] = {"lxml": lxml_walk}
    try:
        from selectolax.lexbor import LexborHTMLParser

        found["selectolax (lexbor)"] = lambda html: sum(1 for _ in LexborHTMLParser(html).root.traverse())
    except ImportError as exc:
        found["selectolax (lexbor)"] = f"unavailable: {exc}"
    try:
        import html5_parser

        found["html5-parser"] = lambda html: sum(1 for _ in html5_parser.parse(html, treebuilder="lxml").iter())
    except (ImportError, RuntimeError) as exc:
        found["html5-parser"] = f"unavailable: {exc}"
    found["boilersift dom.segment_html (lxml)"] = lambda html: len(segment_html(html))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    pages = [r["html"] for r in itertools.islice(read_jsonl(DATASETS / "wcxb_dev.jsonl.gz"), args.limit)]
    rows = [f"# HTML parsers on {len(pages)} WCXB pages (mean {sum(map(len, pages)) / len(pages) / 1000:.0f} kB)",
            "", f"command: `{' '.join(sys.argv)}`", "", "| parser | CPU ms/page |", "|---|---|"]
    for name, fn in parsers().items():
        if isinstance(fn, str):
            rows.append(f"| {name} | {fn} |")
            continue
        start = time.process_time()
        for html in pages:
            fn(html)
        rows.append(f"| {name} | {(time.process_time() - start) / len(pages) * 1000:.1f} |")
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "compare_parsers.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
