"""A page's content as Markdown (CommonMark, with GitHub's tables): headings, paragraphs, lists,
tables, code blocks and quotes, from the :class:`~boilersift.blocks.layout.Layout` of HTML blocks
and of Markdown blocks (a Markdown scrape is written back with the structure it came with).

The words are the plain output's: text is escaped where it would read as markup (``*``, ``_``,
``[``, a line starting ``1.`` ...), so that a Markdown reader gives it back. Two exceptions:
a table is kept or dropped as a whole, by the classifier's verdict on most of its words, and a
code block shows the text of its ``<pre>`` as laid out. A line of a text scrape is a paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ..blocks.layout import CELL_TAGS, NO_LAYOUT, Layout

if TYPE_CHECKING:  # the output stage renders what the pipeline decided
    from ..pipeline import LineResult

MAX_TABLE_COLUMNS = 64  # a wider grid is no table a reader could take in: its blocks come one by one
MAX_NESTING = 10  # lists and quotes nested deeper are written at this depth (each level widens every line)
# Markup inside a line: backticks, emphasis, brackets, strikethrough; a backslash before what it
# would escape; "_" at a word's edge (inside a word it is no emphasis); an HTML tag or entity.
_INLINE = re.compile(r"[`*\[\]~]|\\(?=[!-/:-@\[-`{-~]|$)|(?<![^\W_])_|_(?![^\W_])|<(?=[A-Za-z/!?])|&(?=#?\w+;)")
# What makes a line's start a heading, quote or list marker.
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|[>+-]|\d{1,9}(?=[.)](?:\s|$)))")


def _escape(text: str) -> str:
    """`text` with every character that would be inline markup escaped."""
    return _INLINE.sub(r"\\\g<0>", text)


def _destination(href: str) -> str | None:
    """A link's href as a Markdown destination; None for none (empty, javascript:)."""
    href = re.sub(r"[\t\n\r]", "", href.strip()).replace(" ", "%20")  # as browsers read the attribute
    if not href or href.lower().startswith("javascript:"):
        return None
    if any(char in href for char in "()<>\\"):
        return "<" + re.sub(r"([<>\\])", r"\\\1", href) + ">"
    return href


def _linked(text: str, links: Sequence[tuple[str, str]]) -> str:
    """`text` escaped, with its links as [text](href), found in order."""
    pieces, done = [], 0
    for anchor, href in links:
        anchor, target = " ".join(anchor.split()), _destination(href)
        at = text.find(anchor, done) if anchor else -1
        if target is None or at < 0:
            continue
        pieces += [_escape(text[done:at]), f"[{_escape(anchor)}]({target})"]
        done = at + len(anchor)
    return "".join(pieces) + _escape(text[done:])


def _inline(result: LineResult, links: bool) -> str:
    """A block's text as Markdown inline content."""
    if links and result.dom is not None and result.dom.links:
        return _linked(result.text, result.dom.links)
    return _escape(result.text)


def _heading_level(tag: str) -> int:
    return int(tag[1]) if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456" else 0


def _line(result: LineResult, links: bool) -> str:
    """A heading or a paragraph."""
    text = _inline(result, links)
    level = _heading_level(result.dom.tag) if result.dom is not None else 0
    if level:
        return f"{'#' * level} {text[:-1]}\\#" if text.endswith("#") else f"{'#' * level} {text}"  # no closing #s
    return _BLOCK_START.sub(lambda m: m[0] + "\\" if m[0][0].isdigit() else "\\" + m[0], text, count=1)


def _code(texts: list[str], language: str) -> list[str]:
    """A fenced code block of the code of a <pre>'s blocks (or of a fenced block's lines), white space
    kept, its `language` after the opening fence."""
    code = "\n".join(texts).strip("\n").rstrip()
    longest = max((len(run) for run in re.findall("`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + language, *code.split("\n"), fence]


def _table(blocks: Sequence[LineResult], links: bool) -> list[str]:
    """A table's blocks as a Markdown table (the first row as its header), its caption first."""
    caption, rows = [], {}
    for block in blocks:
        layout = block.dom.layout
        text = _inline(block, links).replace("|", "\\|")
        if layout.column:
            rows.setdefault(layout.row, {}).setdefault(layout.column, []).append(text)
        else:
            caption.append(text)
    width = max(column for row in rows.values() for column in row)
    lines = ["| " + " | ".join(" ".join(row.get(column, ())) for column in range(1, width + 1)) + " |"
             for _, row in sorted(rows.items())]
    lines.insert(1, "|" + " --- |" * width)
    return [" ".join(caption), "", *lines] if caption else lines


def _is_grid(blocks: Sequence[LineResult]) -> bool:
    """Whether a table's blocks are the text of its cells (a data table), not a page laid out in a
    grid: each is a cell's own text (lines split by <br>), the only paragraph of its cell, or the
    caption; and there are at most MAX_TABLE_COLUMNS columns."""
    per_cell = Counter((block.dom.layout.row, block.dom.layout.column) for block in blocks)
    for block in blocks:
        tag, row, column = block.dom.tag, block.dom.layout.row, block.dom.layout.column
        if not column:
            if tag != "caption":
                return False
        elif column > MAX_TABLE_COLUMNS or (tag not in CELL_TAGS and per_cell[row, column] > 1):
            return False
    return any(column for _, column in per_cell)


def data_tables(results: Sequence[LineResult]) -> dict[int, bool]:
    """The data tables of a page, each with whether it is kept: when most of its words are content.
    A table whose blocks are not all in one run holds another table: a layout grid."""
    members: dict[int, list[int]] = {}
    for i, result in enumerate(results):
        if result.dom is not None and result.dom.layout.table:
            members.setdefault(result.dom.layout.table, []).append(i)
    kept = {}
    for table, rows in members.items():
        blocks = results[rows[0]:rows[-1] + 1]
        if len(blocks) == len(rows) and _is_grid(blocks):
            words = [len(block.text.split()) for block in blocks]
            kept[table] = 2 * sum(n for n, block in zip(words, blocks) if block.is_content) > sum(words)
    return kept


def _run_end(results: Sequence[LineResult], start: int, field: str) -> int:
    """Where the run of blocks from `start` that share this `field` of their layout ends."""
    value, end = getattr(results[start].dom.layout, field), start + 1
    while end < len(results) and getattr(results[end].dom.layout, field) == value:
        end += 1
    return end


def _pieces(results: Sequence[LineResult], links: bool) -> Iterator[tuple[list[str], Layout]]:
    """The content as Markdown lines, a piece at a time (a heading, paragraph, table or code block),
    each with the layout of its first block."""
    tables, i = data_tables(results), 0
    while i < len(results):
        result, end = results[i], i + 1
        layout = result.dom.layout if result.dom is not None else NO_LAYOUT
        if layout.table in tables:
            end = _run_end(results, i, "table")
            if tables[layout.table]:
                yield _table(results[i:end], links), layout
        elif layout.pre:
            end = _run_end(results, i, "pre")
            code = [block.dom.code for block in results[i:end] if block.is_content]
            if code:
                yield _code(code, result.dom.language), layout
        elif result.is_content:
            yield [_line(result, links)], layout
        i = end


class _Lists:
    """Indents list items: an item's marker under the text of the item it nests in, more lines
    of an item under its text (CommonMark's rule for what belongs to an item)."""

    def __init__(self) -> None:
        self.open: list[tuple[int, int]] = []  # (list depth, text column) of the items written, outermost first
        self.columns: dict[int, int] = {}  # text column of each item written, by element id

    def place(self, lines: list[str], layout: Layout) -> tuple[list[str], bool]:
        """`lines` as they go in the list item they belong to, and whether they start that item."""
        if not layout.item:
            self.open.clear()
            return lines, False
        depth = min(max(layout.list_depth, 1), MAX_NESTING)
        if layout.item in self.columns:  # more of an item begun above
            while self.open and self.open[-1][0] > depth:
                self.open.pop()
            return _indented(lines, self.columns[layout.item]), False
        while self.open and self.open[-1][0] >= depth:
            self.open.pop()
        indent = self.open[-1][1] if self.open else 0
        marker = f"{layout.number}. " if layout.number else "- "
        self.columns[layout.item] = indent + len(marker)
        self.open.append((depth, indent + len(marker)))
        return [" " * indent + marker + lines[0], *_indented(lines[1:], indent + len(marker))], True


def _indented(lines: list[str], column: int) -> list[str]:
    return [" " * column + line if line else "" for line in lines]


def _tight(layout: Layout, previous: Layout) -> bool:
    """Whether an item goes right under the item before (no blank line): always, except one numbered
    2 or more that may start a list (not the next of the item before): CommonMark would read it
    as more text of the item above."""
    return layout.number <= 1 or (layout.list_depth == previous.list_depth and layout.number == previous.number + 1)


def render_markdown(results: Sequence[LineResult], links: bool = False) -> str:
    """The content of one page as Markdown; `links` keeps links as [text](href), else their text."""
    lists, out = _Lists(), []
    previous: tuple[Layout, bool] | None = None  # the layout of the last piece, and whether it started an item
    for lines, layout in _pieces(results, links):
        lines, starts = lists.place(lines, layout)
        if previous is not None:
            if starts and previous[1] and _tight(layout, previous[0]):
                out.append("\n")
            else:  # a blank line, inside the quotes both pieces are in
                out.append("\n" + ("> " * min(layout.quote, previous[0].quote, MAX_NESTING)).rstrip() + "\n")
        quote = "> " * min(layout.quote, MAX_NESTING)
        out.append("\n".join(quote + line if line else quote.rstrip() for line in lines))
        previous = layout, starts
    return "".join(out) + "\n\n" if out else ""
