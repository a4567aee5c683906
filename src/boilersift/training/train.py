"""Training: split by site, fit, pick the threshold, measure on held-out sites.

Pages are split three ways by a hash of their site (never by line or page, so
no site's navigation is seen in both halves): ``dev`` sites are held out for
the reported metrics, ``tune`` sites choose the threshold, the rest fit the
estimator (and calibrate its probabilities). A model trained on data without site metadata
falls back to page ids.
"""

from __future__ import annotations

import dataclasses
import time

from ..evaluation.evaluate import best_threshold, evaluate, page_probabilities
from ..labelled.data import LabeledPage, fingerprint, is_dev_site
from ..model.bundle import library_versions
from ..pipeline import DEFAULT_THRESHOLD, Model
from .augment import augment
from .config import TrainConfig
from .estimators import (
    DEFAULT_ESTIMATOR,
    BlockClassifier,
    fit_calibration,
    fit_classifier,
    fit_page_type,
)

TUNE_SALT = "tune:"


def split_pages(pages: list[LabeledPage], dev_percent: int, tune_percent: int, dev_fold: int = 0,
                dev_source: str | None = None) -> tuple[list[LabeledPage], list[LabeledPage], list[LabeledPage]]:
    """(fit, tune, dev) pages, assigned by site; `dev_fold` picks which sites are dev, or
    `dev_source` holds out every page of one source instead (leave one source out)."""
    fit, tune, dev = [], [], []
    for page in pages:
        site = str(page.meta.get("site") or page.id)
        held_out = page.meta.get("source") == dev_source if dev_source else is_dev_site(site, dev_percent, dev_fold)
        if held_out:
            dev.append(page)
        elif is_dev_site(TUNE_SALT + site, tune_percent):
            tune.append(page)
        else:
            fit.append(page)
    return fit, tune, dev


def fit_stages(fit_pages: list[LabeledPage], config: TrainConfig) -> BlockClassifier:
    """The classifier of a model, fitted on its fit pages augmented as `config` says (what
    :func:`train_model` calibrates and puts a threshold on)."""
    widget_rate, start_rate, related_rate, unfamiliar_rate = config.rates()
    augmented = augment(fit_pages, widget_rate, config.seed, start_rate, related_rate, config.tail_share)
    return fit_classifier(augmented, config.estimator or DEFAULT_ESTIMATOR, config.second_pass,
                          config.input_format, config.source_balance, config.folds, unfamiliar_rate, config.seed,
                          config.bags)


def train_model(pages: list[LabeledPage], config: TrainConfig | None = None, progress: bool = False,
                **changes) -> Model:
    """Fit a model on `pages` as `config` says (default: :class:`TrainConfig`; keyword arguments
    change its fields, ``train_model(pages, input_format="html")``) and record its pedigree and
    dev metrics in the manifest. The fit pages are augmented (:mod:`boilersift.training.augment`;
    `seed` chooses which pages get which widget: dev word F1 spanned 0.854 to 0.861 over three
    seeds, experiments/compare_seeds.py). `calibrate` maps the probabilities onto the share of
    content lines of the tune pages (:func:`estimators.fit_calibration`) before the threshold is
    chosen on them, so that the decisions over the page work on probabilities of one scale.
    Pages that name their `page_type` teach the model the kind of page
    (:func:`estimators.fit_page_type`)."""
    config = dataclasses.replace(config or TrainConfig(), **changes)
    widget_rate, start_rate, related_rate, unfamiliar_rate = config.rates()
    input_format, dev_percent, dev_fold = config.input_format, config.dev_percent, config.dev_fold
    if input_format == "html" and (widget_rate > 0 or start_rate > 0 or related_rate > 0):
        raise ValueError("augmentation splices text lines; train an HTML model with "
                         "--widget-rate 0 --start-rate 0 --related-rate 0")
    if not 0 <= dev_fold < max(100 // max(dev_percent, 1), 1):
        raise ValueError(f"dev fold {dev_fold} out of range: folds are 0 .. {100 // max(dev_percent, 1) - 1} "
                         f"with {dev_percent}% of the sites per fold")
    estimator = config.estimator or DEFAULT_ESTIMATOR
    dev_source, threshold = config.dev_source, config.threshold
    fit_pages, tune_pages, dev_pages = split_pages(pages, dev_percent, config.tune_percent, dev_fold, dev_source)
    if dev_source and not dev_pages:
        raise ValueError(f"no pages of source {dev_source!r} to hold out")
    if not fit_pages:
        raise ValueError("no training pages left after the dev/tune split; lower --dev-percent")
    started = time.perf_counter()
    classifier = fit_stages(fit_pages, config)
    model = Model(classifier.export(), DEFAULT_THRESHOLD if threshold is None else threshold)
    if config.calibrate and tune_pages:
        model.classifier = dataclasses.replace(model.classifier,
                                               calibration=fit_calibration(model.classifier, tune_pages))
    model.classifier = dataclasses.replace(model.classifier, page_type=fit_page_type(fit_pages, input_format))
    fit_seconds = time.perf_counter() - started
    if threshold is None and tune_pages:
        model.threshold = float(best_threshold(tune_pages, page_probabilities(model, tune_pages), model.decisions))
    model.manifest = {
        "estimator": estimator,
        "estimator_params": classifier.get_params(),
        "libraries": library_versions(),
        "training_data": fingerprint(fit_pages),  # as given; augmentation is seeded, see split
        "split": {"dev_percent": dev_percent, "dev_fold": dev_fold, "dev_source": dev_source,
                  "tune_percent": config.tune_percent,
                  "fit_pages": len(fit_pages), "tune_pages": len(tune_pages), "dev_pages": len(dev_pages),
                  "widget_rate": widget_rate, "start_rate": start_rate, "seed": config.seed,
                  "source_balance": config.source_balance, "folds": config.folds,
                  "calibrated": config.calibrate, "related_rate": related_rate, "tail_share": config.tail_share,
                  "unfamiliar_rate": unfamiliar_rate,
                  "tune_data": fingerprint(tune_pages)["sha256"], "dev_data": fingerprint(dev_pages)["sha256"]},
        "fit_seconds": round(fit_seconds, 1),
    }
    if dev_pages:
        report, _ = evaluate(model, dev_pages, progress=progress)
        model.manifest["dev_metrics"] = {
            name: {"word": s["word"], "line": s["line"], **({"per_style": s["per_style"]} if "per_style" in s else {})}
            for name, s in report["systems"].items()}
        if "page_type" in report:
            model.manifest["dev_metrics"]["page_type"] = report["page_type"]
    return model
