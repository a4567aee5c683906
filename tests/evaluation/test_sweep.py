"""The threshold sweep of the evaluation report, and the tune split's choice of threshold, cut the
lines as the model's decisions do."""

import numpy as np

from boilersift.blocks.text import segment_text
from boilersift.decide import DEFAULT_DECISIONS, TEXT_DECISIONS
from boilersift.evaluation.evaluate import best_threshold, threshold_sweep
from boilersift.labelled.data import LabeledPage

PARAGRAPH = ("The harbour bridge reopened on Monday after six months of repairs to its deck and railings, "
             "the city council said in a statement.")
PAGE = LabeledPage("p", segment_text(f"Home\nNews\n{PARAGRAPH}\nContact us"), [0, 0, 1, 0], {"site": "example.org"})
PROBABILITIES = [np.array([0.05, 0.05, 0.3, 0.05])]  # the paragraph scored under 0.4, over 0.4 - 0.2


def recall_at(rows: list[dict], threshold: float) -> float:
    return next(r["word_recall"] for r in rows if abs(r["threshold"] - threshold) < 1e-9)


def test_a_text_models_sweep_keeps_its_paragraphs_lower():
    assert recall_at(threshold_sweep([PAGE], PROBABILITIES, config=TEXT_DECISIONS), 0.4) == 1.0
    assert recall_at(threshold_sweep([PAGE], PROBABILITIES, config=DEFAULT_DECISIONS), 0.4) == 0.0


def test_the_tune_choice_follows_the_decisions():
    assert best_threshold([PAGE], PROBABILITIES, TEXT_DECISIONS) >= best_threshold([PAGE], PROBABILITIES)
    assert recall_at(threshold_sweep([PAGE], PROBABILITIES, config=TEXT_DECISIONS),
                     best_threshold([PAGE], PROBABILITIES, TEXT_DECISIONS)) == 1.0
