"""The three stages that score the lines of pages, chained.

1. **words**: hashed word uni/bigrams -> logistic regression, a score of how
   boilerplate-like the line's vocabulary is ("Posted by", "Privacy Policy");
2. **first pass**: the shallow features of :mod:`boilersift.features` plus the
   context of the word score -> gradient boosting;
3. **second pass**: all of that plus the context of the first pass's
   probabilities (jusText's neighbour-aware pass, learned) -> gradient boosting.

:class:`Stages` chains any three objects with ``predict_proba``: the scikit-learn
estimators while training (:mod:`boilersift.estimators`) and their arrays
(:mod:`boilersift.predictors`) everywhere else, so both compute the same inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..blocks.text import Block
from ..features.featurize import (
    content_word_ids,
    dom_score_context,
    featurize_pages,
    markup_keys,
    model_feature_names,
    page_summary,
    score_context,
    topic_overlap,
)

# First-pass probabilities outside this band are final (see `Cascade`).
RESCORE_BAND = (0.05, 0.95)


def page_slices(blocks: Sequence[Block]) -> list[slice]:
    """The pages of a flat sequence of blocks: a page starts where `index` is 0."""
    starts = [0] + [i for i, block in enumerate(blocks) if block.index == 0 and i > 0]
    ends = starts[1:] + [len(blocks)]
    return [slice(a, b) for a, b in zip(starts, ends)]


def page_text(blocks: Sequence[Block]) -> str:
    """A page's text as the page-type stage reads its words: its blocks, one per line."""
    return "\n".join(block.text for block in blocks)


def rounded(X: np.ndarray) -> np.ndarray:
    """`X` rounded to float32 precision (kept as float64). numpy releases differ in the last
    bits of log1p/exp, and a tree may split between two such values; rounded, the features are
    the same on every supported numpy, and so are the outputs."""
    return X.astype(np.float32).astype(np.float64)


def shallow_features(blocks: Sequence[Block], pages: list[slice], input_format: str) -> np.ndarray:
    """The features of every block of every page (:func:`~boilersift.features.featurize.featurize`),
    not rounded: what the first pass and the page summaries start from."""
    return featurize_pages([list(blocks[page]) for page in pages], dom=input_format == "html")


@dataclass(frozen=True)
class PageColumns:
    """Everything the stages read of the blocks of several pages besides their words, as
    arrays: the page of every row, the shallow features, the content words (for the topic
    overlap) and, of HTML blocks, the markup codes. Predicting builds it from blocks
    (:meth:`of_blocks`); training keeps it in the columns of the featuriser's matrix."""

    pages: list[slice]
    shallow: np.ndarray
    word_rows: np.ndarray  # (row, word id) pairs of :func:`~boilersift.features.featurize.content_word_ids`
    word_ids: np.ndarray  # (ids numbered per page)
    markup: np.ndarray | None  # (rows, 2) :func:`~boilersift.features.featurize.markup_keys`; None for text

    @classmethod
    def of_blocks(cls, blocks: Sequence[Block], input_format: str, pages: list[slice] | None = None) -> PageColumns:
        pages = page_slices(blocks) if pages is None else pages
        lists = [list(blocks[page]) for page in pages]
        rows, ids = content_word_ids([[b.text for b in page] for page in lists])
        html = input_format == "html"
        return cls(pages, featurize_pages(lists, dom=html), rows, ids, markup_keys(lists) if html else None)


def across_pages(rows: np.ndarray, ids: np.ndarray, pages: list[slice]) -> np.ndarray:
    """Word ids numbered per page (:func:`~boilersift.features.featurize.content_word_ids`) made
    unique across pages: a page's ids are below its number of (row, word) pairs, so each is
    offset by the position of its page's first pair."""
    starts = np.array([page.start for page in pages], dtype=np.int64)
    if not len(rows):
        return ids
    first_pair = np.searchsorted(rows, starts)
    return ids + first_pair[np.searchsorted(starts, rows, side="right") - 1]


def contexts(scores: np.ndarray, pages: list[slice]) -> np.ndarray:
    """The context of a per-line score on each page (:func:`features.score_context`)."""
    return score_context(scores, [page.stop - page.start for page in pages])


def first_pass_input(shallow: np.ndarray, word_scores: np.ndarray, pages: list[slice]) -> np.ndarray:
    """The shallow features of every page, plus the context of the word scores."""
    return rounded(np.column_stack([shallow, contexts(word_scores, pages)]))


def second_pass_input(columns: PageColumns, first_X: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The first pass's input, plus the context and topic overlap of its scores (and on HTML
    pages, their mean over the blocks at the same place in the markup)."""
    rows = columns.word_rows
    parts = [contexts(scores, columns.pages),
             topic_overlap(rows, across_pages(rows, columns.word_ids, columns.pages), scores)]
    if columns.markup is not None:
        parts.append(dom_score_context(columns.markup, scores))
    return np.column_stack([first_X, rounded(np.column_stack(parts))])  # first_X is rounded already


def page_summaries(shallow: np.ndarray, pages: list[slice]) -> np.ndarray:
    """One row per page (:func:`~boilersift.features.featurize.page_summary`) of its shallow
    features, rounded as the trees' inputs are."""
    return rounded(np.vstack([page_summary(shallow[page]) for page in pages]))


def page_kinds(page_type: Any, X: Sequence[Block], input_format: str, pages: list[slice] | None = None,
               shallow: np.ndarray | None = None) -> list[str]:
    """What a page-type stage calls each page of X (a flat sequence of blocks, see
    :func:`page_slices`): from the pages' words and the summaries of their shallow features
    (computed here unless given)."""
    pages = page_slices(X) if pages is None else pages
    shallow = shallow_features(X, pages, input_format) if shallow is None else shallow
    return list(page_type.predict(page_summaries(shallow, pages), [page_text(X[page]) for page in pages]))


def chain_input(columns: PageColumns, word_scores: np.ndarray, first: Any) -> np.ndarray:
    """The matrix the final stage scores: the first pass's input from the word scores and,
    if there is a first pass (`first` not None), the context of its probabilities."""
    X = first_pass_input(columns.shallow, word_scores, columns.pages)
    return X if first is None else second_pass_input(columns, X, first.predict_proba(X)[:, 1])


def cascade(first: Any, final: Any) -> Any:
    """The final stage as it predicts: a :class:`Cascade` after a first pass, else `final`."""
    return final if first is None else Cascade(final, first.n_features_in_)


def unsure(probability: np.ndarray, band: tuple[float, float] = RESCORE_BAND) -> np.ndarray:
    """Which probabilities lie inside `band`: the lines a :class:`Cascade`'s final stage scores again."""
    return (probability > band[0]) & (probability < band[1])


@dataclass(frozen=True)
class Cascade:
    """The second pass as it predicts: a line the first pass is sure of (its score,
    column `k` of the final stage's input, outside `band`) keeps that score; only the
    others are scored again. On the HTML dev pages 28% of the blocks are rescored and
    the word F1 is unchanged, so the second pass costs a quarter of its time
    (docs/how-it-works.md, "The three stages"). A function of the final input alone, so occlusion
    (:func:`~boilersift.explain.occlusion`) explains exactly what predict computes."""

    final: Any
    k: int
    band: tuple[float, float] = RESCORE_BAND

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        probability = X[:, self.k].copy()
        rescore = unsure(probability, self.band)
        if rescore.any():
            probability[rescore] = self.final.predict_proba(X[rescore])[:, 1]
        return np.column_stack([1.0 - probability, probability])


@dataclass(frozen=True)
class Calibrated:
    """A stage's probabilities passed through a :class:`~boilersift.model.predictors.Calibration`
    (so explanations by occlusion are in the same, calibrated, terms as the output)."""

    stage: Any
    calibration: Any

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        probability = self.calibration.apply(self.stage.predict_proba(X)[:, 1])
        return np.column_stack([1.0 - probability, probability])


@dataclass(frozen=True)
class Stages:
    """The fitted stages of a line ("text") or HTML block ("html") classifier. X is a
    flat sequence of :class:`Block` in page order, pages starting where ``index == 0``.
    `first` is None for a model without a second pass (`final` is then the first pass);
    `calibration`, if any, maps the final probability onto the share of content (fitted on
    the tune pages); `page_type`, if any, tells the kind of each page."""

    words: Any
    first: Any
    final: Any
    input_format: str = "text"
    calibration: Any = None
    page_type: Any = None

    def final_input(self, X: Sequence[Block]) -> np.ndarray:
        """The matrix the final stage scores (columns: :attr:`feature_names`)."""
        return self._final_input(X, PageColumns.of_blocks(X, self.input_format))

    def final_input_and_kinds(self, X: Sequence[Block]) -> tuple[np.ndarray, list[str | None]]:
        """:meth:`final_input` and the kind of each page (:meth:`page_types`), from one featurisation."""
        columns = self._columns(X)
        return self._final_input(X, columns), self._kinds(X, columns.pages, columns.shallow)

    def predict_columns(self, X: Sequence[Block]) -> tuple[np.ndarray, list[str | None], PageColumns]:
        """:meth:`predict_pages` and the columns it computed, which the decisions over the page
        read again (the word counts of the shallow features, the content words)."""
        columns = self._columns(X)
        final_X = self._final_input(X, columns)
        return self.final_stage.predict_proba(final_X)[:, 1], self._kinds(X, columns.pages, columns.shallow), columns

    def _columns(self, X: Sequence[Block]) -> PageColumns:
        return PageColumns.of_blocks(X, self.input_format, page_slices(X) if len(X) else [])

    def _final_input(self, X: Sequence[Block], columns: PageColumns) -> np.ndarray:
        return chain_input(columns, self.words.predict_proba([b.text for b in X])[:, 1], self.first)

    @property
    def final_stage(self) -> Any:
        """What scores :meth:`final_input`: the second pass as a :class:`Cascade`, calibrated."""
        stage = cascade(self.first, self.final)
        return stage if self.calibration is None else Calibrated(stage, self.calibration)

    def predict_proba(self, X: Sequence[Block]) -> np.ndarray:
        return self.final_stage.predict_proba(self.final_input(X))

    def predict_pages(self, X: Sequence[Block]) -> tuple[np.ndarray, list[str | None]]:
        """The probability of content of every block of X and the kind of each page (see
        :meth:`page_types`), from one featurisation."""
        return self.predict_columns(X)[:2]

    def page_types(self, X: Sequence[Block]) -> list[str | None]:
        """The kind of each page of X ("article", "forum", "product", ...; None without a
        page-type stage), from its words and :func:`~boilersift.features.featurize.page_summary`."""
        return self._kinds(X, page_slices(X) if len(X) else [])

    def _kinds(self, X: Sequence[Block], pages: list[slice], shallow: np.ndarray | None = None) -> list[str | None]:
        if self.page_type is None or not pages:
            return [None] * len(pages)
        return page_kinds(self.page_type, X, self.input_format, pages, shallow)

    @property
    def n_features_in_(self) -> int:
        return self.final.n_features_in_

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Names of the final stage's columns."""
        return model_feature_names(self.input_format)[:self.n_features_in_]
