"""The canonical hand-labelled sample, data/news_page_scrape.txt, through the shipped
default model: the article stays (with its inline-link fragments and the paragraphs
on both sides of the ad widget), the widgets and teaser furniture go."""

import json

import pytest
from conftest import SAMPLE_JSONL, SAMPLE_TXT

CONTENT, NOISE = "content", "noise"

# (line, expected label). A line matches the lines of the sample equal to it or,
# when none is, the lines starting with it; every match must get the label.
EXPECTATIONS = [
    # the headline and the article, with the inline-link fragments
    ("Kremlin says Trump criticism won't hit US-Russia prisoner swap plans", CONTENT),
    ("MOSCOW: The Kremlin said Tuesday that", CONTENT),
    ("Donald Trump", CONTENT),
    ("'s criticism of", CONTENT),
    ("Vladimir Putin", CONTENT),
    ("will not affect plans for a US-Russia prisoner exchange", CONTENT),
    ("Washington has accused Moscow of", CONTENT),
    # the article paragraphs after the ad widget
    ("In the latest swap", CONTENT),
    ("In exchange the United States", CONTENT),
    # the ad widget
    ("by Taboola", NOISE),
    ("Sponsored Links", NOISE),
    ("Promoted Links", NOISE),
    ("You May Like", NOISE),
    ("2025: Steel Suppliers From Mexico", NOISE),
    ("Steel Suppliers | search ads", NOISE),
    ("Search Now", NOISE),
    ("Undo", NOISE),
    # the AI and comment widgets
    ("Try Our AI Features", NOISE),
    ("Explore what Daily8 AI can do for you:", NOISE),
    ("Comments", NOISE),
    ("No comments yet...", NOISE),
    ("Related Articles", NOISE),
    # source and time lines of the related items
    ("32 minutes ago", NOISE),
    ("36 minutes ago", NOISE),
    ("- India Today", NOISE),
    ("India Today", NOISE),
    ("- Time of India", NOISE),
]


# Lines the shipped model still gets wrong, so CI stays green while the defect stays
# visible: strict xfail, so a model that fixes one fails here until it is removed
# from this set. Keep it empty when you can; the issue is not done while it is not.
KNOWN_MISSES: dict[str, str] = {
    "In the latest swap": (
        "the first paragraph stranded after the ad widget: 0.19, under 0.20 (the 0.40 threshold less the paragraph "
        "margin), since the model "
        "learns with unfamiliar-language word scores on half its pages (0.38 at 0.30 with a quarter; "
        "experiments/results/loso_unfamiliar_rate.md) and weighs its sources n ** -0.5 (0.30 before; "
        "experiments/results/unseen_text_source_balance.md; 0.12 with larger passes)"),
    "In exchange the United States": (
        "the second paragraph stranded after the ad widget: 0.14 with its passage, under 0.20 (the 0.40 "
        "threshold less the paragraph margin), since the model learns with unfamiliar-language word "
        "scores (it leans less on the words; 0.50 before; experiments/results/loso_unfamiliar.md) and "
        "weighs its sources (0.25 before; 0.09 with larger passes)"),
}


def _case(line: str, expected: str):
    if line in KNOWN_MISSES:
        return pytest.param(line, expected, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[line]))
    return pytest.param(line, expected)


@pytest.fixture(scope="module")
def results(default_model):
    return default_model.classify(SAMPLE_TXT.read_text(encoding="utf-8"))


def matching(results, line):
    exact = [r for r in results if r.text == line]
    return exact or [r for r in results if r.text.startswith(line)]


@pytest.mark.parametrize("line, expected", [_case(*e) for e in EXPECTATIONS],
                         ids=[f"{e}:{line[:30]}" for line, e in EXPECTATIONS])
def test_sample_line(results, line, expected):
    hits = matching(results, line)
    assert hits, f"no line {line!r} in the sample"
    wrong = [f"line {r.line_no}: {r.label} (p={r.probability:.2f})" for r in hits if r.label != expected]
    assert not wrong, f"{line!r} should be {expected}, got " + "; ".join(wrong)


@pytest.mark.parametrize("line, expected", EXPECTATIONS, ids=[line[:30] for line, _ in EXPECTATIONS])
def test_expectations_agree_with_the_hand_labels(line, expected):
    # The expectations above restate data/news_page_scrape.jsonl; keep the two in step.
    record = json.loads(SAMPLE_JSONL.read_text(encoding="utf-8").splitlines()[0])
    labels = [y for text, y in zip(record["lines"], record["labels"])
              if text == line or (line not in record["lines"] and text.startswith(line))]
    assert labels and set(labels) == {1 if expected == CONTENT else 0}


def test_sample_line_scores_against_the_hand_labels(default_model):
    # Pinned at the shipped model's value (precision 1.00, recall 0.75, F1 0.857) minus
    # a little; like the quality gate, lowering it needs a stated reason.
    from boilersift.evaluation.metrics import line_prf
    from boilersift.labelled.data import page_from_record

    page = page_from_record(json.loads(SAMPLE_JSONL.read_text(encoding="utf-8").splitlines()[0]))
    predicted = [int(r.is_content) for r in default_model.classify_blocks(page.blocks)]
    score = line_prf(page.labels, predicted)
    assert score.precision >= 0.95 and score.f1 >= 0.83, score
