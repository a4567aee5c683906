"""Training-data augmentation: ad widgets inside articles, related-items lists after them.

Training pages are rendered from static HTML, where ad and recommendation
widgets ("by Taboola", "Sponsored Links", "You May Like") are mostly absent:
JavaScript injects them later. Scrapes of rendered pages, like the canonical
sample, have them *between* article paragraphs, often before the last one or
two. Without examples of that, a model learns that a noise run ends the article
and drops the paragraphs after it. So a share of training pages gets a widget
inserted between two of its content lines: a run of real noise lines from
another page, or an ad widget made of the lexicon's ad phrases and real teaser
lines; half of the time after the article's last or next-to-last paragraph.

That alone teaches that prose after a widget is content, and the model kept the
related-items teasers below the article too ("Related Articles", a title and a
summary paragraph per item). So a share of the pages also gets such a list after
the article, made of other pages' titles and paragraphs in the same language:
prose as good as the article's, which only its topic and place tell apart. Over
augmentation seeds 0-2 it left dev word F1 within the seed spread (0.8567 against
0.8576 on average) and got all of the sample's lines right on two seeds of three,
against none (experiments/results/compare_seeds_related_tail.md, compare_seeds.md).
"""

from __future__ import annotations

import random

from ..blocks.text import Block, segment_lines
from ..features.lexicon import BOILERPLATE_PHRASES
from ..labelled.data import LabeledPage
from .config import RELATED_RATE, START_RATE, TAIL_SHARE, WIDGET_RATE

MIN_RUN, MAX_RUN = 3, 12
# Widgets after the article's end go into one of its last TAIL_GAPS gaps (a TAIL_SHARE of them).
TAIL_GAPS = 2
AD_PHRASES = [p for p in BOILERPLATE_PHRASES["ad"] if p.isascii() and " " in p]
RELATED_HEADINGS = [p for p in BOILERPLATE_PHRASES["related"] if p.isascii()]
MIN_ITEMS, MAX_ITEMS = 2, 5
TITLE_WORDS, SUMMARY_WORDS = (4, 20), 15


def noise_runs(pages: list[LabeledPage]) -> list[list[str]]:
    """Runs of at least MIN_RUN consecutive noise lines, clipped to MAX_RUN lines."""
    runs: list[list[str]] = []
    for page in pages:
        run: list[str] = []
        for block, label in zip(page.blocks, page.labels):
            if label == 0:
                run.append(block.text)
                continue
            if len(run) >= MIN_RUN:
                runs.append(run[:MAX_RUN])
            run = []
    return runs


def _raw_lines(blocks: list[Block]) -> list[str]:
    """Lines that segment back into `blocks`, blank lines included."""
    lines: list[str] = []
    for block in blocks:
        lines += [""] * block.blank_before + [" " * block.indent + block.text]
    return lines


def _splice(page: LabeledPage, at: int, noise: list[str], tag: str) -> LabeledPage:
    """`page` with the `noise` lines inserted before its block `at`."""
    lines = _raw_lines(page.blocks[:at]) + noise + _raw_lines(page.blocks[at:])
    labels = page.labels[:at] + [0] * len(noise) + page.labels[at:]
    return LabeledPage(page.id + tag, segment_lines(lines), labels, page.meta, page.gold)


def inject_widget(page: LabeledPage, widget: list[str], rng: random.Random,
                  tail_share: float = TAIL_SHARE) -> LabeledPage | None:
    """`page` with `widget` (noise lines) inserted between two adjacent content
    lines: a share `tail_share` of the time in one of the last TAIL_GAPS gaps (one or
    two paragraphs after the widget, then the page's own noise, as in the canonical
    sample), else anywhere in its content; None when the page has too little content."""
    content = [i for i, label in enumerate(page.labels) if label]
    gaps = [i for a, i in zip(content, content[1:]) if i == a + 1]
    if len(content) < 6 or not gaps:
        return None
    at = rng.choice(gaps[-TAIL_GAPS:]) if rng.random() < tail_share else rng.choice(gaps)
    return _splice(page, at, widget, "+widget")


Story = tuple[str, list[str], list[str]]  # a page's id (without "#style"), title-shaped and prose content lines


def teasers(pages: list[LabeledPage]) -> dict[str, list[Story]]:
    """Per language, per page with any, its title-shaped and its prose content lines:
    what a related-items list shows of another story (in the page's own language, or
    the language alone would tell the teasers from the article)."""
    out: dict[str, list[Story]] = {}
    for page in pages:
        content = [b.text for b, label in zip(page.blocks, page.labels) if label]
        titles = [t for t in content if TITLE_WORDS[0] <= len(t.split()) <= TITLE_WORDS[1]
                  and t[0].isupper() and t[-1] not in ".:"]
        prose = [t for t in content if len(t.split()) >= SUMMARY_WORDS and t[0].isupper() and t[-1] in ".!?"]
        if titles and prose:
            out.setdefault(language(page), []).append((_story_id(page), titles, prose))
    return out


def _story_id(page: LabeledPage) -> str:
    """The page's id without the "#style" that `label` appends: one story in both styles."""
    return page.id.split("#")[0]


def language(page: LabeledPage) -> str:
    """The page's language code, or else its site's top-level domain (".de", ".jp"):
    close enough to keep teasers in the article's language."""
    lang = page.meta.get("lang")
    return lang[:2].lower() if lang else "." + str(page.meta.get("site") or "").rsplit(".", 1)[-1]


def related_list(page: LabeledPage, stories: list[Story], rng: random.Random) -> list[str]:
    """A related-items list for `page` as rendered scrapes show it: a heading ("Related
    Articles"), then items of other stories, each a title and a summary, maybe after a
    short noise line of the page's own (a source, a date). The summaries are prose as
    good as any article's: only the topic and the place tell them from the article."""
    others = [story for story in stories if story[0] != _story_id(page)]
    short = [b.text for b, label in zip(page.blocks, page.labels) if not label and len(b.text.split()) <= 4]
    lines = [rng.choice(RELATED_HEADINGS).title()]
    for _, titles, prose in rng.sample(others, min(rng.randint(MIN_ITEMS, MAX_ITEMS), len(others))):
        if short and rng.random() < 0.5:
            lines += rng.sample(short, min(rng.randint(1, 2), len(short)))
        lines += [rng.choice(titles), rng.choice(prose)]
    return lines


def inject_related(page: LabeledPage, related: list[str], rng: random.Random) -> LabeledPage | None:
    """`page` with the `related` list inserted after its last content line, or a few of
    the noise lines after it; None when the page has no content."""
    last = max((i for i, label in enumerate(page.labels) if label), default=None)
    if last is None:
        return None
    return _splice(page, rng.randint(last + 1, min(last + 4, len(page.blocks))), related, "+related")


def start_at_content(page: LabeledPage) -> LabeledPage | None:
    """`page` without the noise lines before its first content line, as a scrape of
    the article's container starts (the canonical sample begins at its headline), or
    None when it already starts with content or has none."""
    first = next((i for i, label in enumerate(page.labels) if label), 0)
    if first == 0:
        return None
    blocks = page.blocks[first:]
    lines = _raw_lines([blocks[0]._replace(blank_before=0)] + blocks[1:])
    return LabeledPage(page.id + "+start", segment_lines(lines), page.labels[first:], page.meta, page.gold)


def ad_widget(runs: list[list[str]], rng: random.Random) -> list[str]:
    """A recommendation widget as rendered scrapes show it: a few of the lexicon's
    ad phrases ("by Taboola", "Sponsored Links", ...), each maybe twice (logo and
    label), then teaser lines borrowed from a real noise run."""
    phrases = rng.sample(AD_PHRASES, rng.randint(1, 4))
    header = [rng.choice((p, p.title(), p.capitalize())) for p in phrases for _ in range(rng.randint(1, 2))]
    return header + rng.choice(runs)[:rng.randint(1, MAX_RUN)]


def augment(pages: list[LabeledPage], rate: float = WIDGET_RATE, seed: int = 0, start_rate: float = START_RATE,
            related_rate: float = RELATED_RATE, tail_share: float = TAIL_SHARE) -> list[LabeledPage]:
    """Replace a share `rate` of the pages by copies with an injected widget: half
    of them a real noise run from another page, half an ad widget; a share
    `related_rate` by copies with a related-items list after the article; then a
    share `start_rate` by copies that start at their first content line."""
    # One generator per kind: one rate does not move the other kinds' draws.
    rng, start_rng, related_rng = random.Random(seed), random.Random(seed + 1), random.Random(seed + 2)
    runs = noise_runs(pages)
    stories = teasers(pages) if related_rate > 0 else {}
    out = []
    for page in pages:
        if runs and rng.random() < rate:
            widget = rng.choice(runs) if rng.random() < 0.5 else ad_widget(runs, rng)
            page = inject_widget(page, widget, rng, tail_share) or page
        same_language = stories.get(language(page), [])
        if len(same_language) > MAX_ITEMS and related_rng.random() < related_rate:
            page = inject_related(page, related_list(page, same_language, related_rng), related_rng) or page
        if start_rng.random() < start_rate:
            page = start_at_content(page) or page
        out.append(page)
    return out
