"""Does a signal tell the held-out scores something new? A screen for features before a model is
trained with them (nine folds take about an hour; this, minutes).

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
  log distance from it, whether the page has one, and whether it has several;
- **chars** and **words**: the score of a logistic regression on the block's hashed character
  3-5-grams (``char_wb``), or on its word uni/bigrams (the words stage's terms, as a control),
  fitted on the blocks of the sources other than the block's own, and its mean over the 5 blocks
  around (does a vocabulary that crosses languages and spellings tell more than the model's words);
- **span**: whether the block lies between the page's first and last block scored above 0.8, and
  the lower and the higher of the best scores among the 3 (and 10) blocks before it and after it
  (a short line inside the article, between two of its paragraphs).

span, chars and words read only the blocks' texts and scores, so they also run on text models'
scores (``--input-format text``: the held-out text scores of ``loso_text_decisions.py``, one text
node per line, decided as text models decide).

    python experiments/loso_stack_probe.py --loso-models experiments/loso/html-* --cache CACHE
    python experiments/loso_stack_probe.py --input-format text --families span chars words \
        --loso-models experiments/loso/text-* --cache DIR --threshold 0.4 --name loso_stack_probe_text

Writes ``loso_stack_probe.json`` and ``.md`` (``--name``) into --output-dir.
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
from loso_text_decisions import score_text_pages  # noqa: E402
from sklearn.feature_extraction.text import HashingVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.blocks.text import Block  # noqa: E402
from boilersift.decide import DEFAULT_DECISIONS, TEXT_DECISIONS, DecisionConfig  # noqa: E402
from boilersift.evaluation.metrics import word_prf  # noqa: E402
from boilersift.features.featurize import content_words  # noqa: E402
from boilersift.labelled.data import read_jsonl  # noqa: E402
from boilersift.labelled.labels import align_labels  # noqa: E402
from boilersift.model.predictors import words_and_bigrams  # noqa: E402
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


def running_max(values: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray]:
    """The highest of `values` in the `radius` rows before each row, and in the `radius` after (0 at the edges)."""
    padded = np.r_[np.zeros(radius), values, np.zeros(radius)]
    windows = np.lib.stride_tricks.sliding_window_view(padded, radius)
    return windows[:len(values)].max(axis=1), windows[radius + 1:radius + 1 + len(values)].max(axis=1)


def span_columns(page: Page) -> np.ndarray:
    scores = np.asarray(page[0].scores)
    sure = np.flatnonzero(scores > 0.8)
    rows, n = np.arange(len(scores)), len(scores)
    inside = (rows >= sure[0]) & (rows <= sure[-1]) if len(sure) else np.zeros(n, bool)
    columns = [inside.astype(float)]
    for radius in (3, 10):
        above, below = running_max(scores, radius)
        columns += [np.minimum(above, below), np.maximum(above, below)]
    return np.column_stack(columns)


def vocabulary_columns(pages: list[Page], labels: list[np.ndarray], vectorizer: HashingVectorizer) -> list[np.ndarray]:
    """Each page's blocks scored by a logistic regression on `vectorizer`'s terms fitted on the
    other sources' blocks (each page weighing alike), and that score's mean over 5 blocks."""
    texts = [text for scored, _, _ in pages for text in scored.texts]
    X, y = vectorizer.transform(texts), np.concatenate(labels)
    sizes = [len(scored.texts) for scored, _, _ in pages]
    sources = np.repeat([scored.row["source"] for scored, _, _ in pages], sizes)
    weights = np.repeat([1 / size for size in sizes], sizes)
    column = np.zeros(len(texts))
    for source in sorted(set(sources)):
        fit = sources != source
        model = SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=15, tol=None, random_state=0)
        model.fit(X[fit], y[fit], sample_weight=weights[fit] / weights[fit].mean())
        column[~fit] = model.decision_function(X[~fit])
    return [np.column_stack([c, window_mean(c, 2)]) for c in np.split(column, np.cumsum(sizes)[:-1])]


FAMILIES: dict[str, Callable[[Page], np.ndarray]] = {"title": title_columns, "links": link_columns, "h1": h1_columns,
                                                     "span": span_columns}
# Families fitted over all pages at once (a page's columns come from the other sources' pages).
VOCABULARIES = {"chars": HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), n_features=2**20,
                                           alternate_sign=False),
                "words": HashingVectorizer(analyzer=words_and_bigrams, n_features=2**18, alternate_sign=False)}
SCORE_ONLY = {"span", *VOCABULARIES}


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


def ordering(pages: list[ScoredPage], config: DecisionConfig) -> dict:
    """Word F1 with each source, and each page, at its own best threshold of the sweep."""
    f1 = np.array([[word_prf(kept_text(p._replace(threshold=t), config), p.gold).f1 for p in pages]
                   for t in THRESHOLDS])
    sources = np.array([p.row["source"] for p in pages])
    per_source = {s: float(f1[:, sources == s].mean(axis=1).max()) for s in sorted(set(sources))}
    pooled = sum(per_source[s] * (sources == s).sum() for s in per_source) / len(pages)
    return {"best_per_source": pooled, "best_per_page": float(f1.max(axis=0).mean()), "per_source": per_source}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scored_pages_arguments(parser)
    parser.add_argument("--families", nargs="+", choices=[*FAMILIES, *VOCABULARIES], default=list(FAMILIES))
    parser.add_argument("--input-format", choices=("html", "text"), default="html",
                        help="the held-out scores of HTML models, or of text models (span only)")
    parser.add_argument("--threshold", type=float, default=0.5, help="the threshold of the figures 'at' it")
    parser.add_argument("--name", default="loso_stack_probe")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.input_format == "text":
        if set(args.families) - SCORE_ONLY:
            parser.error(f"on text models' scores only {', '.join(sorted(SCORE_ONLY))} run: they need no markup")
        config = TEXT_DECISIONS
        pages: list[Page] = [(p._replace(threshold=args.threshold), {}, [])
                             for p in score_text_pages(args.loso_models, args.datasets, args.cache)
                             if p.texts and p.row["style"] == "nodes"]
        models = args.loso_models
    else:
        config = DEFAULT_DECISIONS
        cached = score_pages(args.loso_models, args.datasets, args.cache)
        models = cached["models"]
        by_id = {p.row["id"]: p._replace(threshold=args.threshold) for p in cached["pages"] if p.texts}
        segmenter = Model.load(args.loso_models[0], "html")
        pages = []
        for path in sorted(args.datasets.glob("*.jsonl.gz")):
            for record in read_jsonl(path):
                scored = by_id.get(record.get("id"))
                blocks = segmenter.html_blocks(record["html"]) if scored is not None else []
                if scored is not None and [b.text for b in blocks] == scored.texts:
                    pages.append((scored, record, blocks))
    labels = [np.array(align_labels(scored.texts, scored.gold)) for scored, _, _ in pages]
    runs = {"held-out scores": [scored for scored, _, _ in pages], "recalibrated": stacked(pages, labels, None)}
    for family in args.families:
        columns = (vocabulary_columns(pages, labels, VOCABULARIES[family]) if family in VOCABULARIES
                   else [FAMILIES[family](page) for page in pages])
        runs[family] = stacked(pages, labels, columns)
    systems = {name: evaluate(run, config) for name, run in runs.items()}
    orders = {name: ordering(run, config) for name, run in runs.items()}
    for name, order in orders.items():
        print(f"{name}: at {args.threshold} {systems[name]['f1']:.4f}, best per source {order['best_per_source']:.4f}, "
              f"best per page {order['best_per_page']:.4f}", flush=True)
    sources = list(next(iter(orders.values()))["per_source"])
    rows = [f"| {name} | {systems[name]['f1']:.4f} | {o['best_per_source']:.4f} | {o['best_per_page']:.4f} | "
            + " | ".join(f"{o['per_source'][s]:.3f}" for s in sources) + " |" for name, o in orders.items()]
    footer = ("\n## Ordering (each source, each page at its own best threshold, 0.1-0.9)\n\n"
              f"| run | at {args.threshold} | best per source | best per page | {' | '.join(sources)} |\n"
              f"|---|---|---|---|{'---|' * len(sources)}\n" + "\n".join(rows) + "\n")
    meta = {"command": shlex.join(["python", "experiments/loso_stack_probe.py", *sys.argv[1:]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(pages),
            "models": models, "threshold": args.threshold, "orderings": orders,
            **({"scored_by": "one text node per line, each scored by the text model that never saw its source"}
               if args.input_format == "text" else {})}
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, args.name,
                       f"Page signals stacked on the held-out {args.input_format.upper()} scores", footer)[:2000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
