"""Training-data augmentation: ad widgets injected in the middle of articles.

Training pages are rendered from static HTML, where ad and recommendation
widgets ("by Taboola", "Sponsored Links", "You May Like") are mostly absent:
JavaScript injects them later. Scrapes of rendered pages, like the canonical
sample, have them *between* article paragraphs. Without examples of that, a
model learns that a noise run ends the article and drops the paragraphs after
it. So a share of training pages gets a widget inserted between two of its
content lines: a run of real noise lines from another page, or an ad widget
made of the lexicon's ad phrases and real teaser lines.
"""

from __future__ import annotations

import random

from .data import LabeledPage
from .lexicon import BOILERPLATE_PHRASES
from .segment import Block, segment_lines

MIN_RUN, MAX_RUN = 3, 12
# Default shares of the training pages of a text model that get a widget, and that start at their content.
WIDGET_RATE, START_RATE = 0.5, 0.0
AD_PHRASES = [p for p in BOILERPLATE_PHRASES["ad"] if p.isascii() and " " in p]


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


def inject_widget(page: LabeledPage, widget: list[str], rng: random.Random) -> LabeledPage | None:
    """`page` with `widget` (noise lines) inserted between two adjacent content
    lines anywhere in its content (widgets sit near the end of articles too, with
    one or two paragraphs after them), or None when the page has too little content."""
    content = [i for i, label in enumerate(page.labels) if label]
    gaps = [i for a, i in zip(content, content[1:]) if i == a + 1]
    if len(content) < 6 or not gaps:
        return None
    at = rng.choice(gaps)
    blocks = page.blocks
    lines = _raw_lines(blocks[:at]) + widget + _raw_lines(blocks[at:])
    labels = page.labels[:at] + [0] * len(widget) + page.labels[at:]
    return LabeledPage(page.id + "+widget", segment_lines(lines), labels, page.meta, page.gold)


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
            ) -> list[LabeledPage]:
    """Replace a share `rate` of the pages by copies with an injected widget: half
    of them a real noise run from another page, half an ad widget; then a share
    `start_rate` by copies that start at their first content line."""
    rng, start_rng = random.Random(seed), random.Random(seed + 1)  # apart: one rate does not move the other's draws
    runs = noise_runs(pages)
    out = []
    for page in pages:
        if runs and rng.random() < rate:
            widget = rng.choice(runs) if rng.random() < 0.5 else ad_widget(runs, rng)
            page = inject_widget(page, widget, rng) or page
        if start_rng.random() < start_rate:
            page = start_at_content(page) or page
        out.append(page)
    return out
