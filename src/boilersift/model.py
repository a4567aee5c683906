"""The classifier: candidate scikit-learn estimators, training, and the `Model` API.

A `Model` wraps a fitted scikit-learn estimator over the feature matrix of
:mod:`boilersift.features` with a decision threshold. It takes raw text or lines
and gives a probability and a label per line; :mod:`boilersift.bundle` saves and
loads it with its manifest.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn import config_context
from sklearn.base import ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import FixedThresholdClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import ThreadpoolController

from .data import LabeledPage
from .features import featurize, featurize_pages
from .segment import Block, segment_lines, segment_text

# The estimators compared in experiments/compare_models.py; "hgb" won (see results).
ESTIMATORS: dict[str, Callable[[], ClassifierMixin]] = {
    "logreg": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=1.0)),
    "forest": lambda: RandomForestClassifier(
        n_estimators=150, min_samples_leaf=3, max_features="sqrt", n_jobs=-1, random_state=0),
    "hgb": lambda: HistGradientBoostingClassifier(
        max_iter=400, learning_rate=0.1, max_leaf_nodes=63, min_samples_leaf=40,
        l2_regularization=1.0, early_stopping=False, random_state=0),
}
DEFAULT_ESTIMATOR = "hgb"
DEFAULT_THRESHOLD = 0.5


def line_weights(pages: list[LabeledPage]) -> np.ndarray:
    """Sample weights that make every page count the same, split half by line and
    half by word: the headline metric averages pages and counts words, but short
    lines (inline links) still have to be learned."""
    weights = []
    for page in pages:
        words = np.array([max(len(b.text.split()), 1) for b in page.blocks], dtype=np.float64)
        if len(words):
            weights.append(0.5 / len(words) + 0.5 * words / words.sum())
    return np.concatenate(weights) * 1000.0 if weights else np.zeros(0)


def fit_estimator(pages: list[LabeledPage], estimator: str = DEFAULT_ESTIMATOR,
                  threshold: float = DEFAULT_THRESHOLD) -> FixedThresholdClassifier:
    """Fit a candidate estimator on labelled pages, wrapped with its threshold."""
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r}; choose from {', '.join(ESTIMATORS)}")
    X = featurize_pages([p.blocks for p in pages])
    y = np.concatenate([np.asarray(p.labels, dtype=np.int64) for p in pages])
    base = ESTIMATORS[estimator]()
    steps = [step for _, step in base.steps] if hasattr(base, "steps") else [base]
    with config_context(enable_metadata_routing=True):
        for step in steps:  # every step that can weight samples should
            step.set_fit_request(sample_weight=True)
        wrapped = FixedThresholdClassifier(base, threshold=threshold, response_method="predict_proba")
        return wrapped.fit(X, y, sample_weight=line_weights(pages))


@functools.cache
def _threadpools() -> ThreadpoolController:
    return ThreadpoolController()


def _single_thread():
    return _threadpools().limit(limits=1, user_api="openmp")


@dataclass(frozen=True, slots=True)
class LineResult:
    """The verdict on one line of a scrape."""

    text: str
    line_no: int
    probability: float  # probability that the line is content
    is_content: bool

    @property
    def label(self) -> str:
        return "content" if self.is_content else "noise"


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

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Model":
        """Load a model bundle directory; None loads the shipped default."""
        from .bundle import load_bundle

        return load_bundle(path)

    def save(self, path: str | Path) -> Path:
        """Write this model as a bundle directory (model.joblib + manifest.json)."""
        from .bundle import save_bundle

        return save_bundle(self, path)

    def predict_proba_blocks(self, blocks: list[Block]) -> np.ndarray:
        """Probability of content for each block of one page."""
        if not blocks:
            return np.zeros(0)
        # One page is too small to share between threads: OpenMP start-up per tree
        # costs more than it saves (3x slower measured), so predict single-threaded
        # and parallelise over pages instead.
        with _single_thread():
            return self.estimator.estimator_.predict_proba(featurize(blocks))[:, 1]

    def classify_blocks(self, blocks: list[Block], threshold: float | None = None) -> list[LineResult]:
        cut = self.threshold if threshold is None else threshold
        probabilities = self.predict_proba_blocks(blocks)
        return [LineResult(b.text, b.line_no, float(p), bool(p >= cut))
                for b, p in zip(blocks, probabilities)]

    def classify(self, text: str, threshold: float | None = None) -> list[LineResult]:
        """Classify every non-empty line of a scrape (one text node or paragraph per line)."""
        return self.classify_blocks(segment_text(text), threshold)

    def classify_lines(self, lines: list[str], threshold: float | None = None) -> list[LineResult]:
        """Classify a page given as a list of lines (empty lines count as layout)."""
        return self.classify_blocks(segment_lines(lines), threshold)

    def extract(self, text: str, threshold: float | None = None) -> str:
        """The content lines of a scrape, joined by newlines."""
        return "\n".join(r.text for r in self.classify(text, threshold) if r.is_content)
