"""Model bundles: a directory with ``manifest.json`` and ``model.npz``. A bundle is data.

``model.npz`` holds the fitted stages as plain numeric arrays (:mod:`boilersift.predictors`);
the manifest holds everything else as JSON: bundle format and feature-schema versions,
the kind and scalars of each stage, the feature names, the threshold, the library
versions it was trained with, a fingerprint of the training data, its dev metrics and
the SHA-256 of ``model.npz``. Loading reads JSON and arrays (``allow_pickle=False``),
checks that they make a valid model and never runs code from the bundle, so a bundle
from anyone is safe to load; the checksum catches corruption and accidental swaps.
Nothing here imports scikit-learn: a bundle loads with any numpy this package
supports, whatever scikit-learn trained it. docs/bundle-format.md describes the format.
"""

from __future__ import annotations

import hashlib
import json
import platform
import zipfile
from datetime import datetime, timezone
from importlib import metadata, resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .. import __version__
from ..errors import BoilersiftError
from ..features.featurize import (
    FEATURE_SCHEMAS,
    feature_names,
    model_feature_names,
    second_pass_names,
)
from .predictors import (
    CALIBRATION_KINDS,
    PAGE_TYPE_KINDS,
    STAGE_KINDS,
    FormatError,
    stage_from_arrays,
)
from .stages import Stages

BUNDLE_FORMAT_VERSION = 2
PICKLE_FORMAT_VERSION = 1  # model.joblib: read only by `boilersift convert-model --trust-pickle`
MODEL_FILE = "model.npz"
MANIFEST_FILE = "manifest.json"
DEFAULT_BUNDLES = {"text": "text-default", "html": "html-default"}
STAGE_NAMES = ("words", "first", "final", "calibration", "page_type")
KINDS = {"calibration": CALIBRATION_KINDS, "page_type": PAGE_TYPE_KINDS}  # the other stages: STAGE_KINDS


def default_bundle_path(input_format: str = "text") -> Path:
    """The shipped default for an input format ("text" or "html"): inside the
    installed package, or in the repo's models/."""
    name = DEFAULT_BUNDLES[input_format]
    packaged = Path(str(resources.files("boilersift"))) / "models" / name
    if (packaged / MANIFEST_FILE).exists():
        return packaged
    return Path(__file__).resolve().parents[3] / "models" / name


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """The versions of what trains a model (read from the installed metadata, not imported)."""
    versions = {"boilersift": __version__, "python": platform.python_version()}
    for name in ("scikit-learn", "numpy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


class Bundle(NamedTuple):
    """What a bundle holds: the fitted stages, the threshold and the manifest."""

    classifier: Stages
    threshold: float
    manifest: dict


def save_bundle(bundle: Bundle, path: str | Path) -> dict:
    """Write `bundle` to the directory `path` (created; files replaced atomically); the manifest written."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    classifier = bundle.classifier
    arrays, stages = {}, {}
    for name in STAGE_NAMES:
        stage = getattr(classifier, name)
        if stage is not None:
            stage_arrays, stages[name] = stage.to_arrays(name)
            arrays.update(stage_arrays)
    tmp_model = path / f".{MODEL_FILE}.tmp"
    with open(tmp_model, "wb") as handle:
        np.savez_compressed(handle, **arrays)
    manifest = {
        **bundle.manifest,
        "format_version": BUNDLE_FORMAT_VERSION,
        "input_format": classifier.input_format,
        "feature_schema_version": FEATURE_SCHEMAS[classifier.input_format],
        "feature_names": list(classifier.feature_names),
        "threshold": bundle.threshold,
        "stages": stages,
        "libraries": bundle.manifest.get("libraries") or library_versions(),
        "created": bundle.manifest.get("created") or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model_file": MODEL_FILE,
        "model_sha256": sha256(tmp_model),
    }
    tmp_manifest = path / f".{MANIFEST_FILE}.tmp"
    tmp_manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp_model.replace(path / MODEL_FILE)
    tmp_manifest.replace(path / MANIFEST_FILE)
    return manifest


def read_manifest(path: Path) -> dict:
    manifest_path = path / MANIFEST_FILE
    if not path.is_dir():
        raise BoilersiftError(f"model {path}: not a bundle directory "
                              f"(expected {MANIFEST_FILE} and {MODEL_FILE} inside)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BoilersiftError(f"model {path}: no {MANIFEST_FILE}; not a boilersift bundle") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoilersiftError(f"model {path}: unreadable {MANIFEST_FILE} ({exc})") from None
    if not isinstance(manifest, dict):
        raise BoilersiftError(f"model {path}: {MANIFEST_FILE} is not a JSON object")
    return manifest


def check_format(path: Path, manifest: dict) -> None:
    """Raise, saying what to do, if this boilersift does not read the bundle's format."""
    version = manifest.get("format_version")
    if version == BUNDLE_FORMAT_VERSION:
        return
    if version == PICKLE_FORMAT_VERSION:
        trained_with = manifest.get("libraries", {}).get("scikit-learn", "?")
        raise BoilersiftError(
            f"model {path}: bundle format 1 is a pickle (model.joblib), which boilersift no longer loads; "
            f"if you trust its source, convert it with `boilersift convert-model {path} NEW_DIR --trust-pickle` "
            f"(needs scikit-learn=={trained_with}), or retrain it with `boilersift train`")
    if isinstance(version, int) and version > BUNDLE_FORMAT_VERSION:
        raise BoilersiftError(f"model {path}: bundle format {version}, this boilersift reads format "
                              f"{BUNDLE_FORMAT_VERSION}; install a newer boilersift")
    raise BoilersiftError(f"model {path}: unknown bundle format {version!r}; not a boilersift bundle")


def check_manifest(path: Path, manifest: dict) -> None:
    """Raise with a precise message if the bundle cannot be used by this version."""
    check_format(path, manifest)
    input_format = manifest.get("input_format")
    if input_format not in FEATURE_SCHEMAS:
        raise BoilersiftError(f"model {path}: unknown input format {input_format!r} (this boilersift "
                              f"knows {', '.join(FEATURE_SCHEMAS)}); install a newer boilersift")
    schema = manifest.get("feature_schema_version")
    names = manifest.get("feature_names")
    expected = list(model_feature_names(input_format))
    known = (expected, expected[:-len(second_pass_names(input_format))])  # with/without the second pass
    if schema != FEATURE_SCHEMAS[input_format] or names not in known:
        raise BoilersiftError(
            f"model {path}: feature schema {schema!r} does not match this boilersift's "
            f"{FEATURE_SCHEMAS[input_format]!r}; retrain it with `boilersift train`, or install the "
            f"boilersift version it was trained with ({manifest.get('libraries', {}).get('boilersift', '?')})")
    model_file = path / MODEL_FILE
    if not model_file.is_file():
        raise BoilersiftError(f"model {path}: {MODEL_FILE} is missing")
    actual = sha256(model_file)
    if actual != manifest.get("model_sha256"):
        raise BoilersiftError(
            f"model {path}: checksum mismatch for {MODEL_FILE} (manifest "
            f"{str(manifest.get('model_sha256'))[:12]}…, file {actual[:12]}…); the file is corrupt "
            "or was replaced, refusing to load it")


def check_bundle(path: Path) -> dict:
    """The manifest of a bundle this version can use (checksum included), without loading the model."""
    manifest = read_manifest(path)
    check_manifest(path, manifest)
    return manifest


def read_stages(path: Path, manifest: dict) -> Stages:
    """The stages of a checked bundle, from its arrays and the manifest's parameters."""
    params = manifest.get("stages")
    if not isinstance(params, dict) or not {"words", "final"} <= set(params):
        raise BoilersiftError(f"model {path}: {MANIFEST_FILE} does not describe the model's stages")
    try:
        with np.load(path / MODEL_FILE, allow_pickle=False) as arrays:
            stages = {name: stage_from_arrays(arrays, name, params[name], KINDS.get(name, STAGE_KINDS))
                      if name in params else None for name in STAGE_NAMES}
    except FormatError as exc:
        raise BoilersiftError(f"model {path}: {MODEL_FILE} is not a valid model ({exc}); "
                              "get the bundle again or retrain it") from None
    except ValueError:  # numpy refuses pickled data and object arrays (its message suggests unpickling)
        raise BoilersiftError(f"model {path}: {MODEL_FILE} is not a file of numeric arrays (it holds pickled "
                              "objects, or is no array file at all); boilersift did not write it, refusing "
                              "to load it") from None
    except (OSError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise BoilersiftError(f"model {path}: cannot read {MODEL_FILE} ({type(exc).__name__}: {exc}); "
                              "the file is truncated or damaged: get the bundle again or retrain it") from None
    classifier = Stages(**stages, input_format=manifest["input_format"])
    final_columns = len(manifest["feature_names"])
    second_pass = final_columns == len(model_feature_names(classifier.input_format))
    if classifier.final.n_features_in_ != final_columns or (classifier.first is not None) != second_pass or \
            (second_pass and classifier.first.n_features_in_ != final_columns
             - len(second_pass_names(classifier.input_format))):
        raise BoilersiftError(f"model {path}: the stages in {MODEL_FILE} do not fit its feature names")
    if classifier.page_type is not None and \
            classifier.page_type.n_features_in_ != 2 * len(feature_names(classifier.input_format)):
        raise BoilersiftError(f"model {path}: the page-type stage in {MODEL_FILE} does not fit the features")
    return classifier


def load_bundle(path: str | Path) -> Bundle:
    """Load and verify a bundle."""
    path = Path(path)
    manifest = check_bundle(path)
    threshold = manifest.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
        raise BoilersiftError(f"model {path}: threshold {threshold!r} is not a probability")
    return Bundle(read_stages(path, manifest), float(threshold), manifest)
