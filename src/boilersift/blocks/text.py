"""Split a text scrape into blocks: one block per non-empty line.

Blank lines are not blocks, but they are structure (a scraper leaves them between
widgets and paragraphs), so each block remembers how many blank lines surround it
and how far it was indented. Everything the feature module needs about layout is
recorded here, so no later stage has to look at the raw text again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .decode import repair_mojibake

if TYPE_CHECKING:  # dom builds on this module
    from .html import DomInfo


class Block(NamedTuple):
    """One non-empty line of a scrape and the layout around it (a NamedTuple: immutable,
    and four times cheaper to create than a frozen dataclass, at a block per line)."""

    text: str  # the line, stripped of surrounding white space
    index: int  # position among the blocks of the page (0-based)
    line_no: int  # 1-based line number in the original text
    blank_before: int  # blank lines between this block and the previous one
    blank_after: int  # blank lines between this block and the next one
    indent: int  # leading white-space characters of the raw line
    dom: DomInfo | None = None  # what the DOM says about the block, for HTML input (see dom.py)


# Makes a NamedTuple from all its fields without the class's Python-level __new__ (a
# third of the cost, paid for every block): new_tuple(Block, (text, index, ...)).
new_tuple = tuple.__new__


def segment_lines(lines: list[str]) -> list[Block]:
    """Turn raw lines (with or without their newline) into blocks."""
    kept: list[tuple[str, int, int, int]] = []  # text, line_no, blank_before, indent
    blanks = 0
    for line_no, raw in enumerate(lines, start=1):
        raw = raw.rstrip("\r\n")
        text = raw.strip()
        if not text:
            blanks += 1
            continue
        kept.append((text, line_no, blanks, len(raw) - len(raw.lstrip())))
        blanks = 0
    afters = [line[2] for line in kept[1:]] + [blanks]
    return [new_tuple(Block, (text, i, line_no, before, after, indent, None))
            for i, ((text, line_no, before, indent), after) in enumerate(zip(kept, afters))]


def segment_text(text: str) -> list[Block]:
    """Split a whole scrape (one text node or paragraph per line) into blocks, its mojibake
    repaired first (:func:`~boilersift.blocks.decode.repair_mojibake`)."""
    return segment_lines(repair_mojibake(text).splitlines())
