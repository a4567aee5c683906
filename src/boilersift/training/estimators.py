"""Fitting the three stages (:mod:`boilersift.stages`) with scikit-learn.

:class:`LineClassifier` is a scikit-learn classifier whose samples are the lines
(:class:`~boilersift.segment.Block`) of pages, in page order. In ``fit``, the
scores a later stage learns from are cross-fitted (out-of-fold by page), as in
scikit-learn's ``StackingClassifier``, so the later stage sees scores as noisy as
they will be on new pages. :meth:`LineClassifier.export` turns the fitted
estimators into arrays (:mod:`boilersift.predictors`), which is what models
save, load and predict with. Only training imports this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from ..blocks.text import Block
from ..labelled.data import LabeledPage
from ..model.predictors import (
    Calibration,
    HashedWords,
    Linear,
    Softmax,
    Trees,
    words_and_bigrams,
)
from ..model.stages import (
    Stages,
    first_pass_input,
    page_slices,
    page_summaries,
    second_pass_input,
    shallow_features,
)


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
    # Half the predict time of "hgb" at the same HTML dev F1; on text scrapes it lost
    # (experiments/results/compare_hgb_sizes.md), so text models keep "hgb".
    "hgb-small": hgb(100, 31, 0.15),
}
DEFAULT_ESTIMATORS = {"text": "hgb", "html": "hgb-small"}  # what `train` uses per input format
N_HASH_FEATURES = 2**18


def word_scorer() -> Pipeline:
    """Stage 1: the vocabulary of a line. Hashing keeps the model small and needs no
    vocabulary fit; alpha 1e-5 had the best tune-split AUC of 1e-6, 1e-5, 1e-4."""
    return make_pipeline(
        HashingVectorizer(analyzer=words_and_bigrams, n_features=N_HASH_FEATURES, alternate_sign=False),
        SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=15, tol=None, random_state=0))


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
        first_X = first_pass_input(shallow_features(X, pages, self.input_format), word_scores, pages)
        if self.second_pass:
            first_scores, self.first_ = self._cross_fit(self._pass_estimator(), first_X, y, weights, groups)
            final_X = second_pass_input(X, first_X, first_scores, pages, self.input_format)
        else:
            self.first_, final_X = None, first_X
        self.final_ = _fit(self._pass_estimator(), final_X, y, weights)
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = final_X.shape[1]
        return self

    @property
    def stages_(self) -> Stages:
        """The fitted scikit-learn stages, chained."""
        return Stages(self.words_, self.first_, self.final_, self.input_format)

    def predict_proba(self, X: Sequence[Block]) -> np.ndarray:
        return self.stages_.predict_proba(X)

    def export(self) -> Stages:
        """The fitted stages as arrays (:mod:`boilersift.predictors`): what a model saves and predicts with."""
        return export_stages(self.words_, self.first_, self.final_, self.input_format)


class BlockClassifier(LineClassifier):
    """The same three stages over the blocks of HTML pages (:func:`dom.segment_html`),
    whose first pass also sees the DOM features (link density, ancestors, ...)."""

    input_format = "html"


CLASSIFIERS: dict[str, type[LineClassifier]] = {"text": LineClassifier, "html": BlockClassifier}


def fit_classifier(pages: list[LabeledPage], estimator: str | None = None, second_pass: bool = True,
                   input_format: str = "text") -> LineClassifier:
    """Fit a Line/BlockClassifier on labelled pages (`estimator` None: the default for `input_format`)."""
    X = [block for page in pages for block in page.blocks]
    y = np.concatenate([np.asarray(p.labels, dtype=np.int64) for p in pages if p.blocks])
    classifier = CLASSIFIERS[input_format](estimator=estimator or DEFAULT_ESTIMATORS[input_format],
                                           second_pass=second_pass)
    return classifier.fit(X, y)


def fit_calibration(stages: Stages, pages: list[LabeledPage]) -> Calibration:
    """Isotonic regression of the lines' labels on their final probabilities (pages the stages
    were not fitted on, the tune pages), as breakpoints: a calibrated 0.7 means that 70% of
    the lines so scored are content."""
    scores = stages.predict_proba([block for page in pages for block in page.blocks])[:, 1]
    labels = np.concatenate([np.asarray(p.labels, dtype=np.float64) for p in pages if p.blocks])
    isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, labels)
    return Calibration(isotonic.X_thresholds_.astype(np.float64), isotonic.y_thresholds_.astype(np.float64))


def fit_page_type(pages: list[LabeledPage], input_format: str) -> Softmax | None:
    """The kind of page (the `page_type` of the pages that have one), from a summary of their
    features: a multinomial logistic regression (C=0.03: 0.75 accuracy over the 7 kinds of the
    WCXB pages, cross-validated by site; gradient boosting reached 0.78 but has no multi-class
    array form here). None if the pages name fewer than two kinds."""
    typed = [p for p in pages if p.blocks and p.meta.get("page_type") not in (None, "", "unknown")]
    if len({p.meta["page_type"] for p in typed}) < 2:
        return None
    blocks = [block for page in typed for block in page.blocks]
    pages = page_slices(blocks)
    X = page_summaries(blocks, shallow_features(blocks, pages, input_format), pages)
    scaler = StandardScaler().fit(X)
    linear = LogisticRegression(C=0.03, max_iter=3000).fit(scaler.transform(X), [p.meta["page_type"] for p in typed])
    return export_softmax(scaler, linear)


def export_softmax(scaler: StandardScaler, linear: LogisticRegression) -> Softmax:
    """A fitted scaler and logistic regression as a :class:`Softmax`; two classes become the
    scores (0, z), whose softmax is the binary model's logistic(z)."""
    coef, intercept = linear.coef_.astype(np.float64), linear.intercept_.astype(np.float64)
    if len(linear.classes_) == 2:
        coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
    return Softmax(scaler.mean_.astype(np.float64), scaler.scale_.astype(np.float64), coef, intercept,
                   tuple(str(c) for c in linear.classes_))


class ExportError(ValueError):
    """A fitted estimator that has no array form here."""


def export_words(pipeline: Pipeline) -> HashedWords:
    """``HashingVectorizer(analyzer=words_and_bigrams, alternate_sign=False, norm="l2")`` +
    ``SGDClassifier(loss="log_loss")`` as its hash-bucket weights."""
    vectorizer, linear = pipeline[0], pipeline[-1]
    if not (isinstance(vectorizer, HashingVectorizer) and vectorizer.analyzer is words_and_bigrams
            and not vectorizer.alternate_sign and vectorizer.norm == "l2" and not vectorizer.binary
            and isinstance(linear, SGDClassifier) and linear.loss == "log_loss" and linear.coef_.shape[0] == 1):
        raise ExportError(f"the word stage {pipeline!r} is not the one boilersift trains")
    return HashedWords(np.asarray(linear.coef_[0], dtype=np.float64), float(linear.intercept_[0]))


def _hgb_trees(model: HistGradientBoostingClassifier) -> Trees:
    if getattr(model, "_preprocessor", None) is not None or model.n_trees_per_iteration_ != 1:
        raise ExportError("only binary gradient boosting without categorical features can be exported")
    trees = [predictors[0].nodes for predictors in model._predictors]
    if any(t["is_categorical"].any() for t in trees):
        raise ExportError("only binary gradient boosting without categorical features can be exported")
    return _concatenate(trees, lambda t: (t["feature_idx"], t["num_threshold"], t["is_leaf"].astype(bool),
                                          t["left"], t["right"], t["missing_go_to_left"].astype(bool), t["value"]),
                        model.n_features_in_, boosted=True, baseline=float(model._baseline_prediction.ravel()[0]))


def _forest_trees(model: RandomForestClassifier) -> Trees:
    def fields(tree):
        leaf = tree.children_left < 0
        counts = tree.value[:, 0, :]
        missing = getattr(tree, "missing_go_to_left", np.zeros(tree.node_count, dtype=np.uint8))
        return (tree.feature, tree.threshold, leaf, tree.children_left, tree.children_right,
                missing.astype(bool), counts[:, 1] / counts.sum(axis=1))

    return _concatenate([e.tree_ for e in model.estimators_], fields, model.n_features_in_, boosted=False)


def _concatenate(trees: list, fields: Callable, n_features: int, boosted: bool, baseline: float = 0.0) -> Trees:
    """One :class:`Trees` of many trees: node links shifted to index all nodes."""
    parts, offset, roots = [], 0, []
    for tree in trees:
        feature, threshold, leaf, left, right, missing, value = fields(tree)
        left = np.where(leaf, -1, np.asarray(left, dtype=np.int64) + offset)
        right = np.where(leaf, -1, np.asarray(right, dtype=np.int64) + offset)
        parts.append((np.where(leaf, -1, feature), threshold, left, right, missing, value))
        roots.append(offset)
        offset += len(feature)
    columns = [np.concatenate(column) for column in zip(*parts)]
    dtypes = (np.int32, np.float64, np.int32, np.int32, np.bool_, np.float64)
    feature, threshold, left, right, missing, value = (c.astype(d) for c, d in zip(columns, dtypes))
    return Trees(feature, threshold, left, right, missing, value, np.asarray(roots, dtype=np.int32),
                 n_features, boosted, baseline)


def export_pass(estimator: ClassifierMixin) -> Trees | Linear:
    """One fitted pass estimator (:data:`PASS_ESTIMATORS`) as arrays."""
    if isinstance(estimator, HistGradientBoostingClassifier):
        return _hgb_trees(estimator)
    if isinstance(estimator, RandomForestClassifier):
        return _forest_trees(estimator)
    if isinstance(estimator, Pipeline) and len(estimator) == 2 and isinstance(estimator[0], StandardScaler) \
            and isinstance(estimator[1], LogisticRegression) and estimator[1].coef_.shape[0] == 1:
        scaler, linear = estimator
        return Linear(scaler.mean_.astype(np.float64), scaler.scale_.astype(np.float64),
                      linear.coef_[0].astype(np.float64), float(linear.intercept_[0]))
    raise ExportError(f"{type(estimator).__name__} has no array form (known: {', '.join(PASS_ESTIMATORS)})")


def export_stages(words: Pipeline, first: ClassifierMixin | None, final: ClassifierMixin,
                  input_format: str) -> Stages:
    """Fitted scikit-learn stages as arrays."""
    return Stages(export_words(words), None if first is None else export_pass(first), export_pass(final),
                  input_format)
