"""Why a line got its probability: occlusion on the final stage.

Gradient boosting has no exact per-prediction attribution in scikit-learn, so each
column the final stage sees is *occluded*: set to its median over the line's page,
and the line scored again. The change ``p(line) - p(line, column at the page median)``
is the column's signed contribution (positive: it pushed the line towards content).
A value the line shares with the typical line of its page contributes nothing: the
explanation says why this line is scored differently from the rest of its page.
A line's own features reach the final stage directly and through the first pass's
score, so occluding one re-scores the first pass too. The columns include the learned
scores of the word stage (``words*``) and the first pass on the neighbours
(``pass1_*``), named as in :attr:`Stages.feature_names`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Occluded rows scored per call: bounds memory (rows x columns x 8 bytes) on long pages.
CHUNK_ROWS = 20_000
# A smaller change of the probability is no reason (it shows as 0.000, or 0.0 in percent).
MIN_CONTRIBUTION = 0.0005

Reason = tuple[str, float, float]  # (feature, its value on the line, signed contribution)


def occlusion(final, X: np.ndarray, first=None, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of one page's rows, and the contribution of every cell (rows x columns).

    With a `first` pass (whose input is the first ``k = first.n_features_in_``
    columns of `X`, and whose score is column ``k``), occluding one of its inputs
    scores the first pass again too, so a feature is credited with its effect through
    both passes; the first pass's own score is then not a reason of its own.
    Only cells that differ from the page median (and, given `rows`, only those rows)
    are scored again; the others are 0.
    """
    contributions = np.zeros(X.shape)
    if not len(X):
        return np.zeros(0), contributions
    probability = final.predict_proba(X)[:, 1]
    reference = np.median(X, axis=0)
    differs = X != reference
    if rows is not None:
        differs[np.setdiff1d(np.arange(len(X)), rows)] = False
    k = first.n_features_in_ if first is not None else -1
    if first is not None:
        differs[:, k] = False
    rows, cols = np.nonzero(differs)
    for start in range(0, len(rows), CHUNK_ROWS):
        r, c = rows[start:start + CHUNK_ROWS], cols[start:start + CHUNK_ROWS]
        occluded = X[r]
        occluded[np.arange(len(r)), c] = reference[c]
        upstream = c < k
        if upstream.any():
            occluded[upstream, k] = first.predict_proba(occluded[upstream, :k])[:, 1]
        contributions[r, c] = probability[r] - final.predict_proba(occluded)[:, 1]
    return probability, contributions


def top_reasons(values: np.ndarray, contributions: np.ndarray, names: Sequence[str],
                top: int) -> tuple[Reason, ...]:
    """The `top` columns of one row with the largest absolute contribution, if at least MIN_CONTRIBUTION."""
    order = np.argsort(-np.abs(contributions), kind="stable")[:top]
    return tuple((names[j], round(float(values[j]), 4), round(float(contributions[j]), 4))
                 for j in order if abs(contributions[j]) >= MIN_CONTRIBUTION)


def mean_abs_contributions(contributions: Sequence[np.ndarray], names: Sequence[str],
                           top: int) -> list[dict]:
    """Global importance: the mean absolute contribution of each column over all lines, largest first."""
    stacked = np.vstack(contributions) if contributions else np.zeros((0, len(names)))
    means = np.abs(stacked).mean(axis=0) if len(stacked) else np.zeros(len(names))
    order = np.argsort(-means, kind="stable")[:top]
    return [{"feature": names[j], "mean_abs_contribution": round(float(means[j]), 4)} for j in order]
