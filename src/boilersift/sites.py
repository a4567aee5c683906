"""Decisions across pages: the lines a site repeats on its pages are its template.

A crawl holds many pages of each site, and what comes back on several of them (menus,
teaser columns, "most read" lists, footers) is the site's template, not a page's content:
the template detection of Bar-Yossef and Rajagopalan (2002). A model that reads one page
cannot know it; the pages of a site decided together can (:meth:`Model.verdicts` with
``sites``). Held out, text models gain most: their scrapes have no markup to tell a teaser
column from an article (experiments/results/loso_site_repeats.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .decide import TEMPLATE_PAGES, count_words, paragraph_lines

_NOT_WORD = re.compile(r"\W+")


def normal(text: str) -> str:
    """A line as compared across pages: lower case, each run of punctuation and space one space."""
    return _NOT_WORD.sub(" ", text.lower()).strip()


def template_lines(pages: Sequence[Sequence[str]], sites: Sequence[str | None],
                   min_pages: int = TEMPLATE_PAGES) -> dict[str, frozenset[str]]:
    """For each site, the lines (:func:`normal`) that at least `min_pages` of its `pages` (the
    texts of each page's lines; None: a page of no known site) hold. Copies of a page (the same
    article under two addresses) would erase each other's lines, so pages with the same
    paragraphs of running prose count once (pages without any: the same lines)."""
    documents: dict[str, dict[frozenset[str], set[str]]] = {}
    for texts, site in zip(pages, sites, strict=True):
        if site is None:
            continue
        normals = [normal(t) for t in texts]
        prose = frozenset(n for n, p in zip(normals, paragraph_lines(texts, count_words(texts))) if p)
        lines = frozenset(normals)
        documents.setdefault(site, {}).setdefault(prose or lines, set()).update(lines)
    counts = {site: Counter(line for lines in docs.values() for line in lines) for site, docs in documents.items()}
    return {site: frozenset(line for line, pages_with_it in c.items() if pages_with_it >= min_pages)
            for site, c in counts.items()}


def template_mask(texts: Sequence[str], template: frozenset[str], words: np.ndarray | None = None) -> np.ndarray:
    """Which of a page's lines are in its site's `template` (:func:`template_lines`), paragraphs of
    running prose excepted: a paragraph two pages share is more often a quote or a copy than a
    template."""
    repeated = np.fromiter((normal(t) in template for t in texts), dtype=bool, count=len(texts))
    if repeated.any():
        repeated &= ~paragraph_lines(texts, count_words(texts) if words is None else words)
    return repeated
