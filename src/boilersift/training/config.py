"""The choices of training, one field each, with their defaults (what ``boilersift train`` does).

A module of its own, imported by the command line without the rest of training (which
imports scikit-learn): the command's options are the fields of :class:`TrainConfig`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

# Default shares of the training pages of a text model that get a widget, that start at their
# content, and that get a related-items list after their article (augment.py), and whose word
# scores are those of an unknown language (estimators.BlockClassifier; results/loso_unfamiliar.md,
# results/loso_unfamiliar_rate.md).
WIDGET_RATE, START_RATE, RELATED_RATE, UNFAMILIAR_RATE = 0.5, 0.0, 0.3, 0.5
# Share of the injected widgets that go into one of the last gaps of the article.
TAIL_SHARE = 0.5


@dataclass(frozen=True)
class TrainConfig:
    """One field per choice of training; the defaults are what ``boilersift train`` does (the
    command's options set the fields of the same names)."""

    input_format: str = "text"  # "text": a model of text scrapes; "html": of HTML blocks with DOM features
    estimator: str | None = None  # a pass estimator (estimators.PASS_ESTIMATORS); None: the format's default
    second_pass: bool = True  # the neighbour-aware second pass
    calibrate: bool = True  # map the final probability onto the tune pages' share of content lines
    threshold: float | None = None  # None: the best mean word F1 on the tune pages
    dev_percent: int = 20  # share of the sites held out for the reported metrics
    tune_percent: int = 15  # share of the other sites that choose the threshold (and calibrate)
    dev_fold: int = 0  # which block of dev_percent of the sites is held out (cross-validation by site)
    dev_source: str | None = None  # hold out every page of this source instead
    seed: int = 0  # of the augmentation, training's one random choice
    folds: str = "page"  # what the cross-fitting folds keep whole: each "page", or each "site" (as new sites are)
    # A page of a source of n pages weighs n ** -source_balance: 0 pages alike, 1 sources alike.
    source_balance: float = 0.0
    bags: int = 1  # fits of the boosted passes, each on another draw of the cross-fitting folds, log-odds averaged
    # Augmentation of text scrapes (augment.py); None: its default for text, none for HTML.
    widget_rate: float | None = None  # share of fit pages that get an ad widget inside the article
    start_rate: float | None = None  # ... that start at their first content line
    related_rate: float | None = None  # ... that get a related-items list after the article
    tail_share: float = TAIL_SHARE  # share of the widgets put after the last or next-to-last paragraph
    # ... whose word scores the later stages learn from as if the page's language were unknown to the
    # word stage (estimators.BlockClassifier), so that they fall back on shape and context
    unfamiliar_rate: float | None = None

    def rates(self) -> tuple[float, float, float, float]:
        """The (widget, start, related, unfamiliar) rates of the augmentation: as set, else the
        defaults above for text scrapes and none for HTML, whose blocks cannot be spliced (and
        whose held-out figures unfamiliar word scores made worse, results/loso_unfamiliar_html.md)."""
        def rate(value: float | None, default: float) -> float:
            return value if value is not None else default if self.input_format == "text" else 0.0

        return (rate(self.widget_rate, WIDGET_RATE), rate(self.start_rate, START_RATE),
                rate(self.related_rate, RELATED_RATE), rate(self.unfamiliar_rate, UNFAMILIAR_RATE))

    @classmethod
    def of_manifest(cls, manifest: dict) -> TrainConfig:
        """The configuration a model was trained with, from what its manifest records (the
        fields a manifest predates keep their defaults), so that it can be fitted again."""
        split, params = manifest["split"], manifest["estimator_params"]
        recorded = {field.name: split[field.name] for field in fields(cls) if field.name in split}
        return cls(**{**recorded, "input_format": params["input_format"], "estimator": manifest["estimator"],
                      "second_pass": params["second_pass"], "bags": params.get("bags", 1),
                      "calibrate": split.get("calibrated", True)})
