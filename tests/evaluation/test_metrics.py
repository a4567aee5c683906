"""Scores: word-level P/R/F1 (the WCXB convention), line P/R/F1, and the C4 baseline rule."""

from collections import Counter

import pytest

from boilersift.evaluation.baselines import BASELINES, c4_rule, keep_all
from boilersift.evaluation.metrics import (
    PRF,
    char_prf,
    line_prf,
    mean_prf,
    word_counts,
    word_prf,
)

# (case id, predicted text, gold text, (precision, recall, f1))
WORD_PRF_CASES = [
    ("identical", "The cat sat on the mat.", "The cat sat on the mat.", (1.0, 1.0, 1.0)),
    ("case and punctuation ignored", "THE CAT, SAT!", "the cat sat", (1.0, 1.0, 1.0)),
    ("line breaks are white space", "the cat\nsat", "the cat sat", (1.0, 1.0, 1.0)),
    ("extra noise lowers precision", "a b c d", "a b", (0.5, 1.0, 2 / 3)),
    ("missing words lower recall", "a b", "a b c d", (1.0, 0.5, 2 / 3)),
    ("multiset, not set", "the the the", "the", (1 / 3, 1.0, 0.5)),
    ("multiset on the gold side", "the", "the the the the", (1.0, 0.25, 0.4)),
    ("disjoint", "x y", "a b", (0.0, 0.0, 0.0)),
    ("empty prediction", "", "a b", (0.0, 0.0, 0.0)),
    ("empty gold, empty prediction", "", "", (1.0, 1.0, 1.0)),
    ("empty gold, punctuation-only prediction", "... | —", "", (1.0, 1.0, 1.0)),
    ("empty gold, non-empty prediction", "Home Menu", "", (0.0, 0.0, 0.0)),
    ("punctuation-only gold counts as empty", "", "* * *", (1.0, 1.0, 1.0)),
    ("unicode words", "Präsident Müller sagte", "präsident müller", (2 / 3, 1.0, 0.8)),
    ("digits are words", "in 2024 there were 26", "in 2024 there were 26", (1.0, 1.0, 1.0)),
]


@pytest.mark.parametrize("predicted, gold, expected", [c[1:] for c in WORD_PRF_CASES],
                         ids=[c[0] for c in WORD_PRF_CASES])
def test_word_prf(predicted, gold, expected):
    score = word_prf(predicted, gold)
    assert (score.precision, score.recall, score.f1) == pytest.approx(expected)


@pytest.mark.parametrize("predicted, gold", [(c[1], c[2]) for c in WORD_PRF_CASES])
def test_word_prf_accepts_gold_counts(predicted, gold):
    assert word_prf(predicted, word_counts(gold)) == word_prf(predicted, gold)


def test_word_counts():
    assert word_counts("The the THE, cat.") == Counter({"the": 3, "cat": 1})


@pytest.mark.parametrize("scores, expected", [
    ([PRF(1.0, 1.0, 1.0), PRF(0.0, 0.0, 0.0)], (0.5, 0.5, 0.5)),
    ([PRF(0.5, 1.0, 2 / 3)], (0.5, 1.0, 2 / 3)),
    ([PRF(1.0, 0.5, 0.6), PRF(0.5, 1.0, 0.8), PRF(0.0, 0.0, 0.0)], (0.5, 0.5, 1.4 / 3)),
    ([], (0.0, 0.0, 0.0)),
])
def test_mean_prf_averages_pages(scores, expected):
    mean = mean_prf(scores)
    assert (mean.precision, mean.recall, mean.f1) == pytest.approx(expected)


# (y_true, y_pred, (precision, recall, f1))
LINE_PRF_CASES = [
    ([1, 0, 1, 0], [1, 0, 1, 0], (1.0, 1.0, 1.0)),
    ([1, 1, 0, 0], [1, 0, 1, 0], (0.5, 0.5, 0.5)),
    ([1, 1, 1, 1], [1, 0, 0, 0], (1.0, 0.25, 0.4)),
    ([0, 0, 0], [1, 1, 1], (0.0, 0.0, 0.0)),
    ([0, 0], [0, 0], (0.0, 0.0, 0.0)),
    ([], [], (0.0, 0.0, 0.0)),
]


@pytest.mark.parametrize("y_true, y_pred, expected", LINE_PRF_CASES)
def test_line_prf(y_true, y_pred, expected):
    score = line_prf(y_true, y_pred)
    assert (score.precision, score.recall, score.f1) == pytest.approx(expected)


def test_prf_as_dict():
    assert PRF(0.5, 0.25, 1 / 3).as_dict() == {"precision": 0.5, "recall": 0.25, "f1": 1 / 3}


# (line, kept by C4's rule)
C4_CASES = [
    ("This is a sentence.", 1),
    ("Is this a question?", 1),
    ("What a great day!", 1),
    ('He said "it is fine."', 1),
    ("He said 'it is fine.'", 1),
    ("She said “it is fine.”", 1),
    ("She said ‘it is fine.’", 1),
    ("  Surrounding white space is ignored.  ", 1),
    ("Two words.", 0),  # fewer than three words
    ("Hello.", 0),
    ("No terminal punctuation here", 0),
    ("Ends with a colon:", 0),
    ("Ends with an ellipsis character…", 0),
    ("Ends with a closing parenthesis (like this)", 0),
    ("这 是 一个 句子。", 1),
    ("这是一个没有空格的中文句子。", 0),  # one "word" for a whitespace split
    ("", 0),
    ("   ", 0),
]


@pytest.mark.parametrize("line, expected", C4_CASES)
def test_c4_rule(line, expected):
    assert c4_rule(line) == expected


@pytest.mark.parametrize("line", ["", "Home", "This is a sentence."])
def test_keep_all(line):
    assert keep_all(line) == 1


def test_baselines_registry():
    assert BASELINES == {"c4_rules": c4_rule, "keep_all": keep_all}


@pytest.mark.parametrize("predicted, gold, expected", [
    ("北京今天下雨", "北京今天下雨。明天晴。", (1.0, 6 / 9)),   # one sentence of two: \\w+ would see 1 word of 2
    ("", "", (1.0, 1.0)),
    ("北京", "", (0.0, 0.0)),
    ("AbC, a", "abc", (0.75, 1.0)),                          # lower-cased; punctuation and spaces are no characters
])
def test_char_prf(predicted, gold, expected):
    score = char_prf(predicted, gold)
    assert (score.precision, score.recall) == pytest.approx(expected)
