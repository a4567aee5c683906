"""The scikit-learn estimators: a featuriser in front of a classifier, composed, cross-validated
by group and thresholded as scikit-learn does, and turned into the arrays a model predicts with."""

import numpy as np
import pytest
from conftest import SMALL_LABELED
from sklearn.base import clone
from sklearn.model_selection import (
    FixedThresholdClassifier,
    GroupKFold,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline

from boilersift.features.featurize import feature_names
from boilersift.labelled.data import load_pages
from boilersift.pipeline import _numbered
from boilersift.training.estimators import (
    N_HASH_FEATURES,
    N_META,
    BlockClassifier,
    BlockFeaturizer,
    n_columns,
    to_model,
)

ESTIMATOR = "logreg"  # the quickest pass estimator


@pytest.fixture(scope="module")
def data():
    """Blocks, labels and sites of the small labelled pages (every page its own site)."""
    pages = load_pages([SMALL_LABELED])
    blocks = [b for page in pages for b in _numbered(page.blocks)]
    y = np.concatenate([page.labels for page in pages])
    sites = np.concatenate([[i // 2] * len(page.blocks) for i, page in enumerate(pages)])
    return blocks, y, sites


def test_the_featuriser_makes_one_row_per_block(data):
    blocks, _, _ = data
    X = BlockFeaturizer().fit(blocks).transform(blocks)
    assert X.shape == (len(blocks), n_columns("text"))
    page = X[:, 0].toarray().ravel()
    assert page[0] == 0 and np.all(np.diff(page) >= 0) and page[-1] == sum(b.index == 0 for b in blocks) - 1
    shallow = X[:, N_META:N_META + len(feature_names("text"))]
    hashed = X[:, N_META + len(feature_names("text")):N_META + len(feature_names("text")) + N_HASH_FEATURES]
    assert shallow.nnz > 0 and hashed.nnz >= len(blocks) - 1
    assert (BlockFeaturizer().transform(blocks[:0])).shape == (0, n_columns("text"))


def test_fit_on_rows_with_groups_and_predict(data):
    blocks, y, sites = data
    X = BlockFeaturizer().transform(blocks)
    by_page = BlockClassifier(estimator=ESTIMATOR).fit(X, y)
    by_site = BlockClassifier(estimator=ESTIMATOR).fit(X, y, groups=sites)
    for classifier in (by_page, by_site):
        proba = classifier.predict_proba(X)
        assert proba.shape == (len(blocks), 2) and np.allclose(proba.sum(axis=1), 1.0)
        assert classifier.predict(X).tolist() == (proba[:, 1] > 0.5).astype(int).tolist()
    # other folds, so other cross-fitted scores for the later passes to learn from
    assert not np.array_equal(by_page.predict_proba(X), by_site.predict_proba(X))


def test_a_pipeline_cross_validates_by_group_and_keeps_its_threshold(data, tmp_path):
    blocks, y, sites = data
    pipeline = make_pipeline(BlockFeaturizer(), FixedThresholdClassifier(BlockClassifier(estimator=ESTIMATOR),
                                                                        threshold=0.4))
    scores = cross_val_score(pipeline, blocks, y, groups=sites, cv=GroupKFold(3), scoring="f1")
    assert len(scores) == 3 and np.all((scores > 0.0) & (scores <= 1.0))  # a few small pages: not a quality test
    fitted = clone(pipeline).fit(blocks, y)
    model = to_model(fitted)
    assert model.threshold == 0.4
    probabilities = model.classifier.predict_proba(blocks)[:, 1]
    assert np.abs(probabilities - fitted.predict_proba(blocks)[:, 1]).max() <= 1e-9
    assert np.array_equal(probabilities >= 0.4, fitted.predict(blocks) == 1)


def test_rows_of_another_format_are_refused(data):
    blocks, y, _ = data
    with pytest.raises(ValueError, match=r"BlockFeaturizer\('html'\) makes .*featurise with the classifier's"):
        BlockClassifier("html", ESTIMATOR).fit(BlockFeaturizer("text").transform(blocks), y)


def test_only_a_fitted_classifier_becomes_a_model():
    with pytest.raises(ValueError, match="not a fitted BlockClassifier"):
        to_model(BlockClassifier())


@pytest.mark.parametrize("power, expected", [
    (0.0, [1.0, 1.0, 1.0, 1.0]),  # every page alike
    (1.0, [2 / 3, 2 / 3, 2 / 3, 2.0]),  # each source's pages together weigh the same
])
def test_source_weights(power, expected):
    from boilersift.labelled.data import LabeledPage
    from boilersift.training.estimators import source_weights

    pages = [LabeledPage(str(i), [], [], {"source": source}) for i, source in enumerate("aaab")]
    assert source_weights(pages, power) == pytest.approx(expected)


def test_folds_by_site_keep_a_site_in_one_fold(small_pages):
    """Every page of a site lands in the same fold, so the later stages see scores of sites the
    word stage never saw (page folds let a site's other pages teach it its navigation)."""
    import dataclasses

    from boilersift.training.estimators import fit_classifier

    pages = [dataclasses.replace(page, meta={**page.meta, "site": f"site{i // 3}"})
             for i, page in enumerate(small_pages)]
    by_page, by_site = (fit_classifier(pages, ESTIMATOR, folds=folds) for folds in ("page", "site"))
    X = BlockFeaturizer().transform([b for page in pages for b in page.blocks])
    assert not np.array_equal(by_page.predict_proba(X), by_site.predict_proba(X))
    with pytest.raises(ValueError, match="folds='line': choose page or site"):
        fit_classifier(pages, ESTIMATOR, folds="line")


def test_unfamiliar_pages_get_the_word_scores_of_shuffled_buckets(data):
    """A share of the pages learn from word scores as on a language the word stage never saw:
    none at rate 0, all at rate 1, the same ones for the same random_state; the passes fitted on
    them differ from those fitted on the pages' own word scores."""
    blocks, y, _ = data
    X = BlockFeaturizer().transform(blocks)
    plain = BlockClassifier(estimator=ESTIMATOR).fit(X, y)
    columns, hashed, _, _ = plain._unpack(X)
    own = plain.words_.predict_proba(hashed)[:, 1]
    assert np.array_equal(plain._unfamiliar_scores(hashed, own, columns.pages), own)
    every = BlockClassifier(estimator=ESTIMATOR, unfamiliar_rate=1.0, random_state=3).fit(X, y)
    shuffled = every._unfamiliar_scores(hashed, own, columns.pages)
    assert shuffled.shape == own.shape and np.all((shuffled > 0) & (shuffled < 1))
    assert np.mean(~np.isclose(shuffled, own, rtol=1e-3, atol=0)) > 0.9  # (a line with no words keeps its score)
    assert np.array_equal(every._unfamiliar_scores(hashed, own, columns.pages), shuffled)
    again = BlockClassifier(estimator=ESTIMATOR, unfamiliar_rate=1.0, random_state=3).fit(X, y)
    assert np.array_equal(again.predict_proba(X), every.predict_proba(X))
    assert not np.array_equal(plain.predict_proba(X), every.predict_proba(X))


def test_bagged_passes_average_their_members_and_export_the_same_probabilities(data):
    blocks, y, _ = data
    X = BlockFeaturizer().transform(blocks)
    bagged = BlockClassifier(estimator="hgb-small", bags=3).fit(X, y)
    members = bagged.final_.members_
    assert len(members) == 3 and len(bagged.first_.members_) == 3
    final_X = bagged.final_input(X)
    logits = [m.decision_function(final_X) for m in members]
    assert not np.array_equal(logits[0], logits[1])  # fitted on other draws of the folds
    assert np.allclose(bagged.final_.predict_proba(final_X)[:, 1], 1.0 / (1.0 + np.exp(-np.mean(logits, axis=0))))
    exported = bagged.export().predict_proba(blocks)[:, 1]
    assert np.abs(exported - bagged.predict_proba(X)[:, 1]).max() <= 1e-9
    with pytest.raises(ValueError, match="only gradient-boosting"):
        BlockClassifier(estimator=ESTIMATOR, bags=2).fit(X, y)
