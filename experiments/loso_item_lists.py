"""A decision rule for item lists, measured leave one source out: on a page the page-type stage
calls a listing or collection (or also a product page), a block in the main region (or a sibling
of it, as the features find it) whose place in the markup repeats at least RUN times is kept at
0.5 at least. Every page scored by the model that never saw its source (``loso_decisions.py``'s
scoring, with each block's main-region and path columns kept), WCXB's kinds cross-validated by site
(``loso_kind_threshold.py``); word F1 at the threshold 0.5 with the shipped decisions.

    python experiments/loso_item_lists.py --loso-models experiments/loso/html-*
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
from loso_decisions import evaluate, score_pages, scored_pages_arguments  # noqa: E402
from loso_kind_threshold import held_out_pages  # noqa: E402

from boilersift.decide import DEFAULT_DECISIONS  # noqa: E402
from boilersift.features.featurize import feature_names, featurize  # noqa: E402

COLUMNS = [feature_names("html").index(name) for name in ("in_main_or_sibling", "log_path_blocks")]


def item_columns(blocks: list) -> np.ndarray:
    """Each block's main-region and markup-path columns of the features."""
    return featurize(blocks, dom=True)[:, COLUMNS] if blocks else np.zeros((0, len(COLUMNS)))


def with_item_lists(pages: list, kinds: set[str], run: int) -> list:
    """The pages with the rule applied to their scores."""
    out = []
    for page in pages:
        if page.kind in kinds and len(page.texts):
            item = (page.extra[:, 0] > 0) & (np.expm1(page.extra[:, 1]) >= run)
            page = page._replace(scores=np.where(item, np.maximum(page.scores, 0.5), page.scores))
        out.append(page)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scored_pages_arguments(parser)
    args = parser.parse_args(argv)
    cached = score_pages(args.loso_models, args.datasets, args.cache.with_name("item_lists.pkl"), extra=item_columns)
    pages, _ = held_out_pages(cached, args.datasets, 0.5)
    base = evaluate(pages, DEFAULT_DECISIONS)
    types = ("listing", "collection", "product", "article")
    print("| rule | word F1 | change per source | " + " | ".join(types) + " |\n" + "|---" * 7 + "|")
    print(f"| none | {base['f1']:.4f} | | " + " | ".join(f"{base['per_page_type'][t]['f1']:.3f}" for t in types) + " |")
    for kind_set in (("listing", "collection"), ("listing", "collection", "product")):
        for run in (3, 5):
            r = evaluate(with_item_lists(pages, set(kind_set), run), DEFAULT_DECISIONS)
            changes = ", ".join(f"{s} {v['f1'] - base['per_source'][s]['f1']:+.4f}" for s, v in r["per_source"].items()
                                if abs(v["f1"] - base["per_source"][s]["f1"]) >= 0.00005)
            print(f"| {' + '.join(kind_set)}, run {run} | {r['f1']:.4f} | {changes} | "
                  + " | ".join(f"{r['per_page_type'][t]['f1']:.3f}" for t in types) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
