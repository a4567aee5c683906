"""Two decision rules tried against the leave-one-source-out HTML models, at the shipped threshold 0.5.

1. **Little content keeps the main region**: today a page keeps its main region only when no block
   reaches the threshold (``decide.main_region``); here also when what it keeps has fewer than K
   words, the region being the maximum-sum run of the probabilities (``kadane``) or the DOM's main
   region and its joined siblings as the ``in_main_or_sibling`` feature finds them (``sibling``;
   ``in_main_region`` alone gave the same figures); ``k0+sibling`` keeps the run when nothing is
   kept and the DOM region otherwise.
2. **Passages across short lines**: consecutive paragraphs share their probability
   (``decide.smooth_runs``); here two paragraphs also do when up to GAP lines of at most SHORT
   words ("Advertisement") stand between them.

Every page of ../shared/datasets/ is scored once by the model that never saw its source (the
scores and region columns are cached in --cache), then each variant is applied to the cached
scores. Word F1, mean over pages, overall, per source and per page type.

    python experiments/loso_page_rules.py --loso-models DIR/html-* [--cache /tmp/page_rules.pkl]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import pickle  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, gold_of, page_row  # noqa: E402
from tqdm import tqdm  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.decide import (  # noqa: E402
    MAIN_REGION_WORDS,
    TINY_PAGE_BLOCKS,
    headline,
    is_paragraph,
    main_region,
    text_runs,
)
from boilersift.errors import InputError  # noqa: E402
from boilersift.evaluation.metrics import word_prf  # noqa: E402
from boilersift.features.featurize import feature_names, featurize_pages  # noqa: E402
from boilersift.labelled.data import read_jsonl  # noqa: E402

THRESHOLD = 0.5
Page = tuple[dict, list[str], np.ndarray, np.ndarray, np.ndarray, str]  # row, texts, scores, region, sibling, gold


def score_pages(model_dirs: list[str], datasets: Path, cache: Path) -> list[Page]:
    """Every page of the held-out sources: its blocks' texts, scores and DOM main-region columns."""
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    names = feature_names("html")
    region_col, sibling_col = names.index("in_main_region"), names.index("in_main_or_sibling")
    models = {m.manifest["split"]["dev_source"]: m for m in (Model.load(d, "html") for d in model_dirs)}
    records = [r for path in sorted(datasets.glob("*.jsonl.gz")) for r in read_jsonl(path) if r["source"] in models]
    pages = []
    for record in tqdm(records, desc="pages", unit="page"):
        model = models[record["source"]]
        try:
            blocks = model.html_blocks(record["html"], record["id"])
        except InputError:
            blocks = []
        scores = model.score_pages([blocks])[0] if blocks else np.zeros(0)
        X = featurize_pages([blocks], dom=True) if blocks else np.zeros((0, len(names)))
        pages.append((page_row(record), [b.text for b in blocks], scores, X[:, region_col] > 0,
                      X[:, sibling_col] > 0, record.get("gold") or ""))
    cache.write_bytes(pickle.dumps(pages))
    return pages


def smooth(texts: list[str], p: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """``decide.smooth_runs`` for any run ids (a run need not be consecutive lines)."""
    joined = np.bincount(runs)[runs] > 1
    if not joined.any():
        return p
    words = np.ones(len(texts))
    words[joined] = [max(len(texts[i].split()), 1) for i in np.flatnonzero(joined)]
    mean = np.bincount(runs, weights=words * p) / np.maximum(np.bincount(runs, weights=words), 1e-9)
    return np.maximum(p, mean[runs])


def runs_across(texts: list[str], gap: int, short: int) -> np.ndarray:
    """``decide.text_runs``, with a paragraph joined to the previous one across up to `gap` lines of at
    most `short` words (those lines keep runs of their own)."""
    runs = text_runs(texts).copy()
    last, skipped = None, 0
    for i, text in enumerate(texts):
        if is_paragraph(text):
            if last is not None and 0 < skipped <= gap:
                runs[runs == runs[i]] = runs[last]
            last, skipped = i, 0
        elif last is not None:
            skipped, last = (skipped + 1, last) if len(text.split()) <= short else (0, None)
    return runs


def keep_of(page: Page, below: int = 0, region: str = "kadane", gap: int = 0, short: int = 0) -> np.ndarray:
    """The blocks kept: ``decide.content_mask`` with the main region also kept when fewer than `below`
    words are (from `region`), and passages joined across short lines when `gap`."""
    _, texts, p, _, dom_sibling, _ = page
    p = smooth(texts, p, runs_across(texts, gap, short) if gap else text_runs(texts))
    keep = p >= THRESHOLD
    words = np.fromiter((len(t.split()) for t in texts), dtype=np.int64, count=len(texts))
    if not keep.any() and len(keep) <= TINY_PAGE_BLOCKS:
        keep[:] = True
    elif not keep.any() or words[keep].sum() < below:
        if region == "kadane" or (region == "k0+sibling" and not keep.any()):
            chosen = np.zeros(len(texts), dtype=bool)
            chosen[main_region(texts, p)] = True
        else:
            chosen = dom_sibling
        if words[chosen].sum() >= MAIN_REGION_WORDS:
            keep = keep | chosen
    title = headline(texts, keep)
    if title is not None:
        keep[title] = True
    return keep


def variants() -> dict[str, Callable[[Page], np.ndarray]]:
    out: dict[str, Callable[[Page], np.ndarray]] = {"default": keep_of}
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
    parser.add_argument("--loso-models", nargs="+", metavar="DIR", required=True)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/loso_page_rules.pkl"))
    args = parser.parse_args(argv)
    pages = score_pages(args.loso_models, args.datasets, args.cache)
    groups = sorted({p[0]["source"] for p in pages}) + sorted({f"type:{p[0]['page_type']}" for p in pages})
    print("| variant | all pages | " + " | ".join(groups) + " |")
    print("|---" * (len(groups) + 2) + "|")
    for name, rule in variants().items():
        scores = defaultdict(list)
        for page in pages:
            row, texts, *_, gold = page
            out = "\n".join(t for t, k in zip(texts, rule(page)) if k) if texts else ""
            f1 = word_prf(out, gold_of({"gold": gold, "lang": None})[0]).f1
            for key in ("all", row["source"], f"type:{row['page_type']}"):
                scores[key].append(f1)
        print(f"| {name} | {np.mean(scores['all']):.4f} | "
              + " | ".join(f"{np.mean(scores[g]):.4f}" for g in groups) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
