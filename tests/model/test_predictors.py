"""The array predictors compute what the scikit-learn estimators compute (to 1e-9), predicting
imports no scikit-learn, and a pickled bundle of format 1 converts only when trusted.

These tests also run in CI's second environment, with the oldest scikit-learn and numpy that
pyproject.toml allows (.ci/run)."""

import hashlib
import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import (
    FIXTURES,
    GATE_DEV,
    GATE_HTML,
    SAMPLE_TXT,
    SMALL_LABELED,
    boilersift_command,
)
from scipy import sparse
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from boilersift import BoilersiftError, Model, compiled
from boilersift.labelled.data import load_pages
from boilersift.model.bundle import default_bundle_path, sha256
from boilersift.model.predictors import (
    ROWS_PER_WALK,
    WORD,
    Calibration,
    Softmax,
    hashed_buckets,
    words_and_bigrams,
)
from boilersift.pipeline import _numbered
from boilersift.training.estimators import (
    N_HASH_FEATURES,
    BlockFeaturizer,
    export_pass,
    export_softmax,
    export_words,
    fit_classifier,
    word_scorer,
    word_vectorizer,
)

TOLERANCE = 1e-9


# numpy builds differ in the last bits of log1p, expm1 and exp; the trees see their inputs
# rounded to float32, so such differences reach the probabilities only where a value sits on a
# float32 rounding edge, and then by little (numpy 1.26.0, text gate: 4e-13), far below the
# 4 decimals predict prints.
TOLERANCE_ELSEWHERE = 1e-6


@pytest.mark.parametrize("name, fixture, styles", [
    ("text-default", GATE_DEV, None),
    ("html-default", GATE_HTML, ["dom"]),
])
def test_shipped_models_predict_what_scikit_learn_predicted(name, fixture, styles):
    """Reference: scikit-learn's probabilities for the shipped models on every block of the quality
    gates (experiments/reference_probabilities.py), and the hash of the features they came from."""
    with np.load(FIXTURES / "reference_probabilities.npz") as reference:
        expected, features_sha256 = reference[name], str(reference[f"{name}.first_input_sha256"])
    pages = load_pages([fixture], styles) if styles else load_pages([fixture])
    blocks = [block for page in pages for block in _numbered(page.blocks)]
    model = Model.load(default_bundle_path(name.split("-")[0]))
    X = model.classifier.final_input(blocks)
    actual = model.classifier.final_stage.predict_proba(X)[:, 1]
    assert len(actual) == len(expected)
    first_input = np.ascontiguousarray(X[:, :model.classifier.first.n_features_in_])
    same_features = hashlib.sha256(first_input.tobytes()).hexdigest() == features_sha256
    assert np.abs(actual - expected).max() <= (TOLERANCE if same_features else TOLERANCE_ELSEWHERE)
    assert np.array_equal(actual >= model.threshold, expected >= model.threshold)


@pytest.mark.parametrize("texts", [
    ["Privacy Policy", "Home | News | Sport", ""],
    ["Ünïcödé wörds, 中文 字符 and emoji 🙂 🙂", "the the the the", "    "],
    ["a " * 500, "Posted by admin on 12/03/2020 at 10:15"],
])
def test_hashed_words_equal_the_vectorizer_and_sgd(texts, small_pages):
    texts = texts + [b.text for b in small_pages[0].blocks[:50]]
    blocks = [b for page in small_pages for b in page.blocks]
    y = np.concatenate([page.labels for page in small_pages])
    linear = word_scorer().fit(word_vectorizer().transform([b.text for b in blocks]), y)
    words = export_words(linear)
    assert words.n_features == N_HASH_FEATURES
    expected = linear.predict_proba(word_vectorizer().transform(texts))
    assert np.abs(words.predict_proba(texts) - expected).max() <= TOLERANCE


def test_hash_buckets_equal_scikit_learns():
    terms = ["privacy", "privacy policy", "中文", "🙂", "", "x" * 1000] + [f"w{i}" for i in range(2000)]
    vectorizer = HashingVectorizer(analyzer=lambda doc: doc, n_features=N_HASH_FEATURES, alternate_sign=False,
                                   norm=None)
    expected = [int(vectorizer.transform([[term]]).indices[0]) for term in terms]
    assert hashed_buckets(terms, N_HASH_FEATURES).tolist() == expected


def test_words_and_bigrams_are_what_the_vectorizer_counts():
    text = "Read more: The Kremlin's 2 plans"
    assert words_and_bigrams(text) == ["read", "more", "the", "kremlin", "s", "2", "plans",
                                       "read more", "more the", "the kremlin", "kremlin s", "s 2", "2 plans"]


def _data(seed: int = 0, missing: bool = True) -> tuple[np.ndarray, np.ndarray]:
    random = np.random.default_rng(seed)
    X = random.normal(size=(600, 5))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    if missing:
        X[random.random(X.shape) < 0.15] = np.nan
    return X, y


@pytest.mark.parametrize("make, missing", [
    (lambda: HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=15, random_state=0), True),
    (lambda: RandomForestClassifier(n_estimators=20, min_samples_leaf=3, random_state=0), True),
    (lambda: make_pipeline(StandardScaler(), LogisticRegression()), False),
], ids=["boosted trees", "forest", "linear"])
def test_pass_estimators_equal_scikit_learn(make, missing):
    """Trees send a missing value (NaN) where each node learned to, as scikit-learn does."""
    estimator = make().fit(*_data(missing=missing))
    X_new, _ = _data(seed=1, missing=missing)
    exported = export_pass(estimator)
    assert exported.n_features_in_ == 5
    assert np.abs(exported.predict_proba(X_new) - estimator.predict_proba(X_new)).max() <= TOLERANCE


def test_calibration_equals_isotonic_regression():
    from sklearn.isotonic import IsotonicRegression

    rng = np.random.default_rng(0)
    scores = rng.random(2000)
    labels = (rng.random(2000) < scores ** 2).astype(float)  # over-confident scores
    isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, labels)
    calibration = Calibration(isotonic.X_thresholds_, isotonic.y_thresholds_)
    new = np.concatenate([rng.random(500), [-1.0, 0.0, 1.0, 2.0]])
    assert np.abs(calibration.apply(new) - isotonic.predict(new)).max() <= TOLERANCE


@pytest.mark.parametrize("kinds", [("article", "forum", "product"), ("article", "forum")])
def test_softmax_equals_multinomial_logistic_regression(kinds):
    X, _ = _data()
    X = np.nan_to_num(X)
    y = np.array(kinds)[np.arange(len(X)) % len(kinds)]
    X[y == "forum", 0] += 2.0
    scaler = StandardScaler().fit(X)
    linear = LogisticRegression(C=0.5, max_iter=1000).fit(scaler.transform(X), y)
    softmax = export_softmax(scaler, linear)
    X_new, _ = _data(seed=1)
    X_new = np.nan_to_num(X_new)
    expected = linear.predict_proba(scaler.transform(X_new))
    assert np.abs(softmax.predict_proba(X_new) - expected).max() <= TOLERANCE
    assert softmax.predict(X_new) == list(linear.predict(scaler.transform(X_new)))


@pytest.mark.parametrize("kinds", [("article", "forum", "product"), ("article", "forum")])
def test_softmax_on_page_words_equals_tfidf_and_logistic_regression(kinds):
    """With an idf, the stage reads the pages' words as HashingVectorizer + TfidfTransformer do
    (the words' columns first, then the summary scaled down), a page without words included."""
    X, _ = _data()
    X = np.nan_to_num(X)
    y = np.array(kinds)[np.arange(len(X)) % len(kinds)]
    vocabulary = ["reply", "quote", "price", "cart", "Über", "中文", "the", "news", "posted", "a"]
    texts = [" ".join(vocabulary[(i * k) % len(vocabulary)] for k in range(1 + i % 7))
             + ("\nreply" if y[i] == "forum" else "") for i in range(len(X))]
    texts[0] = ""
    counts = HashingVectorizer(n_features=64, token_pattern=WORD.pattern, alternate_sign=False, norm=None)
    tfidf = TfidfTransformer(sublinear_tf=True).fit(counts.transform(texts))
    scaler = StandardScaler().fit(X)
    both = sparse.hstack([tfidf.transform(counts.transform(texts)), 0.1 * scaler.transform(X)]).tocsr()
    linear = LogisticRegression(C=10.0, max_iter=3000).fit(both, y)
    softmax = export_softmax(scaler, linear, tfidf.idf_, 0.1)
    assert np.abs(softmax.predict_proba(X, texts) - linear.predict_proba(both)).max() <= TOLERANCE
    assert softmax.predict(X, texts) == list(linear.predict(both))
    with pytest.raises(ValueError, match="give one text per page"):
        softmax.predict(X)


def test_a_page_type_stage_stored_without_words_reads_the_summary_alone():
    """Bundles written before the stage read words have no idf array: they load, need no texts
    and type pages as before."""
    X, _ = _data()
    X = np.nan_to_num(X)
    y = np.array(["article", "forum", "product"])[np.arange(len(X)) % 3]
    scaler = StandardScaler().fit(X)
    softmax = export_softmax(scaler, LogisticRegression(C=0.5, max_iter=1000).fit(scaler.transform(X), y))
    arrays, params = softmax.to_arrays("page_type")
    del arrays["page_type.idf"]
    old = Softmax.from_arrays(arrays, "page_type", params)
    assert len(old.idf) == 0 and old.predict(X) == softmax.predict(X)


def test_a_model_learns_the_kind_of_page_from_pages_that_name_it(small_pages, tmp_path):
    """Pages that carry a page_type teach the model one; it survives saving, and a page with no
    blocks has none."""
    import dataclasses

    from boilersift.training.estimators import fit_page_type

    kinds = ["article", "forum"]
    pages = [dataclasses.replace(p, meta={**p.meta, "page_type": kinds[i % 2]}) for i, p in enumerate(small_pages)]
    stage = fit_page_type(pages, "text")
    assert stage is not None and stage.classes == ("article", "forum")
    unnamed = [dataclasses.replace(p, meta={**p.meta, "page_type": None}) for p in small_pages]
    assert fit_page_type(unnamed, "text") is None  # pages that name no kind teach none
    model = Model(dataclasses.replace(load_stages_of(small_pages), page_type=stage), 0.5)
    saved = Model.load(model.save(tmp_path / "typed"))
    blocks = [p.blocks for p in small_pages]
    assert saved.page_types(blocks + [[]]) == model.page_types(blocks) + [None]
    assert set(saved.page_types(blocks)) <= set(kinds)
    verdicts = saved.verdicts(blocks + [[]])  # what predict reports: one featurisation for both
    assert [v.page_type for v in verdicts] == saved.page_types(blocks) + [None]
    assert [v.lines for v in verdicts] == saved.classify_pages(blocks + [[]])
    scores, typed = saved.score_and_type_pages(blocks + [[]])
    assert typed == saved.page_types(blocks + [[]])
    assert all(np.array_equal(a, b) for a, b in zip(scores, saved.score_pages(blocks + [[]])))
    explained = saved.explain_blocks(blocks[0], threshold=0.5)  # decided with the page's kind too
    assert [e.label for e in explained] == [line.label for line in saved.classify_blocks(blocks[0], 0.5)]


def load_stages_of(pages):
    return fit_classifier(pages, "logreg", second_pass=False).export()


def test_a_calibrated_model_reports_the_calibrated_probabilities(tiny_model, small_pages):
    """The tiny model was calibrated on its tune pages: its probabilities are the uncalibrated
    ones through the map, which is monotone, so it keeps their order."""
    import dataclasses

    stages = tiny_model.classifier
    assert stages.calibration is not None
    blocks = [block for page in small_pages for block in _numbered(page.blocks)]
    raw = dataclasses.replace(stages, calibration=None).predict_proba(blocks)[:, 1]
    calibrated = stages.predict_proba(blocks)[:, 1]
    assert np.array_equal(calibrated, stages.calibration.apply(raw))
    order = np.argsort(raw, kind="stable")
    assert (np.diff(calibrated[order]) >= 0).all()


def test_many_rows_walk_in_chunks_with_the_same_result(monkeypatch):
    monkeypatch.setattr(compiled, "loops", None)  # the numpy walk: the compiled one takes no chunks
    X, y = _data()
    trees = export_pass(HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(X, y))
    many = np.vstack([X] * (ROWS_PER_WALK // len(X) + 2))
    assert np.array_equal(trees.predict_proba(many), np.vstack([trees.predict_proba(X)] * (len(many) // len(X))))


@pytest.mark.parametrize("input_format", ["text", "html"])
def test_predict_imports_no_scikit_learn(input_format, tmp_path):
    page = tmp_path / ("page.html" if input_format == "html" else "page.txt")
    if input_format == "html":
        page.write_text("<html><body><nav>Home</nav><p>An article sentence, long enough.</p></body></html>")
    else:
        page.write_text(SAMPLE_TXT.read_text(encoding="utf-8"), encoding="utf-8")
    code = ("import sys; from boilersift.cli import main; code = main(['predict', sys.argv[1]]); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy', 'joblib')), "
            "file=sys.stderr); sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", code, str(page)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "[]"


# -- bundles of format 1 (pickles) ---------------------------------------------------


@pytest.fixture(scope="module")
def pickled_bundle(tmp_path_factory):
    """A format-1 bundle as boilersift 0.1 wrote it: its classes pickled under boilersift.model."""
    joblib = pytest.importorskip("joblib")
    from sklearn.model_selection import FixedThresholdClassifier

    from boilersift import model
    from boilersift.model import predictors
    from boilersift.training.legacy import PickledLineClassifier

    classifier = fit_classifier(load_pages([SMALL_LABELED])[:6], "hgb-small")
    pickled = PickledLineClassifier()  # boilersift 0.1's LineClassifier: the word stage was a pipeline
    pickled.words_ = make_pipeline(word_vectorizer(), classifier.words_)
    pickled.first_, pickled.final_ = classifier.first_, classifier.final_
    wrapped = FixedThresholdClassifier(pickled, threshold=0.4)
    wrapped.estimator_ = pickled
    path = tmp_path_factory.mktemp("legacy") / "old"
    path.mkdir()
    moved = {"LineClassifier": PickledLineClassifier, "words_and_bigrams": predictors.words_and_bigrams}
    homes = {name: (value.__module__, value.__qualname__) for name, value in moved.items()}
    try:
        for name, value in moved.items():
            value.__module__, value.__qualname__ = "boilersift.model", name
            setattr(model, name, value)
        joblib.dump(wrapped, path / "model.joblib", compress=3)
    finally:
        for name, value in moved.items():
            value.__module__, value.__qualname__ = homes[name]
            delattr(model, name)
    manifest = {"format_version": 1, "input_format": "text", "threshold": 0.4, "model_file": "model.joblib",
                "model_sha256": sha256(path / "model.joblib"), "estimator": "hgb-small",
                "libraries": {"scikit-learn": "any"}}
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return path, classifier


def test_a_pickled_bundle_is_refused_with_what_to_do(pickled_bundle):
    path, _ = pickled_bundle
    what_to_do = r"bundle format 1 is a pickle .*`boilersift convert-model .* --trust-pickle`"
    with pytest.raises(BoilersiftError, match=what_to_do):
        Model.load(path)


def test_convert_model_needs_trust(pickled_bundle, tmp_path):
    path, _ = pickled_bundle
    proc = subprocess.run([*boilersift_command(), "convert-model", str(path), str(tmp_path / "new")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"boilersift: error: converting {path} unpickles it, which runs any code it "
                                   "holds; if you trust its source, add --trust-pickle")
    assert not (tmp_path / "new").exists()


def test_convert_model_keeps_the_predictions(pickled_bundle, tmp_path):
    path, classifier = pickled_bundle
    proc = subprocess.run([*boilersift_command(), "convert-model", str(path), str(tmp_path / "new"),
                           "--trust-pickle"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    converted = Model.load(tmp_path / "new")
    assert isinstance(converted, Model) and converted.threshold == 0.4
    assert converted.manifest["estimator"] == "hgb-small"
    blocks = [b for page in load_pages([SMALL_LABELED])[6:] for b in _numbered(page.blocks)]
    expected = classifier.predict_proba(BlockFeaturizer("text").transform(blocks))
    assert np.abs(converted.classifier.predict_proba(blocks) - expected).max() <= TOLERANCE


def test_convert_model_of_a_current_bundle_says_so(tiny_bundle, tmp_path):
    from boilersift.training.legacy import convert_pickled_bundle

    with pytest.raises(BoilersiftError, match="not a format-1 \\(pickle\\) bundle; nothing to convert"):
        convert_pickled_bundle(tiny_bundle, tmp_path / "new")
