"""Markdown output: the structure of HTML pages (headings, lists, tables, code, quotes, links),
read back by a Markdown parser as the same words as the plain output."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from conftest import GATE_HTML, GOLD_PAGES_BY_ID, assert_one_line_error, run
from markdown_it import MarkdownIt

from boilersift.blocks.html import segment_html
from boilersift.blocks.markdown import read_markdown
from boilersift.evaluation.metrics import word_prf
from boilersift.output import format_results
from boilersift.output.markdown import data_tables, render_markdown
from boilersift.pipeline import LineResult

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])  # what GitHub reads

NESTED_LIST = """<h2>Steps</h2><ul><li>Buy <b>flour</b></li><li>Mix:<ol start="3"><li>water</li><li>salt<ul>
<li>a pinch</li></ul></li></ol>then rest</li></ul><p>Done.</p>"""
TABLE = """<table><caption>Prices</caption><thead><tr><th>Item</th><th>Price | EUR</th></tr></thead>
<tbody><tr><td>Bread</td><td>2.50</td></tr><tr><td colspan="2">Sold out</td></tr><tr><td></td><td>9</td></tr>
</tbody></table>"""
CODE = """<p>Run it:</p><pre><code class="language-python">def area(r):
    \"\"\"A *circle*.\"\"\"

    return 3.14 * r ** 2
</code></pre>"""
QUOTE = """<blockquote><p>First <i>quoted</i> line.</p><p>Second &lt;b&gt; line_</p></blockquote><p>After.</p>"""
ESCAPES = """<h1>C# in 2024 #</h1><p>1. not a list</p><p>- nor this</p><p># nor a heading</p>
<p>*stars* [brackets] `ticks` snake_case _edge_ 5 &lt; 6 &amp;amp; back\\slash \\*</p>"""
LINKS = """<p>See <a href="/docs">the docs</a> and <a href="https://x.org/a (b)">this [one]</a>, not
<a href="javascript:void(0)">that</a>.</p><ul><li><a href="/n">Next</a></li></ul>"""

PAGES = {
    "nested list": (NESTED_LIST, """## Steps

- Buy flour
- Mix:

  3. water
  4. salt
     - a pinch

  then rest

Done.
"""),
    "table with header cells": (TABLE, """Prices

| Item | Price \\| EUR |
| --- | --- |
| Bread | 2.50 |
| Sold out |  |
|  | 9 |
"""),
    "code with indentation, blank lines and its language": (CODE, '''Run it:

```python
def area(r):
    """A *circle*."""

    return 3.14 * r ** 2
```
'''),
    "blockquote": (QUOTE, """> First quoted line.
>
> Second \\<b> line\\_

After.
"""),
    "markup in the text is escaped": (ESCAPES, """# C# in 2024 \\#

1\\. not a list

\\- nor this

\\# nor a heading

\\*stars\\* \\[brackets\\] \\`ticks\\` snake_case \\_edge\\_ 5 < 6 \\&amp; back\\slash \\\\\\*
"""),
    "links as text by default": (LINKS, """See the docs and this \\[one\\], not that.

- Next
"""),
}


def results_of(html: str, content=lambda block: True) -> list[LineResult]:
    """The blocks of a page as the pipeline hands them to the output, labelled by `content`."""
    return [LineResult(b.text, b.line_no, 1.0, content(b), b.dom.tag, b.dom.path, b.dom) for b in segment_html(html)]


def results_of_markdown(markdown: str, content=lambda block: True) -> list[LineResult]:
    """The blocks of a Markdown scrape as the pipeline hands them to the output (Model.classify_markdown)."""
    blocks, markup = read_markdown(markdown)
    return [LineResult(b.text, b.line_no, 1.0, content(b), dom=info) for b, info in zip(blocks, markup)]


def words_read_back(markdown: str) -> list[str]:
    """The words a Markdown parser reads in `markdown`: its text, with no markup."""
    texts = []
    for token in PARSER.parse(markdown):
        if token.type == "inline":
            texts.append("".join(child.content if child.type in ("text", "code_inline") else " "
                                 for child in token.children if child.type not in ("link_open", "link_close")))
        elif token.type in ("fence", "code_block"):
            texts.append(token.content)
    return " ".join(texts).split()


@pytest.mark.parametrize("name", PAGES)
def test_markdown_of_a_page(name):
    html, expected = PAGES[name]
    assert render_markdown(results_of(html)) == expected + "\n"


@pytest.mark.parametrize("links", [False, True])
@pytest.mark.parametrize("name", PAGES)
def test_markdown_reads_back_as_the_plain_words(name, links):
    results = results_of(PAGES[name][0])
    markdown = format_results(results, "markdown", links=links)
    assert words_read_back(markdown) == format_results(results, "text").split()


def test_links_kept_by_the_flag():
    assert render_markdown(results_of(LINKS), links=True) == (
        "See [the docs](/docs) and [this \\[one\\]](<https://x.org/a%20(b)>), not that.\n\n- [Next](/n)\n\n")


def test_a_table_is_kept_or_dropped_whole():
    def content(block):  # "Bread" and "2.50" are content: 2 words of the table's 10
        return block.text in ("Bread", "2.50")

    assert render_markdown(results_of(TABLE, content)) == ""
    assert "| Bread | 2.50 |" in render_markdown(results_of(TABLE, lambda block: block.text != "Bread"))


@pytest.mark.parametrize(("html", "expected"), [
    # a page laid out in a table: its blocks one by one
    ("<table><tr><td><h2>Title</h2><p>One.</p><p>Two.</p></td><td>Side</td></tr></table>",
     "## Title\n\nOne.\n\nTwo.\n\nSide\n\n"),
    # a grid of grids: only the innermost is a table
    ("<table><tr><td>Menu</td><td><table><tr><td>inner</td></tr></table>text</td></tr></table>",
     "Menu\n\n| inner |\n| --- |\n\ntext\n\n"),
])
def test_layout_tables_are_not_markdown_tables(html, expected):
    assert render_markdown(results_of(html)) == expected


# Markdown scrapes, each with how it is written back: its structure kept, its syntax normalised
# (emphasis is no word of the page; a table's delimiter row is written as the HTML one is).
MARKDOWN_PAGES = {
    "heading and link": ("# Steps to *bake*\n\nBuy [flour](/flour) today.\n",
                         "# Steps to bake\n\nBuy [flour](/flour) today.\n"),
    "nested lists": ("1. Buy\n2. Mix:\n\n   1. water\n   2. salt\n      - a pinch\n\n   then rest\n- Done.\n",
                     "1. Buy\n2. Mix:\n   1. water\n   2. salt\n      - a pinch\n\n   then rest\n\n- Done.\n"),
    "quotes": ("> First quoted line.\n>\n> > nested\n", "> First quoted line.\n>\n> > nested\n"),
    "table": ("| Item | Price |\n|---|---|\n| Bread | [2.50](/p) |\n| | 9 |\n",
              "| Item | Price |\n| --- | --- |\n| Bread | [2.50](/p) |\n|  | 9 |\n"),
    "fenced code": ("```\ndef area(r):\n    return 3.14 * r ** 2\n```\n",
                    "```\ndef area(r):\n    return 3.14 * r ** 2\n```\n"),
    "fenced code with blank lines": ("```python\n\nimport math\n\n\ndef area(r):\n    return math.pi * r ** 2\n\n```\n",
                                     "```python\nimport math\n\n\ndef area(r):\n    return math.pi * r ** 2\n```\n"),
}
MARKDOWN_SCRAPE = "\n".join(scrape for scrape, _ in MARKDOWN_PAGES.values())  # all of them, one page


@pytest.mark.parametrize("name", MARKDOWN_PAGES)
def test_a_markdown_scrape_keeps_its_structure(name):
    scrape, written = MARKDOWN_PAGES[name]
    assert render_markdown(results_of_markdown(scrape), links=True) == written + "\n"
    assert render_markdown(results_of_markdown(written), links=True) == written + "\n"  # a fixed point
    assert render_markdown(results_of_markdown(scrape)) == re.sub(r"\[([^]]*)\]\([^)]*\)", r"\1", written) + "\n"


def test_a_markdown_scrape_reads_back_as_the_plain_words():
    results = results_of_markdown(MARKDOWN_SCRAPE, lambda block: block.text not in ("Done.", "nested", "a pinch"))
    for links in (False, True):
        markdown = format_results(results, "markdown", links=links)
        assert words_read_back(markdown) == format_results(results, "text").split()


def test_text_scrape_lines_are_paragraphs():
    results = [LineResult("# Home", 1, 0.2, False), LineResult("Bridge reopens", 3, 0.9, True),
               LineResult("1. It is *open* again.", 4, 0.9, True)]
    assert format_results(results, "markdown") == "Bridge reopens\n\n1\\. It is \\*open\\* again.\n\n"


def test_nothing_kept_is_an_empty_document():
    assert render_markdown(results_of(NESTED_LIST, lambda block: False)) == ""


def gate_pages() -> list[dict]:
    with gzip.open(GATE_HTML, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_gate_pages_read_back_with_the_plain_words_and_f1(default_html_model):
    """On the HTML quality gate, Markdown keeps the content blocks' words (a data table kept or dropped
    whole), so its word F1 against gold is the plain output's, except where the classifier split a table."""
    plain_f1, markdown_f1, split_tables = [], [], 0
    for page in gate_pages():
        results = default_html_model.classify_html(page["html"])
        tables = data_tables(results)
        kept = [r.text for r in results if tables.get(r.dom.layout.table, r.is_content)]
        words = words_read_back(format_results(results, "markdown"))
        assert words == " ".join(kept).split(), page["id"]
        plain_f1.append(word_prf(format_results(results, "text"), page["gold"]).f1)
        markdown_f1.append(word_prf(" ".join(words), page["gold"]).f1)
        split = kept != [r.text for r in results if r.is_content]
        split_tables += split
        assert split or markdown_f1[-1] == plain_f1[-1], page["id"]
    assert split_tables <= 2 and sum(markdown_f1) >= sum(plain_f1)


def test_predict_markdown_with_and_without_links(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(GOLD_PAGES_BY_ID["handwritten-en-1"]["html"], encoding="utf-8")
    plain = run("predict", page, "--output-format", "markdown")
    linked = run("predict", page, "--output-format", "markdown", "--markdown-links")
    assert plain.returncode == linked.returncode == 0, plain.stderr + linked.stderr
    assert "# Harbour bridge reopens after repairs\n\n" in plain.stdout and "](" not in plain.stdout
    assert words_read_back(linked.stdout) == words_read_back(plain.stdout)


def test_predict_markdown_of_a_markdown_scrape(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(MARKDOWN_SCRAPE, encoding="utf-8")
    done = run("predict", page, "--output-format", "markdown", "--markdown-links", "--threshold", "0")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "\n".join(written for _, written in MARKDOWN_PAGES.values()) + "\n"


def test_markdown_links_needs_markdown_output(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>text</p>", encoding="utf-8")
    assert_one_line_error(run("predict", page, "--markdown-links"), "--output-format markdown")


def test_deep_nesting_stays_within_ten_levels():
    html = "<ul><li>x" * 1000 + "</li></ul>" * 1000 + "<blockquote>q" * 1000 + "</blockquote>" * 1000
    lines = render_markdown(results_of(html)).splitlines()
    assert max(len(line) for line in lines) == len("> " * 10 + "q")  # not 1,000 levels of indentation
