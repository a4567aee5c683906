"""Train on the tiny fixture, save a bundle, load it back: same predictions, full pedigree."""

import hashlib
import json

import numpy as np
import pytest
from conftest import SAMPLE_TXT, SMALL_LABELED, TEST_ESTIMATOR

from boilersift import BoilersiftError, Model
from boilersift.blocks.text import segment_text
from boilersift.features.featurize import FEATURE_SCHEMA_VERSION, MODEL_FEATURE_NAMES
from boilersift.labelled.data import (
    fingerprint,
    is_dev_site,
    load_pages,
    page_from_record,
    read_jsonl,
    site_fold,
)
from boilersift.model.bundle import BUNDLE_FORMAT_VERSION, MANIFEST_FILE, MODEL_FILE
from boilersift.training.estimators import PASS_ESTIMATORS, BlockFeaturizer, fit_classifier
from boilersift.training.train import split_pages, train_model

# -- the fixture itself -----------------------------------------------------------


@pytest.fixture(scope="module")
def small_records():
    return list(read_jsonl(SMALL_LABELED))


def test_fixture_is_small():
    assert SMALL_LABELED.stat().st_size < 500_000


def test_fixture_covers_sources_and_styles(small_records):
    assert len(small_records) == 12
    assert len({r["source"] for r in small_records}) >= 4
    assert {r["style"] for r in small_records} == {"nodes", "blocks"}
    assert len({r["site"] for r in small_records}) == len(small_records)


@pytest.mark.parametrize("index", range(12))
def test_fixture_page_is_valid(small_records, index):
    record = small_records[index]
    assert 0 < len(record["lines"]) <= 150
    assert len(record["labels"]) == len(record["lines"])
    assert set(record["labels"]) == {0, 1}  # both classes on every page
    assert record["site"]
    page_from_record(record)  # validates


def test_fixture_loads_with_datasets(tmp_path):
    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("json", data_files=str(SMALL_LABELED), split="train",
                               cache_dir=str(tmp_path / "hf-cache"))
    assert ds.num_rows == 12
    assert {"id", "lines", "labels", "site", "source", "style"} <= set(ds.column_names)
    assert all(len(lines) == len(labels) for lines, labels in zip(ds["lines"], ds["labels"]))


# -- train, save, load -----------------------------------------------------------------


@pytest.fixture(scope="module")
def roundtrip(tiny_model, tmp_path_factory):
    path = tiny_model.save(tmp_path_factory.mktemp("roundtrip") / "bundle")
    return tiny_model, Model.load(path), path


def test_bundle_holds_exactly_two_files(roundtrip):
    _, _, path = roundtrip
    assert sorted(p.name for p in path.iterdir()) == sorted([MODEL_FILE, MANIFEST_FILE])


def test_same_probabilities_after_loading(roundtrip, small_pages):
    trained, loaded, _ = roundtrip
    for page in small_pages:
        assert np.array_equal(trained.predict_proba_blocks(page.blocks), loaded.predict_proba_blocks(page.blocks))
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    assert trained.classify(text) == loaded.classify(text)
    assert loaded.threshold == trained.threshold


def test_model_load_is_load_bundle(roundtrip):
    _, loaded, path = roundtrip
    again = Model.load(path)
    assert again.manifest == loaded.manifest


@pytest.mark.parametrize("key", [
    "format_version", "feature_schema_version", "feature_names", "threshold", "libraries",
    "created", "model_file", "model_sha256", "estimator", "estimator_params", "training_data", "split", "stages",
])
def test_manifest_has(roundtrip, key):
    _, _, path = roundtrip
    manifest = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert key in manifest


def test_manifest_values(roundtrip, small_pages):
    trained, _, path = roundtrip
    manifest = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["format_version"] == BUNDLE_FORMAT_VERSION
    assert manifest["feature_schema_version"] == FEATURE_SCHEMA_VERSION
    assert manifest["feature_names"] == list(MODEL_FEATURE_NAMES)
    assert manifest["model_file"] == MODEL_FILE
    assert manifest["model_sha256"] == hashlib.sha256((path / MODEL_FILE).read_bytes()).hexdigest()
    assert manifest["threshold"] == trained.threshold
    assert manifest["estimator"] == TEST_ESTIMATOR
    assert {"boilersift", "scikit-learn", "numpy", "python"} <= set(manifest["libraries"])
    assert set(manifest["stages"]) == {"words", "first", "final", "calibration", "page_type"}
    fit_pages, tune_pages, dev_pages = split_pages(small_pages, 0, 15)
    assert manifest["training_data"] == fingerprint(fit_pages)
    assert len(manifest["training_data"]["sha256"]) == 64
    assert manifest["split"]["fit_pages"] == len(fit_pages)
    assert manifest["split"]["dev_pages"] == len(dev_pages) == 0


def test_training_is_deterministic(small_pages, tiny_model):
    again = train_model(small_pages, estimator=TEST_ESTIMATOR, dev_percent=0)
    page = small_pages[0]
    assert np.allclose(again.predict_proba_blocks(page.blocks), tiny_model.predict_proba_blocks(page.blocks))
    assert again.manifest["training_data"] == tiny_model.manifest["training_data"]


def test_dev_split_gives_dev_metrics(small_pages):
    model = train_model(small_pages, estimator=TEST_ESTIMATOR)  # default 20% dev sites: 3 of the 12 pages
    assert model.manifest["split"]["dev_pages"] > 0
    dev = model.manifest["dev_metrics"]
    assert set(dev) == {"boilersift", "c4_rules", "keep_all"}
    assert 0 <= dev["boilersift"]["word"]["f1"] <= 1


def test_dev_folds_partition_the_sites():
    sites = [f"site{i}.example" for i in range(500)]
    folds = [[s for s in sites if is_dev_site(s, 20, fold)] for fold in range(5)]
    assert sorted(s for fold in folds for s in fold) == sorted(sites)  # each site in exactly one fold
    assert folds[0] == [s for s in sites if is_dev_site(s, 20)]  # fold 0 is the default split
    assert all(site_fold(s, 20) == k for k, fold in enumerate(folds) for s in fold)
    assert all(60 < len(fold) < 140 for fold in folds)


def test_another_dev_fold_holds_out_other_sites(small_pages):
    fit0, _, dev0 = split_pages(small_pages, 20, 15, 0)
    fit1, _, dev1 = split_pages(small_pages, 20, 15, 1)
    assert not {p.id for p in dev0} & {p.id for p in dev1}
    assert {p.id for p in dev1} <= {p.id for p in fit0} | {p.id for p in split_pages(small_pages, 20, 15, 0)[1]}


def test_dev_fold_out_of_range_is_an_error(small_pages):
    with pytest.raises(ValueError, match="dev fold 5 out of range: folds are 0 .. 4"):
        train_model(small_pages, estimator=TEST_ESTIMATOR, dev_fold=5)


def test_no_bags_is_an_error(small_pages):
    with pytest.raises(ValueError, match="bags=0: a pass needs at least one member"):
        train_model(small_pages, estimator=TEST_ESTIMATOR, bags=0)


def test_no_fit_pages_is_an_error(small_pages):
    with pytest.raises(ValueError, match="no training pages"):
        train_model(small_pages, estimator=TEST_ESTIMATOR, dev_percent=100)


@pytest.mark.parametrize("estimator", sorted(PASS_ESTIMATORS))
@pytest.mark.parametrize("second_pass", [True, False])
def test_every_estimator_fits_and_exports_exactly(small_pages, estimator, second_pass, tmp_path):
    """Every pass estimator trains, and its arrays predict what scikit-learn predicts, also after a save."""
    fitted = fit_classifier(small_pages, estimator, second_pass=second_pass)
    blocks = segment_text(SAMPLE_TXT.read_text(encoding="utf-8"))
    proba = fitted.predict_proba(BlockFeaturizer().transform(blocks))
    assert proba.shape == (len(blocks), 2)
    assert np.allclose(proba.sum(axis=1), 1.0)
    loaded = Model.load(Model(fitted.export(), 0.5).save(tmp_path / "bundle"))
    assert np.abs(loaded.classifier.predict_proba(blocks) - proba).max() <= 1e-9


def test_unknown_estimator(small_pages):
    with pytest.raises(ValueError, match="unknown estimator"):
        fit_classifier(small_pages, "svm")


# -- the Model API on the tiny model -------------------------------------------------


def test_classify_lines_equals_classify(tiny_model):
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    assert tiny_model.classify_lines(text.splitlines()) == tiny_model.classify(text)


def test_extract_is_the_content_lines(tiny_model):
    text = SAMPLE_TXT.read_text(encoding="utf-8")
    results = tiny_model.classify(text)
    assert tiny_model.extract(text) == "\n".join(r.text for r in results if r.is_content)


@pytest.mark.parametrize("threshold, kept", [(0.0, "all"), (1.01, "none")])
def test_threshold_override(tiny_model, threshold, kept):
    results = tiny_model.classify(SAMPLE_TXT.read_text(encoding="utf-8"), threshold=threshold)
    assert results and all(r.is_content == (kept == "all") for r in results)


def test_line_results(tiny_model):
    text = "Home\n\nA sentence of an article that goes on for a while, as prose does.\n"
    results = tiny_model.classify(text)
    assert [r.line_no for r in results] == [1, 3]
    assert all(0.0 <= r.probability <= 1.0 for r in results)
    assert all(r.label == ("content" if r.is_content else "noise") for r in results)


@pytest.mark.parametrize("text", ["", "\n\n", "   \n\t"])
def test_empty_text_classifies_to_nothing(tiny_model, text):
    assert tiny_model.classify(text) == []
    assert tiny_model.extract(text) == ""


def test_training_format_errors_are_boilersift_errors():
    with pytest.raises(BoilersiftError, match="labels"):
        page_from_record({"id": "x", "lines": ["a", "b"], "labels": [1]})
    for wrong in (2, "yes", 0.5, None):
        with pytest.raises(BoilersiftError, match="labels must be 'noise' or 'content' \\(or 0 and 1\\), not"):
            page_from_record({"id": "x", "lines": ["a"], "labels": [wrong]})
    with pytest.raises(BoilersiftError, match="lines"):
        page_from_record({"id": "x", "lines": "a", "labels": [1]})


def test_training_format_roundtrip(small_pages):
    page = small_pages[0]
    again = page_from_record(page.to_record())
    assert again.labels == page.labels
    assert again.blocks == page.blocks
    assert again.meta == page.meta


def test_blank_lines_in_training_format_are_dropped_with_their_labels():
    page = page_from_record({"id": "x", "lines": ["", "Title", "  ", "Body text."], "labels": [0, 1, 0, 1]})
    assert [b.text for b in page.blocks] == ["Title", "Body text."]
    assert page.labels == [1, 1]


def test_load_pages_reads_gold_records(tmp_path):
    from conftest import GOLD_PAGES

    pages = load_pages([GOLD_PAGES], styles=("nodes", "blocks"))
    assert len(pages) == 6
    assert {p.meta["style"] for p in pages} == {"nodes", "blocks"}
    assert all(len(p.blocks) == len(p.labels) and 1 in p.labels and 0 in p.labels for p in pages)


@pytest.mark.parametrize("threshold", [0.0, 0.3])
def test_explicit_threshold_is_kept(small_pages, threshold):
    # 0.0 is a real choice (keep everything), not "no threshold given".
    assert train_model(small_pages, estimator=TEST_ESTIMATOR, dev_percent=0, threshold=threshold).threshold == threshold


def test_dev_source_holds_out_one_source(small_pages):
    source = small_pages[0].meta["source"]
    fit, tune, dev = split_pages(small_pages, 20, 15, dev_source=source)
    assert dev and all(p.meta["source"] == source for p in dev)
    assert all(p.meta["source"] != source for p in fit + tune)
    assert len(fit) + len(tune) + len(dev) == len(small_pages)


def test_dev_source_without_pages_is_an_error(small_pages):
    with pytest.raises(ValueError, match="no pages of source 'nowhere' to hold out"):
        train_model(small_pages, estimator=TEST_ESTIMATOR, dev_source="nowhere")
