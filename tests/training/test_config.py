"""TrainConfig: the defaults of training, and the augmentation each input format gets."""

import pytest

from boilersift.training.config import RELATED_RATE, START_RATE, UNFAMILIAR_RATE, WIDGET_RATE, TrainConfig
from boilersift.training.estimators import PASS_ESTIMATORS


@pytest.mark.parametrize("config, rates", [
    (TrainConfig(), (WIDGET_RATE, START_RATE, RELATED_RATE, UNFAMILIAR_RATE)),  # text scrapes: the defaults
    (TrainConfig(input_format="html"), (0.0, 0.0, 0.0, 0.0)),  # HTML blocks cannot be spliced
    (TrainConfig(widget_rate=0.1), (0.1, START_RATE, RELATED_RATE, UNFAMILIAR_RATE)),  # a rate set is kept
    (TrainConfig(input_format="html", related_rate=0.2), (0.0, 0.0, 0.2, 0.0)),  # ... for HTML too (train refuses it)
    (TrainConfig(input_format="html", unfamiliar_rate=0.3), (0.0, 0.0, 0.0, 0.3)),  # which HTML can take
    (TrainConfig(widget_rate=0.0, start_rate=0.0, related_rate=0.0, unfamiliar_rate=0.0), (0.0, 0.0, 0.0, 0.0)),
])
def test_augmentation_rates_by_input_format(config, rates):
    assert config.rates() == rates


def test_train_refuses_augmenting_html_blocks(small_pages):
    from boilersift.training.train import train_model

    with pytest.raises(ValueError, match="augmentation splices text lines"):
        train_model(small_pages, input_format="html", widget_rate=0.5)


def test_every_option_of_train_sets_a_field():
    """`boilersift train` builds its TrainConfig from the options of the same names."""
    import dataclasses

    from boilersift.cli import build_parser

    args = build_parser().parse_args(["train", "data.jsonl", "-o", "out"])
    config = TrainConfig(**{f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)})
    assert config == TrainConfig()  # and the command's defaults are TrainConfig's


@pytest.mark.parametrize("estimator", sorted(PASS_ESTIMATORS))
def test_train_offers_every_pass_estimator(estimator):
    """The command line names the estimators without importing scikit-learn: every one training knows."""
    from boilersift.cli import build_parser

    args = build_parser().parse_args(["train", "data.jsonl", "-o", "out", "--estimator", estimator])
    assert args.estimator == estimator


def test_a_model_is_fitted_again_from_its_manifest(tiny_model, small_pages):
    """What the manifest records is the whole configuration: fitted again from it on the same
    fit pages, the stages come out the same (experiments/reference_probabilities.py relies on it)."""
    import numpy as np
    from conftest import TEST_ESTIMATOR

    from boilersift.training.train import fit_stages, split_pages

    config = TrainConfig.of_manifest(tiny_model.manifest)
    assert config.estimator == TEST_ESTIMATOR and config.dev_percent == 0
    assert config.rates() == TrainConfig().rates()
    fit, _, _ = split_pages(small_pages, config.dev_percent, config.tune_percent, config.dev_fold)
    again = fit_stages(fit, config).export()
    for name in ("words", "first", "final"):
        arrays, trained = (getattr(stages, name).to_arrays(name)[0] for stages in (again, tiny_model.classifier))
        assert arrays.keys() == trained.keys()
        assert all(np.array_equal(arrays[key], trained[key]) for key in arrays)
