"""The fitted stages as plain arrays, and numpy predictors for them.

A model bundle stores a model as these arrays (``model.npz``, read with
``allow_pickle=False``) and their scalars as JSON, so loading a bundle runs no code
from it and needs no scikit-learn: training fits scikit-learn estimators and
:mod:`boilersift.export` reads them once. Each predictor computes what its
scikit-learn estimator computes, in the same order of floating-point operations
where that order is observable (tested to 1e-9 in ``tests/model/test_predictors.py``). The
tree walk and the word hashing run compiled where the install built them
(:mod:`boilersift.compiled`), with the same results to the bit.

Three kinds of stage:

* :class:`HashedWords`: hashed word uni/bigrams, l2-normalised counts, a logistic
  regression (``HashingVectorizer`` + ``SGDClassifier(loss="log_loss")``);
* :class:`Trees`: a binary tree ensemble as flat node arrays, either boosted
  (``HistGradientBoostingClassifier``: leaf values summed onto a baseline, then the
  logistic function) or a forest (``RandomForestClassifier``: the trees' class-1
  shares averaged);
* :class:`Linear`: standardisation and a logistic regression;

and, around them, :class:`Softmax`, the kind of page (a multinomial logistic regression on
the tf-idf of the page's words and a summary of its features), and :class:`Calibration`, a
monotone map of the final probability onto the share of lines that are content
(``IsotonicRegression``'s breakpoints, linearly interpolated).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import mmh3
import numpy as np

from .. import compiled

WORD = re.compile(r"(?u)\b\w+\b")

Arrays = dict[str, np.ndarray]
# Rows walked down the trees at once: the (rows x trees) node arrays then stay in the
# processor's cache (1.7x faster than 20,000 rows at once, experiments/results/bundle_conversion.md).
ROWS_PER_WALK = 1024


class FormatError(ValueError):
    """Arrays or parameters that do not make a valid stage (a damaged or tampered bundle)."""


def words_and_bigrams(text: str) -> list[str]:
    """The lower-cased words of a line and its word bigrams: the terms
    ``HashingVectorizer(ngram_range=(1, 2), token_pattern=WORD)`` makes, in the same
    order, built in one comprehension instead of scikit-learn's general n-gram loop."""
    words = WORD.findall(text.lower())
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def hashed_buckets(terms: Sequence[str], n_features: int) -> np.ndarray:
    """scikit-learn's hashing: signed 32-bit MurmurHash3 (seed 0) of the UTF-8 term,
    its absolute value modulo `n_features` (-2**31 mapped as scikit-learn maps it)."""
    hashes = np.fromiter(map(mmh3.hash, terms), dtype=np.int64, count=len(terms))
    buckets = np.abs(hashes) % n_features
    buckets[hashes == -2**31] = (2**31 - 1 - (n_features - 1)) % n_features
    return buckets


def logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def as_columns(probability: np.ndarray) -> np.ndarray:
    """(n,) probabilities of content -> (n, 2) like scikit-learn's ``predict_proba``."""
    return np.column_stack([1.0 - probability, probability])


def _get(arrays: Mapping[str, np.ndarray], key: str, dtype: type, ndim: int) -> np.ndarray:
    if key not in arrays:
        raise FormatError(f"array {key!r} is missing")
    array = np.asarray(arrays[key])
    if array.ndim != ndim:
        raise FormatError(f"array {key!r} has {array.ndim} dimensions, expected {ndim}")
    if not np.can_cast(array.dtype, dtype, casting="same_kind"):
        raise FormatError(f"array {key!r} has type {array.dtype}, expected {np.dtype(dtype)}")
    return array.astype(dtype, copy=False)


def _number(params: Mapping, key: str) -> float:
    value = params.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormatError(f"parameter {key!r} is {value!r}, expected a number")
    return value


@dataclass
class HashedWords:
    """Stage 1: the vocabulary of a line, as ``HashingVectorizer(analyzer=words_and_bigrams,
    n_features, alternate_sign=False, norm="l2")`` followed by a logistic regression."""

    coef: np.ndarray  # (n_features,) weight of each hash bucket
    intercept: float
    kind = "hashed_words"

    @property
    def n_features(self) -> int:
        return len(self.coef)

    def decision_function(self, texts: Sequence[str]) -> np.ndarray:
        if compiled.loops is not None:
            return compiled.loops.hashed_scores(list(texts), np.ascontiguousarray(self.coef), self.intercept)
        terms = [words_and_bigrams(text) for text in texts]
        lengths = np.fromiter(map(len, terms), dtype=np.intp, count=len(terms))
        buckets = hashed_buckets([t for line in terms for t in line], self.n_features)
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        # Counts per (line, bucket) in sorted order, as the vectoriser's CSR matrix holds them.
        keys, counts = np.unique(rows * self.n_features + buckets, return_counts=True)
        line, bucket = np.divmod(keys, self.n_features)
        norms = np.sqrt(np.bincount(line, weights=counts.astype(np.float64) ** 2, minlength=len(texts)))
        values = counts / np.where(norms == 0, 1.0, norms)[line]
        return np.bincount(line, weights=values * self.coef[bucket], minlength=len(texts)) + self.intercept

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return as_columns(logistic(self.decision_function(texts)))

    def to_arrays(self, prefix: str) -> tuple[Arrays, dict]:
        return {f"{prefix}.coef": self.coef}, {"kind": self.kind, "intercept": self.intercept}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str, params: Mapping) -> "HashedWords":
        coef = _get(arrays, f"{prefix}.coef", np.float64, 1)
        if not len(coef):
            raise FormatError(f"array {prefix}.coef is empty")
        return cls(coef, float(_number(params, "intercept")))


@dataclass
class Trees:
    """A binary tree ensemble as flat node arrays (all trees concatenated).

    Node ``i`` of an internal node tests ``x[feature[i]] <= threshold[i]`` and goes to
    ``left[i]`` if true, ``right[i]`` if false, and to ``left[i]`` for a missing value
    (NaN) where ``missing_left[i]``; a leaf has ``left == right == -1`` and its
    ``value``. Boosted trees predict ``logistic(baseline + sum of leaf values)``, added
    tree by tree as scikit-learn adds them; a forest the mean of its leaf values (each a
    class-1 share), on inputs rounded to float32 as scikit-learn's trees see them.
    """

    feature: np.ndarray  # (nodes,) int
    threshold: np.ndarray  # (nodes,) float64
    left: np.ndarray  # (nodes,) int, index into all nodes; -1 at a leaf
    right: np.ndarray
    missing_left: np.ndarray  # (nodes,) bool
    value: np.ndarray  # (nodes,) float64, used at leaves
    roots: np.ndarray  # (trees,) int: each tree's first node
    n_features_in_: int
    boosted: bool = True  # False: a forest
    baseline: float = 0.0  # boosted: the raw score before the first tree
    _walk: tuple = field(init=False, repr=False, compare=False)
    _compiled_walk: tuple = field(init=False, repr=False, compare=False)
    _compiled_values: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._check()
        leaf = self.left < 0
        self._check_links(leaf)
        feature = np.where(leaf, 0, self.feature).astype(np.intp)
        children = np.column_stack([self.right, self.left]).astype(np.intp).ravel()  # children[2 * node + goes_left]
        self._walk = (feature, self.threshold, children, ~leaf)
        self._compiled_walk = (feature, np.ascontiguousarray(self.threshold, dtype=np.float64),
                          self.left.astype(np.intp), self.right.astype(np.intp),
                          np.ascontiguousarray(self.missing_left, dtype=np.uint8), self.roots.astype(np.intp))
        self._compiled_values = np.ascontiguousarray(self.value, dtype=np.float64)

    @property
    def kind(self) -> str:
        return "boosted_trees" if self.boosted else "forest"

    def _check(self) -> None:
        nodes = len(self.feature)
        arrays = (self.threshold, self.left, self.right, self.missing_left, self.value)
        if nodes == 0 or any(len(a) != nodes for a in arrays) or not len(self.roots):
            raise FormatError("tree arrays are empty or of different lengths")
        leaf = self.left < 0
        internal = ~leaf
        if np.any(leaf != (self.right < 0)) or np.any(self.left[internal] >= nodes) \
                or np.any(self.right[internal] >= nodes) or np.any(self.roots < 0) or np.any(self.roots >= nodes):
            raise FormatError("tree node links point outside the tree arrays")
        if np.any(self.feature[internal] < 0) or np.any(self.feature[internal] >= self.n_features_in_):
            raise FormatError(f"tree nodes test features outside 0..{self.n_features_in_ - 1}")

    def _check_links(self, leaf: np.ndarray) -> None:
        """Refuse node links that loop or join two branches (a walk down them would not end)."""
        seen = np.zeros(len(leaf), dtype=bool)
        level = self.roots
        while len(level):  # ends: every level marks nodes not seen before
            if np.any(seen[level]) or len(np.unique(level)) != len(level):
                raise FormatError("tree node links form a loop or join two branches")
            seen[level] = True
            internal = level[~leaf[level]]
            level = np.concatenate([self.left[internal], self.right[internal]])

    def _checked(self, X: np.ndarray) -> np.ndarray:
        """X as the walk reads it: float64 in rows, of the columns the trees were fitted on."""
        X = np.ascontiguousarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has shape {X.shape}, the trees were fitted on {self.n_features_in_} columns")
        return X

    def leaves(self, X: np.ndarray) -> np.ndarray:
        """(rows, trees): the leaf each row reaches in each tree."""
        X = self._checked(X)
        if not self.boosted:
            X = X.astype(np.float32).astype(np.float64)
        if compiled.loops is not None:
            return compiled.loops.leaves(X, *self._compiled_walk)
        if len(X) <= ROWS_PER_WALK:
            return self._leaves(X)
        return np.vstack([self._leaves(X[start:start + ROWS_PER_WALK]) for start in range(0, len(X), ROWS_PER_WALK)])

    def _leaves(self, X: np.ndarray) -> np.ndarray:
        """The walk in numpy, where the compiled one was not built: all (row, tree) pairs step down
        one level at a time, and the pairs that reach a leaf drop out (most leaves are far shallower
        than the deepest)."""
        feature, threshold, children, internal = self._walk
        rows, columns = X.shape
        flat = X.ravel()
        node = np.tile(self.roots.astype(np.intp), rows)  # row-major: (row, tree) pair k is row k // trees
        at = np.repeat(np.arange(rows, dtype=np.intp) * columns, len(self.roots))  # each pair's row in `flat`
        active = np.flatnonzero(internal[node])
        missing = np.isnan(flat).any()
        while len(active):
            step = node[active]
            x = flat[at[active] + feature[step]]
            goes_left = x <= threshold[step]
            if missing:
                goes_left |= np.isnan(x) & self.missing_left[step]
            step = children[2 * step + goes_left]
            node[active] = step
            active = active[internal[step]]
        return node.reshape(rows, len(self.roots))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        if self.boosted and compiled.loops is not None:  # the same sums, added as the trees are walked
            return as_columns(logistic(compiled.loops.boosted_sums(self._checked(X), *self._compiled_walk,
                                                                   self._compiled_values, self.baseline)))
        values = self.value[self.leaves(X)]
        if not self.boosted:
            return as_columns(values.mean(axis=1))
        raw = np.full(len(X), self.baseline)
        for column in values.T:  # tree by tree, in scikit-learn's order of additions
            raw += column
        return as_columns(logistic(raw))

    def to_arrays(self, prefix: str) -> tuple[Arrays, dict]:
        arrays = {f"{prefix}.{name}": getattr(self, name) for name in
                  ("feature", "threshold", "left", "right", "missing_left", "value", "roots")}
        return arrays, {"kind": self.kind, "n_features": self.n_features_in_, "trees": len(self.roots),
                        "baseline": self.baseline}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str, params: Mapping) -> "Trees":
        ints = {name: _get(arrays, f"{prefix}.{name}", np.int64, 1) for name in ("feature", "left", "right", "roots")}
        n_features = _number(params, "n_features")
        if n_features != int(n_features) or n_features < 1:
            raise FormatError(f"parameter 'n_features' is {n_features!r}")
        return cls(**ints, threshold=_get(arrays, f"{prefix}.threshold", np.float64, 1),
                   missing_left=_get(arrays, f"{prefix}.missing_left", np.bool_, 1),
                   value=_get(arrays, f"{prefix}.value", np.float64, 1), n_features_in_=int(n_features),
                   boosted=params.get("kind") == "boosted_trees", baseline=float(_number(params, "baseline")))


@dataclass
class Linear:
    """``StandardScaler`` then a binary ``LogisticRegression``."""

    mean: np.ndarray  # (features,)
    scale: np.ndarray  # (features,)
    coef: np.ndarray  # (features,)
    intercept: float
    kind = "linear"

    def __post_init__(self) -> None:
        if not len(self.coef) or len(self.mean) != len(self.coef) or len(self.scale) != len(self.coef):
            raise FormatError("linear stage arrays are empty or of different lengths")

    @property
    def n_features_in_(self) -> int:
        return len(self.coef)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return as_columns(logistic((X - self.mean) / self.scale @ self.coef + self.intercept))

    def to_arrays(self, prefix: str) -> tuple[Arrays, dict]:
        arrays = {f"{prefix}.{name}": getattr(self, name) for name in ("mean", "scale", "coef")}
        return arrays, {"kind": self.kind, "intercept": self.intercept}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str, params: Mapping) -> "Linear":
        return cls(*(_get(arrays, f"{prefix}.{name}", np.float64, 1) for name in ("mean", "scale", "coef")),
                   intercept=float(_number(params, "intercept")))


@dataclass
class Softmax:
    """The kind of page, one of `classes`: a multinomial ``LogisticRegression`` on the tf-idf
    of the page's words (``HashingVectorizer(token_pattern=WORD, n_features=len(idf),
    alternate_sign=False, norm=None)`` + ``TfidfTransformer(sublinear_tf=True)``; none if
    `idf` is empty, as in bundles written before it read them) and on its feature summary
    standardised (``StandardScaler``), in that order of columns."""

    mean: np.ndarray  # (features,)
    scale: np.ndarray  # (features,)
    coef: np.ndarray  # (classes, buckets + features)
    intercept: np.ndarray  # (classes,)
    classes: tuple[str, ...]
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (buckets,)
    kind = "softmax"

    def __post_init__(self) -> None:
        if len(self.classes) < 2 or self.coef.shape != (len(self.classes), len(self.idf) + len(self.mean)) or \
                len(self.scale) != len(self.mean) or len(self.intercept) != len(self.classes):
            raise FormatError("softmax arrays and classes do not fit together")

    @property
    def n_features_in_(self) -> int:
        return len(self.mean)

    def page_words(self, texts: Sequence[str]) -> np.ndarray:
        """The tf-idf rows of pages given as their text: 1 + log of each bucket's count, times
        its idf, l2-normalised (what the vectoriser and the transformer make)."""
        rows = np.zeros((len(texts), len(self.idf)))
        for row, text in zip(rows, texts):
            words = compiled.loops.word_buckets(text, len(self.idf)) if compiled.loops is not None \
                else hashed_buckets(WORD.findall(text.lower()), len(self.idf))
            buckets, counts = np.unique(words, return_counts=True)
            values = (1.0 + np.log(counts)) * self.idf[buckets]
            norm = np.sqrt(values @ values)
            row[buckets] = values / norm if norm else values
        return rows

    def predict_proba(self, X: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """The probability of each class for pages given as their feature summaries `X` and,
        if the stage reads words, their `texts`."""
        n_words = len(self.idf)
        scores = (X - self.mean) / self.scale @ self.coef[:, n_words:].T + self.intercept
        if n_words:
            if texts is None or len(texts) != len(X):
                raise ValueError("this page-type stage reads the pages' words: give one text per page")
            scores = scores + self.page_words(texts) @ self.coef[:, :n_words].T
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    def predict(self, X: np.ndarray, texts: Sequence[str] | None = None) -> list[str]:
        return [self.classes[i] for i in self.predict_proba(X, texts).argmax(axis=1)]

    def to_arrays(self, prefix: str) -> tuple[Arrays, dict]:
        arrays = {f"{prefix}.{name}": getattr(self, name) for name in ("mean", "scale", "coef", "intercept", "idf")}
        return arrays, {"kind": self.kind, "classes": list(self.classes)}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str, params: Mapping) -> "Softmax":
        classes = params.get("classes")
        if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
            raise FormatError(f"parameter 'classes' is {classes!r}, expected a list of names")
        idf = _get(arrays, f"{prefix}.idf", np.float64, 1) if f"{prefix}.idf" in arrays else np.zeros(0)
        return cls(*(_get(arrays, f"{prefix}.{name}", np.float64, 1) for name in ("mean", "scale")),
                   _get(arrays, f"{prefix}.coef", np.float64, 2), _get(arrays, f"{prefix}.intercept", np.float64, 1),
                   tuple(classes), idf)


@dataclass
class Calibration:
    """``IsotonicRegression(out_of_bounds="clip")`` as its breakpoints: probability `x[i]`
    means `y[i]`, linearly in between, constant beyond the ends."""

    x: np.ndarray  # increasing
    y: np.ndarray  # non-decreasing, within [0, 1]
    kind = "isotonic"

    def __post_init__(self) -> None:
        if len(self.x) < 2 or len(self.x) != len(self.y) or (np.diff(self.x) < 0).any() or \
                (np.diff(self.y) < 0).any() or not ((self.y >= 0) & (self.y <= 1)).all():
            raise FormatError("calibration breakpoints are not a monotone map onto [0, 1]")

    def apply(self, probability: np.ndarray) -> np.ndarray:
        return np.interp(probability, self.x, self.y)

    def to_arrays(self, prefix: str) -> tuple[Arrays, dict]:
        return {f"{prefix}.x": self.x, f"{prefix}.y": self.y}, {"kind": self.kind}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str, params: Mapping) -> "Calibration":
        return cls(_get(arrays, f"{prefix}.x", np.float64, 1), _get(arrays, f"{prefix}.y", np.float64, 1))


STAGE_KINDS: dict[str, type] = {"hashed_words": HashedWords, "boosted_trees": Trees, "forest": Trees, "linear": Linear}
CALIBRATION_KINDS: dict[str, type] = {"isotonic": Calibration}
PAGE_TYPE_KINDS: dict[str, type] = {"softmax": Softmax}


def stage_from_arrays(arrays: Mapping[str, np.ndarray], prefix: str, params: Mapping,
                      kinds: Mapping[str, type] = STAGE_KINDS):
    """The stage stored under `prefix`, of the kind its parameters name (one of `kinds`)."""
    if not isinstance(params, Mapping) or params.get("kind") not in kinds:
        kind = params.get("kind") if isinstance(params, Mapping) else params
        raise FormatError(f"stage {prefix!r} is of unknown kind {kind!r} (known: {', '.join(kinds)})")
    return kinds[params["kind"]].from_arrays(arrays, prefix, params)
