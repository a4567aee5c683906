"""Decision rules tried on the held-out HTML scores: longer comment threads dropped under
articles, Readability's sibling paragraphs, teaser cards after the article dropped.

Every page of ../shared/datasets/ is scored by the HTML model that never saw its source (the
cache of ``loso_decisions.py``, here with each block's container, DOM signals and linked characters), WCXB's
kinds cross-validated by site as in ``loso_kind_threshold.py``. Then, on top of the shipped
decisions (threshold 0.5):

- **threads**: the shipped rule drops a page's comment threads when it keeps at least
  ARTICLE_WORDS words outside them and no fewer than inside (an article with comments, not a
  forum); here "no fewer than r times as many", for r below 1, so that an article under a
  long thread loses it too (a blog post under a longer thread keeps it today).
- **siblings**: a paragraph of running prose in the same container as a kept paragraph is
  kept (Readability's siblings of the top candidate), from a floor probability, anywhere in
  the container or only between or before its kept paragraphs; not in a comment thread and not
  hidden.
- **teasers**: after the article (the run of kept blocks with the most words of prose), pairs of a
  short linked line and an unlinked paragraph (a teaser card: headline and summary), when there
  are `n` or more of them, are dropped, on every page or on pages the page-type stage calls articles.

    python experiments/loso_rule_trials.py --loso-models experiments/loso/html-*

Writes ``loso_rule_trials.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import RESULTS  # noqa: E402
from loso_decisions import (  # noqa: E402
    CACHE,
    Revision,
    ScoredPage,
    evaluate,
    score_pages,
    scored_pages_arguments,
    write_report,
)
from loso_kind_threshold import held_out_pages  # noqa: E402

from boilersift.blocks.html import SIGNALS  # noqa: E402
from boilersift.blocks.text import Block  # noqa: E402
from boilersift.decide import ARTICLE_WORDS, DEFAULT_DECISIONS, THREAD_KINDS, count_words, is_paragraph  # noqa: E402
from boilersift.labelled.labels import align_labels  # noqa: E402

HIDDEN = 1 << SIGNALS.index("hidden")
THREAD_RATIOS = (1.0, 0.5, 0.25, 0.0)  # 1.0: the shipped rule rebuilt here, a check of the revision
# (floor probability, where in the container: "all", "lead" = before or between its kept paragraphs,
# "inner" = between them)
SIBLINGS = ((0.0, "all"), (0.25, "all"), (0.0, "lead"), (0.0, "inner"))
# (fewest cards, the kinds of page it applies to; None: every page)
TEASERS = ((3, None), (3, frozenset({"article"})), (5, frozenset({"article"})))
# A card's headline: this many words at most, this share of its characters linked; its summary less than
# TEASER_SUMMARY_LINKS linked.
TEASER_WORDS, TEASER_LINKS, TEASER_SUMMARY_LINKS = 20, 0.8, 0.2


def containers(blocks: list[Block]) -> np.ndarray | None:
    """(container id, DOM signal bits, linked characters, characters) of each block of an HTML page."""
    if not blocks or blocks[0].dom is None:
        return None
    return np.array([(b.dom.container, b.dom.signals, b.dom.link_chars, len(b.text)) for b in blocks],
                    dtype=np.int64).reshape(-1, 4)


def threads_dropped(ratio: float) -> Revision:
    """Drop the comment threads of a page that is no forum and keeps ARTICLE_WORDS words outside them
    and `ratio` times the words inside (the decisions' own rule, ``comments="model"`` first, at 1)."""
    def revise(page: ScoredPage, keep: np.ndarray) -> np.ndarray:
        threads = page.in_comments
        if threads is None or not threads.any() or page.kind in THREAD_KINDS:
            return keep
        words = count_words(page.texts)
        outside, inside = words[keep & ~threads].sum(), words[keep & threads].sum()
        return keep & ~threads if outside >= ARTICLE_WORDS and outside >= ratio * inside else keep
    return revise


def siblings(floor: float, where: str) -> Revision:
    """Keep the prose paragraphs (scored `floor` or more) of the containers of kept paragraphs."""
    def revise(page: ScoredPage, keep: np.ndarray) -> np.ndarray:
        if page.extra is None:
            return keep
        container, signals = page.extra[:, 0], page.extra[:, 1]
        prose = np.array([is_paragraph(t) for t in page.texts]) & (signals & HIDDEN == 0)
        if page.in_comments is not None:
            prose &= ~page.in_comments
        anchors = keep & prose
        raised = np.zeros_like(keep)
        for box in np.unique(container[anchors]):
            inside = np.flatnonzero(anchors & (container == box))
            candidates = prose & (container == box) & (page.scores >= floor)
            if where != "all":
                candidates[inside.max() + 1:] = False
            if where == "inner":
                candidates[:inside.min()] = False
            raised |= candidates
        return keep | raised
    return revise


def teasers(fewest: int, kinds: frozenset[str] | None) -> Revision:
    """Drop the teaser cards after the article, if there are `fewest` or more (on pages of `kinds`)."""
    def revise(page: ScoredPage, keep: np.ndarray) -> np.ndarray:
        if page.extra is None or kinds is not None and page.kind not in kinds:
            return keep
        linked = page.extra[:, 2] / np.maximum(page.extra[:, 3], 1)
        words = count_words(page.texts)
        prose = np.array([is_paragraph(t) for t in page.texts])
        best = run = 0
        end = -1
        for i, kept in enumerate(keep.tolist()):
            run = run + words[i] * prose[i] if kept else 0
            if run > best:
                best, end = run, i
        if best == 0:
            return keep
        headline = (linked >= TEASER_LINKS) & (words <= TEASER_WORDS)
        summary = prose & (linked < TEASER_SUMMARY_LINKS)
        cards = [i for i in range(end + 1, len(keep) - 1) if headline[i] and summary[i + 1]]
        if len(cards) < fewest:
            return keep
        out = keep.copy()
        out[cards] = False
        out[[i + 1 for i in cards]] = False
        return out
    return revise


def thread_gold_share(pages: list[ScoredPage]) -> dict[str, float]:
    """Per source, the share of the words in comment threads that its gold calls content."""
    inside: dict[str, list[int]] = {}
    for page in pages:
        if page.in_comments is None or not page.in_comments.any():
            continue
        words, gold = count_words(page.texts), np.array(align_labels(page.texts, page.gold), dtype=bool)
        tally = inside.setdefault(page.row["source"], [0, 0])
        tally[0] += int(words[page.in_comments & gold].sum())
        tally[1] += int(words[page.in_comments].sum())
    return {source: round(kept / total, 3) for source, (kept, total) in sorted(inside.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scored_pages_arguments(parser, CACHE.with_name("scores_containers.pkl"))
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    cached = score_pages(args.loso_models, args.datasets, args.cache, extra=containers)
    pages, accuracy = held_out_pages(cached, args.datasets, 0.5)
    model_threads = dataclasses.replace(DEFAULT_DECISIONS, comments="model")
    systems = {"shipped decisions": evaluate(pages, DEFAULT_DECISIONS)}
    systems |= {f"threads dropped at r = {r}": evaluate(pages, model_threads, threads_dropped(r))
                for r in THREAD_RATIOS}
    systems |= {f"siblings from {floor}, {where}": evaluate(pages, DEFAULT_DECISIONS, siblings(floor, where))
                for floor, where in SIBLINGS}
    systems |= {f"teasers, {fewest}+ cards, {'articles' if kinds else 'every page'}":
                evaluate(pages, DEFAULT_DECISIONS, teasers(fewest, kinds)) for fewest, kinds in TEASERS}
    meta = {"command": shlex.join(["python", "experiments/loso_rule_trials.py", "--loso-models",
                                   *[f"experiments/loso/{Path(d).name}" for d in args.loso_models]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(pages),
            "models": [Path(d).name for d in args.loso_models], "threshold": 0.5, "wcxb_kind_accuracy": accuracy,
            "thread_words_in_gold": thread_gold_share(pages)}
    footer = "\nShare of the words in comment threads that the gold keeps, per source: " + ", ".join(
        f"{source} {share}" for source, share in meta["thread_words_in_gold"].items()) + "\n"
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, "loso_rule_trials",
                       "Decision rules tried, leave one source out", footer)[:2500])
    return 0


if __name__ == "__main__":
    sys.exit(main())
