"""What segmentation records for Markdown: each block's Layout (lists, quotes, table cells, <pre>),
the text of a <pre> as laid out, and its links; the block text itself stays collapsed."""

from __future__ import annotations

import pytest

from boilersift.blocks.html import segment_html
from boilersift.blocks.layout import NO_LAYOUT


def layouts(html: str, *fields: str) -> list[tuple]:
    return [(b.text, *(getattr(b.dom.layout, f) for f in fields)) for b in segment_html(html)]


def test_lists_have_depth_item_and_number():
    html = "<ol start='7'><li>a<ul><li>b</li></ul>c</li><li>d</li></ol><p>e</p><li>stray</li>"
    rows = layouts(html, "list_depth", "number")
    assert rows == [("a", 1, 7), ("b", 2, 0), ("c", 1, 7), ("d", 1, 8), ("e", 0, 0), ("stray", 0, 0)]
    blocks = segment_html(html)
    assert blocks[0].dom.layout.item == blocks[2].dom.layout.item != blocks[3].dom.layout.item
    assert blocks[5].dom.layout.item  # an item outside a list is still an item


def test_table_cells_have_row_and_column():
    html = ("<table><tr><th>h1</th><th colspan='2'>h2</th><th>h3</th></tr><tr><td>1<br>2</td><td>3</td></tr>"
            "</table><table><tr><td>other</td></tr></table>")
    assert layouts(html, "row", "column") == [("h1", 1, 1), ("h2", 1, 2), ("h3", 1, 4), ("1", 2, 1), ("2", 2, 1),
                                              ("3", 2, 2), ("other", 1, 1)]
    tables = {b.dom.layout.table for b in segment_html(html)}
    assert len(tables) == 2 and 0 not in tables


@pytest.mark.parametrize(("colspan", "column"), [("x", 2), ("0", 2), ("9" * 20, 2), ("5000", 1001)])
def test_odd_colspans_count_as_a_sane_number(colspan, column):
    html = f"<table><tr><td colspan='{colspan}'>a</td><td>b</td></tr></table>"
    assert layouts(html, "column")[1] == ("b", column)


def test_quotes_nest():
    html = "<blockquote>one<blockquote>two</blockquote>three</blockquote>four"
    assert layouts(html, "quote") == [("one", 1), ("two", 2), ("three", 1), ("four", 0)]


def test_pre_keeps_its_white_space_beside_the_collapsed_text():
    html = "<pre>\n  <b>if</b> x:\n\n      <a href='/y'>y</a>()\n</pre><p>after  text</p>"
    pre, after = segment_html(html)
    assert pre.text == "if x: y()" and pre.dom.code == "  if x:\n\n      y()"  # no line breaks at its ends
    assert pre.dom.layout.pre and after.dom.layout == NO_LAYOUT and after.dom.code == ""


@pytest.mark.parametrize("html, language", [
    ("<pre><code class='hljs language-Python'>x = 1</code></pre>", "python"),
    ("<pre class='lang-js'>let x = 1;</pre>", "js"),
    ("<pre><code class='highlight'>x = 1</code></pre>", ""),
    ("<p class='language-python'>a paragraph</p>", ""),
])
def test_pre_keeps_the_language_its_class_names(html, language):
    [block] = segment_html(html)
    assert block.dom.language == language


def test_links_with_their_href_in_order():
    html = ("<p>A <a href='/one'>first <b>link</b></a>, <a>no href</a> and <a href='/two'> </a>"
            "<a href='/three'>third</a>.</p><a href='/four'>across<div>blocks</div></a>")
    first, across, blocks = segment_html(html)
    assert first.dom.links == (("first link", "/one"), (" ", "/two"), ("third", "/three"))
    assert across.dom.links == (("across", "/four"),) and blocks.dom.links == (("blocks", "/four"),)
