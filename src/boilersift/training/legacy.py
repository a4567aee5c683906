"""Converting a bundle of format 1 (``model.joblib``, a pickle) to the array format.

Unpickling runs code from the file, so this is the one place that does it, behind
``boilersift convert-model --trust-pickle``; it needs the scikit-learn version the
bundle was trained with. The converted bundle predicts what the pickle predicted
(shown for the shipped models in experiments/results/bundle_conversion.md).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import BoilersiftError
from ..model.bundle import PICKLE_FORMAT_VERSION, read_manifest, sha256
from ..pipeline import Model

PICKLE_FILE = "model.joblib"
# Manifest fields of format 1 that format 2 writes anew or no longer has.
REWRITTEN = ("format_version", "model_file", "model_sha256", "feature_names", "threshold")


class PickledLineClassifier:
    """What a format-1 pickle holds as ``boilersift.model.LineClassifier``: only its fitted stages
    are read (``words_``, a hashing vectorizer and logistic regression; ``first_``; ``final_``)."""

    input_format = "text"


class PickledBlockClassifier(PickledLineClassifier):
    """``boilersift.model.BlockClassifier`` of a format-1 pickle: the same, of HTML blocks."""

    input_format = "html"


def _pickled_names():
    """Where format-1 pickles look for boilersift's classes: they lived in the module boilersift.model."""
    from ..model import predictors, stages

    return {"LineClassifier": PickledLineClassifier, "BlockClassifier": PickledBlockClassifier,
            "words_and_bigrams": predictors.words_and_bigrams, "Cascade": stages.Cascade}


def load_pickled(path: Path) -> tuple:
    """The fitted `FixedThresholdClassifier` of a format-1 bundle, and its manifest."""
    import joblib
    import sklearn
    from sklearn.exceptions import InconsistentVersionWarning

    from .. import model

    manifest = read_manifest(path)
    if manifest.get("format_version") != PICKLE_FORMAT_VERSION:
        raise BoilersiftError(f"model {path}: not a format-1 (pickle) bundle; nothing to convert")
    pickle_file = path / str(manifest.get("model_file", PICKLE_FILE))
    if not pickle_file.is_file() or sha256(pickle_file) != manifest.get("model_sha256"):
        raise BoilersiftError(f"model {path}: {pickle_file.name} is missing or does not match its checksum")
    trained_with = manifest.get("libraries", {}).get("scikit-learn", "?")
    names = _pickled_names()
    try:
        for name, value in names.items():
            setattr(model, name, value)
        with warnings.catch_warnings():
            warnings.simplefilter("error", InconsistentVersionWarning)
            estimator = joblib.load(pickle_file)
    except InconsistentVersionWarning:
        raise BoilersiftError(
            f"model {path}: pickled with scikit-learn {trained_with}, but {sklearn.__version__} is installed; "
            f"convert it in an environment with scikit-learn=={trained_with}") from None
    except Exception as exc:  # a damaged pickle can raise almost anything
        raise BoilersiftError(f"model {path}: cannot unpickle {pickle_file.name} "
                              f"({type(exc).__name__}: {exc})") from None
    finally:
        for name in names:
            delattr(model, name)
    return estimator, manifest


def convert_pickled_bundle(path: str | Path, target: str | Path) -> Path:
    """Read the format-1 bundle `path` (unpickling it) and write it as a format-2 bundle to `target`."""
    from .estimators import export_stages, word_vectorizer

    path, target = Path(path), Path(target)
    estimator, manifest = load_pickled(path)
    classifier = getattr(estimator, "estimator_", None)  # format 1 pickled a FixedThresholdClassifier
    if not isinstance(classifier, PickledLineClassifier):
        raise BoilersiftError(f"model {path}: {PICKLE_FILE} does not hold a fitted boilersift estimator")
    vectorizer, linear = classifier.words_[0], classifier.words_[-1]
    if vectorizer.get_params() != word_vectorizer().get_params():
        raise BoilersiftError(f"model {path}: its word stage hashes words unlike boilersift's ({vectorizer!r})")
    stages = export_stages(linear, classifier.first_, classifier.final_, classifier.input_format)
    kept = {key: value for key, value in manifest.items() if key not in REWRITTEN}
    return Model(stages, float(estimator.threshold), kept).save(target)
