"""Segmentation: one block per non-empty line, with the layout around it."""

import warnings

import pytest

from boilersift.blocks.render import render_nodes
from boilersift.blocks.text import Block, segment_lines, segment_text

# (text, expected blocks as (text, index, line_no, blank_before, blank_after, indent))
SEGMENT_CASES = [
    ("one line", [("one line", 0, 1, 0, 0, 0)]),
    ("one line\n", [("one line", 0, 1, 0, 0, 0)]),
    ("a\nb\nc", [("a", 0, 1, 0, 0, 0), ("b", 1, 2, 0, 0, 0), ("c", 2, 3, 0, 0, 0)]),
    ("a\n\nb", [("a", 0, 1, 0, 1, 0), ("b", 1, 3, 1, 0, 0)]),
    ("\n\n\na\n\n\n\nb\n\n", [("a", 0, 4, 3, 3, 0), ("b", 1, 8, 3, 1, 0)]),
    ("  indented\n\tTabbed\nflush", [("indented", 0, 1, 0, 0, 2), ("Tabbed", 1, 2, 0, 0, 1), ("flush", 2, 3, 0, 0, 0)]),
    ("trailing spaces   \nnext", [("trailing spaces", 0, 1, 0, 0, 0), ("next", 1, 2, 0, 0, 0)]),
    # Windows line ends count like Unix ones, and \r never leaks into the text.
    ("a\r\n\r\nb\r\n", [("a", 0, 1, 0, 1, 0), ("b", 1, 3, 1, 0, 0)]),
    # Whitespace-only lines are blank lines, not blocks.
    ("a\n   \n\t\n\u00a0\nb", [("a", 0, 1, 0, 3, 0), ("b", 1, 5, 3, 0, 0)]),
    ("  \n\t\n", []),
    ("", []),
]


@pytest.mark.parametrize("text, expected", SEGMENT_CASES)
def test_segment_text(text, expected):
    blocks = segment_text(text)
    assert [(b.text, b.index, b.line_no, b.blank_before, b.blank_after, b.indent) for b in blocks] == expected


@pytest.mark.parametrize("text", ["a\r\nb\r\n", "a\rb", "a\nb", "a\n\rb"])
def test_line_separators(text):
    # Unix, Windows and old Mac line ends all split lines; \r never leaks into a block.
    assert [b.text for b in segment_text(text)] == ["a", "b"]


@pytest.mark.parametrize("lines", [
    ["Home\n", "\n", "  Article text.\n", "Footer"],
    ["Home", "", "  Article text.", "Footer"],
    ["Home\r\n", "\r\n", "  Article text.\r\n", "Footer\r\n"],
])
def test_segment_lines_matches_segment_text(lines):
    # A list of lines, with or without their line ends, segments like the joined text.
    expected = segment_text("\n".join(line.rstrip("\r\n") for line in lines))
    assert segment_lines(lines) == expected
    assert [b.text for b in expected] == ["Home", "Article text.", "Footer"]
    assert expected[1].indent == 2 and expected[1].blank_before == 1


def test_line_numbers_point_into_the_original_text():
    text = "\n\nfirst\n\n  second\nthird\n\n\n"
    raw = text.splitlines()
    for block in segment_text(text):
        assert raw[block.line_no - 1].strip() == block.text


def test_indices_are_consecutive():
    blocks = segment_text("x\n\n\ny\n \nz\n")
    assert [b.index for b in blocks] == list(range(len(blocks)))


def test_blocks_are_frozen():
    block = segment_text("a")[0]
    assert isinstance(block, Block)
    with pytest.raises(AttributeError):
        block.text = "b"  # type: ignore[misc]


def test_a_page_with_an_xml_declaration_renders_as_html_without_a_warning():
    """`label` renders thousands of pages: a feed or XHTML page is read as a browser reads it,
    not with a BeautifulSoup warning for each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = render_nodes('<?xml version="1.0" encoding="utf-8"?>\n<rss><channel><item>Hello</item></channel></rss>')
    assert text == "Hello" and not caught
