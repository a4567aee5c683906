"""Does a page signal tell the held-out HTML scores something new? A screen for features before a
model is trained with them (nine folds take about an hour; this, minutes).

Every page of ../shared/datasets/ is scored by the HTML model that never saw its source (the
cache of ``loso_decisions.py``). For each family of candidate columns, a logistic regression
of each block's gold label (``labels.align_labels``) on the logit of its held-out probability,
the columns and their products with that logit is fitted on eight sources (each page weighing
alike) and scores the blocks of the ninth; the shipped decisions then run on those scores. The
reference is the same regression on the logit alone (`recalibrated`): it moves where the
threshold falls, so each family is judged against it, and by ordering (each source and each
page at its own best threshold, sweep 0.1-0.9) more than at 0.5.

Families:

- **title**: the share of a block's content words in the page's ``<title>`` and ``og:title``,
  the share of the title's words in the block, their mean over the 21 blocks around, and
  whether the page has a title (the article is about what its title says; teasers are not);
- **links**: the share of a block's characters in links to an article-like address of the
  page's own site (a slug of four words or more, a long number, a dated path), to another
  page of the site, to another site, or to an anchor or script; whether the block is mostly one
  article-like link (a teaser's headline), and whether the block before or after is;
- **h1**: whether the block comes before the page's first ``<h1>`` of three words or more, its
  log distance from it, whether the page has one, and whether it has several.

    python experiments/loso_stack_probe.py --loso-models experiments/loso/html-* --cache CACHE

Writes ``loso_stack_probe.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import html as html_module  # noqa: E402
import re  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import RESULTS  # noqa: E402
from loso_decisions import (  # noqa: E402
    ScoredPage,
    evaluate,
    kept_text,
    score_pages,
    scored_pages_arguments,
    write_report,
)
from sklearn.linear_model import LogisticRegression  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.blocks.text import Block  # noqa: E402
from boilersift.decide import DEFAULT_DECISIONS  # noqa: E402
from boilersift.evaluation.metrics import word_prf  # noqa: E402
from boilersift.features.featurize import content_words  # noqa: E402
from boilersift.labelled.data import read_jsonl  # noqa: E402
from boilersift.labelled.labels import align_labels  # noqa: E402
from boilersift.sites import site_of_url  # noqa: E402

TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)
OG_TITLE = re.compile(r"<meta[^>]+property=[\"']og:title[\"'][^>]*content=[\"']([^\"']*)", re.I)
ARTICLE_PATH = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){3,}|\d{5,}|/20\d\d/\d\d?/")
THRESHOLDS = np.arange(0.1, 0.91, 0.05)
Page = tuple[ScoredPage, dict, list[Block]]  # a cached page, its record, its blocks


def window_mean(values: np.ndarray, half: int = 10) -> np.ndarray:
    kernel = np.ones(2 * half + 1) / (2 * half + 1)
    return np.convolve(np.pad(values, half, mode="edge"), kernel, mode="valid")


def title_columns(page: Page) -> np.ndarray:
    _, record, blocks = page
    head = record["html"][:200_000]
    title = " ".join(m.group(1) for m in (TITLE.search(head), OG_TITLE.search(head)) if m)
    words = set(content_words(html_module.unescape(re.sub(r"<[^>]+>", " ", title))))
    own, covered = [], []
    for block in blocks:
        mine = content_words(block.text)
        own.append(sum(w in words for w in mine) / len(mine) if mine else 0.0)
        covered.append(len(words & set(mine)) / len(words) if words else 0.0)
    own_array = np.array(own)
    return np.column_stack([own_array, covered, window_mean(own_array), np.full(len(blocks), float(bool(words)))])


def _link_kind(href: str | None, site: str | None) -> int:
    """0 an article-like address of the page's site, 1 another of its pages, 2 another site, 3 an anchor or script."""
    if not href or href.startswith(("#", "javascript", "mailto")):
        return 3
    parts = urlsplit(href)
    host = site_of_url(href) if parts.hostname else site
    if host and site and host != site and not host.endswith("." + site) and not site.endswith("." + host):
        return 2
    return 0 if ARTICLE_PATH.search(parts.path.lower()) else 1


def link_columns(page: Page) -> np.ndarray:
    _, record, blocks = page
    site = site_of_url(record.get("url"))
    shares = np.zeros((len(blocks), 4))
    for i, block in enumerate(blocks):
        for text, href in block.dom.links if block.dom else ():
            shares[i, _link_kind(href, site)] += len(text) / max(len(block.text), 1)
    teaser = (shares[:, 0] > 0.5).astype(float)
    return np.column_stack([shares, teaser, np.r_[0.0, teaser[:-1]], np.r_[teaser[1:], 0.0]])


def h1_columns(page: Page) -> np.ndarray:
    blocks = page[2]
    heads = [i for i, b in enumerate(blocks) if b.dom and b.dom.tag == "h1" and len(b.text.split()) >= 3]
    rows, n = np.arange(len(blocks)), len(blocks)
    if not heads:
        return np.zeros((n, 4))
    first = heads[0]
    return np.column_stack([(rows < first).astype(float), np.log1p(np.abs(rows - first)), np.ones(n),
                            np.full(n, float(len(heads) > 1))])


FAMILIES: dict[str, Callable[[Page], np.ndarray]] = {"title": title_columns, "links": link_columns, "h1": h1_columns}


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def stacked(pages: list[Page], labels: list[np.ndarray], columns: list[np.ndarray] | None) -> list[ScoredPage]:
    """The cached pages with scores of the regression fitted on the other sources (see the module docstring)."""
    X = []
    for i, (scored, _, _) in enumerate(pages):
        z = logit(np.asarray(scored.scores))[:, None]
        X.append(z if columns is None else np.column_stack([z, columns[i], columns[i] * z]))
    sources = np.array([scored.row["source"] for scored, _, _ in pages])
    scores: list[np.ndarray | None] = [None] * len(pages)
    for source in sorted(set(sources)):
        fit = np.flatnonzero(sources != source)
        weights = np.concatenate([np.full(len(labels[i]), 1 / len(labels[i])) for i in fit])
        model = LogisticRegression(max_iter=2000).fit(np.vstack([X[i] for i in fit]),
                                                      np.concatenate([labels[i] for i in fit]), sample_weight=weights)
        for i in np.flatnonzero(sources == source):
            scores[i] = model.predict_proba(X[i])[:, 1]
    return [scored._replace(scores=s) for (scored, _, _), s in zip(pages, scores)]


def ordering(pages: list[ScoredPage]) -> dict:
    """Word F1 with each source, and each page, at its own best threshold of the sweep."""
    f1 = np.array([[word_prf(kept_text(p._replace(threshold=t), DEFAULT_DECISIONS), p.gold).f1 for p in pages]
                   for t in THRESHOLDS])
    sources = np.array([p.row["source"] for p in pages])
    per_source = {s: float(f1[:, sources == s].mean(axis=1).max()) for s in sorted(set(sources))}
    pooled = sum(per_source[s] * (sources == s).sum() for s in per_source) / len(pages)
    return {"best_per_source": pooled, "best_per_page": float(f1.max(axis=0).mean()), "per_source": per_source}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scored_pages_arguments(parser)
    parser.add_argument("--families", nargs="+", choices=FAMILIES, default=list(FAMILIES))
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    cached = score_pages(args.loso_models, args.datasets, args.cache)
    by_id = {p.row["id"]: p._replace(threshold=0.5) for p in cached["pages"] if p.texts}
    segmenter = Model.load(args.loso_models[0], "html")
    pages: list[Page] = []
    for path in sorted(args.datasets.glob("*.jsonl.gz")):
        for record in read_jsonl(path):
            scored = by_id.get(record.get("id"))
            blocks = segmenter.html_blocks(record["html"]) if scored is not None else []
            if scored is not None and [b.text for b in blocks] == scored.texts:
                pages.append((scored, record, blocks))
    labels = [np.array(align_labels(scored.texts, scored.gold)) for scored, _, _ in pages]
    runs = {"held-out scores": [scored for scored, _, _ in pages], "recalibrated": stacked(pages, labels, None)}
    for family in args.families:
        runs[family] = stacked(pages, labels, [FAMILIES[family](page) for page in pages])
    systems = {name: evaluate(run, DEFAULT_DECISIONS) for name, run in runs.items()}
    orders = {name: ordering(run) for name, run in runs.items()}
    for name, order in orders.items():
        print(f"{name}: at 0.5 {systems[name]['f1']:.4f}, best per source {order['best_per_source']:.4f}, "
              f"best per page {order['best_per_page']:.4f}", flush=True)
    sources = list(next(iter(orders.values()))["per_source"])
    rows = [f"| {name} | {systems[name]['f1']:.4f} | {o['best_per_source']:.4f} | {o['best_per_page']:.4f} | "
            + " | ".join(f"{o['per_source'][s]:.3f}" for s in sources) + " |" for name, o in orders.items()]
    footer = ("\n## Ordering (each source, each page at its own best threshold, 0.1-0.9)\n\n"
              f"| run | at 0.5 | best per source | best per page | {' | '.join(sources)} |\n"
              f"|---|---|---|---|{'---|' * len(sources)}\n" + "\n".join(rows) + "\n")
    meta = {"command": shlex.join(["python", "experiments/loso_stack_probe.py", *sys.argv[1:]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(pages),
            "models": cached["models"], "threshold": 0.5, "orderings": orders}
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, "loso_stack_probe",
                       "Page signals stacked on the held-out HTML scores", footer)[:2000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
