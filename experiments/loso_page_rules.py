"""Two decision rules tried against the leave-one-source-out HTML models, at the shipped threshold 0.5.

1. **Little content keeps the main region**: today a page keeps its main region only when no block
   reaches the threshold (``decide.main_region``); here also when what it keeps has fewer than K
   words, the region being the maximum-sum run of the probabilities (``kadane``) or the DOM's main
   region and its joined siblings as the ``in_main_or_sibling`` feature finds them (``sibling``;
   the ``in_main_region`` column alone gave the same figures); ``k0+sibling`` keeps the run when
   nothing is kept and the DOM region otherwise.
2. **Passages across short lines**: consecutive paragraphs share their probability
   (``decide.smooth_runs``); here two paragraphs also do when up to GAP lines of at most SHORT
   words ("Advertisement") stand between them.

Every page of ../shared/datasets/ is scored once by the model that never saw its source (scores
and the region column cached in --cache by ``loso_decisions.score_pages``), then each variant is
applied to the cached scores. Word F1, mean over pages, overall, per source and per page type.

    python experiments/loso_page_rules.py --loso-models DIR/html-* [--cache /tmp/page_rules.pkl]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import gold_of  # noqa: E402
from loso_decisions import ScoredPage, score_pages, scored_pages_arguments  # noqa: E402

from boilersift.blocks.text import Block  # noqa: E402
from boilersift.decide import (  # noqa: E402
    MAIN_REGION_WORDS,
    TINY_PAGE_BLOCKS,
    headline,
    is_paragraph,
    main_region,
    raise_to_run_means,
    text_runs,
)
from boilersift.evaluation.metrics import word_prf  # noqa: E402
from boilersift.features.featurize import feature_names, featurize_pages  # noqa: E402

THRESHOLD = 0.5
SIBLING = feature_names("html").index("in_main_or_sibling")


def dom_sibling(blocks: list[Block]) -> np.ndarray:
    """The blocks in the DOM's main region or a sibling joined to it (the ``in_main_or_sibling`` feature)."""
    return featurize_pages([blocks], dom=True)[:, SIBLING] > 0 if blocks else np.zeros(0, dtype=bool)


def runs_across(texts: list[str], gap: int, short: int) -> np.ndarray:
    """``decide.text_runs``, with a paragraph joined to the previous one across up to `gap` lines of at
    most `short` words (those lines keep runs of their own); runs numbered 0, 1, ..."""
    runs = text_runs(texts).copy()
    last, skipped = None, 0
    for i, text in enumerate(texts):
        if is_paragraph(text):
            if last is not None and 0 < skipped <= gap:
                runs[runs == runs[i]] = runs[last]
            last, skipped = i, 0
        elif last is not None:
            skipped, last = (skipped + 1, last) if len(text.split()) <= short else (0, None)
    return np.unique(runs, return_inverse=True)[1]


def keep_of(page: ScoredPage, below: int = 0, region: str = "kadane", gap: int = 0, short: int = 0) -> np.ndarray:
    """The blocks kept: ``decide.content_mask`` with the main region also kept when fewer than `below`
    words are (from `region`), and passages joined across short lines when `gap`."""
    texts, p, sibling = page.texts, page.scores, page.extra
    p = raise_to_run_means(texts, p, runs_across(texts, gap, short) if gap else text_runs(texts))
    keep = p >= THRESHOLD
    words = np.fromiter((len(t.split()) for t in texts), dtype=np.int64, count=len(texts))
    if not keep.any() and len(keep) <= TINY_PAGE_BLOCKS:
        keep[:] = True
    elif not keep.any() or words[keep].sum() < below:
        if region == "kadane" or (region == "k0+sibling" and not keep.any()):
            chosen = np.zeros(len(texts), dtype=bool)
            chosen[main_region(texts, p)] = True
        else:
            chosen = sibling
        if words[chosen].sum() >= MAIN_REGION_WORDS:
            keep = keep | chosen
    title = headline(texts, keep)
    if title is not None:
        keep[title] = True
    return keep


def variants() -> dict[str, Callable[[ScoredPage], np.ndarray]]:
    out: dict[str, Callable[[ScoredPage], np.ndarray]] = {"default": keep_of}
    for below in (25, 100):
        for region in ("kadane", "sibling", "k0+sibling"):
            out[f"{region} below {below} words"] = lambda page, b=below, r=region: keep_of(page, b, r)
    for gap in (1, 3):
        for short in (4,):
            out[f"passages across {gap} lines of <= {short} words"] = \
                lambda page, g=gap, s=short: keep_of(page, gap=g, short=s)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scored_pages_arguments(parser, Path("/tmp/loso_page_rules.pkl"))
    args = parser.parse_args(argv)
    pages = score_pages(args.loso_models, args.datasets, args.cache, extra=dom_sibling)["pages"]
    groups = sorted({p[0]["source"] for p in pages}) + sorted({f"type:{p[0]['page_type']}" for p in pages})
    print("| variant | all pages | " + " | ".join(groups) + " |")
    print("|---" * (len(groups) + 2) + "|")
    for name, rule in variants().items():
        scores = defaultdict(list)
        for page in pages:
            row, texts, gold = page.row, page.texts, page.gold
            out = "\n".join(t for t, k in zip(texts, rule(page)) if k) if texts else ""
            f1 = word_prf(out, gold_of({"gold": gold, "lang": None})[0]).f1
            for key in ("all", row["source"], f"type:{row['page_type']}"):
                scores[key].append(f1)
        print(f"| {name} | {np.mean(scores['all']):.4f} | "
              + " | ".join(f"{np.mean(scores[g]):.4f}" for g in groups) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
