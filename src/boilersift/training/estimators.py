"""Fitting the three stages (:mod:`boilersift.model.stages`) with scikit-learn.

Two scikit-learn estimators, composed as usual::

    pipeline = make_pipeline(BlockFeaturizer("html"), FixedThresholdClassifier(BlockClassifier("html"), threshold=0.4))
    cross_val_score(pipeline, blocks, y, groups=sites, cv=GroupKFold(5))
    model = to_model(pipeline.fit(blocks, y))      # the arrays boilersift saves and predicts with

:class:`BlockFeaturizer` turns blocks (:class:`~boilersift.blocks.text.Block`, pages in order) into
one sparse row each: the page, the shallow features, the hashed words and the content words.
:class:`BlockClassifier` fits the three stages on those rows; the scores a later stage learns from
are cross-fitted (out of fold by page, or by the `groups` given to ``fit``), as in scikit-learn's
``StackingClassifier``, so the later stage sees scores as noisy as they will be on new pages. Its
threshold is scikit-learn's: 0.5, or a ``FixedThresholdClassifier`` around it. Only training
imports this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import FixedThresholdClassifier, GroupKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from ..blocks.text import Block
from ..features.featurize import feature_names
from ..labelled.data import LabeledPage
from ..model.predictors import (
    WORD,
    Calibration,
    HashedWords,
    Linear,
    Softmax,
    Trees,
    as_columns,
    logistic,
    words_and_bigrams,
)
from ..model.stages import (
    PageColumns,
    Stages,
    cascade,
    chain_input,
    first_pass_input,
    page_slices,
    page_summaries,
    page_text,
    second_pass_input,
    shallow_features,
)
from ..pipeline import DEFAULT_THRESHOLD, Model


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
    # Half the predict time of "hgb" at the same HTML dev F1. On text it lost on the dev split of
    # the training sources (experiments/results/compare_hgb_sizes.md), but held out it orders as
    # well and predicts 16% faster (loso_text_small_trees.md): the default for both formats.
    "hgb-small": hgb(100, 31, 0.15),
    # Half of "hgb-small"'s trees at twice its rate: two of them (`bags=2`) cost its predict time.
    # Held out, that pair ordered HTML blocks +0.0016 better, about what two trainings differ by,
    # and lost on three of nine sources (results/loso_half_bags.md).
    "hgb-half": hgb(50, 31, 0.3),
}
DEFAULT_ESTIMATOR = "hgb-small"  # what `train` uses for either input format
N_HASH_FEATURES = 2**18
# Columns of the featuriser's rows: the page number, the words (for the sample weights), the
# two markup codes of an HTML block (0 for a text line), the shallow features, the hashed words
# (N_HASH_FEATURES), and the content words numbered per page (at most N_PAGE_WORDS a page).
N_META = 4
N_PAGE_WORDS = 2**24
# The page-type stage: the page's words hashed into this many buckets (2**12 to 2**16 were as
# accurate) and the weight of its standardised feature summary beside their tf-idf
# (0.3 and 1.0 were less accurate; results/page_type_words.md).
PAGE_WORD_BUCKETS = 2**12
SUMMARY_WEIGHT = 0.1


def word_vectorizer() -> HashingVectorizer:
    """Stage 1's input: hashed word uni/bigrams (:class:`~boilersift.model.predictors.HashedWords`
    computes the same without scikit-learn). Hashing needs no vocabulary fit and keeps the model small."""
    return HashingVectorizer(analyzer=words_and_bigrams, n_features=N_HASH_FEATURES, alternate_sign=False)


def word_scorer() -> SGDClassifier:
    """Stage 1: a logistic regression on the hashed words, a score of how boilerplate-like the
    line's vocabulary is; alpha 1e-5 had the best tune-split AUC of 1e-6, 1e-5, 1e-4."""
    return SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=15, tol=None, random_state=0)


def n_columns(input_format: str) -> int:
    """The width of :class:`BlockFeaturizer`'s rows for `input_format`."""
    return N_META + len(feature_names(input_format)) + N_HASH_FEATURES + N_PAGE_WORDS


class BlockFeaturizer(TransformerMixin, BaseEstimator):
    """Blocks of pages (pages in order, each starting at a block of ``index == 0``) -> one sparse
    row per block, what :class:`BlockClassifier` learns from. Nothing is learned: ``fit`` only
    checks the format; the same blocks always give the same rows."""

    def __init__(self, input_format: str = "text") -> None:
        self.input_format = input_format

    def fit(self, X: Sequence[Block], y=None) -> BlockFeaturizer:
        n_columns(self.input_format)  # unknown formats fail here
        return self

    def transform(self, X: Sequence[Block]) -> sparse.csr_matrix:
        blocks = list(X)
        pages = page_slices(blocks) if blocks else []
        columns = PageColumns.of_blocks(blocks, self.input_format, pages)
        n = len(blocks)
        page = np.repeat(np.arange(len(pages)), [p.stop - p.start for p in pages])
        words = np.fromiter((max(len(b.text.split()), 1) for b in blocks), dtype=np.float64, count=n)
        markup = columns.markup if columns.markup is not None else np.zeros((n, 2))
        dense = np.column_stack([page, words, markup, columns.shallow])
        content = sparse.csr_matrix((np.ones(len(columns.word_rows)), (columns.word_rows, columns.word_ids)),
                                    shape=(n, N_PAGE_WORDS))
        texts = [b.text for b in blocks]
        hashed = word_vectorizer().transform(texts) if n else sparse.csr_matrix((0, N_HASH_FEATURES))
        return sparse.hstack([sparse.csr_matrix(dense), hashed, content], format="csr")


def page_balanced_weights(words: np.ndarray, pages: list[slice]) -> np.ndarray:
    """Every page counts the same, split half by line and half by word: the headline
    metric averages pages and counts words, but short lines (inline links) still
    have to be learned."""
    weights = np.zeros(len(words))
    for page in pages:
        w = words[page]
        if len(w):
            weights[page] = 0.5 / len(w) + 0.5 * w / w.sum()
    return weights * 1000.0


def _fit(estimator: ClassifierMixin, X, y: np.ndarray, weights: np.ndarray) -> ClassifierMixin:
    """Fit with sample weights, whether `estimator` is a pipeline or not."""
    if hasattr(estimator, "steps"):
        return estimator.fit(X, y, **{f"{estimator.steps[-1][0]}__sample_weight": weights})
    return estimator.fit(X, y, sample_weight=weights)


class MeanLogits:
    """Gradient-boosting members scored as the mean of their log-odds: one boosted ensemble
    whose leaf values are divided by the number of members (:func:`export_pass`)."""

    def __init__(self, members: list[HistGradientBoostingClassifier]) -> None:
        self.members_ = members
        self.n_features_in_ = members[0].n_features_in_
        self.classes_ = np.array([0, 1])

    def predict_proba(self, X) -> np.ndarray:
        logits = np.mean([member.decision_function(X) for member in self.members_], axis=0)
        return as_columns(logistic(logits))


class BlockClassifier(ClassifierMixin, BaseEstimator):
    """Content (1) / noise (0) classifier of the rows of :class:`BlockFeaturizer` of the same
    `input_format`: the word stage, the first pass and (with `second_pass`) the neighbour-aware
    second pass, each pass a :data:`PASS_ESTIMATORS` `estimator` (None: the format's default).
    ``fit(X, y, groups=..., sample_weight=...)``: the cross-fitting folds keep each group whole
    (default: each page); `sample_weight` scales the page-balanced weights (:func:`page_balanced_weights`).
    A share `unfamiliar_rate` of the pages (drawn with `random_state`) get word scores as on a
    language the word stage never saw (:meth:`_unfamiliar_scores`), so that the passes learn to
    fall back on shape and context where the vocabulary says nothing.

    With `bags` above 1, the passes are fitted `bags` times, each time on out-of-fold scores of
    another draw of the cross-fitting folds, and each pass the model keeps is the
    :class:`MeanLogits` of its fits: held out, 2 ordered the blocks a little better than 1
    (about what two trainings differ by) for twice the trees, so the shipped models keep 1
    (results/loso_bags.md)."""

    def __init__(self, input_format: str = "text", estimator: str | None = None, cv: int = 3,
                 second_pass: bool = True, unfamiliar_rate: float = 0.0, bags: int = 1,
                 random_state: int = 0) -> None:
        self.input_format = input_format
        self.estimator = estimator
        self.cv = cv
        self.second_pass = second_pass
        self.unfamiliar_rate = unfamiliar_rate
        self.bags = bags
        self.random_state = random_state

    def _pass_estimator(self) -> ClassifierMixin:
        name = self.estimator or DEFAULT_ESTIMATOR
        if name not in PASS_ESTIMATORS:
            raise ValueError(f"unknown estimator {name!r}; choose from {', '.join(PASS_ESTIMATORS)}")
        return PASS_ESTIMATORS[name]()

    def _unpack(self, X) -> tuple[PageColumns, sparse.csr_matrix, np.ndarray, np.ndarray]:
        """The page columns, hashed words, page numbers and word counts of the featuriser's rows."""
        X = sparse.csr_matrix(X)
        width, n_shallow = n_columns(self.input_format), len(feature_names(self.input_format))
        if X.shape[1] != width:
            raise ValueError(f"X has {X.shape[1]} columns, but BlockFeaturizer({self.input_format!r}) makes "
                             f"{width}: featurise with the classifier's input format")
        dense = X[:, :N_META + n_shallow].toarray()
        page = dense[:, 0]
        starts = np.flatnonzero(np.diff(page, prepend=np.nan) != 0) if len(page) else np.zeros(0, dtype=np.int64)
        pages = [slice(a, b) for a, b in zip(starts, [*starts[1:], len(page)])]
        hashed = X[:, N_META + n_shallow:N_META + n_shallow + N_HASH_FEATURES]
        hashed.sort_indices()
        content = X[:, N_META + n_shallow + N_HASH_FEATURES:].tocoo()
        markup = dense[:, 2:4].astype(np.int64) if self.input_format == "html" else None
        columns = PageColumns(pages, dense[:, N_META:], content.row.astype(np.int64),
                              content.col.astype(np.int64), markup)
        return columns, hashed, page, dense[:, 1]

    def _out_of_fold(self, estimator: ClassifierMixin, X, y: np.ndarray, weights: np.ndarray,
                     groups: np.ndarray, draw: int) -> np.ndarray:
        """Out-of-fold probabilities, folds by group: scikit-learn's ``GroupKFold`` for `draw`
        0, its shuffled folds (seeded by `random_state` and `draw`) for the others."""
        folds = GroupKFold(self.cv, shuffle=True, random_state=self.random_state + draw) if draw \
            else GroupKFold(self.cv)
        scores = np.zeros(len(y))
        for train, test in folds.split(np.zeros(len(y)), y, groups):
            fitted = _fit(clone(estimator), X[train], y[train], weights[train])
            scores[test] = fitted.predict_proba(X[test])[:, 1]
        return scores

    def _unfamiliar_scores(self, hashed: sparse.csr_matrix, scores: np.ndarray,
                           pages: list[slice]) -> np.ndarray:
        """`scores` with those of a share `unfamiliar_rate` of the pages replaced by the word
        stage's scores of their hash buckets shuffled: every word of the page then weighs what
        an unrelated word learned, as the words of a language missing from the training pages
        do (they share the buckets of others). Held out from training, the text model scored
        the prose of German and Norwegian news pages 0.2-0.4 (results/loso_unfamiliar.md)."""
        rng = np.random.default_rng(self.random_state)
        chosen = [page for page in pages if rng.random() < self.unfamiliar_rate]
        if not chosen:
            return scores
        rows = np.concatenate([np.arange(page.start, page.stop) for page in chosen])
        shuffled = hashed[rows][:, rng.permutation(hashed.shape[1])]
        scores = scores.copy()
        scores[rows] = self.words_.predict_proba(shuffled)[:, 1]
        return scores

    def _fit_passes(self, estimator: ClassifierMixin, columns: PageColumns, hashed: sparse.csr_matrix,
                    y: np.ndarray, weights: np.ndarray, groups: np.ndarray,
                    draw: int) -> tuple[ClassifierMixin | None, ClassifierMixin]:
        """The first and final pass, fitted on the out-of-fold scores of the folds of `draw`."""
        word_scores = self._out_of_fold(word_scorer(), hashed, y, weights, groups, draw)
        word_scores = self._unfamiliar_scores(hashed, word_scores, columns.pages)
        first_X = first_pass_input(columns.shallow, word_scores, columns.pages)
        if not self.second_pass:
            return None, _fit(clone(estimator), first_X, y, weights)
        first_scores = self._out_of_fold(estimator, first_X, y, weights, groups, draw)
        final_X = second_pass_input(columns, first_X, first_scores)
        return _fit(clone(estimator), first_X, y, weights), _fit(clone(estimator), final_X, y, weights)

    def fit(self, X, y, groups=None, sample_weight: np.ndarray | None = None) -> BlockClassifier:
        pass_estimator = self._pass_estimator()
        if self.bags < 1:
            raise ValueError(f"bags={self.bags}: a pass needs at least one member")
        if self.bags > 1 and not isinstance(pass_estimator, HistGradientBoostingClassifier):
            raise ValueError(f"bags={self.bags}: only gradient-boosting passes can be bagged")
        columns, hashed, page, words = self._unpack(X)
        y = np.asarray(y, dtype=np.int64)
        groups = page if groups is None else np.asarray(groups)
        weights = page_balanced_weights(words, columns.pages)
        if sample_weight is not None:
            weights = weights * np.asarray(sample_weight)
        self.words_ = _fit(word_scorer(), hashed, y, weights)
        fits = [self._fit_passes(pass_estimator, columns, hashed, y, weights, groups, draw)
                for draw in range(self.bags)]
        if self.bags == 1:
            self.first_, self.final_ = fits[0]
        else:
            self.first_ = MeanLogits([first for first, _ in fits]) if self.second_pass else None
            self.final_ = MeanLogits([final for _, final in fits])
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X.shape[1]
        return self

    def final_input(self, X) -> np.ndarray:
        """The matrix the final pass scores for the featuriser's rows X."""
        columns, hashed, _, _ = self._unpack(X)
        return chain_input(columns, self.words_.predict_proba(hashed)[:, 1], self.first_)

    def predict_proba(self, X) -> np.ndarray:
        return cascade(self.first_, self.final_).predict_proba(self.final_input(X))

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def export(self) -> Stages:
        """The fitted stages as arrays (:mod:`boilersift.model.predictors`): what a model saves and predicts with."""
        return export_stages(self.words_, self.first_, self.final_, self.input_format)


def to_model(fitted: BlockClassifier | FixedThresholdClassifier | Pipeline) -> Model:
    """The :class:`~boilersift.pipeline.Model` of a fitted :class:`BlockClassifier`, of a
    ``FixedThresholdClassifier`` around one (its threshold becomes the model's), or of a pipeline
    ending in either."""
    if isinstance(fitted, Pipeline):
        fitted = fitted[-1]
    threshold = DEFAULT_THRESHOLD
    if isinstance(fitted, FixedThresholdClassifier):
        threshold = 0.5 if fitted.threshold == "auto" else float(fitted.threshold)
        fitted = fitted.estimator_
    if not isinstance(fitted, BlockClassifier) or not hasattr(fitted, "final_"):
        raise ValueError(f"{type(fitted).__name__} is not a fitted BlockClassifier")
    return Model(fitted.export(), threshold)


def source_weights(pages: list[LabeledPage], power: float) -> np.ndarray:
    """One weight per page: ``n ** -power`` for a page of a source of n pages (its `source`),
    scaled to a mean of 1."""
    sources = [str(page.meta.get("source")) for page in pages]
    _, source, size = np.unique(sources, return_inverse=True, return_counts=True)
    weights = size[source].astype(np.float64) ** -power
    return weights / weights.mean() if len(weights) else weights


def fit_classifier(pages: list[LabeledPage], estimator: str | None = None, second_pass: bool = True,
                   input_format: str = "text", source_balance: float = 0.0, folds: str = "page",
                   unfamiliar_rate: float = 0.0, seed: int = 0, bags: int = 1) -> BlockClassifier:
    """A :class:`BlockClassifier` fitted on the blocks of labelled pages (`estimator` None: the
    default for `input_format`), each page weighed by :func:`source_weights` of `source_balance`,
    cross-fitted in folds that keep each page or (`folds` "site") each site whole, a share
    `unfamiliar_rate` of the pages (drawn by `seed`) with the word scores of an unknown language."""
    if folds not in ("page", "site"):
        raise ValueError(f"folds={folds!r}: choose page or site")
    pages = [page for page in pages if page.blocks]
    blocks = [block for page in pages for block in page.blocks]
    X = BlockFeaturizer(input_format).transform(blocks)
    y = np.concatenate([np.asarray(p.labels, dtype=np.int64) for p in pages]) if pages else np.zeros(0, np.int64)
    lengths = [len(page.blocks) for page in pages]
    weights = np.repeat(source_weights(pages, source_balance), lengths) if source_balance else None
    groups = None  # the featuriser's page numbers
    if folds == "site":
        sites = [str(page.meta.get("site") or page.id) for page in pages]
        groups = np.repeat(np.unique(sites, return_inverse=True)[1], lengths)
    return BlockClassifier(input_format, estimator, second_pass=second_pass, unfamiliar_rate=unfamiliar_rate,
                           bags=bags, random_state=seed).fit(X, y, groups, weights)


def fit_calibration(stages: Stages, pages: list[LabeledPage]) -> Calibration:
    """Isotonic regression of the lines' labels on their final probabilities (pages the stages
    were not fitted on, the tune pages), as breakpoints: a calibrated 0.7 means that 70% of
    the lines so scored are content."""
    scores = stages.predict_proba([block for page in pages for block in page.blocks])[:, 1]
    labels = np.concatenate([np.asarray(p.labels, dtype=np.float64) for p in pages if p.blocks])
    isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, labels)
    return Calibration(isotonic.X_thresholds_.astype(np.float64), isotonic.y_thresholds_.astype(np.float64))


def fit_page_type(pages: list[LabeledPage], input_format: str, word_buckets: int = PAGE_WORD_BUCKETS,
                  summary_weight: float = SUMMARY_WEIGHT) -> Softmax | None:
    """The kind of page (the `page_type` of the pages that have one), from the tf-idf of its
    words hashed into `word_buckets` and a summary of its features, standardised and weighed
    `summary_weight`: a multinomial logistic regression (C=10). Over the 7 kinds of the WCXB pages
    cross-validated by site it is right on 0.81 of them, the summary alone (`word_buckets` 0, C=0.03)
    on 0.76, and of the news pages of benchmarks it never saw it calls more of them articles
    (results/page_type_words.md). None if the pages name fewer than two kinds."""
    typed = [p for p in pages if p.blocks and p.meta.get("page_type") not in (None, "", "unknown")]
    if len({p.meta["page_type"] for p in typed}) < 2:
        return None
    blocks = [block for page in typed for block in page.blocks]
    slices = page_slices(blocks)
    summaries = page_summaries(shallow_features(blocks, slices, input_format), slices)
    kinds = [p.meta["page_type"] for p in typed]
    scaler = StandardScaler().fit(summaries)
    if not word_buckets:
        return export_softmax(scaler, LogisticRegression(C=0.03, max_iter=3000).fit(scaler.transform(summaries), kinds))
    counts = HashingVectorizer(n_features=word_buckets, token_pattern=WORD.pattern, alternate_sign=False,
                               norm=None).transform([page_text(p.blocks) for p in typed])
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
    X = sparse.hstack([tfidf.transform(counts), summary_weight * scaler.transform(summaries)]).tocsr()
    return export_softmax(scaler, LogisticRegression(C=10.0, max_iter=5000).fit(X, kinds), tfidf.idf_, summary_weight)


def export_softmax(scaler: StandardScaler, linear: LogisticRegression, idf: np.ndarray | None = None,
                   summary_weight: float = 1.0) -> Softmax:
    """A fitted scaler and logistic regression (on the tf-idf of the page's words with `idf`,
    if given, then the scaled summary times `summary_weight`) as a :class:`Softmax`; two
    classes become the scores (0, z), whose softmax is the binary model's logistic(z)."""
    coef, intercept = linear.coef_.astype(np.float64), linear.intercept_.astype(np.float64)
    if len(linear.classes_) == 2:
        coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
    return Softmax(scaler.mean_.astype(np.float64), scaler.scale_.astype(np.float64) / summary_weight, coef, intercept,
                   tuple(str(c) for c in linear.classes_),
                   np.zeros(0) if idf is None else np.asarray(idf, dtype=np.float64))


class ExportError(ValueError):
    """A fitted estimator that has no array form here."""


def export_words(linear: SGDClassifier) -> HashedWords:
    """Stage 1, ``SGDClassifier(loss="log_loss")`` on :func:`word_vectorizer`'s columns, as its
    hash-bucket weights."""
    if not (isinstance(linear, SGDClassifier) and linear.loss == "log_loss"
            and linear.coef_.shape == (1, N_HASH_FEATURES)):
        raise ExportError(f"the word stage {linear!r} is not the one boilersift trains")
    return HashedWords(np.asarray(linear.coef_[0], dtype=np.float64), float(linear.intercept_[0]))


def _hgb_trees(models: list[HistGradientBoostingClassifier]) -> Trees:
    """Boosted models as one :class:`Trees` of their mean log-odds: every tree, its leaf values
    divided by the number of models, onto the mean baseline."""
    if any(getattr(m, "_preprocessor", None) is not None or m.n_trees_per_iteration_ != 1 for m in models):
        raise ExportError("only binary gradient boosting without categorical features can be exported")
    trees = [predictors[0].nodes for m in models for predictors in m._predictors]
    if any(t["is_categorical"].any() for t in trees):
        raise ExportError("only binary gradient boosting without categorical features can be exported")
    return _concatenate(trees, lambda t: (t["feature_idx"], t["num_threshold"], t["is_leaf"].astype(bool),
                                          t["left"], t["right"], t["missing_go_to_left"].astype(bool),
                                          t["value"] / len(models)),
                        models[0].n_features_in_, boosted=True,
                        baseline=float(np.mean([m._baseline_prediction.ravel()[0] for m in models])))


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
        return _hgb_trees([estimator])
    if isinstance(estimator, MeanLogits):
        return _hgb_trees(estimator.members_)
    if isinstance(estimator, RandomForestClassifier):
        return _forest_trees(estimator)
    if isinstance(estimator, Pipeline) and len(estimator) == 2 and isinstance(estimator[0], StandardScaler) \
            and isinstance(estimator[1], LogisticRegression) and estimator[1].coef_.shape[0] == 1:
        scaler, linear = estimator
        return Linear(scaler.mean_.astype(np.float64), scaler.scale_.astype(np.float64),
                      linear.coef_[0].astype(np.float64), float(linear.intercept_[0]))
    raise ExportError(f"{type(estimator).__name__} has no array form (known: {', '.join(PASS_ESTIMATORS)})")


def export_stages(words: SGDClassifier, first: ClassifierMixin | None, final: ClassifierMixin,
                  input_format: str) -> Stages:
    """Fitted scikit-learn stages as arrays."""
    return Stages(export_words(words), None if first is None else export_pass(first), export_pass(final),
                  input_format)
