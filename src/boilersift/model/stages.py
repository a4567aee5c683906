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
    dom_score_context,
    featurize_pages,
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


def with_context(base: np.ndarray, scores: np.ndarray, pages: list[slice]) -> np.ndarray:
    """`base` plus the context of a per-line score on each page (:func:`features.score_context`)."""
    context = np.vstack([score_context(scores[page]) for page in pages])
    return np.column_stack([base, context])


def rounded(X: np.ndarray) -> np.ndarray:
    """`X` rounded to float32 precision (kept as float64). numpy releases differ in the last
    bits of log1p/exp, and a tree may split between two such values; rounded, the features are
    the same on every supported numpy, and so are the outputs."""
    return X.astype(np.float32).astype(np.float64)


def shallow_features(blocks: Sequence[Block], pages: list[slice], input_format: str) -> np.ndarray:
    """The features of every block of every page (:func:`~boilersift.features.featurize.featurize`),
    not rounded: what the first pass and the page summaries start from."""
    return featurize_pages([list(blocks[page]) for page in pages], dom=input_format == "html")


def first_pass_input(shallow: np.ndarray, word_scores: np.ndarray, pages: list[slice]) -> np.ndarray:
    """The shallow features of every page, plus the context of the word scores."""
    return rounded(with_context(shallow, word_scores, pages))


def second_pass_input(blocks: Sequence[Block], first_X: np.ndarray, scores: np.ndarray,
                      pages: list[slice], input_format: str) -> np.ndarray:
    """The first pass's input, plus the context and topic overlap of its scores (and on HTML
    pages, their mean over the blocks at the same place in the markup)."""
    overlap = np.concatenate([topic_overlap([b.text for b in blocks[page]], scores[page]) for page in pages])
    columns = [with_context(first_X, scores, pages), overlap]
    if input_format == "html":
        columns.append(np.vstack([dom_score_context(list(blocks[page]), scores[page]) for page in pages]))
    return rounded(np.column_stack(columns))


def page_summaries(blocks: Sequence[Block], shallow: np.ndarray, pages: list[slice]) -> np.ndarray:
    """One row per page (:func:`~boilersift.features.featurize.page_summary`) of its shallow
    features, rounded as the trees' inputs are."""
    return rounded(np.vstack([page_summary(shallow[page], list(blocks[page])) for page in pages]))


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
        unsure = (probability > self.band[0]) & (probability < self.band[1])
        if unsure.any():
            probability[unsure] = self.final.predict_proba(X[unsure])[:, 1]
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
        pages = page_slices(X)
        return self._final_input(X, pages, shallow_features(X, pages, self.input_format))

    def _final_input(self, X: Sequence[Block], pages: list[slice], shallow: np.ndarray) -> np.ndarray:
        """:meth:`final_input`, given the pages of X and their :func:`shallow_features`."""
        word_scores = self.words.predict_proba([b.text for b in X])[:, 1]
        final_X = first_pass_input(shallow, word_scores, pages)
        if self.first is not None:
            final_X = second_pass_input(X, final_X, self.first.predict_proba(final_X)[:, 1], pages,
                                        self.input_format)
        return final_X

    @property
    def final_stage(self) -> Any:
        """What scores :meth:`final_input`: the second pass as a :class:`Cascade`, calibrated."""
        stage = self.final if self.first is None else Cascade(self.final, self.first.n_features_in_)
        return stage if self.calibration is None else Calibrated(stage, self.calibration)

    def predict_proba(self, X: Sequence[Block]) -> np.ndarray:
        return self.final_stage.predict_proba(self.final_input(X))

    def predict_pages(self, X: Sequence[Block]) -> tuple[np.ndarray, list[str | None]]:
        """The probability of content of every block of X and the kind of each page (see
        :meth:`page_types`), from one featurisation."""
        pages = page_slices(X) if len(X) else []
        shallow = shallow_features(X, pages, self.input_format)
        probabilities = self.final_stage.predict_proba(self._final_input(X, pages, shallow))[:, 1]
        return probabilities, self._kinds(X, shallow, pages)

    def page_types(self, X: Sequence[Block]) -> list[str | None]:
        """The kind of each page of X ("article", "forum", "product", ...; None without a
        page-type stage), from :func:`~boilersift.features.featurize.page_summary`."""
        pages = page_slices(X) if len(X) else []
        if self.page_type is None:
            return [None] * len(pages)
        return self._kinds(X, shallow_features(X, pages, self.input_format), pages)

    def _kinds(self, X: Sequence[Block], shallow: np.ndarray, pages: list[slice]) -> list[str | None]:
        if self.page_type is None or not pages:
            return [None] * len(pages)
        return list(self.page_type.predict(page_summaries(X, shallow, pages)))

    @property
    def n_features_in_(self) -> int:
        return self.final.n_features_in_

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Names of the final stage's columns."""
        return model_feature_names(self.input_format)[:self.n_features_in_]
