"""Scores: the headline word-F1 against gold text, and line-level precision/recall/F1.

Word-F1 follows the WCXB convention of the datasets README: lower-case, take the
``\\w+`` tokens as a multiset on both sides, precision = overlap / predicted
tokens, recall = overlap / gold tokens; a page with empty gold scores 1 when the
prediction is empty too, else 0. Pages are averaged, not tokens. Character-F1 is the
same over the ``\\w`` characters: for Chinese, Japanese and Thai, whose unspaced text
makes whole sentences one ``\\w+`` word.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

WORD = re.compile(r"\w+")
CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def _prf(overlap: int, predicted: int, actual: int) -> PRF:
    precision = overlap / predicted if predicted else 0.0
    recall = overlap / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


def word_counts(text: str) -> Counter[str]:
    return Counter(WORD.findall(text.lower()))


def char_counts(text: str) -> Counter[str]:
    return Counter(CHAR.findall(text.lower()))


def word_prf(predicted: str, gold: str | Counter[str]) -> PRF:
    """Word-level precision, recall and F1 of one page's extracted text."""
    return _bag_prf(word_counts(predicted), gold if isinstance(gold, Counter) else word_counts(gold))


def char_prf(predicted: str, gold: str | Counter[str]) -> PRF:
    """Character-level precision, recall and F1 of one page's extracted text."""
    return _bag_prf(char_counts(predicted), gold if isinstance(gold, Counter) else char_counts(gold))


def _bag_prf(pred_counts: Counter[str], gold_counts: Counter[str]) -> PRF:
    if not gold_counts:
        score = 1.0 if not pred_counts else 0.0
        return PRF(score, score, score)
    overlap = sum((pred_counts & gold_counts).values())
    return _prf(overlap, sum(pred_counts.values()), sum(gold_counts.values()))


def mean_prf(scores: list[PRF]) -> PRF:
    """Average of per-page scores (the WCXB convention)."""
    n = max(len(scores), 1)
    return PRF(sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n,
               sum(s.f1 for s in scores) / n)


def line_prf(y_true: list[int], y_pred: list[int]) -> PRF:
    """Precision, recall and F1 of the content class over lines."""
    tp = sum(1 for t, p in zip(y_true, y_pred) if t and p)
    return _prf(tp, sum(y_pred), sum(y_true))
