"""The classifier: a cross-fitted three-stage line classifier, and the `Model` API.

:class:`LineClassifier` is a scikit-learn classifier whose samples are the
lines (:class:`~boilersift.segment.Block`) of pages, in page order. It works in
three stages, each seeing the stage before through its neighbours' eyes:

1. **words**: hashed word uni/bigrams -> logistic regression, a score of how
   boilerplate-like the line's vocabulary is ("Posted by", "Privacy Policy");
2. **first pass**: the shallow features of :mod:`boilersift.features` plus the
   context of the word score -> gradient boosting;
3. **second pass**: all of that plus the context of the first pass's
   probabilities (jusText's neighbour-aware pass, learned) -> gradient boosting.

In ``fit``, the scores a later stage learns from are cross-fitted (out-of-fold by
page), as in scikit-learn's ``StackingClassifier``, so the later stage sees
scores as noisy as they will be on new pages. A `Model` wraps the fitted
classifier, its threshold (``FixedThresholdClassifier``) and its manifest.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import FixedThresholdClassifier, GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import ThreadpoolController

from .data import LabeledPage
from .decide import content_mask, smooth_runs
from .explain import Reason, occlusion, top_reasons
from .features import featurize_pages, model_feature_names, score_context, topic_overlap
from .segment import Block, segment_lines, segment_text


def hgb(trees: int, leaves: int, learning_rate: float) -> Callable[[], ClassifierMixin]:
    """A gradient-boosting pass of `trees` trees of at most `leaves` leaves."""
    return lambda: HistGradientBoostingClassifier(
        max_iter=trees, learning_rate=learning_rate, max_leaf_nodes=leaves, min_samples_leaf=40,
        l2_regularization=1.0, early_stopping=False, random_state=0)


# Candidates for the two passes, compared in experiments/compare_models.py.
PASS_ESTIMATORS: dict[str, Callable[[], ClassifierMixin]] = {
    "logreg": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)),
    "forest": lambda: RandomForestClassifier(
        n_estimators=100, min_samples_leaf=5, max_features="sqrt", n_jobs=-1, random_state=0),
    "hgb": hgb(150, 63, 0.1),
    # Half the predict time of "hgb": the same HTML dev F1 (experiments/results/compare_hgb_sizes.md);
    # on text scrapes, with twice the training lines, it lost 0.004, so text models keep "hgb".
    "hgb-small": hgb(100, 31, 0.15),
}
DEFAULT_ESTIMATORS = {"text": "hgb", "html": "hgb-small"}  # what `train` uses per input format
DEFAULT_THRESHOLD = 0.5
# First-pass probabilities outside this band are final (see `Cascade`).
RESCORE_BAND = (0.05, 0.95)
WORD = re.compile(r"(?u)\b\w+\b")


def words_and_bigrams(text: str) -> list[str]:
    """The lower-cased words of a line and its word bigrams: the terms
    ``HashingVectorizer(ngram_range=(1, 2), token_pattern=WORD)`` makes, in the same
    order, built in one comprehension instead of scikit-learn's general n-gram loop
    (1.7 -> 1.0 ms per HTML page)."""
    words = WORD.findall(text.lower())
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def word_scorer() -> ClassifierMixin:
    """Stage 1: the vocabulary of a line. Hashing keeps the model small and needs no
    vocabulary fit; alpha 1e-5 had the best tune-split AUC of 1e-6, 1e-5, 1e-4 (0.813)."""
    return make_pipeline(
        HashingVectorizer(analyzer=words_and_bigrams, n_features=2**18, alternate_sign=False),
        SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=15, tol=None, random_state=0))


def page_slices(blocks: Sequence[Block]) -> list[slice]:
    """The pages of a flat sequence of blocks: a page starts where `index` is 0."""
    starts = [0] + [i for i, block in enumerate(blocks) if block.index == 0 and i > 0]
    ends = starts[1:] + [len(blocks)]
    return [slice(a, b) for a, b in zip(starts, ends)]


def page_balanced_weights(blocks: Sequence[Block]) -> np.ndarray:
    """Every page counts the same, split half by line and half by word: the headline
    metric averages pages and counts words, but short lines (inline links) still
    have to be learned."""
    words = np.fromiter((max(len(b.text.split()), 1) for b in blocks), dtype=np.float64, count=len(blocks))
    weights = np.zeros(len(blocks))
    for page in page_slices(blocks):
        w = words[page]
        if len(w):
            weights[page] = 0.5 / len(w) + 0.5 * w / w.sum()
    return weights * 1000.0


def _fit(estimator: ClassifierMixin, X, y: np.ndarray, weights: np.ndarray) -> ClassifierMixin:
    """Fit with sample weights, whether `estimator` is a pipeline or not."""
    if hasattr(estimator, "steps"):
        return estimator.fit(X, y, **{f"{estimator.steps[-1][0]}__sample_weight": weights})
    return estimator.fit(X, y, sample_weight=weights)


def _take(X, rows: np.ndarray):
    return X[rows] if isinstance(X, np.ndarray) else [X[i] for i in rows]


@dataclass(frozen=True)
class Cascade:
    """The second pass as it predicts: a line the first pass is sure of (its score,
    column `k` of the final stage's input, outside `band`) keeps that score; only the
    others are scored again. Measured on the HTML dev pages: 28% of the blocks are
    rescored and the word F1 is unchanged (0.8878), so the second pass costs a
    quarter of its time. A function of the final input alone, so occlusion
    (:func:`~boilersift.explain.occlusion`) explains exactly what predict computes."""

    final: ClassifierMixin
    k: int
    band: tuple[float, float] = RESCORE_BAND

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        probability = X[:, self.k].copy()
        unsure = (probability > self.band[0]) & (probability < self.band[1])
        if unsure.any():
            probability[unsure] = self.final.predict_proba(X[unsure])[:, 1]
        return np.column_stack([1.0 - probability, probability])


class LineClassifier(ClassifierMixin, BaseEstimator):
    """Content (1) / noise (0) classifier over the lines of pages.

    X is a flat sequence of :class:`Block` in page order (pages start where
    ``block.index == 0``), so that ``len(X) == len(y)`` as scikit-learn expects
    while every stage can still see each line's neighbours.
    """

    input_format = "text"  # what the blocks come from; decides the feature set

    def __init__(self, estimator: str = DEFAULT_ESTIMATORS["text"], cv: int = 3, second_pass: bool = True) -> None:
        self.estimator = estimator
        self.cv = cv
        self.second_pass = second_pass

    def _pass_estimator(self) -> ClassifierMixin:
        if self.estimator not in PASS_ESTIMATORS:
            raise ValueError(f"unknown estimator {self.estimator!r}; choose from {', '.join(PASS_ESTIMATORS)}")
        return PASS_ESTIMATORS[self.estimator]()

    @classmethod
    def _first_pass_input(cls, X: Sequence[Block], word_scores: np.ndarray, pages: list[slice]) -> np.ndarray:
        """The shallow features of every page, plus the context of the word scores."""
        shallow = featurize_pages([list(X[page]) for page in pages], dom=cls.input_format == "html")
        return cls._with_context(shallow, word_scores, pages)

    @staticmethod
    def _with_context(base: np.ndarray, scores: np.ndarray, pages: list[slice]) -> np.ndarray:
        context = np.vstack([score_context(scores[page]) for page in pages])
        return np.column_stack([base, context])

    @classmethod
    def _second_pass_input(cls, X: Sequence[Block], first_X: np.ndarray, scores: np.ndarray,
                           pages: list[slice]) -> np.ndarray:
        """The first pass's input, plus the context and topic overlap of its scores."""
        overlap = np.concatenate([topic_overlap([b.text for b in X[page]], scores[page]) for page in pages])
        return np.column_stack([cls._with_context(first_X, scores, pages), overlap])

    def _cross_fit(self, estimator: ClassifierMixin, X, y: np.ndarray, weights: np.ndarray,
                   groups: np.ndarray) -> tuple[np.ndarray, ClassifierMixin]:
        """Out-of-fold probabilities (folds by page) and the estimator fitted on all."""
        scores = np.zeros(len(y))
        for train, test in GroupKFold(self.cv).split(np.zeros(len(y)), y, groups):
            fitted = _fit(clone(estimator), _take(X, train), y[train], weights[train])
            scores[test] = fitted.predict_proba(_take(X, test))[:, 1]
        return scores, _fit(clone(estimator), X, y, weights)

    def fit(self, X: Sequence[Block], y, sample_weight: np.ndarray | None = None) -> "LineClassifier":
        y = np.asarray(y, dtype=np.int64)
        pages = page_slices(X)
        weights = page_balanced_weights(X) if sample_weight is None else np.asarray(sample_weight)
        groups = np.concatenate([np.full(s.stop - s.start, i) for i, s in enumerate(pages)])
        word_scores, self.words_ = self._cross_fit(word_scorer(), [b.text for b in X], y, weights, groups)
        first_X = self._first_pass_input(X, word_scores, pages)
        if self.second_pass:
            first_scores, self.first_ = self._cross_fit(self._pass_estimator(), first_X, y, weights, groups)
            final_X = self._second_pass_input(X, first_X, first_scores, pages)
        else:
            self.first_, final_X = None, first_X
        self.final_ = _fit(self._pass_estimator(), final_X, y, weights)
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = final_X.shape[1]
        return self

    def final_input(self, X: Sequence[Block]) -> np.ndarray:
        """The matrix the final stage scores (columns: :attr:`feature_names_`)."""
        pages = page_slices(X)
        word_scores = self.words_.predict_proba([b.text for b in X])[:, 1]
        final_X = self._first_pass_input(X, word_scores, pages)
        if self.first_ is not None:
            final_X = self._second_pass_input(X, final_X, self.first_.predict_proba(final_X)[:, 1], pages)
        return final_X

    @property
    def final_stage(self) -> ClassifierMixin:
        """What scores :meth:`final_input`: the second pass as a :class:`Cascade`."""
        return self.final_ if self.first_ is None else Cascade(self.final_, self.first_.n_features_in_)

    def predict_proba(self, X: Sequence[Block]) -> np.ndarray:
        return self.final_stage.predict_proba(self.final_input(X))

    @property
    def feature_names_(self) -> tuple[str, ...]:
        """Names of the final stage's columns."""
        return model_feature_names(self.input_format)[:self.n_features_in_]


class BlockClassifier(LineClassifier):
    """The same three stages over the blocks of HTML pages (:func:`dom.segment_html`),
    whose first pass also sees the DOM features (link density, ancestors, ...)."""

    input_format = "html"


CLASSIFIERS: dict[str, type[LineClassifier]] = {"text": LineClassifier, "html": BlockClassifier}


def fit_classifier(pages: list[LabeledPage], estimator: str | None = None,
                   threshold: float = DEFAULT_THRESHOLD, second_pass: bool = True,
                   input_format: str = "text") -> FixedThresholdClassifier:
    """Fit a Line/BlockClassifier on labelled pages, wrapped with its decision threshold
    (`estimator` None: the default for `input_format`)."""
    X = [block for page in pages for block in page.blocks]
    y = np.concatenate([np.asarray(p.labels, dtype=np.int64) for p in pages if p.blocks])
    classifier = CLASSIFIERS[input_format](estimator=estimator or DEFAULT_ESTIMATORS[input_format],
                                           second_pass=second_pass)
    return FixedThresholdClassifier(classifier, threshold=threshold, response_method="predict_proba").fit(X, y)


@functools.cache
def _threadpools() -> ThreadpoolController:
    return ThreadpoolController()


def _single_thread():
    return _threadpools().limit(limits=1, user_api="openmp")


def _numbered(page: list[Block]) -> list[Block]:
    """The page with its blocks numbered from 0, as the classifier finds page starts
    in a flat sequence of blocks (see :func:`page_slices`)."""
    if not page or (page[0].index == 0 and all(block.index for block in page[1:])):
        return page
    return [block._replace(index=i) for i, block in enumerate(page)]


def _location(block: Block) -> tuple[str, str]:
    """(tag, path) of an HTML block; empty for a line of a text scrape."""
    return (block.dom.tag, block.dom.path) if block.dom else ("", "")


@dataclass(frozen=True, slots=True)
class LineResult:
    """The verdict on one line of a scrape."""

    text: str
    line_no: int  # line of a text scrape; block number of an HTML page
    probability: float  # probability that the line is content
    is_content: bool
    tag: str = ""  # HTML input: the block's element ("p", "h2", "li", ...)
    path: str = ""  # HTML input: where the block sits ("article.post > div > p")

    @property
    def label(self) -> str:
        return "content" if self.is_content else "noise"


@dataclass(frozen=True, slots=True)
class ExplainedLine(LineResult):
    """A line's verdict with the features that moved its probability most (:meth:`Model.explain`);
    a subclass, so that `classify` builds exactly what it built before."""

    reasons: tuple[Reason, ...] = ()  # (feature, its value, signed contribution), largest first


class Model:
    """A trained boilerplate classifier: probabilities and labels for the lines of a scrape.

    >>> model = Model.load()                       # the shipped default
    >>> print(model.extract(open("scrape.txt").read()))
    """

    def __init__(self, estimator: FixedThresholdClassifier, manifest: dict) -> None:
        self.estimator = estimator
        self.manifest = manifest

    @property
    def threshold(self) -> float:
        return float(self.estimator.threshold)

    @property
    def input_format(self) -> str:
        """"text" for a model of text scrapes, "html" for a model of HTML blocks."""
        return self.estimator.estimator_.input_format

    @classmethod
    def load(cls, path: str | Path | None = None, input_format: str = "text") -> "Model":
        """Load a model bundle directory; None loads the shipped default for
        `input_format` ("text" scrapes or "html" pages)."""
        from .bundle import default_bundle_path, load_bundle

        return load_bundle(path if path is not None else default_bundle_path(input_format))

    def save(self, path: str | Path) -> Path:
        """Write this model as a bundle directory (model.joblib + manifest.json)."""
        from .bundle import save_bundle

        return save_bundle(self, path)

    def predict_proba_pages(self, pages: Sequence[list[Block]]) -> list[np.ndarray]:
        """Probability of content for each block of each page (sentences split by inline
        links and passages smoothed, :func:`~boilersift.decide.smooth_runs`), all pages in one call:
        each stage's fixed cost is paid once for the lot (measured on the HTML dev
        pages: 14.4 ms/page one at a time, 11.7 in fours, 11.1 in sixteens); the
        probabilities are the same as page by page."""
        blocks = [block for page in pages for block in _numbered(page)]
        if not blocks:
            return [np.zeros(0) for _ in pages]
        # One page is too small to share between threads: OpenMP start-up per tree
        # costs more than it saves (3x slower measured), so predict single-threaded
        # and parallelise over pages instead.
        with _single_thread():
            probabilities = self.estimator.estimator_.predict_proba(blocks)[:, 1]
        return [smooth_runs([b.text for b in page], p)
                for page, p in zip(pages, np.split(probabilities, np.cumsum([len(page) for page in pages])[:-1]))]

    def predict_proba_blocks(self, blocks: list[Block]) -> np.ndarray:
        """Probability of content for each block of one page."""
        return self.predict_proba_pages([blocks])[0]

    def classify_pages(self, pages: Sequence[list[Block]], threshold: float | None = None) -> list[list[LineResult]]:
        """:meth:`classify_blocks` for several pages at once (faster; see :meth:`predict_proba_pages`)."""
        cut = self.threshold if threshold is None else threshold
        results = []
        for page, probabilities in zip(pages, self.predict_proba_pages(pages)):
            keep = content_mask([b.text for b in page], probabilities, cut)
            results.append([LineResult(b.text, b.line_no, p, k, *_location(b))  # Python values: cheaper per line
                            for b, p, k in zip(page, probabilities.tolist(), keep.tolist())])
        return results

    def classify_blocks(self, blocks: list[Block], threshold: float | None = None) -> list[LineResult]:
        return self.classify_pages([blocks], threshold)[0]

    def contributions_blocks(self, blocks: list[Block], rows: np.ndarray | None = None,
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For one page: the final stage's input, the probabilities, and every column's
        signed contribution to each line's probability (:func:`boilersift.explain.occlusion`;
        given `rows`, only to those lines')."""
        classifier = self.estimator.estimator_
        with _single_thread():
            X = classifier.final_input(blocks) if blocks else np.zeros((0, classifier.n_features_in_))
            return (X, *occlusion(classifier.final_stage, X, classifier.first_, rows))

    def explain_blocks(self, blocks: list[Block], top: int = 5,
                       threshold: float | None = None) -> list[ExplainedLine]:
        """Like :meth:`classify_blocks`, with the `top` features that moved each line's probability."""
        cut = self.threshold if threshold is None else threshold
        X, probabilities, contributions = self.contributions_blocks(blocks)
        texts = [b.text for b in blocks]
        probabilities = smooth_runs(texts, probabilities)  # the reasons explain the line's own score
        names = self.estimator.estimator_.feature_names_
        return [ExplainedLine(b.text, b.line_no, float(p), bool(keep), *_location(b),
                              top_reasons(x, c, names, top))
                for b, p, keep, x, c in zip(blocks, probabilities, content_mask(texts, probabilities, cut), X, contributions)]

    def explain(self, text: str, top: int = 5, threshold: float | None = None) -> list[ExplainedLine]:
        """Classify every non-empty line of a scrape and say which features decided it
        (``ExplainedLine.reasons``, largest effect first)."""
        return self.explain_blocks(segment_text(text), top, threshold)

    def classify(self, text: str, threshold: float | None = None) -> list[LineResult]:
        """Classify every non-empty line of a scrape (one text node or paragraph per line)."""
        return self.classify_blocks(segment_text(text), threshold)

    def classify_lines(self, lines: list[str], threshold: float | None = None) -> list[LineResult]:
        """Classify a page given as a list of lines (empty lines count as layout)."""
        return self.classify_blocks(segment_lines(lines), threshold)

    def html_blocks(self, html: str | bytes, name: str = "<html>") -> list[Block]:
        """The blocks this model sees of an HTML page (str, or bytes in any declared
        encoding): DOM blocks for an HTML model, the page rendered as text for a text model.
        `name` names the page in error messages."""
        if isinstance(html, bytes):
            from .inputs import decode_html

            html = decode_html(html, name)
        if self.input_format == "html":
            from .dom import segment_html

            return segment_html(html, name)
        from .render import render_blocks

        return segment_text(render_blocks(html))

    def classify_html(self, html: str | bytes, threshold: float | None = None) -> list[LineResult]:
        """Classify the blocks of an HTML page (see :meth:`html_blocks`)."""
        return self.classify_blocks(self.html_blocks(html), threshold)

    def extract(self, text: str, threshold: float | None = None) -> str:
        """The content lines of a scrape, joined by newlines."""
        return "\n".join(r.text for r in self.classify(text, threshold) if r.is_content)
