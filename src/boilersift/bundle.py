"""Model bundles: a directory with ``model.joblib`` and ``manifest.json``.

The manifest is the model's pedigree: bundle format and feature-schema versions,
the library versions it was trained with, a fingerprint of the training data,
its dev metrics and the SHA-256 of the joblib file. Loading checks the manifest
*before* unpickling (a joblib file runs code when loaded, so a file that does not
match its manifest is never opened) and says exactly what is wrong.

Trust model: only load bundles you trust. The checksum detects corruption and
accidental swaps, not an attacker who can also rewrite the manifest.
"""

from __future__ import annotations

import hashlib
import json
import platform
import warnings
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.exceptions import InconsistentVersionWarning

from . import __version__
from .errors import BoilersiftError
from .features import FEATURE_SCHEMAS, FIRST_PASS_NAMES, model_feature_names
from .model import LineClassifier, Model

BUNDLE_FORMAT_VERSION = 1
MODEL_FILE = "model.joblib"
MANIFEST_FILE = "manifest.json"
DEFAULT_BUNDLES = {"text": "text-default", "html": "html-default"}


def default_bundle_path(input_format: str = "text") -> Path:
    """The shipped default for an input format ("text" or "html"): inside the
    installed package, or in the repo's models/."""
    name = DEFAULT_BUNDLES[input_format]
    packaged = Path(str(resources.files("boilersift"))) / "models" / name
    if (packaged / MANIFEST_FILE).exists():
        return packaged
    return Path(__file__).resolve().parents[2] / "models" / name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    return {"boilersift": __version__, "scikit-learn": sklearn.__version__,
            "numpy": np.__version__, "joblib": joblib.__version__,
            "python": platform.python_version()}


def save_bundle(model: Model, path: str | Path) -> Path:
    """Write `model` to the bundle directory `path` (created; files replaced atomically)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    tmp_model = path / f".{MODEL_FILE}.tmp"
    joblib.dump(model.estimator, tmp_model, compress=3)
    manifest = {
        **model.manifest,
        "format_version": BUNDLE_FORMAT_VERSION,
        "input_format": model.input_format,
        "feature_schema_version": FEATURE_SCHEMAS[model.input_format],
        "feature_names": list(model.estimator.estimator_.feature_names_),
        "threshold": model.threshold,
        "libraries": library_versions(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model_file": MODEL_FILE,
        "model_sha256": _sha256(tmp_model),
    }
    tmp_manifest = path / f".{MANIFEST_FILE}.tmp"
    tmp_manifest.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp_model.replace(path / MODEL_FILE)
    tmp_manifest.replace(path / MANIFEST_FILE)
    model.manifest = manifest
    return path


def read_manifest(path: Path) -> dict:
    manifest_path = path / MANIFEST_FILE
    if not path.is_dir():
        raise BoilersiftError(f"model {path}: not a bundle directory (expected {MANIFEST_FILE} and {MODEL_FILE} inside)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BoilersiftError(f"model {path}: no {MANIFEST_FILE}; not a boilersift bundle") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoilersiftError(f"model {path}: unreadable {MANIFEST_FILE} ({exc})") from None
    if not isinstance(manifest, dict):
        raise BoilersiftError(f"model {path}: {MANIFEST_FILE} is not a JSON object")
    return manifest


def check_manifest(path: Path, manifest: dict) -> None:
    """Raise with a precise message if the bundle cannot be used by this version."""
    version = manifest.get("format_version")
    if version != BUNDLE_FORMAT_VERSION:
        raise BoilersiftError(
            f"model {path}: bundle format {version!r}, this boilersift reads format "
            f"{BUNDLE_FORMAT_VERSION}; retrain it with `boilersift train`")
    input_format = manifest.get("input_format", "text")  # bundles before HTML support are text models
    if input_format not in FEATURE_SCHEMAS:
        raise BoilersiftError(f"model {path}: unknown input format {input_format!r} (this boilersift "
                              f"knows {', '.join(FEATURE_SCHEMAS)}); install a newer boilersift")
    schema = manifest.get("feature_schema_version")
    names = manifest.get("feature_names")
    expected = list(model_feature_names(input_format))
    known = (expected, expected[:-len(FIRST_PASS_NAMES)])  # with/without the second pass
    if schema != FEATURE_SCHEMAS[input_format] or names not in known:
        raise BoilersiftError(
            f"model {path}: feature schema {schema!r} does not match this boilersift's "
            f"{FEATURE_SCHEMAS[input_format]!r}; retrain it with `boilersift train`, or install the "
            f"boilersift version it was trained with ({manifest.get('libraries', {}).get('boilersift', '?')})")
    model_file = path / str(manifest.get("model_file", MODEL_FILE))
    if not model_file.is_file():
        raise BoilersiftError(f"model {path}: {model_file.name} is missing")
    actual = _sha256(model_file)
    if actual != manifest.get("model_sha256"):
        raise BoilersiftError(
            f"model {path}: checksum mismatch for {model_file.name} (manifest "
            f"{str(manifest.get('model_sha256'))[:12]}…, file {actual[:12]}…); the file is corrupt "
            "or was replaced, refusing to load it")


def check_bundle(path: Path) -> dict:
    """The manifest of a bundle this version can use (checksum included), without loading the model."""
    manifest = read_manifest(path)
    check_manifest(path, manifest)
    return manifest


def load_bundle(path: str | Path | None = None) -> Model:
    """Load and verify a bundle; None loads the shipped default."""
    path = Path(path) if path is not None else default_bundle_path()
    manifest = check_bundle(path)
    input_format = manifest.get("input_format", "text")
    trained_with = manifest.get("libraries", {}).get("scikit-learn", "?")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", InconsistentVersionWarning)
            estimator = joblib.load(path / str(manifest.get("model_file", MODEL_FILE)))
    except InconsistentVersionWarning:
        raise BoilersiftError(
            f"model {path}: trained with scikit-learn {trained_with}, but {sklearn.__version__} is "
            f"installed; install scikit-learn=={trained_with} or retrain with `boilersift train`") from None
    except Exception as exc:  # a corrupt pickle can raise almost anything
        raise BoilersiftError(f"model {path}: cannot load {MODEL_FILE} ({type(exc).__name__}: {exc})") from None
    classifier = getattr(estimator, "estimator_", None)
    if not isinstance(classifier, LineClassifier) or classifier.input_format != input_format \
            or estimator.n_features_in_ != len(manifest["feature_names"]):
        raise BoilersiftError(f"model {path}: {MODEL_FILE} does not hold a fitted boilersift estimator")
    return Model(estimator, manifest)
