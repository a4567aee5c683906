"""Loading a model bundle: every way it can be wrong gives a one-line BoilersiftError that
names the bundle and says what is wrong and what to do, and nothing is ever unpickled."""

import hashlib
import io
import json
import pickle
import re
from pathlib import Path

import numpy as np
import pytest

from boilersift import BoilersiftError, Model
from boilersift.features.featurize import FEATURE_SCHEMA_VERSION
from boilersift.model.bundle import MANIFEST_FILE, MODEL_FILE, default_bundle_path


def edit_manifest(bundle: Path, **changes) -> None:
    path = bundle / MANIFEST_FILE
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is ...:
            manifest.pop(key, None)
        else:
            manifest[key] = value
    path.write_text(json.dumps(manifest), encoding="utf-8")


def set_stage_kind(bundle: Path, stage: str, kind: str) -> None:
    """Name another kind for one stage in the manifest, the other stages as they are."""
    stages = json.loads((bundle / MANIFEST_FILE).read_text(encoding="utf-8"))["stages"]
    edit_manifest(bundle, stages={**stages, stage: {"kind": kind}})


def replace_model_file(bundle: Path, data: bytes) -> None:
    """Swap model.npz for `data` and write its (matching) checksum into the manifest."""
    (bundle / MODEL_FILE).write_bytes(data)
    edit_manifest(bundle, model_sha256=hashlib.sha256(data).hexdigest())


def flip_one_byte(bundle: Path) -> None:
    data = bytearray((bundle / MODEL_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (bundle / MODEL_FILE).write_bytes(bytes(data))


def arrays_of(bundle: Path) -> dict[str, np.ndarray]:
    with np.load(bundle / MODEL_FILE) as arrays:
        return dict(arrays)


def npz(arrays: dict) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def with_arrays(**changes):
    """A model file: the bundle's arrays with `changes` (None drops an array)."""
    def make(bundle: Path) -> bytes:
        arrays = arrays_of(bundle)
        for key, value in changes.items():
            key = key.replace("__", ".")
            if value is None:
                del arrays[key]
            else:
                arrays[key] = value(arrays[key]) if callable(value) else value
        return npz(arrays)
    return make


def looped(left: np.ndarray) -> np.ndarray:
    """The first internal node's left child pointed back at the tree's root."""
    left = left.copy()
    left[np.flatnonzero(left >= 0)[1]] = 0
    return left


@pytest.fixture
def no_unpickling(monkeypatch):
    """Fail the test if anything is unpickled."""
    def refuse(*args, **kwargs):
        raise AssertionError("something was unpickled")
    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    joblib = pytest.importorskip("joblib")
    monkeypatch.setattr(joblib, "load", refuse)


def test_loading_never_unpickles(no_unpickling, tiny_bundle):
    page = "<html><body><nav>Home</nav><p>A sentence of an article, with words in it.</p></body></html>"
    for path in (default_bundle_path("text"), default_bundle_path("html"), tiny_bundle):
        assert Model.load(path).classify_html(page)


def test_shipped_bundles_hold_no_pickle():
    for name in ("text", "html"):
        files = sorted(p.name for p in default_bundle_path(name).iterdir())
        assert files == [MANIFEST_FILE, MODEL_FILE]
        with np.load(default_bundle_path(name) / MODEL_FILE, allow_pickle=False) as arrays:
            assert all(arrays[key].dtype.kind in "biuf" for key in arrays.files)


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
    ("format version of a newer boilersift",
     lambda b, tmp: edit_manifest(b, format_version=99),
     r"bundle format 99, this boilersift reads format 2; install a newer boilersift"),
    ("format version missing",
     lambda b, tmp: edit_manifest(b, format_version=...),
     r"unknown bundle format None; not a boilersift bundle"),
    ("a pickled bundle of format 1",
     lambda b, tmp: edit_manifest(b, format_version=1, libraries={"scikit-learn": "1.9.1"}),
     r"bundle format 1 is a pickle \(model\.joblib\), which boilersift no longer loads; if you trust its "
     r"source, convert it with `boilersift convert-model .* NEW_DIR --trust-pickle` \(needs "
     r"scikit-learn==1\.9\.1\), or retrain it"),
    ("feature schema mismatch",
     lambda b, tmp: edit_manifest(b, feature_schema_version="text-0"),
     rf"feature schema 'text-0' does not match this boilersift's '{FEATURE_SCHEMA_VERSION}'; retrain"),
    ("feature names changed under the same schema version",
     lambda b, tmp: edit_manifest(b, feature_names=["log_chars"]),
     r"feature schema .* does not match"),
    ("model file missing",
     lambda b, tmp: (b / MODEL_FILE).unlink(),
     r"model\.npz is missing"),
    ("checksum mismatch (one byte changed)",
     lambda b, tmp: flip_one_byte(b),
     r"checksum mismatch for model\.npz \(manifest [0-9a-f]{12}…, file [0-9a-f]{12}…\); the file is corrupt "
     r"or was replaced, refusing to load it"),
    ("stages missing from the manifest",
     lambda b, tmp: edit_manifest(b, stages=...),
     r"manifest\.json does not describe the model's stages"),
    ("a stage of an unknown kind",
     lambda b, tmp: edit_manifest(b, stages={"words": {"kind": "words"}, "final": {"kind": "svm"}}),
     r"model\.npz is not a valid model \(stage 'words' is of unknown kind 'words'"),
    ("a calibration in the final stage's place",
     lambda b, tmp: set_stage_kind(b, "final", "isotonic"),
     r"stage 'final' is of unknown kind 'isotonic' \(known: hashed_words, boosted_trees, forest, linear\)"),
    ("a classifier in the calibration's place",
     lambda b, tmp: set_stage_kind(b, "calibration", "linear"),
     r"stage 'calibration' is of unknown kind 'linear' \(known: isotonic\)"),
    ("threshold not a probability",
     lambda b, tmp: edit_manifest(b, threshold=7),
     r"threshold 7 is not a probability"),
    ("checksum missing from the manifest",
     lambda b, tmp: edit_manifest(b, model_sha256=...),
     r"checksum mismatch for model\.npz \(manifest None…"),
]


@pytest.mark.parametrize("breaker, message", [c[1:] for c in BROKEN_BUNDLES], ids=[c[0] for c in BROKEN_BUNDLES])
def test_broken_bundle_is_refused(bundle_copy, tmp_path, no_unpickling, breaker, message):
    breaker(bundle_copy, tmp_path)
    with pytest.raises(BoilersiftError) as info:
        Model.load(bundle_copy)
    text = str(info.value)
    assert text.startswith(f"model {bundle_copy}: ")
    assert re.search(message, text), text
    assert "\n" not in text


# (case id, what model.npz holds (its checksum matches), regex the message must match)
WRONG_CONTENTS = [
    ("a pickle", lambda b: pickle.dumps({"not": "arrays"}),
     r"model\.npz is not a file of numeric arrays \(it holds pickled objects, or is no array file at all\); "
     r"boilersift did not write it, refusing to load it"),
    ("an object array (a pickle inside the npz)", with_arrays(final__value=np.array([{"x": 1}], dtype=object)),
     r"model\.npz is not a file of numeric arrays"),
    ("text", lambda b: b"this is not an array file\n",
     r"model\.npz is not a file of numeric arrays"),
    ("empty file", lambda b: b"",
     r"cannot read model\.npz \(\w+.*\); the file is truncated or damaged"),
    ("truncated", lambda b: (b / MODEL_FILE).read_bytes()[:5000],
     r"cannot read model\.npz \(\w+.*\); the file is truncated or damaged"),
    ("an array missing", with_arrays(final__value=None),
     r"model\.npz is not a valid model \(array 'final\.value' is missing\)"),
    ("an array of text", with_arrays(words__coef=np.array(["a", "b"])),
     r"array 'words\.coef' has type <U1, expected float64"),
    ("an array of the wrong shape", with_arrays(first__threshold=lambda a: a.reshape(1, -1)),
     r"array 'first\.threshold' has 2 dimensions, expected 1"),
    ("arrays of different lengths", with_arrays(final__value=lambda a: a[:-1]),
     r"tree arrays are empty or of different lengths"),
    ("a node link out of range", with_arrays(final__right=lambda a: np.where(a >= 0, a + 10**6, a)),
     r"tree node links point outside the tree arrays"),
    ("a node link that loops", with_arrays(first__left=looped),
     r"tree node links form a loop or join two branches"),
    ("a node testing a feature the model has not", with_arrays(final__feature=lambda a: np.where(a >= 0, 999, a)),
     r"tree nodes test features outside 0\.\.\d+"),
    ("a calibration that is not monotone", with_arrays(calibration__y=lambda a: np.linspace(1, 0, len(a))),
     r"calibration breakpoints are not a monotone map onto \[0, 1\]"),
    ("the same arrays, written again by numpy", with_arrays(), None),  # loads: the format is plain npz
]


@pytest.mark.parametrize("contents, message", [c[1:] for c in WRONG_CONTENTS], ids=[c[0] for c in WRONG_CONTENTS])
def test_model_file_with_wrong_contents(bundle_copy, no_unpickling, contents, message):
    replace_model_file(bundle_copy, contents(bundle_copy))
    if message is None:
        assert Model.load(bundle_copy).threshold
        return
    with pytest.raises(BoilersiftError) as info:
        Model.load(bundle_copy)
    text = str(info.value)
    assert text.startswith(f"model {bundle_copy}: ")
    assert re.search(message, text), text
    assert "\n" not in text


def test_stages_that_do_not_fit_the_feature_names(bundle_copy):
    """A first pass dropped from a model that was trained with one."""
    manifest = json.loads((bundle_copy / MANIFEST_FILE).read_text(encoding="utf-8"))
    del manifest["stages"]["first"]
    (bundle_copy / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BoilersiftError, match="the stages in model.npz do not fit its feature names"):
        Model.load(bundle_copy)


@pytest.mark.parametrize("make", [
    lambda tmp: tmp / "does-not-exist",
    lambda tmp: tmp,  # an existing directory without a bundle in it
])
def test_not_a_bundle_directory(tmp_path, make):
    path = make(tmp_path)
    with pytest.raises(BoilersiftError, match=r"^model .*: (not a bundle directory|no manifest\.json)"):
        Model.load(path)


def test_missing_dir_message(tmp_path):
    with pytest.raises(BoilersiftError) as info:
        Model.load(tmp_path / "nope")
    assert str(info.value) == (f"model {tmp_path / 'nope'}: not a bundle directory "
                               "(expected manifest.json and model.npz inside)")


def test_file_instead_of_directory(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"x")
    with pytest.raises(BoilersiftError, match="not a bundle directory"):
        Model.load(path)


def test_intact_copy_loads(bundle_copy):
    model = Model.load(bundle_copy)
    assert isinstance(model, Model)
    assert model.classify("Home\nA sentence of an article.")


def test_default_bundle_loads(default_model):
    assert (default_bundle_path() / MANIFEST_FILE).is_file()
    assert default_model.manifest["feature_schema_version"] == FEATURE_SCHEMA_VERSION
    assert 0 < default_model.threshold < 1


def test_save_overwrites_a_bundle(tiny_model, bundle_copy):
    flip_one_byte(bundle_copy)
    tiny_model.save(bundle_copy)
    Model.load(bundle_copy)
    assert sorted(p.name for p in bundle_copy.iterdir()) == sorted([MODEL_FILE, MANIFEST_FILE])
