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
from .augment import RELATED_RATE, START_RATE, TAIL_SHARE, WIDGET_RATE, augment
from .estimators import (
    DEFAULT_ESTIMATORS,
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


def train_model(pages: list[LabeledPage], estimator: str | None = None,
                dev_percent: int = 20, tune_percent: int = 15,
                threshold: float | None = None, widget_rate: float = WIDGET_RATE,
                second_pass: bool = True, input_format: str = "text", progress: bool = False,
                dev_fold: int = 0, start_rate: float = START_RATE, seed: int = 0,
                related_rate: float = RELATED_RATE, tail_share: float = TAIL_SHARE,
                dev_source: str | None = None, calibrate: bool = True) -> Model:
    """Fit a model on `pages` and record its pedigree and dev metrics in the manifest.
    `estimator` names a pass estimator (:data:`estimators.PASS_ESTIMATORS`; None: the default for `input_format`);
    `widget_rate` of the fit pages get an ad widget injected (a `tail_share` of them after
    the article's last or next-to-last paragraph), `related_rate` a related-items list
    after the article, and `start_rate` start at their first content line (:mod:`boilersift.augment`);
    `input_format` "html" trains a BlockClassifier on DOM blocks; `dev_fold` holds out
    another block of sites, to cross-validate by site (:func:`data.is_dev_site`), and
    `dev_source` every page of one source, to measure a source never seen; `seed`
    seeds the augmentation (which pages get which widget), the one random choice of
    training: dev word F1 spanned 0.854 to 0.861 over three seeds (experiments/compare_seeds.py).
    `calibrate` maps the probabilities onto the share of content lines of the tune pages
    (:func:`estimators.fit_calibration`) before the threshold is chosen on them, so that the
    decisions over the page work on probabilities of one scale (CHANGELOG.md has what it did). Pages that name
    their `page_type` teach the model the kind of page (:func:`estimators.fit_page_type`)."""
    if input_format == "html" and (widget_rate > 0 or start_rate > 0 or related_rate > 0):
        raise ValueError("augmentation splices text lines; train an HTML model with "
                         "--widget-rate 0 --start-rate 0 --related-rate 0")
    if not 0 <= dev_fold < max(100 // max(dev_percent, 1), 1):
        raise ValueError(f"dev fold {dev_fold} out of range: folds are 0 .. {100 // max(dev_percent, 1) - 1} "
                         f"with {dev_percent}% of the sites per fold")
    estimator = estimator or DEFAULT_ESTIMATORS[input_format]
    fit_pages, tune_pages, dev_pages = split_pages(pages, dev_percent, tune_percent, dev_fold, dev_source)
    if dev_source and not dev_pages:
        raise ValueError(f"no pages of source {dev_source!r} to hold out")
    if not fit_pages:
        raise ValueError("no training pages left after the dev/tune split; lower --dev-percent")
    started = time.perf_counter()
    cut = DEFAULT_THRESHOLD if threshold is None else threshold
    augmented = augment(fit_pages, widget_rate, seed, start_rate, related_rate, tail_share)
    classifier = fit_classifier(augmented, estimator, second_pass, input_format)
    model = Model(classifier.export(), cut)
    if calibrate and tune_pages:
        model.classifier = dataclasses.replace(model.classifier,
                                               calibration=fit_calibration(model.classifier, tune_pages))
    model.classifier = dataclasses.replace(model.classifier, page_type=fit_page_type(fit_pages, input_format))
    fit_seconds = time.perf_counter() - started
    if threshold is None and tune_pages:
        model.threshold = float(best_threshold(tune_pages, page_probabilities(model, tune_pages)))
    model.manifest = {
        "estimator": estimator,
        "estimator_params": classifier.get_params(),
        "libraries": library_versions(),
        "training_data": fingerprint(fit_pages),  # as given; augmentation is seeded, see split
        "split": {"dev_percent": dev_percent, "dev_fold": dev_fold, "dev_source": dev_source,
                  "tune_percent": tune_percent,
                  "fit_pages": len(fit_pages), "tune_pages": len(tune_pages), "dev_pages": len(dev_pages),
                  "widget_rate": widget_rate, "start_rate": start_rate, "seed": seed, "calibrated": calibrate,
                  "related_rate": related_rate, "tail_share": tail_share,
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
