"""Features: the matrix shape, its invariants, and each feature group on known lines.

Columns are always looked up by name (``FEATURE_NAMES.index``), never by position,
so adding a feature does not break these tests.
"""

import numpy as np
import pytest
from conftest import SAMPLE_TXT

from boilersift.blocks.text import segment_lines, segment_text
from boilersift.features.featurize import (
    CHAIN_NAMES,
    FEATURE_NAMES,
    FEATURE_SCHEMA_VERSION,
    N_FEATURES,
    NEIGHBOUR_BASE,
    SHARED_NAMES,
    featurize,
    featurize_pages,
)

LONG_SENTENCE = ("The Kremlin downplayed the spat when asked whether the US leader's comments "
                 "could disrupt plans for a nine-for-nine prisoner swap between Moscow and Washington.")

CJK_LINE = ("经过半年的改造，城市公园今天上午重新向市民开放，新增了儿童游乐区和自行车道，"
            "公园管理处表示改造期间共种植了三千多棵树木。")

PAGE = [
    "Home",
    "Kremlin says Trump criticism won't hit US-Russia prisoner swap plans",
    "MOSCOW: The Kremlin said Tuesday that",
    "Donald Trump",
    "'s criticism of",
    "Vladimir Putin",
    "will not affect plans for a US-Russia prisoner exchange that the two presidents discussed in a call last week.",
    LONG_SENTENCE,
    "by Taboola",
    "by Taboola",
    "Sponsored Links",
    "Comments",
    "No comments yet...",
    "32 minutes ago",
    "Share on Facebook",
    "We use cookies to improve your experience. Accept all",
    "Related Articles",
    "Copyright 2025 Example News. All rights reserved.",
    CJK_LINE,
]


def col(name: str) -> int:
    return FEATURE_NAMES.index(name)


def features_of(lines: list[str]) -> dict[str, np.ndarray]:
    """Feature rows keyed by line text (the first occurrence of each line)."""
    X = featurize(segment_lines(lines))
    rows = {}
    for line, row in zip(lines, X):
        rows.setdefault(line, row)
    return rows


@pytest.fixture(scope="module")
def page_rows():
    return features_of(PAGE)


@pytest.fixture(scope="module")
def sample_matrix():
    return featurize(segment_text(SAMPLE_TXT.read_text(encoding="utf-8")))


# -- the matrix as a whole ----------------------------------------------------

def test_names_match_the_matrix_width():
    assert len(FEATURE_NAMES) == N_FEATURES
    assert featurize(segment_lines(PAGE)).shape == (len(PAGE), N_FEATURES)


def test_names_are_unique():
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)


def test_schema_version_is_a_string():
    assert isinstance(FEATURE_SCHEMA_VERSION, str) and FEATURE_SCHEMA_VERSION


def test_sample_shape_dtype_and_finite(sample_matrix):
    n_blocks = len(segment_text(SAMPLE_TXT.read_text(encoding="utf-8")))
    assert sample_matrix.shape == (n_blocks, N_FEATURES)
    assert sample_matrix.dtype == np.float64
    assert np.isfinite(sample_matrix).all()


def test_deterministic(sample_matrix):
    again = featurize(segment_text(SAMPLE_TXT.read_text(encoding="utf-8")))
    assert np.array_equal(sample_matrix, again)


@pytest.mark.parametrize("lines", [
    [],
    ["x"],
    ["|"],
    ["..."],
    ["   "],  # a blank line only: no blocks
    ["a", "a", "a"],
    ["中文"],
    ["\u200b\u200b"],  # zero-width spaces only
    ["😀😀😀", "مرحبا بالعالم", "Привет, мир!"],
    ["x" * 20000],
])
def test_edge_pages_are_finite(lines):
    X = featurize(segment_lines(lines))
    assert X.shape == (len(segment_lines(lines)), N_FEATURES)
    assert np.isfinite(X).all()


def test_empty_page():
    assert featurize([]).shape == (0, N_FEATURES)
    assert featurize(segment_text("")).shape == (0, N_FEATURES)
    assert featurize_pages([]).shape == (0, N_FEATURES)


def test_pages_are_featurized_independently():
    a, b = segment_lines(PAGE[:8]), segment_lines(PAGE[8:])
    stacked = featurize_pages([a, b])
    assert np.array_equal(stacked, np.vstack([featurize(a), featurize(b)]))


# -- shape group ----------------------------------------------------------------

# (line, feature, expected value)
SHAPE_CASES = [
    (LONG_SENTENCE, "ends_terminal", 1.0),
    (LONG_SENTENCE, "starts_upper", 1.0),
    (LONG_SENTENCE, "starts_lower", 0.0),
    ("Donald Trump", "ends_terminal", 0.0),
    ("Donald Trump", "title_case_share", 1.0),
    ("Donald Trump", "log_words", np.log1p(2)),
    ("Donald Trump", "log_chars", np.log1p(12)),
    ("'s criticism of", "starts_punct", 1.0),
    ("will not affect plans for a US-Russia prisoner exchange that the two presidents discussed in a call last week.",
     "starts_lower", 1.0),
    ("MOSCOW: The Kremlin said Tuesday that", "ends_terminal", 0.0),
    ("32 minutes ago", "digit_share", 2 / 14),
    ("Copyright 2025 Example News. All rights reserved.", "has_date_time", 1.0),
    ("Home", "alpha_share", 1.0),
    ("Home", "stopword_share", 0.0),
]


@pytest.mark.parametrize("line, feature, expected", SHAPE_CASES)
def test_shape_features(page_rows, line, feature, expected):
    assert page_rows[line][col(feature)] == pytest.approx(expected)


@pytest.mark.parametrize("line, feature, low, high", [
    (LONG_SENTENCE, "stopword_share", 0.25, 1.0),
    (LONG_SENTENCE, "log_words", np.log1p(20), np.log1p(40)),
    (LONG_SENTENCE, "cjk_share", 0.0, 0.0),
    (CJK_LINE, "cjk_share", 0.5, 1.0),
    ("Donald Trump", "stopword_share", 0.0, 0.0),
])
def test_shape_ranges(page_rows, line, feature, low, high):
    assert low <= page_rows[line][col(feature)] <= high


@pytest.mark.parametrize("line, ending", [
    ("A sentence.", 1), ("A question?", 1), ("Wow!", 1), ('He said "yes."', 1), ("句子。", 1),
    ("No ending", 0), ("A list:", 0), ("Trailing comma,", 0),
])
def test_ends_terminal(line, ending):
    assert featurize(segment_lines([line]))[0, col("ends_terminal")] == ending


@pytest.mark.parametrize("line", ["- item", "• item", "» item", "| item"])
def test_starts_bullet(line):
    row = featurize(segment_lines([line]))[0]
    assert row[col("starts_bullet")] == 1
    assert row[col("starts_punct")] == 0


# -- lexicon group --------------------------------------------------------------

LEXICON_CASES = [
    ("by Taboola", "lex_ad"),
    ("Sponsored Links", "lex_ad"),
    ("No comments yet...", "lex_comment"),
    ("Comments", "lex_comment"),
    ("32 minutes ago", "lex_meta"),
    ("Share on Facebook", "lex_share"),
    ("We use cookies to improve your experience. Accept all", "lex_cookie"),
    ("Related Articles", "lex_related"),
    ("Copyright 2025 Example News. All rights reserved.", "lex_nav"),
    ("Home", "lex_nav"),
]


@pytest.mark.parametrize("line, feature", LEXICON_CASES)
def test_lexicon_hits(page_rows, line, feature):
    row = page_rows[line]
    assert row[col(feature)] == 1
    assert row[col("lex_any")] == 1
    assert 0 < row[col("lex_coverage")] <= 1


@pytest.mark.parametrize("line", [
    "The harbour bridge reopened on Monday after six months of repairs, the city council said.",
    "Donald Trump",
    "Vladimir Putin",
])
def test_no_lexicon_hit_on_article_text(line):
    row = featurize(segment_lines(["Home", line]))[1]
    assert row[col("lex_any")] == 0
    assert row[col("lex_coverage")] == 0


@pytest.mark.parametrize("line, hit", [
    ("Home", 1),
    ("Homepage of the society", 0),  # phrases match whole words only
    ("homeless shelter opens", 0),
    ("Sharecropping in the south", 0),
    ("Anzeige", 1),
    ("Kommentare (3)", 1),
    ("広告", 1),
    ("点击分享到微信", 1),  # CJK phrases match inside unspaced text
])
def test_lexicon_word_boundaries(line, hit):
    assert featurize(segment_lines([line]))[0, col("lex_any")] == hit


def test_full_coverage_of_a_pure_phrase(page_rows):
    assert page_rows["by Taboola"][col("lex_coverage")] == pytest.approx(1.0)


# -- page group ---------------------------------------------------------------

def test_repetition(page_rows):
    assert page_rows["by Taboola"][col("log_repeats")] > 0
    assert page_rows["Sponsored Links"][col("log_repeats")] == 0
    assert page_rows[LONG_SENTENCE][col("log_repeats")] == 0


def test_same_as_prev_and_next():
    X = featurize(segment_lines(PAGE))
    first, second = PAGE.index("by Taboola"), PAGE.index("by Taboola") + 1
    assert X[first, col("same_as_prev")] == 0 and X[first, col("same_as_next")] == 1
    assert X[second, col("same_as_prev")] == 1 and X[second, col("same_as_next")] == 0
    assert X[0, col("same_as_prev")] == 0 and X[-1, col("same_as_next")] == 0


def test_is_prose(page_rows):
    assert page_rows[LONG_SENTENCE][col("is_prose")] == 1
    assert page_rows["Donald Trump"][col("is_prose")] == 0
    assert page_rows["by Taboola"][col("is_prose")] == 0
    # Long CJK text is prose although it has no spaces.
    assert page_rows[CJK_LINE][col("is_prose")] == 1


def test_layout_and_position():
    X = featurize(segment_text("first\n\n\n\n\n  second\nthird"))
    assert X[0, col("blank_after")] == 3  # capped at 3
    assert X[1, col("blank_before")] == 3
    assert X[1, col("indented")] == 1 and X[0, col("indented")] == 0
    assert X[0, col("rel_position")] == 0 and X[-1, col("rel_position")] == 1
    assert X[0, col("log_from_start")] == 0 and X[-1, col("log_from_end")] == 0
    assert (X[:, col("log_page_blocks")] == np.log1p(3)).all()


# -- context group --------------------------------------------------------------

@pytest.mark.parametrize("name", [f"prev{k}_{base}" for k in (1, 2, 3) for base in NEIGHBOUR_BASE])
def test_first_block_has_no_previous(name):
    X = featurize(segment_lines(PAGE))
    assert X[0, col(name)] == -1


@pytest.mark.parametrize("name", [f"next{k}_{base}" for k in (1, 2, 3) for base in NEIGHBOUR_BASE])
def test_last_block_has_no_next(name):
    X = featurize(segment_lines(PAGE))
    assert X[-1, col(name)] == -1


def test_neighbour_features_are_the_neighbours_own():
    X = featurize(segment_lines(PAGE))
    for base in NEIGHBOUR_BASE:
        assert X[5, col(f"prev1_{base}")] == X[4, col(base)]
        assert X[5, col(f"next2_{base}")] == X[7, col(base)]


@pytest.mark.parametrize("line, continues_prev, continued_by_next", [
    ("MOSCOW: The Kremlin said Tuesday that", 0, 0),  # "Donald Trump" starts upper-case
    ("Donald Trump", 0, 1),
    ("'s criticism of", 1, 0),
    ("Vladimir Putin", 0, 1),
    ("will not affect plans for a US-Russia prisoner exchange that the two presidents discussed in a call last week.",
     1, 0),
    (LONG_SENTENCE, 0, 0),
])
def test_inline_link_joins(page_rows, line, continues_prev, continued_by_next):
    assert page_rows[line][col("continues_prev")] == continues_prev
    assert page_rows[line][col("continued_by_next")] == continued_by_next


# The sentence each line is part of, when inline links split it: lines up to and
# including one that ends a sentence (maybe inside quotes or brackets).
CHAIN_PAGE = [
    "Home",                                   # 0: no sentence end: the chain runs on ...
    "MOSCOW: The Kremlin said Tuesday that",  # 1
    "Donald Trump",                           # 2
    "'s criticism of",                        # 3
    "will not affect plans.",                 # 4: ... to here: 5 lines, 16 words, a sentence
    "He said \"no.\"",                        # 5: a sentence inside quotes
    "Menu (Take A Look)",                     # 6: ")" alone ends no sentence
    "",
    "Next",                                   # 7: blank lines do not end a chain
]


@pytest.mark.parametrize("index, words, lines, ends, before", [
    (0, 16, 5, 1, 0), (2, 16, 5, 1, 7), (4, 16, 5, 1, 12), (5, 3, 1, 1, 0), (6, 5, 2, 0, 0), (7, 5, 2, 0, 4),
])
def test_sentence_chains(index, words, lines, ends, before):
    X = featurize(segment_lines(CHAIN_PAGE))
    row = dict(zip(CHAIN_NAMES, X[index, len(SHARED_NAMES):]))
    assert row["chain_log_words"] == pytest.approx(np.log1p(words))
    assert row["chain_log_lines"] == pytest.approx(np.log1p(lines))
    assert row["chain_ends_terminal"] == ends
    assert row["chain_share_before"] == pytest.approx(before / words)


def test_text_features_are_the_shared_then_the_chain_features():
    assert FEATURE_NAMES == SHARED_NAMES + CHAIN_NAMES


def test_distance_to_prose(page_rows):
    # "Donald Trump" sits four blocks above the first prose line.
    assert page_rows["Donald Trump"][col("log_dist_prose_below")] == pytest.approx(np.log1p(3))
    assert page_rows["Home"][col("log_dist_prose_above")] == pytest.approx(np.log1p(50))  # none: capped


def test_score_context_names_match_columns():
    from boilersift.features.featurize import score_context, score_context_names

    scores = np.array([0.1, 0.9, 0.8, 0.2])
    assert score_context(scores).shape == (4, len(score_context_names("s")))
    assert score_context(np.zeros(0)).shape == (0, len(score_context_names("s")))


def test_score_context_sees_neighbours():
    from boilersift.features.featurize import score_context, score_context_names

    names = score_context_names("s")
    row = score_context(np.array([0.9, 0.1, 0.8]))[1]
    assert row[names.index("s")] == pytest.approx(0.1)
    assert row[names.index("s_prev1")] == pytest.approx(0.9)
    assert row[names.index("s_next1")] == pytest.approx(0.8)
    assert row[names.index("s_prev2")] == -1  # past the page edge
    assert row[names.index("s_above3")] == pytest.approx(0.9)
    assert row[names.index("s_below3")] == pytest.approx(0.8)


@pytest.mark.parametrize("lengths", [[1], [3, 1, 40], [0, 7, 0, 2], [100, 35]])
def test_score_context_of_several_pages_is_each_page_to_the_bit(lengths):
    from boilersift.features.featurize import score_context

    scores = np.random.default_rng(len(lengths)).random(sum(lengths))
    pages = np.split(scores, np.cumsum(lengths)[:-1])
    one_by_one = np.vstack([score_context(page) for page in pages])
    assert np.array_equal(score_context(scores, lengths), one_by_one)


@pytest.mark.parametrize("n", [1, 4, 11, 30])
def test_window_means_of_several_columns_are_each_column_to_the_bit(n):
    from boilersift.features.featurize import _window_mean

    columns = np.log1p(np.random.default_rng(n).random((n, 3)) * 100)
    together = _window_mean(columns, 5)
    assert all(np.array_equal(together[:, i], _window_mean(np.ascontiguousarray(columns[:, i]), 5)) for i in range(3))


@pytest.mark.parametrize("n, radius", [(1, 5), (4, 5), (11, 5), (30, 5), (9, 1), (20, 3)])
def test_window_max_is_the_maximum_of_each_window(n, radius):
    from boilersift.features.featurize import _window_max

    column = np.random.default_rng(n).random(n)
    expected = [column[max(i - radius, 0):i + radius + 1].max() for i in range(n)]
    assert np.array_equal(_window_max(column, radius), expected)


@pytest.mark.parametrize("texts, scores, expected", [
    # a stranded paragraph shares the article's words ("swap", "Russia/Russian" by the 6-char stem)
    (["The Kremlin discussed a prisoner swap with Russia", "by Taboola",
      "In the latest swap a Russian citizen was freed"], [0.9, 0.1, 0.2], [0.0, 0.0, 2 / 5]),
    # a core line does not count its own words
    (["Kremlin prisoner swap"], [0.9], [0.0]),
    # stop words and short words are not content words; an empty bag scores 0
    (["the and of", "Kremlin"], [0.9, 0.9], [0.0, 0.0]),
])
def test_topic_overlap(texts, scores, expected):
    from boilersift.features.featurize import content_word_ids, topic_overlap

    rows, words = content_word_ids([texts])
    assert topic_overlap(rows, words, np.array(scores)) == pytest.approx(expected)


def test_topic_overlap_stays_within_a_page():
    """Two pages number their words alike; made unique across pages, a word of one page does
    not count on the other."""
    from boilersift.features.featurize import content_word_ids, topic_overlap
    from boilersift.model.stages import across_pages

    pages = [["Kremlin prisoner swap", "Kremlin talks"], ["Kremlin prisoner swap"]]
    rows, words = content_word_ids(pages)
    assert rows.tolist() == [0, 0, 0, 1, 1, 2, 2, 2] and sorted(words[rows == 2]) == [0, 1, 2]
    unique = across_pages(rows, words, [slice(0, 2), slice(2, 3)])
    overlap = topic_overlap(rows, unique, np.array([0.9, 0.1, 0.9]))
    assert overlap == pytest.approx([0.0, 0.5, 0.0])
