"""Loading a model bundle: every way it can be wrong gives a BoilersiftError that
names the bundle and says what is wrong, and nothing is unpickled before the
manifest and the checksum are verified."""

import hashlib
import json
import re
import warnings
from pathlib import Path

import joblib
import pytest
from sklearn.exceptions import InconsistentVersionWarning
from sklearn.linear_model import LogisticRegression

from boilersift import BoilersiftError, Model
from boilersift.bundle import MANIFEST_FILE, MODEL_FILE, default_bundle_path, load_bundle
from boilersift.features import FEATURE_SCHEMA_VERSION


def edit_manifest(bundle: Path, **changes) -> None:
    path = bundle / MANIFEST_FILE
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is ...:
            manifest.pop(key, None)
        else:
            manifest[key] = value
    path.write_text(json.dumps(manifest), encoding="utf-8")


def replace_model_file(bundle: Path, data: bytes) -> None:
    """Swap model.joblib for `data` and write its (matching) checksum into the manifest."""
    (bundle / MODEL_FILE).write_bytes(data)
    edit_manifest(bundle, model_sha256=hashlib.sha256(data).hexdigest())


def flip_one_byte(bundle: Path) -> None:
    data = bytearray((bundle / MODEL_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (bundle / MODEL_FILE).write_bytes(bytes(data))


def dumped(obj, tmp_path: Path) -> bytes:
    path = tmp_path / "other.joblib"
    joblib.dump(obj, path)
    return path.read_bytes()


@pytest.fixture
def no_unpickling(monkeypatch):
    """Fail the test if anything is unpickled."""
    def refuse(*args, **kwargs):
        raise AssertionError("joblib.load called before the bundle was verified")
    monkeypatch.setattr("boilersift.bundle.joblib.load", refuse)


# (case id, how to break a copy of the bundle, regex the message must match)
BROKEN_BUNDLES = [
    ("missing manifest",
     lambda b, tmp: (b / MANIFEST_FILE).unlink(),
     r"no manifest\.json; not a boilersift bundle"),
    ("corrupt manifest JSON",
     lambda b, tmp: (b / MANIFEST_FILE).write_text('{"format_version": 1,', encoding="utf-8"),
     r"unreadable manifest\.json \("),
    ("manifest not UTF-8",
     lambda b, tmp: (b / MANIFEST_FILE).write_bytes(b'{"x": "\xff"}'),
     r"unreadable manifest\.json \("),
    ("manifest not an object",
     lambda b, tmp: (b / MANIFEST_FILE).write_text("[1, 2]", encoding="utf-8"),
     r"manifest\.json is not a JSON object"),
    ("format version mismatch",
     lambda b, tmp: edit_manifest(b, format_version=99),
     r"bundle format 99, this boilersift reads format 1; retrain it with `boilersift train`"),
    ("format version missing",
     lambda b, tmp: edit_manifest(b, format_version=...),
     r"bundle format None, this boilersift reads format 1"),
    ("feature schema mismatch",
     lambda b, tmp: edit_manifest(b, feature_schema_version="text-0"),
     rf"feature schema 'text-0' does not match this boilersift's '{FEATURE_SCHEMA_VERSION}'; retrain"),
    ("feature names changed under the same schema version",
     lambda b, tmp: edit_manifest(b, feature_names=["log_chars"]),
     r"feature schema .* does not match"),
    ("model file missing",
     lambda b, tmp: (b / MODEL_FILE).unlink(),
     r"model\.joblib is missing"),
    ("checksum mismatch (one byte changed)",
     lambda b, tmp: flip_one_byte(b),
     r"checksum mismatch for model\.joblib \(manifest [0-9a-f]{12}…, file [0-9a-f]{12}…\); the file is corrupt "
     r"or was replaced, refusing to load it"),
    ("checksum missing from the manifest",
     lambda b, tmp: edit_manifest(b, model_sha256=...),
     r"checksum mismatch for model\.joblib \(manifest None…"),
]


@pytest.mark.parametrize("breaker, message", [c[1:] for c in BROKEN_BUNDLES], ids=[c[0] for c in BROKEN_BUNDLES])
def test_broken_bundle_is_refused_before_unpickling(bundle_copy, tmp_path, no_unpickling, breaker, message):
    breaker(bundle_copy, tmp_path)
    with pytest.raises(BoilersiftError) as info:
        load_bundle(bundle_copy)
    text = str(info.value)
    assert text.startswith(f"model {bundle_copy}: ")
    assert re.search(message, text), text
    assert "\n" not in text


# (case id, what model.joblib holds (its checksum matches), regex the message must match)
WRONG_CONTENTS = [
    ("a dict", lambda tmp: dumped({"not": "a model"}, tmp),
     r"model\.joblib does not hold a fitted boilersift estimator"),
    ("an unfitted estimator", lambda tmp: dumped(LogisticRegression(), tmp),
     r"model\.joblib does not hold a fitted boilersift estimator"),
    ("not a pickle", lambda tmp: b"this is not a joblib file\n",
     r"cannot load model\.joblib \(\w+"),
    ("empty file", lambda tmp: b"",
     r"cannot load model\.joblib \(\w+"),
    ("truncated joblib", lambda tmp: dumped({"a": list(range(1000))}, tmp)[:40],
     r"cannot load model\.joblib \(\w+"),
]


@pytest.mark.parametrize("contents, message", [c[1:] for c in WRONG_CONTENTS], ids=[c[0] for c in WRONG_CONTENTS])
def test_model_file_with_wrong_contents(bundle_copy, tmp_path, contents, message):
    replace_model_file(bundle_copy, contents(tmp_path))
    with pytest.raises(BoilersiftError) as info:
        load_bundle(bundle_copy)
    assert str(info.value).startswith(f"model {bundle_copy}: ")
    assert re.search(message, str(info.value)), str(info.value)


def test_estimator_for_other_features(bundle_copy, tmp_path):
    from sklearn.dummy import DummyClassifier
    from sklearn.model_selection import FixedThresholdClassifier

    other = FixedThresholdClassifier(DummyClassifier()).fit([[0.0, 1.0], [1.0, 0.0]], [0, 1])
    replace_model_file(bundle_copy, dumped(other, tmp_path))
    with pytest.raises(BoilersiftError, match="does not hold a fitted boilersift estimator"):
        load_bundle(bundle_copy)


@pytest.mark.parametrize("make", [
    lambda tmp: tmp / "does-not-exist",
    lambda tmp: tmp,  # an existing directory without a bundle in it
])
def test_not_a_bundle_directory(tmp_path, make):
    path = make(tmp_path)
    with pytest.raises(BoilersiftError, match=r"^model .*: (not a bundle directory|no manifest\.json)"):
        load_bundle(path)


def test_missing_dir_message(tmp_path):
    with pytest.raises(BoilersiftError) as info:
        load_bundle(tmp_path / "nope")
    assert str(info.value) == (f"model {tmp_path / 'nope'}: not a bundle directory "
                               "(expected manifest.json and model.joblib inside)")


def test_file_instead_of_directory(tmp_path):
    path = tmp_path / "model.joblib"
    path.write_bytes(b"x")
    with pytest.raises(BoilersiftError, match="not a bundle directory"):
        load_bundle(path)


def test_scikit_learn_version_mismatch(bundle_copy, monkeypatch):
    edit_manifest(bundle_copy, libraries={"scikit-learn": "0.0.1"})

    def load_with_warning(*args, **kwargs):
        warnings.warn(InconsistentVersionWarning(estimator_name="X", current_sklearn_version="9",
                                                 original_sklearn_version="0.0.1"))
        raise AssertionError("the warning must stop the load")
    monkeypatch.setattr("boilersift.bundle.joblib.load", load_with_warning)
    with pytest.raises(BoilersiftError, match=r"trained with scikit-learn 0\.0\.1, but .* is installed; "
                                              r"install scikit-learn==0\.0\.1 or retrain"):
        load_bundle(bundle_copy)


def test_intact_copy_loads(bundle_copy):
    model = load_bundle(bundle_copy)
    assert isinstance(model, Model)
    assert model.classify("Home\nA sentence of an article.")


def test_default_bundle_loads(default_model):
    assert (default_bundle_path() / MANIFEST_FILE).is_file()
    assert default_model.manifest["feature_schema_version"] == FEATURE_SCHEMA_VERSION
    assert 0 < default_model.threshold < 1


def test_save_overwrites_a_bundle(tiny_model, bundle_copy):
    flip_one_byte(bundle_copy)
    tiny_model.save(bundle_copy)
    load_bundle(bundle_copy)
    assert sorted(p.name for p in bundle_copy.iterdir()) == sorted([MODEL_FILE, MANIFEST_FILE])
