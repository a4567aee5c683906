"""Training-data augmentation: ad widgets injected in the middle of articles.

Training pages are rendered from static HTML, where ad and recommendation
widgets ("by Taboola", "Sponsored Links", "You May Like") are mostly absent:
JavaScript injects them later. Scrapes of rendered pages, like the canonical
sample, have them *between* article paragraphs. Without examples of that, a
model learns that a noise run ends the article and drops the paragraphs after
it. So a share of training pages gets a run of real noise lines, taken from
another page, inserted between two of its content lines.
"""

from __future__ import annotations

import random

from .data import LabeledPage
from .segment import Block, segment_lines

MIN_RUN, MAX_RUN = 3, 12


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


def augment(pages: list[LabeledPage], rate: float = 0.5, seed: int = 0) -> list[LabeledPage]:
    """Replace a share `rate` of the pages by copies with an injected widget."""
    rng = random.Random(seed)
    runs = noise_runs(pages)
    if not runs or rate <= 0:
        return list(pages)
    out = []
    for page in pages:
        augmented = inject_widget(page, rng.choice(runs), rng) if rng.random() < rate else None
        out.append(augmented or page)
    return out
