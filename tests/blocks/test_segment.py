"""Segmentation: one block per non-empty line, with the layout around it."""

import warnings

import pytest

from boilersift.blocks.render import render_nodes
from boilersift.blocks.text import Block, is_script, is_statement, script_lines, segment_lines, segment_text
from boilersift.labelled.data import page_from_record

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


@pytest.mark.parametrize("line, script", [
    ("window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}", True),
    ("(function() { var po = document.createElement('script'); po.async = true; })();", True),
    ('{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "A headline"}', True),
    (".nav a { color: #333; text-decoration: none; }", True),
    ("font-size: 12px; line-height: 1.4; margin: 0;", True),
    # trackers' and frameworks' lines that name no browser object
    ('google_ad_client = "pub-1539748723005241";', True),
    ('"@type": "NewsArticle",', True),
    ('self.__next_f.push([1,"1:\\"$Sreact.fragment\\"\\n2:I[1486,[\\"386\\"]"])', True),
    ("window['__CONFIG__']={\"uid\":\"site\"}", True),
    ("$('.userInfo').find('.name').html(data.name)", True),
    ("console.log('request failed')", True),
    # prose, even with brackets, colons and semicolons, and code that names no browser object
    ("The minister (who spoke on Tuesday) said: prices rose; wages did not.", False),
    ("Ingredients: Red: Vegetable Juice; Yellow: Beta Carotene; Orange: Paprika;", False),
    ("result = compute(values); print(result)", False),
    ("if (( $power == 1 )); then", False),
    ("Short; (x)", False),
    ('The "@type" key names the kind of thing.', False),
    ("It costs $(5) a month, he said.", False),
])
def test_script_and_style_lines(line, script):
    assert is_script(line) is script


def test_a_scrape_with_its_scripts_loses_their_lines_only():
    # A scraper that keeps <script> text: the script's lines go (its continuation lines too), the
    # prose keeps its line numbers.
    text = "\n".join([
        "Headline of the story",
        "var _gaq = _gaq || [];",
        "window.dataLayer = window.dataLayer || [];",
        '  "page": "article",',
        "});",
        "",
        "The story begins here, as stories do.",
    ])
    blocks = segment_text(text)
    assert [(b.text, b.line_no) for b in blocks] == [("Headline of the story", 1),
                                                    ("The story begins here, as stories do.", 7)]
    assert script_lines(text.split("\n")) == [False, True, True, True, True, True, False]


@pytest.mark.parametrize("line, statement", [
    ("var defaultHeight = 406;", True),
    ("if (typeof(pr) == 'undefined')", True),
    ("function getShareSectionDisplay() {", True),
    ("return encodeURIComponent(articleToolsShareData.url);", True),
    ("putBan(60);", True),
    ("padding: 4px 12px;", True),
    ("div.teads-impact a::after {", True),
    ("try{bm.y=bmN.javaEnabled()?1:0}catch(e){;}", True),
    # prose with brackets, colons and semicolons
    ("The minister (who spoke on Tuesday) said: prices rose; wages did not.", False),
    ("Ingredients: Red: Vegetable Juice; Yellow: Beta Carotene; Orange: Paprika;", False),
    ("If (and when) it rains, we stay in.", False),
    ("Prices rose again (see chart).", False),
])
def test_statements_without_a_browser_object(line, statement):
    assert is_statement(line) is statement


def test_once_a_scrape_shows_script_text_its_statements_go_too():
    # A stylesheet and a script that name no browser object go, as the sure line shows the
    # scraper kept <script> and <style> text; a run needs two statements, so a prose line that
    # happens to read like one stays.
    lines = [
        "Headline of the story",
        "window.dataLayer = window.dataLayer || [];",
        "",
        ".nav a {",
        "  padding: 4px 12px;",
        "}",
        "",
        "The story begins here, as stories do.",
        "",
        "var defaultHeight = 406;",
        "if (related)",
        "  height = related +",
        "    10;",
        "",
        "The story ends here.",
        "note: bring water;",
        "Thanks for reading.",
    ]
    assert [i for i, script in enumerate(script_lines(lines)) if script] == [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13]


def test_long_runs_of_code_like_lines_go_without_two_statements():
    # An array's or object's lines of data are code-like but no statements: five lines of text go,
    # and so do three with a statement; one statement between blank lines stays.
    lines = [
        "window.slides = window.slides || [];",
        "Photos of the storm",
        "[",
        "'http://example.com/a.jpg',",
        "'AFP',",
        "'400',",
        "],",
        "The story begins here, as stories do.",
        "s.eVar4=eVar4Val",
        "s.pageName = 'story';",
        "};",
        "The story ends here.",
        "",
        "note: bring water;",
        "",
        "Thanks for reading.",
    ]
    assert [i for i, script in enumerate(script_lines(lines)) if script] == [0, 2, 3, 4, 5, 6, 8, 9, 10]


def test_comments_and_templates_in_a_script_go_with_it():
    # A statement with a comment at its end, the body of a block comment, and a template's markup
    # (a <script type="text/template">) read as code beside a sure line.
    lines = [
        "The story begins here, as stories do.",
        "var tag = document.cookie;",
        "if(tag == null) // check if there was a session id in the cookie",
        "{",
        'tag = "srnd="+adid+";"; // finish setting up the key-value',
        "}",
        "/*",
        " * This function is required and is used to display",
        " * the ads that are returned from the request.",
        " */",
        '<div class="related">',
        '<% if (item.TYPE == "video") { %>',
        '<a href="<%= item.URL %>">video</a>',
        "<% } %>",
        "</div>",
        "The story ends here.",
        "* A bullet after the script is prose.",
    ]
    assert [i for i, script in enumerate(script_lines(lines)) if script] == list(range(1, 15))


def test_code_examples_stay_where_no_line_is_surely_script():
    # A documentation page scraped without its scripts: its example has statements but names no
    # browser object or tracker, so nothing says the scrape carries script text.
    lines = ["To square a number:", "function square(n) {", "  return n * n;", "}", "It returns n times n."]
    assert not any(script_lines(lines))


def test_training_records_drop_script_lines_with_their_labels():
    record = {"id": "p", "lines": ["Menu", "window.dataLayer = window.dataLayer || [];", "Story text."],
              "labels": ["noise", "noise", "content"]}
    page = page_from_record(record)
    assert [b.text for b in page.blocks] == ["Menu", "Story text."] and page.labels == [0, 1]
