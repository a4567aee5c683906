"""Decisions across pages: the lines a site repeats on its pages are its template.

A crawl holds many pages of each site, and what comes back on several of them (menus,
teaser columns, "most read" lists, footers) is the site's template, not a page's content:
the template detection of Bar-Yossef and Rajagopalan (2002). A model that reads one page
cannot know it; the pages of a site decided together can (:meth:`Model.verdicts` with
``sites``, ``predict --by-site``). Held out, text models gain most: their scrapes have no
markup to tell a teaser column from an article (experiments/results/loso_site_repeats.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b
from typing import TypeVar
from urllib.parse import urlsplit

import numpy as np

from .decide import TEMPLATE_PAGES, count_words, paragraph_lines
from .errors import BoilersiftError

_NOT_WORD = re.compile(r"\W+")


def normal(text: str) -> str:
    """A line as compared across pages: lower case, each run of punctuation and space one space."""
    return _NOT_WORD.sub(" ", text.lower()).strip()


def _key(data: bytes) -> int:
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "little", signed=True)


def line_key(text: str) -> int:
    """A line as compared across pages (:func:`normal`), as a signed 64-bit number that every
    process computes alike: a site's lines are gathered in several processes, and held as numbers."""
    return _key(normal(text).encode("utf-8"))


def site_of_url(url: object) -> str | None:
    """The site of a page's address: its host without "www." (None: no address)."""
    if not isinstance(url, str) or not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:  # a malformed address: "http://[::1"
        return None
    return host.removeprefix("www.") if host else None


@dataclass(frozen=True)
class PageLines:
    """What a page adds to its site's template: its lines (:func:`line_key`, sorted, once each),
    and `copy`, which copies of the page (the same article under two addresses) share."""

    copy: int
    lines: np.ndarray


def page_lines(texts: Sequence[str]) -> PageLines:
    """A page's :class:`PageLines`. Copies of a page would erase each other's lines, so copies are
    the pages with the same paragraphs of running prose (pages without any: the same lines)."""
    keys = np.fromiter((line_key(t) for t in texts), dtype=np.int64, count=len(texts))
    prose = np.unique(keys[paragraph_lines(texts, count_words(texts))])
    lines = np.unique(keys)
    return PageLines(_key((prose if prose.size else lines).tobytes()), lines)


class SiteTemplates:
    """The templates of the sites of many pages, gathered a page at a time: for each site, the
    lines that at least `min_pages` of its pages (copies counted once) hold. Each page is kept as
    eight bytes a line until :meth:`templates`."""

    def __init__(self, min_pages: int = TEMPLATE_PAGES) -> None:
        self.min_pages = min_pages
        self._pages: dict[str, dict[int, np.ndarray]] = {}

    def add(self, site: str, page: PageLines) -> None:
        copies = self._pages.setdefault(site, {})
        seen = copies.get(page.copy)
        copies[page.copy] = page.lines if seen is None else np.union1d(seen, page.lines)

    def templates(self) -> dict[str, frozenset[int]]:
        """Each site's template: the :func:`line_key` of its lines on `min_pages` of its pages."""
        found = {}
        for site, copies in self._pages.items():
            keys, counts = np.unique(np.concatenate(list(copies.values())), return_counts=True)
            found[site] = frozenset(keys[counts >= self.min_pages].tolist())
        return found


class TemplateTable:
    """The templates of many sites as three arrays (what ``boilersift templates`` writes and
    ``predict --templates`` reads): the sites, sorted; where each site's line keys start in `keys`
    (`offsets`, one more than the sites); and the keys. A site's template becomes a frozenset only
    when a page of it is decided, so a table of a whole crawl costs 8 bytes a template line.
    `input_formats` names what the lines are: an HTML model's blocks ("html"), a text model's lines
    ("text"), or both. One is not the other, so a template only fits a model of those input
    formats (none named: any). `name` says where the table came from, in errors (its file)."""

    def __init__(self, sites: np.ndarray, offsets: np.ndarray, keys: np.ndarray, min_pages: int,
                 input_formats: tuple[str, ...] = (), name: str = "the table") -> None:
        if not (offsets.ndim == 1 and len(offsets) == len(sites) + 1 and offsets[0] == 0
                and offsets[-1] == len(keys) and (np.diff(offsets) >= 0).all()):
            raise ValueError("the offsets do not bound the keys of each site")
        if sites.ndim != 1 or sites.dtype.kind != "U" or (len(sites) > 1 and not (sites[1:] > sites[:-1]).all()):
            raise ValueError("the sites are not names in sorted order, each once")
        if not set(input_formats) <= {"html", "text"}:
            raise ValueError(f"unknown input formats {', '.join(sorted(input_formats))}")
        self.sites, self.offsets, self.keys, self.min_pages = sites, offsets, keys, min_pages
        self.input_formats, self.name = tuple(sorted(input_formats)), name
        self._cached = lru_cache(maxsize=4096)(self._template)  # a crawl gives a site's pages together

    @classmethod
    def of(cls, templates: Mapping[str, frozenset[int]], min_pages: int = TEMPLATE_PAGES,
           input_formats: Iterable[str] = ()) -> TemplateTable:
        """The table of `templates` (site: its :func:`line_key` set, as :meth:`SiteTemplates.templates`
        gives them), of the lines of models of `input_formats`; sites without a template are left out."""
        sites = sorted(site for site, lines in templates.items() if lines)
        keys = [np.sort(np.fromiter(templates[site], dtype=np.int64)) for site in sites]
        offsets = np.concatenate([[0], np.cumsum([len(k) for k in keys], dtype=np.int64)])
        return cls(np.array(sites, dtype=str), offsets.astype(np.int64),
                   np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64), min_pages, tuple(input_formats))

    def fits(self, input_format: str) -> bool:
        """Whether the lines are those a model of `input_format` ("html" or "text") splits pages into."""
        return not self.input_formats or input_format in self.input_formats

    def require(self, input_format: str) -> TemplateTable:
        """This table, if it :meth:`fits` a model of `input_format`; else one error that names it
        and says how to gather one that does."""
        if not self.fits(input_format):
            raise BoilersiftError(f"{self.name} holds templates of {' and '.join(self.input_formats)} lines, and the "
                                  f"model reads {input_format}: gather them with this --model or --input-format")
        return self

    def get(self, site: str | None) -> frozenset[int] | None:
        """The template of `site` (a host, as :func:`site_of_url` gives it), or None: none known."""
        return None if site is None else self._cached(site)

    def _template(self, site: str) -> frozenset[int] | None:
        if not len(self.sites):
            return None
        i = int(np.searchsorted(self.sites, site))
        if i == len(self.sites) or self.sites[i] != site:
            return None
        return frozenset(self.keys[self.offsets[i]:self.offsets[i + 1]].tolist())

    def __len__(self) -> int:
        return len(self.sites)

    def __reduce__(self) -> tuple:  # pickled as its arrays (a map process of datasets gets a copy), not its cache
        return TemplateTable, (self.sites, self.offsets, self.keys, self.min_pages, self.input_formats, self.name)


K = TypeVar("K")


def page_templates(pages: Iterable[tuple[K, str, PageLines]], min_pages: int = TEMPLATE_PAGES,
                   ) -> dict[K, frozenset[int]]:
    """Each page's site's template (:class:`SiteTemplates`), by the page's key, over `pages`
    (key, site, :func:`page_lines`), read once; a page whose site has none is left out, and
    `min_pages` 0 (templates off) finds none without reading `pages`."""
    if not min_pages:
        return {}
    gathered, site_of = SiteTemplates(min_pages), {}
    for key, site, lines in pages:
        site_of[key] = site
        gathered.add(site, lines)
    templates = gathered.templates()
    return {key: templates[site] for key, site in site_of.items() if templates[site]}


def template_lines(pages: Sequence[Sequence[str]], sites: Sequence[str | None],
                   min_pages: int = TEMPLATE_PAGES) -> dict[str, frozenset[int]]:
    """For each site, its template (:class:`SiteTemplates`) over `pages` (the texts of each
    page's lines) and their `sites` (None: a page of no known site)."""
    gathered = SiteTemplates(min_pages)
    for texts, site in zip(pages, sites, strict=True):
        if site is not None:
            gathered.add(site, page_lines(texts))
    return gathered.templates()


def template_mask(texts: Sequence[str], template: frozenset[int], words: np.ndarray | None = None) -> np.ndarray:
    """Which of a page's lines are in its site's `template` (:func:`template_lines`), paragraphs of
    running prose excepted: a paragraph two pages share is more often a quote or a copy than a
    template."""
    repeated = np.fromiter((line_key(t) in template for t in texts), dtype=bool, count=len(texts))
    if repeated.any():
        repeated &= ~paragraph_lines(texts, count_words(texts) if words is None else words)
    return repeated
