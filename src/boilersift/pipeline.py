"""The pipeline, one page at a time, and the `Model` API that runs it::

    blocks = segment_text(scrape)                     # page -> blocks        (blocks/)
    probabilities = classifier.predict_proba(blocks)  # -> probabilities      (features/, model/)
    decision = decide(texts, probabilities[:, 1],     # -> decisions          (decide.py)
                      threshold, decisions)
    results = [LineResult(...) for each block]        # -> output             (output/)

A `Model` is the fitted stages (arrays, :mod:`boilersift.model.predictors`), the threshold,
the decisions to take (:class:`~boilersift.decide.DecisionConfig`) and the manifest.
Predicting imports neither scikit-learn nor any training code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import numpy as np

from .blocks.markdown import MarkdownInfo, read_markdown
from .blocks.text import Block, blank_script_lines, segment_lines, segment_text
from .decide import (
    DEFAULT_DECISIONS,
    LABELS,
    TEXT_DECISIONS,
    Decision,
    DecisionConfig,
    count_words,
    decide,
    link_shares,
    smooth_runs,
)
from .features.featurize import word_counts
from .features.threads import text_threads
from .model.bundle import Bundle, default_bundle_path, load_bundle, save_bundle
from .model.explain import Reason, occlusion, top_reasons
from .model.stages import PageColumns, Stages
from .sites import template_lines, template_mask

if TYPE_CHECKING:  # imported when segmenting HTML, not for text
    from .blocks.html import DomInfo

DEFAULT_THRESHOLD = 0.5
# What the features counted of a page's lines that the decisions read again: their words and
# content words (decide's `words` and `content`); None where not known.
Counted = tuple[Optional[np.ndarray], Optional[tuple[np.ndarray, np.ndarray]]]


def _numbered(page: list[Block]) -> list[Block]:
    """The page with its blocks numbered from 0, as the classifier finds page starts
    in a flat sequence of blocks (see :func:`stages.page_slices`)."""
    if not page or (page[0].index == 0 and all(block.index for block in page[1:])):
        return page
    return [block._replace(index=i) for i, block in enumerate(page)]


def _by_page(pages: Sequence[list[Block]], kinds: list[str | None]) -> list[str | None]:
    """The kinds of the pages that have blocks (in order) spread over all `pages`; None for an empty one."""
    filled = iter(kinds)
    return [next(filled) if page else None for page in pages]


def comment_threads(blocks: list[Block], words: np.ndarray | None = None) -> np.ndarray | None:
    """Which blocks of a page sit in a comment thread: of an HTML page, those in an element whose
    class or id says "comment", but not in code (a highlighter's `token comment` is no thread);
    of a text scrape, the lines of :func:`~boilersift.features.threads.text_threads` (`words`: the
    lines' word counts, if known)."""
    if not blocks:
        return None
    if blocks[0].dom is None:
        return text_threads([b.text for b in blocks], words)
    from .blocks.html import SIGNALS

    comment, code = 1 << SIGNALS.index("cls_comment"), 1 << SIGNALS.index("code")
    return np.fromiter((b.dom.signals & (comment | code) == comment for b in blocks), dtype=bool, count=len(blocks))


def _counted(pages: Sequence[list[Block]], columns: PageColumns | None) -> list[Counted]:
    """For each page, what the features counted that the decisions read again (:data:`Counted`)."""
    if columns is None:
        return [(None, None) for _ in pages]
    words = word_counts(columns.shallow).astype(np.int64)
    bounds = np.cumsum([0] + [len(page) for page in pages])
    pairs = np.searchsorted(columns.word_rows, bounds).tolist()
    return [(words[start:stop], (columns.word_rows[first:last] - start, columns.word_ids[first:last]))
            for start, stop, first, last in zip(bounds.tolist(), bounds[1:].tolist(), pairs, pairs[1:])]


def _location(block: Block) -> tuple[str, str]:
    """(tag, path) of an HTML block; empty for a line of a text scrape."""
    return (block.dom.tag, block.dom.path) if block.dom else ("", "")


@dataclass(slots=True)
class LineResult:
    """The verdict on one line of a scrape. (Not frozen: a frozen dataclass costs four times as
    much to make, and predict makes one per line; CHANGELOG.)"""

    text: str
    line_no: int  # line of a text scrape; block number of an HTML page
    probability: float  # probability that the line is content
    is_content: bool
    tag: str = ""  # HTML input: the block's element ("p", "h2", "li", ...)
    path: str = ""  # HTML input: where the block sits ("article.post > div > p")
    # HTML input: what the DOM says about the block; Markdown input: what the Markdown says (with_markup).
    # Markdown output reads its layout.
    dom: DomInfo | MarkdownInfo | None = None

    @property
    def label(self) -> str:
        return LABELS[self.is_content]


@dataclass(slots=True)
class ExplainedLine(LineResult):
    """A line's verdict with the features that moved its probability most (:meth:`Model.explain`);
    a subclass, so that `classify` builds exactly what it built before."""

    reasons: tuple[Reason, ...] = ()  # (feature, its value, signed contribution), largest first


@dataclass(frozen=True, slots=True)
class PageVerdict:
    """One page classified: its lines (HTML blocks) and its kind."""

    lines: list[LineResult]
    page_type: str | None  # "article", "forum", "product", ...; None: a model without a page-type stage


def markup_links(blocks: Sequence[Block], markup: Sequence[MarkdownInfo]) -> np.ndarray:
    """The share of each block of a Markdown scrape that is link text (what the decisions read
    of the links, :data:`~boilersift.decide.ALL_LINK`; the model reads none)."""
    return link_shares([b.text for b in blocks], [info.links for info in markup])


def with_markup(lines: list[LineResult], markup: Sequence[MarkdownInfo]) -> list[LineResult]:
    """The lines of a Markdown scrape, each given what the Markdown says about it (heading, list,
    table, code block, links) for Markdown output. It is given to the lines, not to the blocks:
    a block with a `dom` would get an HTML block's features and comment threads."""
    for line, info in zip(lines, markup):
        line.dom = info
    return lines


class Model:
    """A trained boilerplate classifier: probabilities and labels for the lines of a scrape.

    >>> model = Model.load()                       # the shipped default
    >>> print(model.extract(open("scrape.txt").read()))
    """

    def __init__(self, classifier: Stages, threshold: float = DEFAULT_THRESHOLD, manifest: dict | None = None,
                 decisions: DecisionConfig | None = None) -> None:
        self.classifier = classifier
        self.threshold = threshold
        self.manifest = manifest if manifest is not None else {}
        # None: DEFAULT_DECISIONS for HTML pages, TEXT_DECISIONS for text scrapes
        self.decisions = decisions if decisions is not None else \
            DEFAULT_DECISIONS if classifier.input_format == "html" else TEXT_DECISIONS

    @property
    def input_format(self) -> str:
        """"text" for a model of text scrapes, "html" for a model of HTML blocks."""
        return self.classifier.input_format

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Names of the columns the final stage sees (what explanations name)."""
        return self.classifier.feature_names

    @classmethod
    def load(cls, path: str | Path | None = None, input_format: str = "text") -> "Model":
        """Load a model bundle directory; None loads the shipped default for
        `input_format` ("text" scrapes or "html" pages)."""
        return cls(*load_bundle(path if path is not None else default_bundle_path(input_format)))

    def save(self, path: str | Path) -> Path:
        """Write this model as a bundle directory (model.npz + manifest.json)."""
        self.manifest = save_bundle(Bundle(self.classifier, self.threshold, self.manifest), path)
        return Path(path)

    def score_pages(self, pages: Sequence[list[Block]]) -> list[np.ndarray]:
        """The classifier's probability of content for each block of each page, before any
        decision, all pages in one call: each stage's fixed cost is paid once for the lot
        (chunks of 8 pages, docs/benchmarks.md); the probabilities are the same as page by page."""
        return self.score_and_type_pages(pages)[0]

    def score_and_type_pages(self, pages: Sequence[list[Block]]) -> tuple[list[np.ndarray], list[str | None]]:
        """:meth:`score_pages` and :meth:`page_types` from one featurisation (what :meth:`decide` needs)."""
        return self._score(pages)[:2]

    def _score(self, pages: Sequence[list[Block]],
               ) -> tuple[list[np.ndarray], list[str | None], PageColumns | None]:
        """:meth:`score_and_type_pages`, and the columns the features computed (None: no blocks)."""
        blocks = [block for page in pages for block in _numbered(page)]
        if not blocks:
            return [np.zeros(0) for _ in pages], [None] * len(pages), None
        probabilities, kinds, columns = self.classifier.predict_columns(blocks)
        return np.split(probabilities, np.cumsum([len(page) for page in pages])[:-1]), _by_page(pages, kinds), columns

    def page_types(self, pages: Sequence[list[Block]]) -> list[str | None]:
        """The kind of each page ("article", "forum", "product", "listing", ...), or None for an
        empty page or a model that has not learned page types."""
        blocks = [block for page in pages for block in _numbered(page)]
        return _by_page(pages, self.classifier.page_types(blocks))

    def predict_proba_pages(self, pages: Sequence[list[Block]]) -> list[np.ndarray]:
        """The probabilities `classify` reports: the classifier's, with sentences split by inline
        links and passages smoothed (the first decision, :func:`~boilersift.decide.smooth_runs`)."""
        return [smooth_runs([b.text for b in page], p, self.decisions)
                for page, p in zip(pages, self.score_pages(pages))]

    def predict_proba_blocks(self, blocks: list[Block]) -> np.ndarray:
        """Probability of content for each block of one page."""
        return self.predict_proba_pages([blocks])[0]

    def decide(self, blocks: list[Block], probabilities: np.ndarray, threshold: float | None = None,
               kind: str | None = None, counted: Counted = (None, None),
               template: frozenset[int] | None = None, links: np.ndarray | None = None) -> Decision:
        """The decisions over one page, given the classifier's probabilities of its blocks (and
        the kind of page, :meth:`page_types`, which decides what its comment threads are;
        `counted`: the `words` and `content` of :func:`~boilersift.decide.decide`, if known;
        `template`: the lines its site repeats, :func:`~boilersift.sites.template_lines`, dropped unless
        ``decisions.template_pages`` is 0; `links`: of a Markdown scrape, :func:`markup_links`)."""
        texts = [b.text for b in blocks]
        words, content = counted
        words = count_words(texts) if words is None else words  # once, for the threads and the decisions
        return decide(texts, probabilities, self.threshold if threshold is None else threshold,
                      self.decisions, comment_threads(blocks, words), kind, words, content,
                      None if template is None or not self.decisions.template_pages
                      else template_mask(texts, template, words), links)

    def verdicts(self, pages: Sequence[list[Block]], threshold: float | None = None,
                 sites: Sequence[str | None] | None = None,
                 templates: Sequence[frozenset[int] | None] | None = None,
                 links: Sequence[np.ndarray | None] | None = None) -> list[PageVerdict]:
        """Every block of each page classified, and the kind of each page (what `predict` reports).
        Given the `sites` of the pages (a host name, say; None: not known), the lines that
        ``decisions.template_pages`` pages of a site hold are its template (:mod:`boilersift.sites`);
        or given each page's `templates`, gathered over more pages than these (``predict --by-site``).
        `links`: of each page that is a Markdown scrape, the share of each block in links
        (:func:`markup_links`; None for other pages)."""
        for given, name in ((sites, "sites"), (templates, "templates"), (links, "links")):
            if given is not None and len(given) != len(pages):
                raise ValueError(f"{len(given)} {name} for {len(pages)} pages: give one (or None) per page")
        if sites is not None and templates is not None:
            raise ValueError("give the pages' sites or their templates, not both")
        if sites is not None and self.decisions.template_pages:
            by_site = template_lines([[b.text for b in page] for page in pages], sites, self.decisions.template_pages)
            templates = [None if site is None else by_site[site] for site in sites]
        if templates is None:
            templates = [None] * len(pages)
        scored, kinds, columns = self._score(pages)
        verdicts = []
        for page, template, page_links, probabilities, kind, counted in zip(
                pages, templates, links or [None] * len(pages), scored, kinds, _counted(pages, columns)):
            decision = self.decide(page, probabilities, threshold, kind, counted, template, page_links)
            lines = [LineResult(b.text, b.line_no, p, k, *_location(b), b.dom)  # Python values: cheaper per line
                     for b, p, k in zip(page, decision.probabilities.tolist(), decision.keep.tolist())]
            verdicts.append(PageVerdict(lines, kind))
        return verdicts

    def classify_pages(self, pages: Sequence[list[Block]], threshold: float | None = None,
                       sites: Sequence[str | None] | None = None) -> list[list[LineResult]]:
        """:meth:`classify_blocks` for several pages at once (faster; see :meth:`score_pages`), given
        their `sites`, with each site's template dropped (see :meth:`verdicts`)."""
        return [verdict.lines for verdict in self.verdicts(pages, threshold, sites)]

    def classify_blocks(self, blocks: list[Block], threshold: float | None = None) -> list[LineResult]:
        return self.classify_pages([blocks], threshold)[0]

    def contributions_blocks(self, blocks: list[Block], rows: np.ndarray | None = None,
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For one page: the final stage's input, the probabilities, and every column's
        signed contribution to each line's probability (:func:`boilersift.explain.occlusion`;
        given `rows`, only to those lines')."""
        return self._contributions(blocks, rows)[:3]

    def _contributions(self, blocks: list[Block], rows: np.ndarray | None = None,
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, str | None]:
        """:meth:`contributions_blocks` and the kind of the page, from one featurisation."""
        classifier = self.classifier
        X, kinds = (classifier.final_input_and_kinds(_numbered(blocks)) if blocks
                    else (np.zeros((0, classifier.n_features_in_)), [None]))
        return (X, *occlusion(classifier.final_stage, X, classifier.first, rows), kinds[0])

    def explain_blocks(self, blocks: list[Block], top: int = 5, threshold: float | None = None,
                       template: frozenset[int] | None = None, links: np.ndarray | None = None,
                       ) -> list[ExplainedLine]:
        """Like :meth:`classify_blocks`, with the `top` features that moved each line's probability
        (and the lines of its site's `template` dropped, and a Markdown scrape's `links`, see
        :meth:`verdicts`)."""
        X, probabilities, contributions, kind = self._contributions(blocks)
        # the reasons explain the line's own score
        decision = self.decide(blocks, probabilities, threshold, kind, template=template, links=links)
        names = self.feature_names
        return [ExplainedLine(b.text, b.line_no, float(p), bool(keep), *_location(b), b.dom,
                              top_reasons(x, c, names, top))
                for b, p, keep, x, c in zip(blocks, decision.probabilities, decision.keep, X, contributions)]

    def explain(self, text: str, top: int = 5, threshold: float | None = None) -> list[ExplainedLine]:
        """Classify every non-empty line of a scrape and say which features decided it
        (``ExplainedLine.reasons``, largest effect first)."""
        return self.explain_blocks(segment_text(text), top, threshold)

    def classify(self, text: str, threshold: float | None = None) -> list[LineResult]:
        """Classify every non-empty line of a scrape (one text node or paragraph per line)."""
        return self.classify_blocks(segment_text(text), threshold)

    def classify_lines(self, lines: list[str], threshold: float | None = None) -> list[LineResult]:
        """Classify a page given as a list of lines (empty lines count as layout; lines of script
        and style text are left out, as :func:`~boilersift.blocks.text.segment_text` leaves them)."""
        return self.classify_blocks(segment_lines(blank_script_lines(lines)), threshold)

    def html_blocks(self, html: str | bytes, name: str = "<html>") -> list[Block]:
        """The blocks this model sees of an HTML page (str, or bytes in any declared
        encoding, mojibake repaired: :func:`~boilersift.blocks.page.page_blocks`): DOM blocks
        for an HTML model, the page rendered as text for a text model. `name` names the page
        in error messages."""
        from .blocks.page import page_blocks  # here: lxml and html-text cost a text model's start-up

        return page_blocks(html, "dom" if self.input_format == "html" else "blocks", name)

    def classify_markdown(self, text: str, threshold: float | None = None) -> list[LineResult]:
        """Classify the blocks of a Markdown scrape: paragraphs, headings, list items, table cells
        and lines of code, each as the text a reader sees
        (:func:`~boilersift.blocks.markdown.read_markdown`), with what the Markdown says about
        each (:func:`with_markup`)."""
        blocks, markup = read_markdown(text)
        [verdict] = self.verdicts([blocks], threshold, links=[markup_links(blocks, markup)])
        return with_markup(verdict.lines, markup)

    def classify_html(self, html: str | bytes, threshold: float | None = None) -> list[LineResult]:
        """Classify the blocks of an HTML page (see :meth:`html_blocks`)."""
        return self.classify_blocks(self.html_blocks(html), threshold)

    def extract(self, text: str, threshold: float | None = None) -> str:
        """The content lines of a scrape, joined by newlines."""
        return "\n".join(r.text for r in self.classify(text, threshold) if r.is_content)
