"""A lower threshold on pages of another kind than an article, measured leave one source out.

Every page of ../shared/datasets/ is scored by the HTML model that never saw its source (the
cache of ``loso_decisions.py``). The kind of page comes from that model's page-type stage; the
model that never saw WCXB has none (only WCXB labels page types), so the WCXB pages get their
kind from a page-type classifier fitted as ``train`` fits it (``fit_page_type``) on the WCXB
pages of other sites, in five folds by site. Each margin of
:attr:`boilersift.decide.DecisionConfig.kind_margin` is then scored against the gold (word F1,
mean over pages), overall and per source, page type and language.

    python experiments/loso_kind_threshold.py --loso-models experiments/loso/html-*

Writes ``loso_kind_threshold.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import RESULTS  # noqa: E402
from loso_decisions import evaluate, markdown, score_pages, scored_pages_arguments  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from boilersift.decide import DEFAULT_DECISIONS  # noqa: E402
from boilersift.labelled.data import LabeledPage, load_pages  # noqa: E402
from boilersift.model.stages import page_kinds  # noqa: E402
from boilersift.training.estimators import fit_page_type  # noqa: E402

MARGINS = (0.0, 0.1, 0.2, 0.3)


def site_fold_page_types(path: Path, folds: int = 5, input_format: str = "html",
                         styles: tuple[str, ...] = ("dom",)) -> tuple[dict[str, Any], list[LabeledPage]]:
    """For each page of `path` (WCXB), keyed "id#style" for each of `styles`, a page-type stage of
    `input_format` fitted as ``train`` fits it (``fit_page_type``) on the pages of the other sites
    (`folds` folds by site); and the pages."""
    pages = [p for p in load_pages([path], list(styles)) if p.blocks]
    sites = [p.meta.get("site") or p.id for p in pages]
    stages: dict[str, Any] = {}
    for fit, held in GroupKFold(folds).split(pages, groups=sites):
        stage = fit_page_type([pages[i] for i in fit], input_format)
        stages.update({pages[i].id: stage for i in held})
    return stages, pages


def cross_validated_kinds(path: Path, folds: int = 5, input_format: str = "html",
                          styles: tuple[str, ...] = ("dom",)) -> tuple[dict[tuple[str, str], str], float]:
    """The kind of each page of `path` (WCXB) in each of `styles`, keyed (id, style), from a
    page-type stage of `input_format` fitted on the pages of the other sites
    (:func:`site_fold_page_types`), and its accuracy on the pages that name their kind."""
    stages, pages = site_fold_page_types(path, folds, input_format, styles)
    kinds: dict[tuple[str, str], str] = {}
    for page in pages:
        [kind] = page_kinds(stages[page.id], page.blocks, input_format)
        kinds[tuple(page.id.split("#"))] = kind  # "id#style"
    named = [(kinds[tuple(p.id.split("#"))], p.meta.get("page_type")) for p in pages
             if p.meta.get("page_type") not in (None, "unknown")]
    return kinds, float(np.mean([a == b for a, b in named]))


def with_wcxb_kinds(pages: list, kinds: dict[tuple[str, str], str], threshold: float) -> list:
    """`pages` at one `threshold`, WCXB's with `kinds` (:func:`cross_validated_kinds`)."""
    return [p._replace(threshold=threshold,
                       kind=kinds.get((p.row["id"], "dom")) if p.row["source"] == "wcxb" else p.kind)
            for p in pages]


def held_out_pages(cached: dict, datasets: Path, threshold: float) -> tuple[list, float]:
    """The cached held-out pages at one `threshold`, WCXB's with their kinds cross-validated by
    site (:func:`cross_validated_kinds`), and that accuracy."""
    kinds, accuracy = cross_validated_kinds(datasets / "wcxb_dev.jsonl.gz")
    return with_wcxb_kinds(cached["pages"], kinds, threshold), accuracy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scored_pages_arguments(parser)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="one threshold for every model (default 0.5, the shipped HTML model's)")
    args = parser.parse_args(argv)
    cached = score_pages(args.loso_models, args.datasets, args.cache)
    pages, accuracy = held_out_pages(cached, args.datasets, args.threshold)
    systems = {f"kind margin {margin}" + (" (as before)" if margin == 0 else ""):
               evaluate(pages, dataclasses.replace(DEFAULT_DECISIONS, kind_margin=margin)) for margin in MARGINS}
    meta = {"command": shlex.join(["python", "experiments/loso_kind_threshold.py", "--loso-models",
                                   *[f"experiments/loso/{Path(d).name}" for d in args.loso_models]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(pages),
            "models": [Path(d).name for d in args.loso_models], "threshold": args.threshold,
            "wcxb_kind_accuracy": accuracy}
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "loso_kind_threshold.json").write_text(json.dumps({"meta": meta, "systems": systems}, indent=1))
    text = markdown({"meta": meta, "systems": systems}).replace(
        "# Decisions over the page, leave one source out",
        "# A lower threshold on pages that are no article, leave one source out\n\n"
        f"WCXB's kinds cross-validated by site: {accuracy:.3f} of its pages that name their kind get it right.")
    (args.output_dir / "loso_kind_threshold.md").write_text(text)
    print(text[:2500])
    return 0


if __name__ == "__main__":
    sys.exit(main())
