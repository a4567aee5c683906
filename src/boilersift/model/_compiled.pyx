# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""The tree walk of :meth:`boilersift.model.predictors.Trees.leaves` compiled: each row goes down
each tree node by node, as scikit-learn's own predictors do, with no numpy call per tree level.
Built at install (``hatch_build.py``); without it the same walk runs in numpy."""

import numpy as np


def leaves(const double[:, ::1] X, const Py_ssize_t[::1] feature, const double[::1] threshold,
           const Py_ssize_t[::1] left, const Py_ssize_t[::1] right, const unsigned char[::1] missing_left,
           const Py_ssize_t[::1] roots):
    """(rows, trees): the leaf each row of X reaches in each tree. A node tests
    ``X[row, feature] <= threshold``; NaN goes left where ``missing_left``; a leaf has ``left < 0``."""
    cdef Py_ssize_t rows = X.shape[0], trees = roots.shape[0], row, tree, node
    cdef double x
    out = np.empty((rows, trees), dtype=np.intp)
    cdef Py_ssize_t[:, ::1] reached = out
    with nogil:
        for row in range(rows):
            for tree in range(trees):
                node = roots[tree]
                while left[node] >= 0:
                    x = X[row, feature[node]]
                    if x <= threshold[node] or (x != x and missing_left[node]):
                        node = left[node]
                    else:
                        node = right[node]
                reached[row, tree] = node
    return out
