"""Comment threads in a text scrape, found by the rhythm of its lines.

A text scrape has no markup to say "comment", but a thread still shows in its lines: a short
header that names comments ("12 Comments", "Leave a reply", "Add your comments"), then, comment
after comment, the same short lines ("Reply", "Report abuse", "Click to rate") with a comment's
words between two of them, or the date each comment was posted ("07.01.2012, 23:14"). The thread
runs from the header to the last of those marks. The decisions then treat it as they treat an HTML
page's comment-classed blocks (``--comments``); what that does to each benchmark is in
``experiments/results/text_threads.md`` and ``text_thread_headers.md``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .featurize import names_a_date
from .lexicon import BOILERPLATE_PHRASES

# A mark is a line of at most MARK_WORDS words that comes back at least MARK_REPEATS times, each
# time at most MARK_GAP lines after the last, with a line of COMMENT_WORDS words or more between.
# Digits do not count ("Rating 15" and "Rating 4" are one mark); a mark without letters must be a
# date or time each time (not a "." or "|" a scrape repeats).
MARK_WORDS = 4
MARK_REPEATS = 3
MARK_GAP = 25
COMMENT_WORDS = 6
# The header: a line of at most HEADER_WORDS words that names comments, at most HEADER_REACH lines
# above the first mark, with at least PROSE_ABOVE words of prose (lines of PROSE_WORDS words or
# more) above it: comments come after what they comment on.
HEADER_WORDS = 8
HEADER_REACH = 15
PROSE_ABOVE = 100
PROSE_WORDS = 8

# What names a thread: the lexicon's comment phrases and the word for comments in more languages
# (Slavic, Greek, Portuguese, Dutch, Nordic, Turkish, Romanian, Hungarian, Finnish, with the
# inflections a header takes: "17 комментариев", "Wasze komentarze"). They are kept here, not in
# the lexicon, as the lexicon's phrases are features and adding them there means training again.
HEADER_PHRASES = BOILERPLATE_PHRASES["comment"] + (
    "комментарии", "комментариев", "комментарий", "комментария", "коментарі", "коментарів",
    "коментар", "komentarze", "komentarzy", "komentarz", "skomentuj", "komentáře", "komentářů",
    "komentář", "σχόλια", "σχόλιο", "σχολίων", "comentários", "comentário", "reacties", "reactie",
    "kommentarer", "kommentit", "yorumlar", "yorum", "comentarii", "hozzászólások",
)
_HEADER = re.compile(r"\b(?:%s)\b" % "|".join(map(re.escape, HEADER_PHRASES)), re.IGNORECASE)
_NONE_YET = re.compile(r"(?<![\d.,])0\b|\(0\)|\bno\b", re.IGNORECASE)  # "0 Comments", "No comments yet"
_LETTER = re.compile(r"[^\W\d_]")
# What a header must hold, as plain substrings: a first test of all the short lines at once,
# much faster than _HEADER line by line.
_HEADER_STEMS = tuple(p.lower() for p in HEADER_PHRASES
                      if not any(q != p and q.lower() in p.lower() for q in HEADER_PHRASES))
_DIGITS = re.compile(r"\d+")
_SEPARATOR = "\x1f"
_CARRIES_ON = frozenset(",.;:)")


def _standalone(texts: Sequence[str], i: int) -> bool:
    """Is line `i` a line of its own, not a word of a sentence split at an inline link ("a halved",
    "globe", "used as a")? Neither it nor the next line starts in lower case or with punctuation."""
    following = texts[i + 1].lstrip()[:1] if i + 1 < len(texts) else ""
    return not (texts[i].lstrip()[:1].islower() or following.islower() or following in _CARRIES_ON)


def _runs(places: list[int], words: list[int]) -> list[list[int]]:
    """The places of one mark split where two are too far apart or have no comment between them."""
    runs, run = [], [places[0]]
    for a, b in zip(places, places[1:]):
        if b - a <= MARK_GAP and max(words[a + 1:b], default=0) >= COMMENT_WORDS:
            run.append(b)
        else:
            runs.append(run)
            run = [b]
    return runs + [run]


def _header(texts: Sequence[str], keys: dict[int, str], counts: Counter, i: int) -> bool | None:
    """Does line `i` name a thread (True), say that there is none (None), or neither (False)? A
    line repeated on the page ("Comments: 12" on every teaser card) is a count, not a header."""
    if i not in keys or counts[keys[i]] >= MARK_REPEATS or not _HEADER.search(texts[i]):
        return False
    return None if _NONE_YET.search(texts[i]) else True


def text_threads(texts: Sequence[str], words: Sequence[int] | None = None) -> np.ndarray:
    """Which lines of a text scrape sit in a comment thread (see the module's docstring); `words`,
    the lines' word counts (``len(text.split())``), are counted here if not given."""
    words = [len(text.split()) for text in texts] if words is None else list(words)
    in_thread = np.zeros(len(texts), dtype=bool)
    short = [i for i, n in enumerate(words) if n <= HEADER_WORDS]
    joined = _SEPARATOR.join([texts[i] for i in short]).lower()
    if not any(stem in joined for stem in _HEADER_STEMS):  # most pages: no line names comments
        return in_thread
    # Lower-cased and without digits ("Rating 15" and "Rating 4" are one mark), in one pass.
    lowered = _DIGITS.sub("", joined).split(_SEPARATOR)
    if len(lowered) != len(short):  # a line holds the separator
        lowered = [_DIGITS.sub("", texts[i].lower()) for i in short]
    keys = dict(zip(short, map(str.strip, lowered)))
    counts = Counter(keys.values())
    places: dict[str, list[int]] = {}
    for i, key in keys.items():
        if counts[key] >= MARK_REPEATS and words[i] <= MARK_WORDS:
            places.setdefault(key, []).append(i)
    runs = []
    for key, found in places.items():
        found = [i for i in found if _standalone(texts, i)]
        if len(found) >= MARK_REPEATS and (_LETTER.search(key) or all(names_a_date(texts[i]) for i in found)):
            runs += [run for run in _runs(found, words) if len(run) >= MARK_REPEATS]
    if not runs:
        return in_thread
    prose_above = np.cumsum([n if n >= PROSE_WORDS else 0 for n in words])
    for run in sorted(runs):
        window = range(max(run[0] - HEADER_REACH, 0), run[0])
        kinds = [(i, _header(texts, keys, counts, i)) for i in window]
        header = next((i for i, kind in kinds if kind and prose_above[i] >= PROSE_ABOVE), None)
        if header is not None and not any(kind is None for i, kind in kinds if i > header):
            in_thread[header:run[-1] + 1] = True
    return in_thread
