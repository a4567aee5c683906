"""Render an HTML page into a text scrape, the way real scrapers do.

Training data must look like what users feed us, so the labelled pages are
rendered in the two styles scrapes come in:

* ``nodes``: one text node per line, as BeautifulSoup's ``get_text("\\n")`` gives
  (the style of ``data/news_page_scrape.txt``: inline links split sentences);
* ``blocks``: one block-level element per line, as a browser's ``innerText`` or
  html-text give (paragraphs intact, blank lines between blocks).
"""

from __future__ import annotations

import re
import warnings
from typing import Callable

import html_text

# Text no scraper keeps. <head> goes too: its <title> repeats the headline, and
# the aligner would credit the first copy. <noscript> stays: JavaScript-less
# scrapers see it, and some sites (Discourse forums) put the whole page there.
INVISIBLE_TAGS = ["head", "script", "style", "template", "svg"]
_BLANK_RUNS = re.compile(r"\n[ \t\r\f\v\xa0]*(?:\n[ \t\r\f\v\xa0]*)+")


def render_nodes(html: str) -> str:
    """One text node per line; runs of blank lines collapse to one blank line. (A page that
    starts with an XML declaration is still read as HTML, as a browser reads it, without
    BeautifulSoup's warning for each such page.)"""
    from bs4 import (  # here: importing it is 60 ms of every predict's start-up otherwise
        BeautifulSoup,
        XMLParsedAsHTMLWarning,
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    for tag in soup(INVISIBLE_TAGS):
        tag.decompose()
    text = soup.get_text("\n")
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def render_blocks(html: str) -> str:
    """One block element per line, with blank lines between paragraphs."""
    tree = html_text.parse_html(html)
    for head in tree.xpath("//head"):
        head.drop_tree()
    return html_text.extract_text(tree, guess_layout=True)


STYLES: dict[str, Callable[[str], str]] = {"nodes": render_nodes, "blocks": render_blocks}
