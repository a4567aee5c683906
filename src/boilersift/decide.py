"""Probabilities -> decisions: what is decided for a page as a whole, after the classifier.

The classifier scores each line with its neighbours in view. These are then
decided over the page, by rule, because the training gold cannot teach them, each
measured on the dev pages (docs/how-it-works.md, "Decisions over the page"), and each
switched by a field of :class:`DecisionConfig`:

1. a sentence that inline links split over several lines is one unit, and so is a
   passage of consecutive paragraphs: no line of it scores below the unit as a
   whole (:func:`smooth_runs`);
2. a page on which nothing reaches the threshold keeps its main region (:func:`main_region`):
   a page with text has some content, and an empty answer helps no one;
3. the article's headline, just above its first content line, is content
   (:func:`headline`), although the gold of most training pages leaves it out;
4. the comment thread under an article is noise, a forum's posts are left to the model, or
   threads are excluded or included as asked (:func:`comment_verdict`); in a text scrape, the
   article ends where its thread begins;
5. a page of another kind than an article (a listing, a product, ...) is cut a little lower
   (:data:`KIND_MARGIN`, HTML models), and a paragraph of running prose on any page
   (:data:`PARAGRAPH_MARGIN`, text models);
6. the byline and date lines at the head of the article are left to the model, or kept or dropped
   as asked (:func:`byline_lines`): benchmarks disagree on them;
7. when the pages of a site are decided together, a line that TEMPLATE_PAGES of them hold is the
   site's template, not content, unless it is a paragraph of running prose (:mod:`boilersift.sites`).

:func:`decide` applies them all to one page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .features.featurize import STRIP_PUNCT, content_word_ids, ends_sentence, names_a_date
from .features.lexicon import STOP_WORDS

# The label vocabulary of every input and output: predict's results, the training format,
# the datasets columns (the training format also reads 0 and 1, as older files have them).
NOISE, CONTENT = "noise", "content"
LABELS = (NOISE, CONTENT)  # a label's index is its class: 0 noise, 1 content
# A page of at most this many blocks on which no block reaches the threshold is kept whole.
TINY_PAGE_BLOCKS = 3
# The main region kept on a page where nothing reaches the threshold has at least this many
# words: a menu or a shop's grid, which some gold calls "no main content", rarely has so many
# (leave-one-source-out: experiments/results/loso_decisions.md).
MAIN_REGION_WORDS = 50
# The headline is one of this many lines above the first content line, not counting the byline
# and date lines (at most BYLINE_WINDOW) between (a photo credit often sits there too), ...
HEADLINE_WINDOW = 2
# ... has this many words, no full stop at its end ...
HEADLINE_WORDS = (3, 30)
HEADLINE_ENDS = frozenset(".。…")
# ... and at least this share of its content words recur in the content.
HEADLINE_OVERLAP = 0.5
# What to do with a comment thread: "auto" drops it under an article (below), "exclude" drops
# every block of it, "include" keeps every block of it that reads as a comment (COMMENT_WORDS
# words or more; not "Reply", "Log in"), "model" leaves it to the classifier.
COMMENTS = ("auto", "exclude", "include", "model")
COMMENT_WORDS = 6
# "auto": a page that is not a forum, keeps at least this many words outside its comment threads
# and at least as many as inside them, is an article with comments under it
# (experiments/results/loso_comments.md).
ARTICLE_WORDS = 50
# The kinds of page (Model.page_types) whose comment-classed blocks are posts, not comments
# on something else: left to the model.
THREAD_KINDS = frozenset({"forum"})
# On a page of another kind than an article (Model.page_types: a listing, a product, a forum,
# documentation, a service page, a collection), a block is content from this much under the
# threshold: more of such a page is content, in shorter blocks less like an article's prose, which
# the classifier scores lower (leave one source out: experiments/results/loso_kind_threshold.md).
KIND_MARGIN = 0.1
# For a text model, a paragraph of running prose (:func:`is_paragraph`) is content from this much
# under the threshold: on a site it never saw, the text model grows unsure of whole articles, and
# what it is unsure of in long sentence-ending lines is mostly content, in short lines mostly not.
# An HTML model, which sees the markup too, keeps one threshold: held out, the margin chosen on the
# other sources loses (experiments/results/loso_paragraph_margin.md).
PARAGRAPH_MARGIN = 0.2
# Lines that take their sentence on: lower case, or a clitic or punctuation ("'s criticism of").
CONTINUATION_STARTS = frozenset("'’,;)")
# A paragraph of running prose has at least this many (white-space separated) words and ends a sentence;
# in Chinese and Japanese, written without spaces, at least PARAGRAPH_CHARACTERS of their characters
# (the count the other sources choose for eight of nine held out: experiments/results/loso_cjk_paragraphs.md).
PARAGRAPH_WORDS = 20
PARAGRAPH_CHARACTERS = 60
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")  # runs of kana and Han
# The pages of a site decided together: a line (not a paragraph of running prose) that this many of
# them hold is the site's template (boilersift.sites; the held-out sources with each site's pages
# decided together: experiments/results/loso_site_repeats.md).
TEMPLATE_PAGES = 2
# Byline and date lines ("By Jane Doe", "Published 3 June 2024, 14:07", "5 min read"): the gold of
# news benchmarks leaves them out, CETD's keeps them (experiments/results/bylines_in_gold.md,
# loso_bylines.md). "model" leaves them to the classifier, "include" keeps and "exclude" drops them.
BYLINES = ("model", "include", "exclude")
# How far `favor` moves the threshold, as trafilatura's favor_precision / favor_recall: benchmarks
# draw the line between content and noise in different places, and a user knows which one theirs
# is. 0.1 either way moves held-out precision and recall by 0.01-0.03 (results/favor.md).
FAVOR = {"balanced": 0.0, "precision": 0.1, "recall": -0.1}
# On an article, a block of a Markdown scrape with over this share of its characters in links is
# noise (`DecisionConfig.all_links`): a menu, a teaser's headline, a "Related" list. An HTML model
# reads the same "all link" signal (features.DOM_NAMES) in the markup; a text model reads no links.
# A page on which the model keeps nothing else is left as the model decided: it is no article (a
# list of chapters, say), and the decision would leave it empty.
# Held out, on pages converted to Markdown by html2text: experiments/results/markdown_links.md.
ALL_LINK = 0.9
# They are looked for from this many lines above the first content line (the headline, if kept) to the
# first paragraph of the article (at most BYLINE_REACH lines below the first content line), ...
BYLINE_WINDOW, BYLINE_REACH = 4, 8
# ... have at most this many words (a bare date or time at most BYLINE_DATE_WORDS), ...
BYLINE_WORDS, BYLINE_DATE_WORDS = 12, 6
# ... and start with "by" and a name, or say when the article was published (or how long it reads), or
# are a bare date or time (a year alone is no date: "5 Trends from Nutrition 2025").
# ("di", "door", "av", "af" are left out: "Door Hinges", "Di Maria" start headings and names.)
BYLINE_START = re.compile(r"^\W*(?:by|written by|posted by|von|par|por|przez|от|автор:?)\s+"
                          r"(?-i:[A-ZÀ-ÖØ-ÞĀ-ŽА-Я])", re.IGNORECASE)
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
PUBLISHED = re.compile(r"\b(?:published|updated|posted|last updated|veröffentlicht|aktualisiert|publié|mis à jour|"
                       r"publicado|actualizado|pubblicato|aggiornato|opublikowano|min read|minute read|minutes read|"
                       rf"lesezeit)\b|\b(?:{_MONTHS})\.? \d{{1,2}}\b|\b\d{{1,2}}\.? (?:{_MONTHS})\b", re.IGNORECASE)


@dataclass(frozen=True)
class DecisionConfig:
    """One field per decision over the page; the defaults are what `predict` does."""

    sentences: bool = True  # the lines of a sentence split by inline links share its probability
    passages: bool = True  # consecutive paragraphs share theirs
    tiny_page_blocks: int = TINY_PAGE_BLOCKS  # a page this small on which nothing is content is kept whole
    headline: bool = True  # the title-shaped line just above the first content line is content
    main_region: bool = True  # a larger page on which nothing is content keeps its main region
    comments: str = "auto"  # comment threads: dropped under an article, or "exclude" / "include" them (COMMENTS)
    kind_margin: float = KIND_MARGIN  # content from threshold - kind_margin on a page that is no article
    paragraph_margin: float = 0.0  # a paragraph of running prose: content from this much lower
    repeats: bool = False  # a paragraph of running prose that repeats one above it is no content
    bylines: str = "model"  # byline and date lines at the head of the article: the model's, or BYLINES
    template_pages: int = TEMPLATE_PAGES  # a line on this many pages of a site decided together is noise; 0: off
    thread_ends_article: bool = False  # a dropped thread drops every line after it too (text scrapes)
    favor: str = "balanced"  # "precision" / "recall": the threshold FAVOR higher / lower
    all_links: bool = True  # on an article, a block all link text (ALL_LINK), where the input tells, is noise

    def __post_init__(self) -> None:
        if self.comments not in COMMENTS:
            raise ValueError(f"comments={self.comments!r}: choose from {', '.join(COMMENTS)}")
        if self.bylines not in BYLINES:
            raise ValueError(f"bylines={self.bylines!r}: choose from {', '.join(BYLINES)}")
        if self.favor not in FAVOR:
            raise ValueError(f"favor={self.favor!r}: choose from {', '.join(FAVOR)}")


DEFAULT_DECISIONS = DecisionConfig()
# A text model's decisions: no lower threshold by kind of page (measured on HTML models only), a
# lower one for paragraphs of running prose, a paragraph repeated on the page kept once (an
# HTML model gains nothing by it and loses Readability's test pages, which repeat their paragraphs:
# experiments/results/loso_repeated_paragraphs.md), and nothing after a dropped comment thread.
TEXT_DECISIONS = DecisionConfig(kind_margin=0.0, paragraph_margin=PARAGRAPH_MARGIN, repeats=True,
                                thread_ends_article=True)


class Decision(NamedTuple):
    """One page decided: the probabilities after the runs are smoothed, and which blocks are content."""

    probabilities: np.ndarray
    keep: np.ndarray


def _carries_on(previous: str, line: str) -> bool:
    """:func:`continues`, given that `previous` has no sentence end."""
    first = line[0]
    if first.islower() or first in CONTINUATION_STARTS:
        return True
    return previous.rsplit(None, 1)[-1].lower().strip(STRIP_PUNCT) in STOP_WORDS and previous[-1] not in ":|"


def continues(previous: str, line: str) -> bool:
    """Does `line` carry on a sentence that `previous` left open? "MOSCOW: The Kremlin
    said Tuesday that" / "Donald Trump" / "'s criticism of" / "Vladimir Putin" / "will
    not affect ...": `previous` has no sentence end, and `line` starts in lower case or
    with a clitic, or `previous` ends on a stop word. Menus ("Home" / "News") never do."""
    return not ends_sentence(previous) and _carries_on(previous, line)


def is_paragraph(text: str) -> bool:
    """Running prose: PARAGRAPH_WORDS words or more (in Chinese or Japanese, PARAGRAPH_CHARACTERS
    of their characters), ending a sentence."""
    return bool(paragraph_lines([text], count_words([text]))[0])


def paragraph_lines(texts: Sequence[str], words: np.ndarray, ends: Sequence[bool] | None = None) -> np.ndarray:
    """:func:`is_paragraph` of each line, given their :func:`count_words` (and whether each ends a
    sentence, if known). Only the lines of PARAGRAPH_WORDS words or PARAGRAPH_CHARACTERS characters
    are tested, and Chinese and Japanese characters are counted only in a line that is not all ASCII."""
    wordy = words >= PARAGRAPH_WORDS
    chars = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    paragraph = np.zeros(len(texts), dtype=bool)
    for i in np.flatnonzero(wordy | (chars >= PARAGRAPH_CHARACTERS)).tolist():
        text = texts[i]
        paragraph[i] = (ends[i] if ends is not None else ends_sentence(text)) and bool(
            wordy[i] or not text.isascii() and sum(map(len, UNSPACED.findall(text))) >= PARAGRAPH_CHARACTERS)
    return paragraph


def repeated_paragraphs(texts: Sequence[str], keep: np.ndarray, words: np.ndarray | None = None) -> np.ndarray:
    """Which lines are a paragraph of running prose (:func:`is_paragraph`) that repeats a line
    above it on the page with a line between them that `keep` does not keep: the article's print
    copy, the same notice under every comment. A gold text holds it once; the classifier, which
    scores the copy as it scores the original, would keep it twice. (A paragraph repeated within
    one run of kept lines is the article's own.) (`words`: :func:`count_words`.)"""
    repeats = np.zeros(len(texts), dtype=bool)
    if len(set(texts)) == len(texts):  # most pages: no line comes twice
        return repeats
    first: dict[str, int] = {}
    dropped = np.cumsum(~keep)  # lines not kept up to each line
    for i, text in enumerate(texts):
        j = first.setdefault(text, i)
        repeats[i] = j < i and dropped[i] > dropped[j]
    rows = np.flatnonzero(repeats)
    words = count_words(texts) if words is None else words
    repeats[rows] = paragraph_lines([texts[i] for i in rows], words[rows])
    return repeats


def count_words(texts: Sequence[str]) -> np.ndarray:
    """The white-space separated words of each line (the features count them too: a model
    hands its counts to :func:`decide`, which then splits no line)."""
    return np.fromiter(map(len, map(str.split, texts)), dtype=np.int64, count=len(texts))


def text_runs(texts: Sequence[str], config: DecisionConfig = DEFAULT_DECISIONS,
              words: np.ndarray | None = None) -> np.ndarray:
    """The run number of each line: the lines of one sentence split by inline links
    (:func:`continues`), or of one passage of consecutive paragraphs (:func:`is_paragraph`),
    share it, as far as `config` joins them (`words`: :func:`count_words`, if known). (One
    pass over the lines: this runs on every page predicted.)"""
    ends = [ends_sentence(t) for t in texts]
    if config.passages:
        paragraph = paragraph_lines(texts, count_words(texts) if words is None else words, ends).tolist()
    else:
        paragraph = [False] * len(texts)
    starts = [True] * bool(texts)
    for i in range(1, len(texts)):
        if ends[i - 1]:
            starts.append(not (paragraph[i - 1] and paragraph[i]))
        else:
            starts.append(not (config.sentences and _carries_on(texts[i - 1], texts[i])))
    return np.cumsum(starts, dtype=np.int64) - 1


def smooth_runs(texts: Sequence[str], probabilities: np.ndarray,
                config: DecisionConfig = DEFAULT_DECISIONS, words: np.ndarray | None = None) -> np.ndarray:
    """Raise every line of a run (:func:`text_runs`) to at least the run's word-weighted
    mean probability, so that "Donald Trump" (2 words, p=0.23 by an earlier model)
    stays with the 33-word sentence it is part of (mean 0.77), and an article's last
    paragraph stays with the one before it. Lowering is not done: a strong line in a weak run lost more than it
    gained on the dev pages."""
    words = count_words(texts) if words is None else words
    return raise_to_run_means(texts, probabilities, text_runs(texts, config, words), words)


def raise_to_run_means(texts: Sequence[str], probabilities: np.ndarray, runs: np.ndarray,
                       words: np.ndarray | None = None) -> np.ndarray:
    """Each line's probability raised to its run's word-weighted mean; `runs` numbers the runs
    0, 1, ... (a run need not be consecutive lines). Lines alone in their run keep theirs."""
    joined = np.bincount(runs)[runs] > 1
    if not joined.any():  # no run spans two lines
        return probabilities
    weights = np.ones(len(texts))
    weights[joined] = np.maximum(count_words(texts) if words is None else words, 1)[joined]
    mean = np.bincount(runs, weights=weights * probabilities) / np.bincount(runs, weights=weights)
    return np.maximum(probabilities, mean[runs])


def headline(texts: Sequence[str], keep: np.ndarray, words: np.ndarray | None = None,
             content: tuple[np.ndarray, np.ndarray] | None = None) -> int | None:
    """The index of the article's headline, if the HEADLINE_WINDOW lines above the first content
    line (byline and date lines between skipped: :func:`is_byline`) have one: title-shaped
    (HEADLINE_WORDS words, no full stop) and on topic (at least
    HEADLINE_OVERLAP of its content words recur in the content). The headline is what a
    reader of a scrape wants first; the training gold leaves it out on two thirds of
    the pages that have one (experiments/results/headline_in_gold.md), so the model
    learned to drop it. `words` and `content` (the page's :func:`count_words` and
    :func:`~boilersift.features.featurize.content_word_ids`), if known, are not computed again."""
    first = int(np.argmax(keep)) if keep.any() else 0
    best, best_overlap = None, HEADLINE_OVERLAP
    words = count_words(texts) if words is None else words
    reach = range(first - 1, max(first - HEADLINE_WINDOW - BYLINE_WINDOW, 0) - 1, -1)  # bylines skipped
    above = [i for i in reach if not is_byline(texts[i], int(words[i]))][:HEADLINE_WINDOW]
    candidates = [i for i in sorted(above)
                  if HEADLINE_WORDS[0] <= words[i] <= HEADLINE_WORDS[1] and texts[i][-1] not in HEADLINE_ENDS]
    if not candidates:
        return None
    rows, words = content_word_ids([list(texts)]) if content is None else content  # each line's, once each
    in_content = np.zeros(int(words.max()) + 1 if len(words) else 0, dtype=bool)
    in_content[words[keep[rows]]] = True
    bounds = np.searchsorted(rows, [candidates, np.add(candidates, 1)])
    for i, start, stop in zip(candidates, *bounds.tolist()):
        overlap = int(in_content[words[start:stop]].sum()) / (stop - start) if stop > start else 0.0
        if overlap >= best_overlap:
            best, best_overlap = i, overlap
    return best


def main_region(texts: Sequence[str], probabilities: np.ndarray, words: np.ndarray | None = None) -> slice:
    """The run of consecutive blocks that holds the most words scored above the page's mean
    probability, less the words scored below it (the maximum-sum run, Kadane's algorithm):
    the densest stretch of likely content, where a page's main text sits when the model was
    sure of none of it (leave-one-source-out: experiments/results/loso_decisions.md)."""
    words = np.maximum(count_words(texts) if words is None else words, 1).astype(np.float64)
    gains = (words * (probabilities - probabilities.mean())).tolist()
    best, best_start, best_stop, total, start = -np.inf, 0, 0, 0.0, 0
    for i, gain in enumerate(gains):
        if total <= 0:
            total, start = gain, i
        else:
            total += gain
        if total > best:
            best, best_start, best_stop = total, start, i + 1
    return slice(best_start, best_stop) if best > 0 else slice(0, len(gains))  # all alike: no region stands out


def content_mask(texts: Sequence[str], probabilities: np.ndarray, threshold: float,
                 config: DecisionConfig = DEFAULT_DECISIONS, words: np.ndarray | None = None,
                 content: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Which blocks of one page are content: those scored at least `threshold` (a paragraph of
    running prose: `config.paragraph_margin` less; but not one that repeats a line above it,
    :func:`repeated_paragraphs`, if `config.repeats`), plus the headline above them. But a tiny
    page (at most `config.tiny_page_blocks` blocks) on which none is, is kept whole: so little
    text has no boilerplate to tell apart,
    and an empty answer for a page with text helps no one. In the 5-fold
    cross-validation by site this changed 6 of 1,959 pages (5 of them Readability's
    one-paragraph test pages), none for the worse: word F1 0.8716 -> 0.8741
    (experiments/results/compare_extractors_cv.md). A larger page on which none is keeps
    its :func:`main_region`, if that holds MAIN_REGION_WORDS words or more. (`words`, `content`:
    see :func:`headline`.)"""
    probabilities = np.asarray(probabilities)
    keep = probabilities >= threshold
    if config.paragraph_margin and threshold <= 1.0:  # a threshold above 1 asks for nothing
        words = count_words(texts) if words is None else words
        keep |= paragraph_lines(texts, words) & (probabilities >= threshold - config.paragraph_margin)
    if config.repeats:
        keep &= ~repeated_paragraphs(texts, keep, words)
    if not keep.any():
        if len(keep) <= config.tiny_page_blocks:
            keep[:] = True
        elif not config.main_region or threshold > 1.0:  # a threshold above 1 asks for nothing
            return keep
        else:
            words = count_words(texts) if words is None else words
            region = main_region(texts, probabilities, words)
            if words[region].sum() < MAIN_REGION_WORDS:
                return keep
            keep[region] = True
    title = headline(texts, keep, words, content) if config.headline else None
    if title is not None:
        keep[title] = True
    if config.bylines != "model":
        lines = [i for i in byline_lines(texts, keep, words) if i != title]
        keep[lines] = config.bylines == "include"
    return keep


def byline_lines(texts: Sequence[str], keep: np.ndarray, words: np.ndarray | None = None) -> list[int]:
    """The byline and date lines at the head of the content `keep` marks: from BYLINE_WINDOW lines
    above its first line to the first paragraph of running prose, short (BYLINE_WORDS words), and
    saying when it was published (:data:`PUBLISHED`), or, if it is no sentence, starting with "By" and
    a name or a bare date or time (BYLINE_DATE_WORDS words)."""
    if not keep.any():
        return []
    words = count_words(texts) if words is None else words
    first = int(np.argmax(keep))
    stop = first
    while stop < min(len(texts), first + BYLINE_REACH) and not is_paragraph(texts[stop]):
        stop += 1
    return [i for i in range(max(first - BYLINE_WINDOW, 0), stop) if is_byline(texts[i], int(words[i]))]


def is_byline(text: str, words: int) -> bool:
    """Is `text`, of `words` words, a byline or date line: short (BYLINE_WORDS words) and saying
    when it was published (:data:`PUBLISHED`), or, if it is no sentence, starting with "By" and a
    name or a bare date or time (BYLINE_DATE_WORDS words)?"""
    return words <= BYLINE_WORDS and bool(PUBLISHED.search(text) or not ends_sentence(text) and (
        BYLINE_START.match(text) or words <= BYLINE_DATE_WORDS and names_a_date(text)))


def comment_verdict(texts: Sequence[str], keep: np.ndarray, in_comments: np.ndarray | None,
                    config: DecisionConfig = DEFAULT_DECISIONS, kind: str | None = None,
                    words: np.ndarray | None = None) -> np.ndarray:
    """`keep` with the blocks of comment threads (`in_comments`: `pipeline.comment_threads`) taken
    out ("exclude") or, where they read as a comment, put in ("include"), or left to the model
    ("model"), as `config` asks. By default ("auto") they are taken out of an article
    (:func:`is_article_with_comments`): the model keeps a thread at 0.5-0.9 when its comments
    read like prose; a forum's posts, and any page of a `kind` in THREAD_KINDS, keep the
    model's verdict. With `config.thread_ends_article` (text models), a dropped thread takes every
    line after it too, if the page keeps ARTICLE_WORDS words above it: in a text scrape the article
    ends where its thread begins, and what follows is more comments and teaser columns that read like
    prose. An HTML page's comment-classed blocks may sit anywhere (a comment count above the article,
    a "recent comments" box beside it), so HTML models keep it off
    (experiments/results/text_thread_ends_article.md)."""
    if config.comments == "model" or in_comments is None or not in_comments.any():
        return keep
    words = count_words(texts) if words is None else words
    if config.comments == "include":
        return keep | (in_comments & (words >= COMMENT_WORDS))
    if config.comments == "exclude" or (
            kind not in THREAD_KINDS and is_article_with_comments(texts, keep, in_comments, words)):
        keep = keep & ~in_comments
        first = int(np.argmax(in_comments))
        if config.thread_ends_article and words[:first][keep[:first]].sum() >= ARTICLE_WORDS:
            keep[first:] = False
    return keep


def is_article_with_comments(texts: Sequence[str], keep: np.ndarray, in_comments: np.ndarray,
                             words: np.ndarray | None = None) -> bool:
    """Is what the page keeps mostly outside its comment threads (ARTICLE_WORDS words or more,
    and no fewer than inside them)? Then the threads comment on it; on a forum most of what is
    kept is posts in the threads."""
    words = count_words(texts) if words is None else words
    outside, inside = words[keep & ~in_comments].sum(), words[keep & in_comments].sum()
    return outside >= ARTICLE_WORDS and outside >= inside


def decide(texts: Sequence[str], probabilities: np.ndarray, threshold: float,
           config: DecisionConfig = DEFAULT_DECISIONS, in_comments: np.ndarray | None = None,
           kind: str | None = None, words: np.ndarray | None = None,
           content: tuple[np.ndarray, np.ndarray] | None = None, template: np.ndarray | None = None,
           links: np.ndarray | None = None) -> Decision:
    """The decisions over one page, given the classifier's probabilities of its blocks (and which
    of them sit in a comment thread, the kind of page if known: a page of
    another kind than "article" is cut `config.kind_margin` under `threshold`, which
    `config.favor` moves first; which lines
    are its site's `template`, :func:`boilersift.sites.template_mask`, all noise; and the share of
    each block's characters in links, where the input tells it and the model does not read it:
    a Markdown scrape's, :func:`link_shares`).
    `words` and `content`, the lines' :func:`count_words` and content words
    (:func:`~boilersift.features.featurize.content_word_ids`), are computed here if not given."""
    words = count_words(texts) if words is None else words
    smoothed = smooth_runs(texts, probabilities, config, words)
    threshold += FAVOR[config.favor]
    if kind is not None and kind != "article":
        threshold -= config.kind_margin
    keep = comment_verdict(texts, content_mask(texts, smoothed, threshold, config, words, content),
                           in_comments, config, kind, words)
    if template is not None:
        keep = keep & ~template
    if links is not None and config.all_links and kind == "article":
        unlinked = links <= ALL_LINK
        if (keep & unlinked).any():  # a page that keeps only links keeps them: it is no article, or it would go empty
            keep = keep & unlinked
    return Decision(smoothed, keep)


def link_shares(texts: Sequence[str], links: Sequence[Sequence[tuple[str, str]]]) -> np.ndarray:
    """The share of each text's characters that its `links` ((text, target) pairs) hold, at most 1;
    texts and links are paired in order (links past the last text, as of blocks cut off by a limit,
    are none of them)."""
    return np.array([min(sum(len(linked) for linked, _ in found) / max(len(text), 1), 1.0)
                     for text, found in zip(texts, links)], dtype=np.float64)
