"""Widget injection: real noise runs inserted between content lines, labels kept aligned."""

import random

import pytest

from boilersift.blocks.text import segment_text
from boilersift.labelled.data import LabeledPage
from boilersift.training.augment import (
    MAX_ITEMS,
    MIN_ITEMS,
    RELATED_HEADINGS,
    TAIL_GAPS,
    augment,
    inject_related,
    inject_widget,
    noise_runs,
    related_list,
    start_at_content,
    teasers,
)

ARTICLE = "\n".join(f"Paragraph {i} of the article says something long enough to count." for i in range(10))
PAGE_TEXT = "Home\nNews\nSports\n\n" + ARTICLE + "\n\nFooter\nContact us\nPrivacy"
LABELS = [0, 0, 0] + [1] * 10 + [0, 0, 0]


@pytest.fixture
def page() -> LabeledPage:
    blocks = segment_text(PAGE_TEXT)
    assert len(blocks) == len(LABELS)
    return LabeledPage("p", blocks, list(LABELS), {"site": "example.org"})


def test_noise_runs(page):
    assert noise_runs([page]) == [["Home", "News", "Sports"]]


def test_inject_widget_inserts_noise_between_content(page):
    widget = ["by Taboola", "Sponsored Links", "You May Like"]
    out = inject_widget(page, widget, random.Random(0))
    assert out is not None
    texts = [b.text for b in out.blocks]
    at = texts.index("by Taboola")
    assert texts[at:at + 3] == widget
    assert out.labels[at:at + 3] == [0, 0, 0]
    assert out.labels[at - 1] == 1 and out.labels[at + 3] == 1  # inside the article
    assert len(out.labels) == len(out.blocks) == len(LABELS) + 3
    # the page's own layout survives: the blank line before the article is still there
    assert out.blocks[texts.index("Paragraph 0 of the article says something long enough to count.")].blank_before == 1


def test_too_little_content_is_left_alone():
    blocks = segment_text("Home\nOne content line.\nFooter")
    assert inject_widget(LabeledPage("p", blocks, [0, 1, 0]), ["ad", "ad", "ad"], random.Random(0)) is None


@pytest.mark.parametrize("rate, changed", [(0.0, 0), (1.0, 2)])
def test_augment_rate(page, rate, changed):
    other = LabeledPage("q", page.blocks, page.labels, page.meta)
    out = augment([page, other], rate=rate)
    assert sum(p.id.endswith("+widget") for p in out) == changed
    assert augment([page, other], rate=rate) == out  # deterministic for a seed


def test_ad_widget_is_lexicon_phrases_then_real_noise():
    from boilersift.training.augment import AD_PHRASES, ad_widget

    run = ["Teaser one", "Teaser two", "Teaser three"]
    for seed in range(20):
        widget = ad_widget([run], random.Random(seed))
        header = [line for line in widget if line not in run]
        assert header and all(line.lower() in AD_PHRASES for line in header)
        assert widget[len(header):] == run[:len(widget) - len(header)]


def test_start_at_content_drops_the_leading_noise(page):
    out = start_at_content(page)
    assert out is not None and out.id == "p+start"
    assert [b.text for b in out.blocks] == [b.text for b in page.blocks[3:]]
    assert out.labels == LABELS[3:] and len(out.labels) == len(out.blocks)
    first = out.blocks[0]
    assert (first.index, first.line_no, first.blank_before) == (0, 1, 0)  # a page that starts here
    assert out.blocks[-3].blank_before == 1  # the blank line before the footer survives


@pytest.mark.parametrize("labels", [[1, 0, 0], [0, 0, 0]])
def test_start_at_content_leaves_pages_starting_with_content_or_without_any(labels):
    assert start_at_content(LabeledPage("p", segment_text("A\nB\nC"), labels)) is None


@pytest.mark.parametrize("start_rate, started", [(0.0, 0), (1.0, 2)])
def test_augment_start_rate_is_independent_of_the_widget_draws(page, start_rate, started):
    other = LabeledPage("q", page.blocks, page.labels, page.meta)
    out = augment([page, other], rate=0.5, start_rate=start_rate)
    assert sum(p.id.endswith("+start") for p in out) == started
    widgets = [p.id.removesuffix("+start") for p in out]
    assert widgets == [p.id for p in augment([page, other], rate=0.5)]  # the same widgets either way


def story_page(i: int, lang: str = "en") -> LabeledPage:
    text = (f"Menu\nStory number {i} has a headline\n"
            f"The first paragraph of story {i} is written in prose long enough to be a summary here.\n"
            f"The second paragraph of story {i} goes on about it for a good while longer.\nFooter")
    return LabeledPage(f"s{i}#nodes", segment_text(text), [0, 1, 1, 1, 0], {"site": f"site{i}.org", "lang": lang})


def test_teasers_are_the_title_and_prose_lines_of_each_story_by_language():
    stories = teasers([story_page(0), story_page(1, "de"), story_page(2, "en-GB")])
    assert set(stories) == {"en", "de"}
    page_id, titles, prose = stories["en"][0]
    assert page_id == "s0" and titles == ["Story number 0 has a headline"]
    assert [p.split()[1] for p in prose] == ["first", "second"]
    assert len(stories["en"]) == 2


def test_related_list_shows_other_stories_under_a_heading():
    pages = [story_page(i) for i in range(8)]
    stories = teasers(pages)["en"]
    for seed in range(10):
        lines = related_list(pages[0], stories, random.Random(seed))
        assert lines[0].lower() in RELATED_HEADINGS
        assert not any("story 0 " in line or "number 0 " in line for line in lines)  # never the page's own
        titles = [line for line in lines if line.startswith("Story number")]
        assert MIN_ITEMS <= len(titles) <= MAX_ITEMS
        assert set(lines[1:]) - {line for _, t, p in stories for line in t + p} <= {"Menu", "Footer"}


def test_inject_related_puts_noise_after_the_article(page):
    out = inject_related(page, ["Related Articles", "Other title here", "Other prose."], random.Random(0))
    texts = [b.text for b in out.blocks]
    at = texts.index("Related Articles")
    assert at > max(i for i, label in enumerate(page.labels) if label)
    assert out.labels[at:at + 3] == [0, 0, 0] and len(out.labels) == len(out.blocks) == len(LABELS) + 3
    assert sum(out.labels) == sum(LABELS) and out.id == "p+related"


def test_augment_related_rate_leaves_the_widget_draws_alone():
    pages = [story_page(i) for i in range(8)]
    plain = augment(pages, rate=0.5, related_rate=0.0)
    out = augment(pages, rate=0.5, related_rate=1.0)
    assert all(p.id.endswith("+related") for p in out)
    assert [p.id.removesuffix("+related") for p in out] == [p.id for p in plain]


def test_tail_widgets_go_into_the_last_gaps(page):
    widget = ["by Taboola", "Sponsored Links", "You May Like"]
    for seed in range(10):
        out = inject_widget(page, widget, random.Random(seed), tail_share=1.0)
        at = [b.text for b in out.blocks].index("by Taboola")
        assert out.labels[at + 3:at + 3 + 3].count(1) <= TAIL_GAPS  # at most two paragraphs after it
