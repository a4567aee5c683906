"""Explanations: occlusion contributions, `Model.explain` and `predict --explain`."""

import json

import numpy as np
import pytest
from conftest import SAMPLE_TXT, assert_one_line_error, run
from sklearn.linear_model import LogisticRegression

from boilersift import ExplainedLine, LineResult
from boilersift.model.explain import mean_abs_contributions, occlusion, top_reasons
from boilersift.model.stages import Cascade
from boilersift.output import tsv_header

SAMPLE = SAMPLE_TXT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def linear():
    """A logistic regression whose contributions have a known sign: coef * (x - median)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    return LogisticRegression().fit(X, y), X[:9]


def test_occlusion_signs_and_zeros(linear):
    estimator, X = linear
    X = X.copy()
    X[:, 2] = 1.0  # constant on the page: equal to its median, so never a reason
    probability, contributions = occlusion(estimator, X)
    assert probability == pytest.approx(estimator.predict_proba(X)[:, 1])
    assert np.all(contributions[:, 2] == 0)
    median = np.median(X, axis=0)
    for j in (0, 1):
        expected_sign = np.sign(estimator.coef_[0, j] * (X[:, j] - median[j]))
        assert np.array_equal(np.sign(contributions[:, j]), expected_sign)
    occluded = X[3].copy()
    occluded[0] = median[0]
    assert contributions[3, 0] == pytest.approx(probability[3] - estimator.predict_proba([occluded])[0, 1])


def test_occlusion_empty_page(linear):
    probability, contributions = occlusion(linear[0], np.zeros((0, 3)))
    assert probability.shape == (0,) and contributions.shape == (0, 3)


def test_top_reasons_and_global_importance():
    names = ("a", "b", "c")
    reasons = top_reasons(np.array([1.0, 2.0, 3.0]), np.array([0.1, -0.3, 0.0001]), names, top=3)
    assert reasons == (("b", 2.0, -0.3), ("a", 1.0, 0.1))  # largest effect first, negligible ones left out
    ranked = mean_abs_contributions([np.array([[0.1, -0.3, 0.0]]), np.array([[0.3, 0.1, 0.0]])], names, top=2)
    assert ranked == [{"feature": "a", "mean_abs_contribution": 0.2},
                      {"feature": "b", "mean_abs_contribution": 0.2}]


def test_model_explain(default_model):
    plain = default_model.classify(SAMPLE)
    explained = default_model.explain(SAMPLE, top=3)
    assert [(r.text, r.probability, r.is_content) for r in explained] == [
        (r.text, r.probability, r.is_content) for r in plain]
    assert all(type(r) is LineResult for r in plain) and all(isinstance(r, ExplainedLine) for r in explained)
    names = set(default_model.feature_names)
    for r in explained:
        assert len(r.reasons) <= 3
        assert {name for name, _, _ in r.reasons} <= names - {"pass1"}  # credited to its inputs
        sizes = [abs(c) for _, _, c in r.reasons]
        assert sizes == sorted(sizes, reverse=True)
    ad = next(r for r in explained if r.text == "by Taboola")
    assert not ad.is_content and ad.reasons[0][2] < 0  # the strongest reason pushed it to noise
    assert default_model.explain("") == []


def test_predict_explain_jsonl_and_tsv():
    proc = run("predict", SAMPLE_TXT, "--output-format", "jsonl", "--explain", "2")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert all(len(row["reasons"]) <= 2 for row in rows) and sum(len(row["reasons"]) for row in rows) > len(rows)
    assert set(rows[0]["reasons"][0]) == {"feature", "value", "contribution"}
    proc = run("predict", SAMPLE_TXT, "--output-format", "tsv", "--explain")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines(keepends=True)
    assert lines[0] == tsv_header(explain=True)
    fields = lines[1].rstrip("\n").split("\t")
    assert len(fields) == 5 and fields[3].count(":") == len(fields[3].split(","))


def test_predict_explain_needs_a_line_format_and_a_positive_k():
    assert_one_line_error(run("predict", SAMPLE_TXT, "--explain"), "--output-format jsonl or tsv")
    assert_one_line_error(run("predict", SAMPLE_TXT, "--output-format", "tsv", "--explain", "0"), "K >= 1")


class Constant:
    """A final stage that says 0.5 for every row it is asked about, and counts them."""

    def __init__(self) -> None:
        self.rows = 0

    def predict_proba(self, X):
        self.rows += len(X)
        return np.tile([0.5, 0.5], (len(X), 1))


@pytest.mark.parametrize("first, expected", [
    (0.01, 0.01), (0.05, 0.05), (0.06, 0.5), (0.5, 0.5), (0.94, 0.5), (0.95, 0.95), (0.999, 0.999)])
def test_cascade_rescores_only_what_the_first_pass_is_unsure_of(first, expected):
    final = Constant()
    X = np.array([[7.0, first]])
    assert Cascade(final, k=1).predict_proba(X)[0, 1] == pytest.approx(expected)
    assert final.rows == (0.05 < first < 0.95)


def test_occlusion_through_the_cascade_credits_a_feature_that_makes_the_first_pass_sure():
    class First:  # first pass: sure of noise when column 0 is high, unsure otherwise
        n_features_in_ = 1

        def predict_proba(self, X):
            p = np.where(X[:, 0] > 5, 0.01, 0.5)
            return np.column_stack([1 - p, p])

    X = np.array([[9.0, 0.01], [1.0, 0.5], [1.0, 0.5]])  # column 1 is the first pass's score
    probability, contributions = occlusion(Cascade(Constant(), k=1), X, First())
    assert probability == pytest.approx([0.01, 0.5, 0.5])
    assert contributions[0, 0] == pytest.approx(0.01 - 0.5)  # at the median it would be unsure: 0.5
