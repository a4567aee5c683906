"""The one feature module: blocks of a page -> a numeric matrix, one row per block.

Train, evaluate and predict all call :func:`featurize`, so a model can never see
features computed differently from those it was trained on. The columns are
named by :func:`feature_names` (a text scrape: :data:`FEATURE_NAMES`) and
versioned by :data:`FEATURE_SCHEMAS`; a model bundle records both, and loading
refuses a bundle whose schema differs.

Feature groups (docs/how-it-works.md, "Features", has the full list):

* **shape**: length in characters and words, character classes, punctuation
  profile, terminal punctuation, capitalisation, digits, stop-word share;
* **lexicon**: hits of multilingual boilerplate phrases per category
  (:mod:`boilersift.lexicon`) and the share of the line they cover;
* **page**: repetition of the line within the page, position, blank lines around it;
* **context**: the shape of the neighbouring lines, a few each way, and the distance
  to the nearest line of running prose. A short line such as "Donald Trump" is
  content only because prose surrounds it;
* **chain** (text scrapes): the sentence the line is part of, when inline links
  split it over several lines;
* **DOM** (HTML blocks): link density, tags, ancestors, containers.

Per-character work is done with numpy over the whole page at once; the only
per-line Python is a handful of C-level string calls, so featurisation keeps up
with tens of thousands of lines per second.
"""

from __future__ import annotations

import re
from collections import Counter, namedtuple
from collections.abc import Sequence
from itertools import chain, repeat
from operator import itemgetter

import numpy as np

from .. import compiled
from ..blocks.html import SIGNALS, DomInfo
from ..blocks.text import Block
from .lexicon import BOILERPLATE_PHRASES, STOP_WORDS

# The fields of a page's blocks (and of their DomInfo), each as one tuple: one transposition in
# C, where reading them block by block through the NamedTuples' attributes was 4% of a perf
# profile of predicting HTML (CHANGELOG).
_Columns = namedtuple("_Columns", Block._fields)
_DomColumns = namedtuple("_DomColumns", DomInfo._fields)

FEATURE_SCHEMA_VERSION = "text-5"

CATEGORIES: tuple[str, ...] = tuple(BOILERPLATE_PHRASES)
TERMINAL = frozenset(".!?。！？…\"'”’»)")
SENTENCE_MARKS = ".!?。！？"
SENTENCE_END = re.compile(rf"[{SENTENCE_MARKS}](?:\s|$)")
# A time, an ISO or d/m/y date, or a year. The shared "\b(?=\d)" prefix lets the scan
# skip non-digits at once (twice as fast as one "\b" per alternative, same matches).
DATE_TIME = re.compile(
    r"\b(?=\d)(?:\d{1,2}:\d{2}\b|\d{4}-\d{2}-\d{2}\b|\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|(?:19|20)\d{2}\b)"
)
BULLET = frozenset("-•·*»›>|–—")
SENTENCE_ENDS = frozenset(".!?。！？…")
CLOSERS = "\"'”’»)]"
STRIP_PUNCT = ".,;:!?\"'()[]{}«»“”‘’…-–—"

SHAPE_NAMES: tuple[str, ...] = (
    "log_chars", "log_words", "mean_word_len",
    "alpha_share", "upper_share", "digit_share", "punct_share", "space_share", "cjk_share",
    "ends_terminal", "ends_colon", "starts_upper", "starts_lower", "starts_punct", "starts_bullet",
    "has_pipe", "log_sentences", "has_date_time", "title_case_share", "stopword_share",
)
LEXICON_NAMES: tuple[str, ...] = tuple(f"lex_{c}" for c in CATEGORIES) + ("lex_any", "lex_coverage")
PAGE_NAMES: tuple[str, ...] = (
    "log_repeats", "same_as_prev", "same_as_next",
    "blank_before", "blank_after", "indented",
    "rel_position", "log_from_start", "log_from_end", "log_page_blocks",
    "words_vs_page_max", "page_prose_share", "is_prose",
)
# Features of each neighbour; a missing neighbour (page edge) gets -1.
NEIGHBOUR_BASE: tuple[str, ...] = (
    "log_words", "ends_terminal", "stopword_share", "lex_any", "lex_coverage", "starts_lower",
)
OFFSETS: tuple[int, ...] = (-3, -2, -1, 1, 2, 3)
WINDOW = 5
CONTEXT_NAMES: tuple[str, ...] = tuple(
    f"{'prev' if o < 0 else 'next'}{abs(o)}_{name}" for o in OFFSETS for name in NEIGHBOUR_BASE
) + (
    "win_mean_log_words", "win_max_log_words", "win_terminal_share", "win_lex_share",
    "log_dist_prose_above", "log_dist_prose_below", "continues_prev", "continued_by_next",
)
# The features of every block, from a text scrape or an HTML page.
SHARED_NAMES: tuple[str, ...] = SHAPE_NAMES + LEXICON_NAMES + PAGE_NAMES + CONTEXT_NAMES

# A text scrape's lines also get these: the sentence a line belongs to when inline
# links break sentences over several lines (the run of lines up to a sentence end).
CHAIN_NAMES: tuple[str, ...] = ("chain_log_words", "chain_log_lines", "chain_ends_terminal", "chain_share_before")
FEATURE_NAMES: tuple[str, ...] = SHARED_NAMES + CHAIN_NAMES  # the columns for a text scrape
N_FEATURES = len(FEATURE_NAMES)

# HTML blocks get the shared features plus these.
HTML_FEATURE_SCHEMA_VERSION = "html-3"
TAG_GROUPS: dict[str, frozenset[str]] = {
    "tag_p": frozenset({"p"}), "tag_div": frozenset({"div", "section", "article", "main", "body"}),
    "tag_li": frozenset({"li", "dd", "dt"}), "tag_cell": frozenset({"td", "th"}),
    "tag_pre": frozenset({"pre", "blockquote"}), "tag_caption": frozenset({"figcaption", "caption"}),
    "tag_form": frozenset({"option", "select", "legend", "summary"}),
}
_TAG_GROUP = {tag: i for i, tags in enumerate(TAG_GROUPS.values()) for tag in tags}  # the groups are disjoint
_HEADING_LEVEL = {f"h{level}": level for level in range(10)}
DOM_NAMES: tuple[str, ...] = (
    "link_density", "all_link", "text_density", "log_depth", "rel_depth",
    *TAG_GROUPS, "heading_level", *(f"in_{s}" for s in SIGNALS),
    "log_container_chars", "container_share", "log_container_blocks", "container_link_density",
    "in_largest_container", "prev1_link_density", "next1_link_density", "win_link_density", "win_in_cls_content",
    # Blocks at the same place in the markup (the same `DomInfo.path`): a run of teaser
    # cards, comments or menu items repeats one path; an article's paragraphs share theirs.
    "log_path_blocks", "path_word_share", "path_link_density", "path_mean_log_words",
    # The main region, as readability finds it: the element whose paragraphs (and its
    # children's, at half weight) score highest, discounted by its link density.
    "in_main_region", "in_main_or_sibling", "log_main_score", "ancestor_score_ratio",
)
FEATURE_SCHEMAS = {"text": FEATURE_SCHEMA_VERSION, "html": HTML_FEATURE_SCHEMA_VERSION}


def names_a_date(text: str) -> bool:
    """Has `text` a time or a date (DATE_TIME), not only a year ("Best bridges of 2024")?"""
    return any(not match.group().isdigit() for match in DATE_TIME.finditer(text))


def feature_names(input_format: str = "text") -> tuple[str, ...]:
    """The columns of :func:`featurize` for "text" scrapes or "html" blocks."""
    return SHARED_NAMES + DOM_NAMES if input_format == "html" else FEATURE_NAMES


PHRASE_CATEGORY: dict[str, int] = {
    phrase.lower(): CATEGORIES.index(category)
    for category, phrases in BOILERPLATE_PHRASES.items() for phrase in phrases
}


def _trie_regex(words: list[str]) -> str:
    """A regex alternation factored as a prefix trie: Python's `re` tries the
    alternatives of a plain alternation one by one at every position, a trie
    branches on the first character, which makes the page scan ~30x faster."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return render(trie)


LATIN = "a-z0-9\u00e0-\u00ff"  # what may not touch a lexicon phrase (in lower-cased text)


def _lexicon_pattern() -> re.Pattern[str]:
    """One regex for all phrases, bounded by non-Latin-letters (so "home" does not
    match "homepage", while CJK phrases match inside unspaced text). The trie
    prefers the longest phrase at a position because every branch is greedy."""
    return re.compile(rf"(?<![{LATIN}])(?:{_trie_regex(list(PHRASE_CATEGORY))})(?![{LATIN}])")


LEXICON = _lexicon_pattern()
# The three scans in one compiled pass per line, where the install built it.
_SCANNER = compiled.loops.Scanner(
    SENTENCE_MARKS, PHRASE_CATEGORY, bytes(re.fullmatch(f"[{LATIN}]", chr(code)) is not None for code in range(256)),
    len(CATEGORIES),
) if compiled.loops is not None else None

# Character classes as code point ranges (_char_class_counts).
_UPPER = ((65, 90), (0xC0, 0xD6), (0xD8, 0xDE), (0x391, 0x3A9), (0x410, 0x42F))
_LOWER = ((97, 122), (0xDF, 0xF6), (0xF8, 0xFF), (0x3B1, 0x3C9), (0x430, 0x44F))
_DIGIT = ((48, 57), (0xFF10, 0xFF19))
_PUNCT = ((33, 47), (58, 64), (91, 96), (123, 126), (0xA1, 0xBF), (0x2010, 0x205E),
          (0x3000, 0x303F), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20))
_SPACE = ((9, 9), (32, 32), (0xA0, 0xA0), (0x2000, 0x200B), (0x3000, 0x3000))
_CJK = ((0x3040, 0x30FF), (0x3400, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF))
_CLASSES = (_UPPER, _LOWER, _DIGIT, _PUNCT, _SPACE, _CJK)
_CHAR_CLASSES = compiled.loops.CharClasses(_CLASSES) if compiled.loops is not None else None


def _in_ranges(codes: np.ndarray, ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    mask = np.zeros(codes.shape, dtype=bool)
    for lo, hi in ranges:
        mask |= (codes >= lo) & (codes <= hi)
    return mask


_first_char = itemgetter(0)


def _char_class_counts(texts: list[str]) -> np.ndarray:
    """Per-line counts of (upper, lower, digit, punct, space, cjk, other-letter) characters.
    Compiled where the install built it (:mod:`boilersift.compiled`); else numpy over the whole page."""
    if compiled.loops is not None and _CHAR_CLASSES is not None:
        return _CHAR_CLASSES.counts(texts)
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    counts = np.zeros((len(texts), 7), dtype=np.int64)
    seen = np.zeros(codes.shape, dtype=bool)
    # One class at a time, so memory stays a few bytes per character of the page.
    for column, ranges in enumerate(_CLASSES):
        mask = _in_ranges(codes, ranges)
        seen |= mask
        counts[:, column] = np.add.reduceat(mask.view(np.uint8), starts, dtype=np.int64)
    # Letters of scripts not listed above (Arabic, Thai, accented capitals beyond
    # Latin-1, ...) count as "other letter": anything high that is not punctuation.
    other = (codes >= 0x100) & ~seen
    counts[:, 6] = np.add.reduceat(other.view(np.uint8), starts, dtype=np.int64)
    return counts


def _per_line_matches(pattern: re.Pattern[str], lines: list[str]) -> tuple[np.ndarray, list]:
    """Matches of `pattern` in the lines joined by newlines (no pattern crosses one),
    and the line each falls on: one regex scan per page instead of one per line."""
    starts = np.cumsum([0] + [len(line) + 1 for line in lines[:-1]])
    matches = list(pattern.finditer("\n".join(lines)))
    return np.searchsorted(starts, [m.start() for m in matches], side="right") - 1, matches


def _scans(texts: list[str], lows: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per line (`lows` lower-cased): how many sentences end in it (SENTENCE_END), 1.0 if it holds
    a date or time (DATE_TIME), and its lexicon phrases (LEXICON): 1.0 per category it has a phrase
    of, a column left 0 (lex_any), and the characters they cover. Compiled where the install built
    it (:mod:`boilersift.compiled`); else one regex scan of the page's lines joined by newlines each."""
    if compiled.loops is not None and _SCANNER is not None:
        return _SCANNER.scan(texts, lows)
    n = len(texts)
    sentences = np.bincount(_per_line_matches(SENTENCE_END, texts)[0], minlength=n).astype(np.float64)
    dated = np.zeros(n)
    dated[_per_line_matches(DATE_TIME, texts)[0]] = 1.0
    lex = np.zeros((n, len(CATEGORIES) + 2))
    lines, matches = _per_line_matches(LEXICON, lows)  # lows: "İ".lower() is 2 characters
    for line, match in zip(lines.tolist(), matches):
        lex[line, PHRASE_CATEGORY[match.group()]] = 1.0
        lex[line, -1] += match.end() - match.start()
    return sentences, dated, lex


_LONGEST_STOP_WORD = max(map(len, STOP_WORDS))
_TERMINAL, _BULLET = "".join(sorted(TERMINAL)), "".join(sorted(BULLET))


def _line_shapes(texts: list[str], lows: list[str]) -> np.ndarray:
    """Per line (non-empty; `lows` lower-cased): its words, whether it ends in TERMINAL or ":",
    starts upper or lower case, with other punctuation or a BULLET, has a "|", and the shares of
    its words that start upper case and of its words that are stop words (once STRIP_PUNCT is
    stripped from their ends). Compiled where the install built it (:mod:`boilersift.compiled`)."""
    if compiled.loops is not None:
        return compiled.loops.line_shapes(texts, lows, STOP_WORDS, _LONGEST_STOP_WORD, _TERMINAL, _BULLET, STRIP_PUNCT)
    per_line: list[tuple] = []  # built as Python tuples: item assignment into numpy costs more
    is_stop_word = STOP_WORDS.__contains__
    for text, low in zip(texts, lows):
        words = text.split()
        n_words = len(words)
        first, last = text[0], text[-1]
        # map() over C functions: no Python frame per word (the loop's costliest part)
        title = sum(map(str.isupper, map(_first_char, words)))
        stop = sum(map(is_stop_word, map(str.strip, low.split(), repeat(STRIP_PUNCT))))
        per_line.append((
            n_words, last in TERMINAL, last == ":", first.isupper(), first.islower(),
            not first.isalnum() and first not in BULLET, first in BULLET, "|" in text,
            title / n_words if n_words else 0.0, stop / n_words if n_words else 0.0,
        ))
    return np.array(per_line, dtype=np.float64).reshape(len(texts), 10)


def _shape_and_lexicon(texts: list[str]) -> np.ndarray:
    """Context-free features of each block (shape + lexicon), one row per block."""
    n = len(texts)
    n_chars = np.fromiter(map(len, texts), dtype=np.float64, count=n)
    counts = _char_class_counts(texts).astype(np.float64)
    upper, lower, digit, punct, space, cjk, other = counts.T
    letters = upper + lower + other + cjk

    lows = [t.lower() for t in texts]
    rows = _line_shapes(texts, lows)

    sentences, dated, lex = _scans(texts, lows)
    n_lex = len(CATEGORIES)
    lex[:, -1] = np.minimum(lex[:, -1] / np.fromiter(map(len, lows), dtype=np.float64, count=n), 1.0)
    lex[:, n_lex] = lex[:, :n_lex].max(axis=1, initial=0.0)

    n_words = rows[:, 0]
    return np.column_stack([
        np.log1p(n_chars), np.log1p(n_words),
        np.divide(n_chars - space, np.maximum(n_words, 1)),
        letters / n_chars, np.divide(upper, np.maximum(upper + lower, 1)),
        digit / n_chars, punct / n_chars, space / n_chars, cjk / n_chars,
        rows[:, 1:8], np.log1p(sentences), dated, rows[:, 8:10], lex,
    ])


def _page_features(page: _Columns, base: np.ndarray) -> np.ndarray:
    """Repetition, layout and position of each block within its page."""
    texts = page.text
    n = len(texts)
    counts = Counter(texts)
    repeats = np.fromiter(map(counts.__getitem__, texts), dtype=np.float64, count=n) - 1.0
    same_prev = np.fromiter(chain([False], map(str.__eq__, texts[1:], texts[:-1])), dtype=np.float64, count=n)
    same_next = np.append(same_prev[1:], 0.0)
    blank_before = np.minimum(np.array(page.blank_before, dtype=np.float64), 3.0)
    blank_after = np.minimum(np.array(page.blank_after, dtype=np.float64), 3.0)
    indented = (np.array(page.indent, dtype=np.int64) > 0).astype(np.float64)
    idx = np.arange(n, dtype=np.float64)
    log_words = base[:, SHAPE_NAMES.index("log_words")]
    prose = _is_prose(base)
    return np.column_stack([
        np.log1p(repeats), same_prev, same_next, blank_before, blank_after, indented,
        idx / max(n - 1, 1), np.log1p(idx), np.log1p(n - 1 - idx), np.full(n, np.log1p(n)),
        log_words / max(log_words.max(), 1e-9), np.full(n, prose.mean()), prose,
    ])


def _is_prose(base: np.ndarray) -> np.ndarray:
    """A line of running prose: long, ends like a sentence, and uses function words
    (or is long CJK text, where words are not space-separated)."""
    log_words = base[:, SHAPE_NAMES.index("log_words")]
    terminal = base[:, SHAPE_NAMES.index("ends_terminal")]
    stop = base[:, SHAPE_NAMES.index("stopword_share")]
    log_chars = base[:, SHAPE_NAMES.index("log_chars")]
    cjk_long = (base[:, SHAPE_NAMES.index("cjk_share")] > 0.5) & (log_chars > np.log1p(40))
    spaced_prose = (log_words >= np.log1p(12)) & (terminal > 0) & (stop >= 0.15)
    return (spaced_prose | cjk_long).astype(np.float64)


def _shift(column: np.ndarray, offset: int, fill: float = -1.0) -> np.ndarray:
    """column[i + offset], with `fill` past the page edges (of each column of a 2-D `column`)."""
    out = np.full_like(column, fill)
    if offset > 0:
        out[:-offset] = column[offset:]
    else:
        out[-offset:] = column[:offset]
    return out


def _window_mean(column: np.ndarray, radius: int) -> np.ndarray:
    """Mean of column over [i - radius, i + radius], clipped at the page edges (of each column of
    a 2-D `column`: the same sums, in the same order, as one column at a time)."""
    n = len(column)
    padded = np.cumsum(np.concatenate((np.zeros((1, *column.shape[1:])), column)), axis=0)
    idx = np.arange(n)
    lo, hi = np.maximum(idx - radius, 0), np.minimum(idx + radius + 1, n)
    return (padded[hi] - padded[lo]) / (hi - lo).reshape(-1, *([1] * (column.ndim - 1)))


def _window_max(column: np.ndarray, radius: int) -> np.ndarray:
    """Maximum of column over [i - radius, i + radius], clipped at the page edges: maxima of
    windows of 1, 2, 4, ... values, then of two overlapping ones (a few numpy calls per page,
    where `sliding_window_view` costs more than the rest of the context features)."""
    width = 2 * radius + 1
    out = np.concatenate((np.full(radius, -np.inf), column, np.full(radius, -np.inf)))
    span = 1  # out[i]: the maximum of `span` values from i
    while 2 * span <= width:
        out = np.maximum(out[:-span], out[span:])
        span *= 2
    return np.maximum(out[:len(out) - (width - span)], out[width - span:]) if span < width else out


def _distance_to(mask: np.ndarray, direction: int) -> np.ndarray:
    """Blocks from each block to the nearest masked block above (-1) or below (+1),
    capped at 50; the block itself does not count."""
    n = len(mask)
    idx = np.arange(n)
    if direction < 0:  # the last masked block before each block
        seen = np.maximum.accumulate(np.where(mask, idx, -1))
        nearest = np.concatenate(([-1], seen[:-1]))
        distance = idx - nearest
    else:  # the first masked block after each block
        seen = np.minimum.accumulate(np.where(mask, idx, n)[::-1])[::-1]
        nearest = np.concatenate((seen[1:], [n]))
        distance = nearest - idx
    found = (nearest >= 0) & (nearest < n)
    return np.where(found, np.minimum(distance, 50), 50).astype(np.float64)


_NEIGHBOUR_COLUMNS = [(SHAPE_NAMES + LEXICON_NAMES).index(name) for name in NEIGHBOUR_BASE]  # of `base`
_WINDOW_MEAN_COLUMNS = [(SHAPE_NAMES + LEXICON_NAMES).index(name) for name in ("log_words", "ends_terminal", "lex_any")]


def _context_features(base: np.ndarray, page: np.ndarray) -> np.ndarray:
    """The neighbours of each block, a few each way, and what surrounds it (`base`: the shape
    and lexicon features, `page`: the page features)."""
    n, reach = len(base), max(map(abs, OFFSETS))
    padded = np.full((n + 2 * reach, len(NEIGHBOUR_BASE)), -1.0)  # -1 past the page edges
    padded[reach:reach + n] = base[:, _NEIGHBOUR_COLUMNS]
    columns = [padded[reach + offset:reach + offset + n] for offset in OFFSETS]
    log_words = base[:, SHAPE_NAMES.index("log_words")]
    terminal = base[:, SHAPE_NAMES.index("ends_terminal")]
    starts_lower = base[:, SHAPE_NAMES.index("starts_lower")]
    starts_punct = base[:, SHAPE_NAMES.index("starts_punct")]
    prose = page[:, PAGE_NAMES.index("is_prose")]
    # A sentence broken by inline links: this line starts in lower case or with
    # punctuation right after a line that did not end a sentence.
    joins = ((starts_lower + starts_punct) > 0) & (_shift(terminal, -1, 1.0) == 0)
    means = _window_mean(base[:, _WINDOW_MEAN_COLUMNS], WINDOW)
    columns += [
        means[:, 0], _window_max(log_words, WINDOW), means[:, 1], means[:, 2],
        np.log1p(_distance_to(prose > 0, -1)), np.log1p(_distance_to(prose > 0, +1)),
        joins.astype(np.float64), _shift(joins.astype(np.float64), 1, 0.0),
    ]
    return np.column_stack(columns)


def ends_sentence(text: str) -> bool:
    """A sentence end, maybe inside closing quotes or brackets; ")" alone ends no sentence."""
    return text.rstrip(CLOSERS)[-1:] in SENTENCE_ENDS


def word_counts(X: np.ndarray) -> np.ndarray:
    """The words of each block (``len(text.split())``), from the log_words column of its features.
    Rounded to whole numbers: expm1 of a strided column differs in the last bit with its memory
    layout (numpy 1.26), and sums of the counts would carry that from one call to the next."""
    return np.rint(np.expm1(X[:, SHAPE_NAMES.index("log_words")]))


def _chain_features(texts: Sequence[str], base: np.ndarray) -> np.ndarray:
    """The run of lines each line's sentence spans: "MOSCOW: The Kremlin said Tuesday
    that / Donald Trump / 's criticism of / Vladimir Putin / will not affect ... ."
    is one sentence of 40 words that ends like one, a menu is a run that never does."""
    n = len(texts)
    terminal = np.fromiter(map(ends_sentence, texts), dtype=np.float64, count=n)
    words = word_counts(base)
    # Blank lines do not end a chain: the training format keeps no blank lines, so
    # a chain cut at them would differ between training and prediction.
    starts = _shift(terminal, -1, 1.0) > 0
    chain = np.cumsum(starts) - 1
    chain_words = np.bincount(chain, weights=words)
    chain_lines = np.bincount(chain)
    last = np.append(np.flatnonzero(starts)[1:] - 1, n - 1)
    before = np.cumsum(words) - words - np.concatenate(([0.0], np.cumsum(chain_words)[:-1]))[chain]
    return np.column_stack([
        np.log1p(chain_words[chain]), np.log1p(chain_lines[chain]), terminal[last][chain],
        before / np.maximum(chain_words[chain], 1.0),
    ])


PARAGRAPH_TAGS = frozenset({"p", "pre", "td", "div", "section", "article", "main", "body", "blockquote"})


def _main_region(dom: _DomColumns, texts: Sequence[str], chars: np.ndarray, link_chars: np.ndarray) -> np.ndarray:
    """readability's candidate scoring over the block-level ancestors of each block: a paragraph
    of 25 characters or more scores 1 + its commas + one per 100 characters (at most 3) for its
    parent element and half that for its grandparent; a candidate's score is discounted by the
    link density of everything inside it. Columns: in the best candidate; in it or a sibling
    scoring at least max(10, a fifth of it); log of the best score; the best score among the
    block's own ancestors as a share of it. A page where nothing scores is all one region (the
    outermost element wins), as readability then falls back to the whole body."""
    n = len(texts)
    lengths = np.fromiter(map(len, dom.ancestors), dtype=np.int64, count=n)
    if not lengths.sum():
        return np.zeros((n, 4))
    ids = np.fromiter(chain.from_iterable(dom.ancestors), dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(n), lengths)
    starts = np.cumsum(lengths) - lengths  # each block's first (row, ancestor) pair
    level = np.arange(len(ids)) - np.repeat(starts, lengths)  # 0: outermost
    from_end = np.repeat(lengths, lengths) - level  # 1: the block's own element, 2: its parent
    candidate = ids  # the ids themselves index the candidates: ids are small, and in document order
    m = int(ids.max()) + 1
    parent = np.full(m, -1)
    inner = level > 0
    parent[candidate[inner]] = candidate[np.flatnonzero(inner) - 1]
    paragraph = np.fromiter(map(PARAGRAPH_TAGS.__contains__, dom.tag), dtype=bool, count=n) & (chars >= 25)
    commas = np.fromiter(map(str.count, texts, repeat(",")), dtype=np.float64, count=n)
    score = np.where(paragraph, 1.0 + commas + np.minimum(chars / 100.0, 3.0), 0.0)
    weight = np.where(from_end == 2, 1.0, np.where(from_end == 3, 0.5, 0.0)) * score[rows]
    candidate_score = np.bincount(candidate, weights=weight, minlength=m)
    inside_chars = np.bincount(candidate, weights=chars[rows], minlength=m)
    inside_links = np.bincount(candidate, weights=link_chars[rows], minlength=m)
    candidate_score *= 1.0 - inside_links / np.maximum(inside_chars, 1.0)
    candidate_score[np.bincount(ids, minlength=m) == 0] = -1.0  # no element: never the best
    best = int(candidate_score.argmax())
    top = candidate_score[best]
    chosen = np.zeros(m, dtype=bool)
    chosen[best] = True
    if top > 0 and parent[best] >= 0:
        chosen |= (parent == parent[best]) & (candidate_score >= max(10.0, 0.2 * top))
    in_best = np.bincount(rows, weights=candidate == best, minlength=n) > 0
    in_chosen = np.bincount(rows, weights=chosen[candidate], minlength=n) > 0
    ratio = np.zeros(n)
    if top > 0:
        held = lengths > 0  # the pairs of a block are consecutive: one reduceat, not ufunc.at
        ratio[held] = np.maximum.reduceat(candidate_score[candidate] / top, starts[held])
    return np.column_stack([in_best, in_chosen, np.full(n, np.log1p(max(top, 0.0))), ratio])


def first_seen_codes(values: Sequence) -> np.ndarray:
    """Each value numbered by the order in which the values first come (no sort: the markup paths
    are long strings); equal values, equal numbers."""
    numbers = {value: i for i, value in enumerate(dict.fromkeys(values))}
    return np.fromiter(map(numbers.__getitem__, values), dtype=np.int64, count=len(values))


def _dom_features(page: _Columns, base: np.ndarray) -> np.ndarray:
    """What the DOM says about each block of an HTML page (see :mod:`boilersift.blocks.html`);
    `base`: the blocks' shape features."""
    if None in page.dom:
        raise ValueError("HTML features need blocks from dom.segment_html (a text scrape has no DOM)")
    dom = _DomColumns._make(zip(*page.dom))
    n = len(page.text)
    chars = np.fromiter(map(len, page.text), dtype=np.float64, count=n)
    words = word_counts(base)
    link_chars = np.array(dom.link_chars, dtype=np.float64)
    depth = np.array(dom.depth, dtype=np.float64)
    signals = np.array(dom.signals, dtype=np.int64)
    tags = dom.tag
    link_density = link_chars / chars
    # Containers: blocks that share their nearest enclosing block element. The
    # article body is one container holding most of the page's prose.
    container = np.array(dom.container, dtype=np.int64)  # ids: small, and in document order
    per_container = np.bincount(container)
    container_chars = np.bincount(container, weights=chars)
    container_links = np.bincount(container, weights=link_chars)
    bits = ((signals[:, None] >> np.arange(len(SIGNALS))) & 1).astype(np.float64)
    group = np.fromiter(map(_TAG_GROUP.get, tags, repeat(-1)), dtype=np.int64, count=n)
    tag_columns = (group[:, None] == np.arange(len(TAG_GROUPS))).astype(np.float64)
    heading = np.fromiter(map(_HEADING_LEVEL.get, tags, repeat(0)), dtype=np.float64, count=n)
    content = bits[:, SIGNALS.index("cls_content")]
    path = first_seen_codes(dom.path)
    per_path = np.bincount(path)
    path_words = np.bincount(path, weights=words)
    path_chars = np.bincount(path, weights=chars)
    path_log_words = np.bincount(path, weights=np.log1p(words)) / per_path
    page_words = max(words.sum(), 1.0)
    return np.column_stack([
        link_density, (link_density > 0.9).astype(np.float64),
        words / np.maximum(np.ceil(chars / 80.0), 1.0),  # boilerpipe's text density
        np.log1p(depth), depth / max(depth.max(), 1.0),
        tag_columns, heading, bits,
        np.log1p(container_chars[container]), container_chars[container] / chars.sum(),
        np.log1p(per_container[container]), container_links[container] / container_chars[container],
        (container == container_chars.argmax()).astype(np.float64),
        _shift(link_density, -1), _shift(link_density, 1),
        _window_mean(np.column_stack([link_density, content]), WINDOW),
        np.log1p(per_path[path]), path_words[path] / page_words,
        np.bincount(path, weights=link_chars)[path] / path_chars[path], path_log_words[path],
        _main_region(dom, page.text, chars, link_chars),
    ])


def featurize(blocks: list[Block], dom: bool = False) -> np.ndarray:
    """Feature matrix of one page: one row per block, float64; the shared features
    (:data:`SHARED_NAMES`), then the DOM features (:data:`DOM_NAMES`) if `dom`, else
    the sentence-chain features of a text scrape (:data:`CHAIN_NAMES`)."""
    names = feature_names("html" if dom else "text")
    if not blocks:
        return np.zeros((0, len(names)))
    columns = _Columns._make(zip(*blocks))
    base = _shape_and_lexicon(list(columns.text))
    page = _page_features(columns, base)
    context = _context_features(base, page)
    return np.column_stack([base, page, context,
                            _dom_features(columns, base) if dom else _chain_features(columns.text, base)])


def page_summary(X: np.ndarray) -> np.ndarray:
    """One page as one row: the mean of its blocks' features, and their mean weighted by the
    blocks' words (what the kind of page is predicted from: a forum, a shop, an article)."""
    if not len(X):
        return np.zeros(2 * X.shape[1])
    words = word_counts(X)
    return np.concatenate([X.mean(axis=0), words @ X / max(words.sum(), 1.0)])


def featurize_pages(pages: list[list[Block]], dom: bool = False) -> np.ndarray:
    """Feature matrices of several pages, stacked (context never crosses pages)."""
    matrices = [featurize(blocks, dom) for blocks in pages]
    return np.vstack(matrices) if matrices else np.zeros((0, len(feature_names("html" if dom else "text"))))


# Context of a learned per-line score (the word model's, or the first pass's
# probability): the score itself, its neighbours, and its mean over windows on
# each side. This is the jusText / boilerpipe idea of a neighbour-aware second
# pass: a short line between confident content lines is content too.
SCORE_OFFSETS: tuple[int, ...] = (-2, -1, 1, 2)
SCORE_WINDOWS: tuple[int, ...] = (3, 10, 30)


def score_context_names(prefix: str) -> tuple[str, ...]:
    return ((f"{prefix}",)
            + tuple(f"{prefix}_{'prev' if o < 0 else 'next'}{abs(o)}" for o in SCORE_OFFSETS)
            + tuple(f"{prefix}_{side}{r}" for r in SCORE_WINDOWS for side in ("above", "below", "around"))
            + (f"{prefix}_page_mean", f"{prefix}_page_max"))


def score_context(scores: np.ndarray, lengths: Sequence[int] | None = None) -> np.ndarray:
    """Context features of per-line scores, one row per line; `lengths`: the lines of each page
    the scores run over (default: one page), as context never crosses a page. All pages in one
    set of numpy calls; the values are those of a page at a time, to the bit (each page's
    running sum and mean computed on its own)."""
    n = len(scores)
    if n == 0:
        return np.zeros((0, len(score_context_names("s"))))
    sizes = np.array([n] if lengths is None else lengths, dtype=np.intp)
    starts = np.cumsum(sizes) - sizes
    pieces = np.split(scores, starts[1:])
    page = np.repeat(np.arange(len(sizes)), sizes)
    size = sizes[page]
    row = np.arange(n)
    idx = row - starts[page]  # the line's place on its page
    columns = [scores] + [np.where((idx + o >= 0) & (idx + o < size), scores[np.clip(row + o, 0, n - 1)], -1.0)
                          for o in SCORE_OFFSETS]
    # Each page's running sum, after a 0 of its own: the page's k-th entry starts at `base` + k.
    cumulative = np.concatenate([part for piece in pieces for part in ((0.0,), np.cumsum(piece))])
    base = starts[page] + page
    for radius in SCORE_WINDOWS:
        lo, hi = np.maximum(idx - radius, 0), np.minimum(idx + radius + 1, size)
        above = (cumulative[base + idx] - cumulative[base + lo]) / np.maximum(idx - lo, 1)
        below = (cumulative[base + hi] - cumulative[base + idx + 1]) / np.maximum(hi - idx - 1, 1)
        columns += [np.where(idx > lo, above, -1.0), np.where(hi > idx + 1, below, -1.0),
                    (cumulative[base + hi] - cumulative[base + lo]) / (hi - lo)]
    held = sizes > 0
    means = np.zeros(len(sizes))
    means[held] = [piece.mean() for piece in pieces if len(piece)]
    columns += [means[page], np.maximum.reduceat(scores, starts[held])[np.cumsum(held)[page] - 1]]
    return np.column_stack(columns)


CONTENT_WORD = re.compile(r"[^\W\d_]{3,}")


def content_words(text: str) -> set[str]:
    """What a line talks about: its words of three letters or more that are not stop
    words, cut to six characters (a crude multilingual stemmer: Russia/Russian)."""
    return {w[:6] for w in CONTENT_WORD.findall(text.lower()) if w not in STOP_WORDS}


def content_word_ids(pages: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """The :func:`content_words` of the lines of several pages as (row, word id) pairs: rows
    number the lines of all pages in order; each page numbers its own words from 0."""
    if compiled.loops is not None:
        return compiled.loops.content_word_pairs(pages, STOP_WORDS)
    counts: list[int] = []  # content words of each line
    ids: list[int] = []
    for texts in pages:
        vocabulary: dict[str, int] = {}
        for text in texts:
            words = content_words(text)
            ids += [vocabulary.setdefault(word, len(vocabulary)) for word in words]
            counts.append(len(words))
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts), np.asarray(ids, dtype=np.int64)


def topic_overlap(rows: np.ndarray, words: np.ndarray, scores: np.ndarray, cut: float = 0.5) -> np.ndarray:
    """Share of each line's content words (the pairs `rows`, `words` of
    :func:`content_word_ids`, with ids that differ between pages) that also occur in the
    *other* lines of its page scored at least `cut`: an article paragraph stranded between two
    widgets still talks about what the article talks about; a teaser for another story does not."""
    n = len(scores)
    own = (scores >= cut)[rows]
    core = np.bincount(words[own], minlength=int(words.max()) + 1 if len(words) else 0)
    shared = core[words] > own
    size = np.bincount(rows, minlength=n)
    return np.divide(np.bincount(rows, weights=shared, minlength=n), size, out=np.zeros(n), where=size > 0)


def markup_keys(pages: list[list[Block]]) -> np.ndarray:
    """Two integer codes per HTML block of several pages: its place in the markup
    (`DomInfo.path`) and its container; blocks share a code only within a page. A page's codes
    number its paths and containers in the order they come, from the number of rows before it."""
    codes, offset = [], 0
    for blocks in pages:
        doms = [block.dom for block in blocks]
        codes.append(np.column_stack([first_seen_codes([dom.path for dom in doms]),
                                      first_seen_codes([dom.container for dom in doms])]) + offset)
        offset += len(blocks)
    return np.vstack(codes) if codes else np.zeros((0, 2), dtype=np.int64)


def dom_score_context(keys: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The mean first-pass score of the blocks at the same place in the markup and in the same
    container (:func:`markup_keys`), one row per block: a teaser card's summary reads like body
    text, but the cards around it, at the same path, do not."""
    columns = []
    for key in keys.T.astype(np.int64):  # training keeps the codes in a float matrix
        columns.append(np.bincount(key, weights=scores)[key] / np.bincount(key)[key])
    return np.column_stack(columns) if len(keys) else np.zeros((0, len(DOM_PASS_NAMES)))


WORD_SCORE_NAMES = score_context_names("words")
FIRST_PASS_NAMES = score_context_names("pass1") + ("pass1_topic_overlap",)
DOM_PASS_NAMES = ("pass1_path_mean", "pass1_container_mean")  # HTML models only


def second_pass_names(input_format: str = "text") -> tuple[str, ...]:
    """The columns the second pass adds to the first pass's: the context of its scores."""
    return FIRST_PASS_NAMES + (DOM_PASS_NAMES if input_format == "html" else ())


def model_feature_names(input_format: str = "text") -> tuple[str, ...]:
    """Every column the final classifier sees, in order (the model adds the learned ones)."""
    return feature_names(input_format) + WORD_SCORE_NAMES + second_pass_names(input_format)


MODEL_FEATURE_NAMES: tuple[str, ...] = model_feature_names("text")
