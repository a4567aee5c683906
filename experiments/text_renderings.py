"""The text model on the same pages scraped in different ways: does it depend on how a scrape was made?

Users bring text scrapes from many scrapers: BeautifulSoup's ``get_text("\\n")`` with or without
the scripts taken out first, lxml's text nodes, a browser's ``innerText``, with or without blank
lines and indentation, or Markdown (html2text, markdownify). The models learn from two renderings
(``blocks/render.py``). This scores a text bundle (default: the shipped one) on the pages no
shipped model learns from (``unseen_sources.records_to_score``) in each rendering below, with the
bundle's own threshold and decisions: word F1 (character F1 on zh, ja, th), mean over pages, per
source. Markdown is read as Markdown (``Model.classify_markdown``), and once as a text scrape, its
kept lines scored without their link targets (what a reader reads).

    python experiments/text_renderings.py [--model DIR] [--limit N] [--renderings TEXT ...]

Writes ``text_renderings.json`` and ``text_renderings.md`` (``--name``) into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import re  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import NamedTuple  # noqa: E402

import html2text  # noqa: E402
import lxml.html  # noqa: E402
import markdownify  # noqa: E402
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning  # noqa: E402
from bs4.element import NavigableString, PageElement, Script, Stylesheet  # noqa: E402
from compare_text import DATASETS, RESULTS, page_row  # noqa: E402
from loso_decisions import score_outputs, write_report  # noqa: E402
from lxml import etree  # noqa: E402
from tqdm import tqdm  # noqa: E402
from unseen_sources import records_to_score  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.blocks.html import _XML_DECLARATION  # noqa: E402  (lxml refuses a str that declares an encoding)
from boilersift.blocks.render import render_blocks, render_nodes  # noqa: E402

_BLANK_RUNS = re.compile(r"\n\s*\n+")


def _soup_text(html: str, drop: list[str], scripts: bool = False) -> str:
    """BeautifulSoup's ``get_text("\\n")`` without the `drop` elements; with `scripts`, the text of
    <script> and <style> too (which get_text leaves out by default since bs4 4.10)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    for tag in soup(drop):
        tag.decompose()
    return soup.get_text("\n", types=(NavigableString, Script, Stylesheet) if scripts else PageElement.default)


def _lxml_nodes(html: str) -> str:
    try:
        tree = lxml.html.fromstring(_XML_DECLARATION.sub("", html))
    except etree.ParserError:  # a document with no elements
        return ""
    for element in tree.xpath("//head|//script|//style|//noscript|//template"):
        element.drop_tree()
    return "\n".join(node.strip() for node in tree.itertext() if node.strip())


def _lines(text: str, keep: Callable[[str], bool], edit: Callable[[str], str] = str) -> str:
    return "\n".join(edit(line) for line in text.split("\n") if keep(line))


def _html2text(width: int) -> Callable[[str], str]:
    def render(html: str) -> str:
        converter = html2text.HTML2Text()
        converter.body_width = width  # 0: no hard wrap; html2text's default wraps at 78
        return converter.handle(html)
    return render


_LINK = re.compile(r"(!?)\[([^\]]*)\]\([^)]*\)")


def _without_link_targets(text: str) -> str:
    """Markdown kept as text lines, as a reader reads it: link texts without targets, no images."""
    return _LINK.sub(lambda m: "" if m[1] else m[2], text)


RENDERINGS: dict[str, Callable[[str], str]] = {
    "one text node per line (render_nodes)": render_nodes,
    "the same, no blank lines": lambda html: _lines(render_nodes(html), str.strip),
    "the same, lines stripped": lambda html: _lines(render_nodes(html), lambda _: True, str.strip),
    "get_text, blank runs kept": lambda html: _soup_text(html, ["head", "script", "style"]),
    "get_text, scripts and styles left in": lambda html: _BLANK_RUNS.sub(
        "\n\n", _soup_text(html, ["head"], scripts=True)).strip(),
    "lxml text nodes, stripped, no blank lines": _lxml_nodes,
    "one block per line (render_blocks)": render_blocks,
    "Markdown, html2text, no wrap": _html2text(0),
    "Markdown, html2text, no wrap, read as text": _html2text(0),
    "Markdown, html2text, wrapped at 78": _html2text(78),
    "Markdown, markdownify": lambda html: markdownify.markdownify(html, heading_style="ATX"),
}


class Page(NamedTuple):  # what score_outputs reads of a page
    row: dict
    gold: str
    texts: list[str]  # its lines in one rendering


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="a text bundle (default: the shipped one)")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--limit", type=int, help="only the first N pages of each file (smoke run)")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--name", default="text_renderings", help="stem of the output files")
    parser.add_argument("--renderings", nargs="+", metavar="TEXT",
                        help="only the renderings whose names hold one of these (default: all)")
    args = parser.parse_args(argv)
    renderings = {name: render for name, render in RENDERINGS.items()
                  if not args.renderings or any(text in name for text in args.renderings)}
    model = Model.load(args.model, "text")
    records = records_to_score(args.datasets, [model.manifest.get("split", {})], args.limit)
    systems = {}
    for name, render in renderings.items():
        markdown = name.startswith("Markdown")  # scored as a reader reads it, without link targets
        classify = model.classify_markdown if markdown and not name.endswith("read as text") else model.classify
        pages, outputs = [], []
        for record in tqdm(records, desc=name, unit="page"):
            text = render(record["html"])
            pages.append(Page(page_row(record), record.get("gold") or "", [t for t in text.split("\n") if t.strip()]))
            kept = "\n".join(r.text for r in classify(text) if r.is_content) if pages[-1].texts else ""
            outputs.append(_without_link_targets(kept) if markdown else kept)
        systems[name] = score_outputs(pages, outputs)
    meta = {"command": shlex.join(["python", "experiments/text_renderings.py", *sys.argv[1:]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(records),
            "models": [args.model or "models/text-default"], "threshold": model.threshold,
            "scored_by": "the text bundle at its own threshold, with its own decisions"}
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, args.name,
                       "The text model on scrapes made in different ways")[:2000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
