"""Where an HTML block sits among the page's lists, quotes, tables and code (:class:`Layout`).

Segmentation records it (:mod:`.html`) and Markdown output reads it; the features do not. A
module of its own so that writing Markdown does not import the HTML parser.
"""

from __future__ import annotations

from typing import NamedTuple

LIST_TAGS = frozenset({"ul", "ol", "dl", "menu", "dir"})
ITEM_TAGS = frozenset({"li", "dt", "dd"})
CELL_TAGS = frozenset({"td", "th"})
# The elements a Layout follows (all block-level: no other element pays for them).
LAYOUT_TAGS = LIST_TAGS | ITEM_TAGS | CELL_TAGS | {"table", "tr", "blockquote", "pre"}


class Layout(NamedTuple):
    """Where a block sits: the lists, list item, quotes, table cell and <pre> around it."""

    list_depth: int = 0  # open lists (<ul>, <ol>, <dl>, ...)
    item: int = 0  # element id of the innermost open list item (<li>, <dt>, <dd>); 0: none
    number: int = 0  # that item's number in an ordered list; 0: a bullet
    quote: int = 0  # open <blockquote>s
    table: int = 0  # element id of the innermost open <table>; 0: none
    row: int = 0  # its row (<tr>), from 1; 0: before the first
    column: int = 0  # the column of the cell (<td>, <th>), from 1, colspans counted; 0: not in a cell
    pre: int = 0  # element id of the <pre> around the block; 0: none


NO_LAYOUT = Layout()
