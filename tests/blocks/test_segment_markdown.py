"""Markdown scrapes (html2text, markdownify, crawlers for language models): one block per
paragraph, heading, list item, table cell or line of code, with the text a reader sees."""

import textwrap

import pytest
from conftest import SAMPLE_TXT

from boilersift.blocks.layout import Layout
from boilersift.blocks.markdown import MarkdownInfo, read_markdown
from boilersift.pipeline import Model


def segment_markdown(markdown: str):
    return read_markdown(markdown)[0]


@pytest.mark.parametrize("markdown, blocks", [
    # a hard-wrapped paragraph is one block, at its first line; emphasis and escapes are syntax
    ("The minister said on\nTuesday that **prices** rose\\.\n",
     [("The minister said on Tuesday that prices rose.", 1)]),
    # ... but a hard line break (two spaces or a backslash at the end of a line) is a <br>: a new block
    ("One  \ntwo\nthree\\\nfour\n", [("One", 1), ("two three", 2), ("four", 4)]),
    # link targets and images are no words of the page
    ('[Home](/ "Home") | [News](/news)\n\n![a photo](a.jpg) The caption.\n',
     [("Home | News", 1), ("The caption.", 3)]),
    ("## A heading\n\n* first item\n* second [item](/x)\n", [("A heading", 1), ("first item", 3), ("second item", 4)]),
    # tables, with or without their outer pipes, are cut into cells; the delimiter row is syntax
    ("| Name | Price |\n|---|---|\n| Widget | $3 |\n", [("Name", 1), ("Price", 1), ("Widget", 1), ("$3", 1)]),
    ("Name | Price\n---|---\nWidget | $3\n", [("Name", 1), ("Price", 1), ("Widget", 1), ("$3", 1)]),
    # a page laid out in nested tables, each written as one row: its text survives, cell by cell
    ("| | | --- | | **Korea** | | --- | | A story by a reporter, more cells than the header has |\n",
     [("Korea", 1), ("A story by a reporter, more cells than the header has", 1)]),
    # each line of a code block, at its own line: a fenced one as it is, an indented one (html2text
    # indents what it nests) read as Markdown
    ("Run it:\n\n```\nmake [all](x)\n\nmake test\n```\n", [("Run it:", 1), ("make [all](x)", 4), ("make test", 6)]),
    ("Help\n\n    [Help Center](//help.example.com), [Returns](/r)\n    make test\n",
     [("Help", 1), ("Help Center, Returns", 3), ("make test", 4)]),
    # a link title over lines, a blank one among them (html2text copies a title attribute's line
    # breaks, as \r too): still one link, and the next item keeps its line
    ('* [A story](/a "Its summary.\r\n\r")\n* [Next](/b)\n', [("A story", 1), ("Next", 4)]),
    # ... but quotes over lines outside a link are text
    ('He said "it was\n* fine")\n', [('He said "it was', 1), ('fine")', 2)]),
    # script text a converter wrote as a paragraph goes, as in a text scrape; fenced code stays
    ("Read on.\n\nvar x = 1; document.write(x);\n\n```\ndocument.getElementById('a');\n```\n",
     [("Read on.", 1), ("document.getElementById('a');", 6)]),
    # raw HTML is read too (CommonMark passes it through), a block per element, without scripts
    ('Intro.\n\n<div class="note">\nA paragraph\nin a div &amp; more.\n</div>\n\n<table><tr><td>A</td><td>B</td></tr>'
     '</table>\n\n<script>\nvar x = 1;\n</script>\n',
     [("Intro.", 1), ("A paragraph in a div & more.", 4), ("A", 8), ("B", 8)]),
    # ... parsed as HTML: a ">" in an attribute, an unclosed element, a comment over lines, text
    # formatting inside a word, links side by side, and what no reader sees (<iframe>, <svg>)
    ('<p title="a > b">Kept <b>W</b>ord</p>\n<!-- a\ncomment -->\n<div><a href=/a>Home</a><a href=/b>News</a>\n'
     '<iframe>\nAd\n</iframe>\n<svg><text>Chart</text></svg>Tail\n<p>Open\n',
     [("Kept Word", 1), ("Home News Tail", 4), ("Open", 9)]),
    # ... but an opener of a comment or CDATA that nothing closes (html2text copies a stray one of a
    # page's body) hides nothing that follows; one that is closed hides what it holds
    ('<![CDATA[ <div id="top">\n\n# A thread\n\nA reply.\n', [("A thread", 3), ("A reply.", 5)]),
    ("<!-- a\n\nnote -->\n\nText\n", [("Text", 5)]),
    ("```php\n<?php\necho 1;\n```\n", [("<?php", 2), ("echo 1;", 3)]),  # in fenced code it is code
    # a <br> in a paragraph is a hard line break; in a table's cell it parts words
    ("One<br>two <b>three</b>\n\n| a<br/>b | c |\n", [("One", 1), ("two three", 1), ("a b", 3), ("c", 3)]),
    # Jina Reader's envelope (title, address, date) is no text of the page; the page starts after it
    ("Title: Parks budget\n\nURL Source: https://example.com/a\n\nPublished Time: 2024-05-03\n\n"
     "Markdown Content:\nThe council voted.\n", [("The council voted.", 8)]),
    ("Title: Parks\r\n\r\nURL Source: https://example.com/a\r\nMarkdown Content:\r\nVoted.\r\n", [("Voted.", 5)]),
    # ... a page's own line that starts "Title:" is text
    ("Title: A page of notes\n\nThe council voted.\n", [("Title: A page of notes", 1), ("The council voted.", 3)]),
    # a YAML front matter (trafilatura's Markdown with metadata) is no text of the page either ...
    ('---\ntitle: Parks\nurl: https://example.com/a\ntags:\n  - parks\nfingerprint: "11fe"\n---\n# Parks\n',
     [("Parks", 8)]),
    # ... but a rule and a heading are text
    ("---\nThe council voted\n---\n", [("The council voted", 2)]),
    ("---\nNote: it rained\n---\n", [("Note: it rained", 2)]),
    ("", []),
])
def test_markdown_blocks(markdown, blocks):
    assert [(b.text, b.line_no) for b in segment_markdown(markdown)] == blocks


def test_a_long_table_cell_is_cut_at_its_sentence_ends():
    """markdownify writes a cell on one line: a page laid out in tables gives its article as one cell."""
    sentence = "The council voted on the budget for the [parks](/parks) of the city this week."
    blocks, markup = read_markdown(f"| [Home](/) | {' '.join([sentence] * 30)} |\n")
    pieces = blocks[1:]
    assert [len(b.text.split()) for b in pieces] == [70] * 6  # five sentences of 14 words: 60 or more
    assert " ".join(b.text for b in pieces) == " ".join([sentence.replace("[parks](/parks)", "parks")] * 30)
    assert [len(info.links) for info in markup] == [1] + [5] * 6  # each link with the piece it starts in
    assert {(b.line_no, info.tag) for b, info in zip(blocks, markup)} == {(1, "td")}
    # a shorter cell, or a long paragraph, is one block
    assert len(read_markdown(f"| {' '.join([sentence] * 10)} |\n")[0]) == 1
    assert len(read_markdown(" ".join([sentence] * 30) + "\n")[0]) == 1


def test_deeply_nested_lists_lose_no_text_after_them():
    # html2text writes a carousel's empty items as lists nested ten deep: the text after them stays
    # (the parser's preset drops the rest of the document past 20 nested blocks).
    assert [b.text for b in segment_markdown("  " + "*   " * 12 + "Click to zoom\n\nPrice: USD 60\n")] == [
        "Click to zoom", "Price: USD 60"]
    segment_markdown("> " * 5000 + "too deep")  # far past MAX_NESTING: no RecursionError


def test_blank_lines_around_blocks_are_those_of_the_scrape():
    blocks = segment_markdown("One\ntwo\n\n\nThree\n")
    assert [(b.text, b.blank_before, b.blank_after) for b in blocks] == [("One two", 0, 2), ("Three", 2, 0)]
    # a page after Jina Reader's envelope starts as if the envelope were not there
    blocks = segment_markdown("Title: A\n\nURL Source: https://example.com/a\n\nMarkdown Content:\nOne\n\nTwo\n")
    assert [(b.text, b.blank_before, b.blank_after) for b in blocks] == [("One", 0, 1), ("Two", 1, 0)]


def test_a_scrape_as_wrapped_markdown_is_classified_as_the_scrape():
    # The canonical sample, each line a paragraph hard-wrapped at 60 characters (html2text wraps at
    # 78) with its special characters escaped: the same blocks, so the same probabilities.
    lines = [line.strip() for line in SAMPLE_TXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    escaped = ["".join("\\" + c if c in "\\`*_[]<>#+-.!|&" else c for c in line) for line in lines]
    markdown = "\n\n".join(textwrap.fill(line, 60, break_long_words=False, break_on_hyphens=False) for line in escaped)
    model = Model.load()
    as_markdown = model.classify_markdown(markdown)
    as_text = model.classify("\n".join(lines))
    assert [r.text for r in as_markdown] == [r.text for r in as_text]
    assert [round(r.probability, 9) for r in as_markdown] == [round(r.probability, 9) for r in as_text]


@pytest.mark.parametrize("markdown, infos", [
    ("## A [heading](/h)\n\nText.\n",
     [MarkdownInfo("h2", links=(("heading", "/h"),)), MarkdownInfo("p")]),
    # list items: the lists open, the item's id and its number in an ordered list (from its start)
    ("3. one\n4. two\n   - inner\n",
     [MarkdownInfo("p", Layout(1, 1, 3)), MarkdownInfo("p", Layout(1, 2, 4)), MarkdownInfo("p", Layout(2, 3, 0))]),
    ("> quoted\n> > twice\n", [MarkdownInfo("p", Layout(quote=1)), MarkdownInfo("p", Layout(quote=2))]),
    # a table's cells: its id, row and column (an empty cell counted); above the delimiter row, header cells
    ("| Item | [Price](/p) |\n|---|---|\n| | 9 |\n",
     [MarkdownInfo("th", Layout(table=1, row=1, column=1)),
      MarkdownInfo("th", Layout(table=1, row=1, column=2), links=(("Price", "/p"),)),
      MarkdownInfo("td", Layout(table=1, row=2, column=2))]),
    # a cell's links are those that start in it, even where another cell holds the same words
    ("| a b | [a](/x) |\n| [](i.png) [c](/y) | d |\n",
     [MarkdownInfo("td", Layout(table=1, row=1, column=1)),
      MarkdownInfo("td", Layout(table=1, row=1, column=2), links=(("a", "/x"),)),
      MarkdownInfo("td", Layout(table=1, row=2, column=1), links=(("", "i.png"), ("c", "/y"))),
      MarkdownInfo("td", Layout(table=1, row=2, column=2))]),
    # a fenced code block's lines, with their indentation, the blank lines above them and the
    # block's language; a link across a hard break is in both pieces
    ("```Python {.numbered}\nif x:\n\n    y()\n```\n[one\\\ntwo](/a)\n",
     [MarkdownInfo("pre", Layout(pre=1), "if x:", language="python"),
      MarkdownInfo("pre", Layout(pre=1), "\n    y()", language="python"),
      MarkdownInfo("p", links=(("one", "/a"),)), MarkdownInfo("p", links=(("two", "/a"),))]),
])
def test_what_the_markdown_says_of_each_block(markdown, infos):
    blocks, markup = read_markdown(markdown)
    assert markup == infos and len(blocks) == len(infos)
    assert all(block.dom is None for block in blocks)  # the features and threads are a text scrape's


def test_script_lines_leave_with_their_info():
    blocks, markup = read_markdown("# Title\n\nvar x = 1; document.write(x);\n\nText.\n")
    assert [b.text for b in blocks] == ["Title", "Text."] and [m.tag for m in markup] == ["h1", "p"]
