"""Split a Markdown scrape into blocks: one per paragraph, heading, list item, table cell, line
of code or element of raw HTML, and a new one at a hard line break (a <br>).

Crawlers made for language models give a page as Markdown (html2text, markdownify and the
services built on them): paragraphs hard-wrapped over several lines, links and images as
``[text](url)``, headings, list markers and escapes. Read as a text scrape, a wrapped paragraph
is a run of sentence fragments and every link target counts as words. This reads it as Markdown
(markdown-it-py: CommonMark; tables cut at their pipes) and gives each block the text a reader sees,
without the syntax, images or link targets, at the line of the scrape where it starts
(results/text_renderings.md).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Container
from typing import TYPE_CHECKING, NamedTuple

from lxml import etree

from .decode import repair_mojibake
from .html import BLOCK_TAGS, INVISIBLE, WORD_INTERNAL
from .layout import NO_LAYOUT, Layout
from .text import Block, new_tuple, script_lines

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

Links = tuple[tuple[str, str], ...]  # (text, target) of a block's links, in order

# A table (GitHub's syntax) is read as a paragraph and cut at its pipes, each cell a block: the
# table extension would drop the cells past the header's count, and a page laid out in nested
# tables (markdownify writes each as one row) would lose its text.
_TABLE_ROW = re.compile(r"^\s*\|", re.MULTILINE)
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$", re.MULTILINE)
_CELL_EDGE = re.compile(r"\s*\|\s*")
_DELIMITER_CELL = re.compile(r":?-+:?")
_LANGUAGE = re.compile(r"[\w+#.-]+")  # a fence's language: the start of its info string, as written back
_ROW_END = "\0"  # where a table's row ends, as it is read (the parser reads NUL as U+FFFD: never text)
_LINK_START = "\ufdd0"  # where a link in a table starts (a noncharacter; a table that holds one marks none)
MAX_NESTING = 100  # blocks in blocks the parser follows (see _parser); deeper ones parse without error
# A link's title in quotes (never shown), over more than one line: html2text copies a title
# attribute's line breaks, and a blank line in it ends the paragraph, so the link is not read.
_MULTILINE_TITLE = re.compile(r'(\]\([^\s()]+\s+)("[^"\n]*\n[^"]*")(?=\))')
# What a converter writes about the page before its Markdown, no text of the page: Jina Reader's
# (r.jina.ai) "Title: ...", "URL Source: ...", "Published Time: ..." and a "Markdown Content:" line
# (the page's first line would continue that line's paragraph), or a YAML front matter between "---"
# lines (trafilatura's Markdown with metadata, a static site's sources), which CommonMark reads as a
# rule and a heading.
_JINA = r"Title:[^\n]*\n(?:[ \t]*\n|[A-Z][A-Za-z ]{0,40}:[^\n]*\n){0,30}?Markdown Content:"
# "key: value" (in lower case, as converters write them), or "key:" over indented lines:
_YAML_KEY = r"[a-z_][\w-]*:(?:[ \t][^\n]*)?\n"
_FRONT_MATTER = rf"---[ \t]*\n{_YAML_KEY}(?:{_YAML_KEY}|[ \t]+[-\w\"'][^\n]*\n){{0,100}}?---"
_METADATA = re.compile(rf"\A[ \t\n]*(?:{_JINA}|{_FRONT_MATTER})[ \t]*\n")
# Raw HTML in the Markdown (CommonMark passes it through: a converter leaves a <table> or a <details>
# so) is read as the HTML segmenter reads a page: a block per block-level element, nothing of what no
# reader sees. Between two words of a paragraph a block-level tag parts them, and a <br> breaks the line.
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)  # in a paragraph, a hard line break
# A comment, processing instruction or CDATA section opened at the start of a line and never closed
# is a block of raw HTML to the end of the scrape (CommonMark), which would hide or run together all
# that follows: html2text copies a stray "<![CDATA[" of a page's body so (a forum's whole thread).
_HTML_CLOSERS = {"<!--": "-->", "<?": "?>", "<![CDATA[": "]]>"}
_HTML_OPENER = re.compile(r"^ {0,3}(<!--|<\?|<!\[CDATA\[)", re.MULTILINE)  # at a line start
# A table cell of LONG_CELL words or more (or six times as many characters, in languages written
# without spaces) is cut at its sentence ends into pieces of LONG_PIECE words or more: markdownify
# writes a cell on one line, so a page laid out in tables gives its whole article as one cell,
# which the text model, learned on paragraphs, scores as no paragraph it knows
# (experiments/results/markdown_links.md).
LONG_CELL, LONG_PIECE = 300, 60
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


@functools.cache
def _parser() -> MarkdownIt:
    """The parser, made at the first Markdown scrape (importing markdown-it-py would cost every
    other run's start-up). Link targets are dropped, so it does not normalise or check them:
    that was a quarter of its time."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")
    # Past this depth of nested blocks the parser drops the rest of the document; the preset's 20
    # is ten nested lists, which html2text writes of a carousel's empty items.
    parser.options["maxNesting"] = MAX_NESTING
    parser.normalizeLink = parser.normalizeLinkText = str  # type: ignore[method-assign]
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def _plain_lines(inline: Token, first: int = 0, soft: str = " ", mark: str = "") -> list[tuple[str, int, Links]]:
    """The words of an inline token: its text and code spans, no images (their alt text is no text
    of the page) and no link targets; cut at its hard line breaks and, outside a table, its <br>
    tags (a hard break is a <br>, where the HTML segmenter and the scrapes the models learn from
    break the text too), a soft one read as `soft`; each piece with the number of the line it
    starts on (`first`: the token's) and its links, (text, target) in order, as
    :class:`~boilersift.blocks.html.DomInfo` has them. `mark` marks where each link of a piece
    starts (a table's cells tell their links so)."""
    pieces: list[tuple[list[str], int, Links]] = []
    parts: list[str] = []
    links: list[tuple[str, str]] = []
    line = start = first
    href: str | None = None  # the target of the link open at this child (None: no link is open)
    anchor = 0  # where that link's text starts in `parts`
    for child in inline.children or ():
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(soft)
            line += 1
        elif kind == "hardbreak" or (kind == "html_inline" and soft != _ROW_END and _BR.fullmatch(child.content)):
            if href is not None:  # a link across the break: its text so far is this piece's, the rest the next's
                links.append(("".join(parts[anchor:]), href))
            pieces.append((parts, start, tuple(links)))
            parts, links, line = [mark] if href is not None and mark else [], [], line + (kind == "hardbreak")
            start, anchor = line, len(parts)
        elif kind == "html_inline" and (tag := _TAG_NAME.match(child.content)) and tag[1].lower() in BLOCK_TAGS:
            parts.append(" ")  # a block-level tag between words, or a <br> in a table's cell
        elif kind == "link_open":
            if mark:
                parts.append(mark)
            href, anchor = str(child.attrs.get("href", "")), len(parts)
        elif kind == "link_close" and href is not None:
            links.append(("".join(parts[anchor:]), href))
            href = None
    pieces.append((parts, start, tuple(links)))
    return [(text, at, found) for parts, at, found in pieces if (text := " ".join("".join(parts).split()))]


def _tokens(text: str) -> list[Token]:
    """`text` parsed, without the openers of raw HTML that nothing after them closes
    (:data:`_HTML_OPENER`) but those inside fenced code (a ``<?php`` there is code); the rest of the
    scrape is then read as Markdown, at the same lines."""
    def parse(text: str) -> list[Token]:
        return _parser().parse(_title_lines_continued(text) if '"' in text else text)

    if "<" not in text or not _HTML_OPENER.search(text):
        return parse(text)
    last = {opener: text.rfind(closer) for opener, closer in _HTML_CLOSERS.items()}
    lines, unclosed, at = text.split("\n"), {}, 0  # unclosed: line number -> the line without its opener
    for number, line in enumerate(lines):
        if (opener := _HTML_OPENER.match(line)) and last[opener[1]] < at + opener.end():
            unclosed[number] = line[:opener.start(1)] + line[opener.end(1):]
        at += len(line) + 1

    def without(numbers: Container[int]) -> str:
        return "\n".join([unclosed[i] if i in numbers else line for i, line in enumerate(lines)])

    tokens = parse(without(unclosed))
    fenced = {number for token in tokens if token.type == "fence" and token.map for number in range(*token.map)}
    return parse(without(unclosed.keys() - fenced)) if fenced & unclosed.keys() else tokens


def _title_lines_continued(text: str) -> str:
    """`text` with every line inside a multi-line link title begun by a dot: a line of a
    paragraph, never a blank line, list item or heading, so the link reads as one (the title is
    dropped anyway), and the document keeps its line numbers."""
    return _MULTILINE_TITLE.sub(lambda m: m[1] + m[2].replace("\n", "\n."), text)


class MarkdownInfo(NamedTuple):
    """What the Markdown says about a block, as :class:`~boilersift.blocks.html.DomInfo` says it of
    an HTML block: its element, the lists, quotes, table cell and code block around it, and its
    links. Markdown output reads it; the features read none of it."""

    tag: str = "p"  # "h1" to "h6", "p", "th" or "td" (a table cell), "pre" (a line of fenced code)
    layout: Layout = NO_LAYOUT
    code: str = ""  # a line of fenced code with its indentation (after a newline per blank line above it)
    links: Links = ()
    language: str = ""  # a line of fenced code: its fence's language (the first word of its info string)


class MarkdownLine(NamedTuple):
    """The text of one block of a Markdown document, the 1-based numbers of its first and last
    line, and what the Markdown says about it."""

    text: str
    first: int
    last: int
    info: MarkdownInfo = MarkdownInfo()

    @property
    def fenced(self) -> bool:
        """Whether it is a line of a fenced code block (code its author chose to show)."""
        return self.info.layout.pre != 0


class _Places:
    """The lists, list items and quotes open at a token of the parser's stream; element ids (for
    list items, tables and code blocks) numbered as they come, from 1."""

    def __init__(self) -> None:
        self.next_number: list[int] = []  # of each open list: its next item's number (0: bullets)
        self.items: list[tuple[int, int]] = []  # (id, number) of each open list item
        self.quotes = 0
        self.ids = itertools.count(1)

    def follow(self, token: Token) -> None:
        kind = token.type
        if kind == "bullet_list_open":
            self.next_number.append(0)
        elif kind == "ordered_list_open":
            self.next_number.append(int(token.attrs.get("start", 1)))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.next_number.pop()
        elif kind == "list_item_open":
            number = self.next_number[-1] if self.next_number else 0
            self.items.append((next(self.ids), number))
            if number:
                self.next_number[-1] += 1
        elif kind == "list_item_close":
            self.items.pop()
        elif kind == "blockquote_open":
            self.quotes += 1
        elif kind == "blockquote_close":
            self.quotes -= 1

    def layout(self, table: int = 0, row: int = 0, column: int = 0, pre: int = 0) -> Layout:
        item, number = self.items[-1] if self.items else (0, 0)
        return Layout(len(self.next_number), item, number, self.quotes, table, row, column, pre)


def _table_lines(token: Token, places: _Places) -> list[MarkdownLine]:
    """A paragraph with a table's rows, one line per cell, each at the paragraph's first line; the
    rows above the delimiter row are header cells. A cell's links are those that start in it."""
    lines, table, row, header = [], next(places.ids), 0, bool(_DELIMITER_ROW.search(token.content))
    first, last = (token.map[0] + 1, token.map[1]) if token.map else (0, 0)
    mark = _LINK_START if _LINK_START not in token.content else ""
    for piece, _, links in _plain_lines(token, soft=_ROW_END, mark=mark):
        next_link = 0
        for text in piece.split(_ROW_END):
            marked = _CELL_EDGE.split(text.strip())
            cells = [" ".join(cell.replace(mark, "").split()) for cell in marked] if mark else marked
            if all(not cell or _DELIMITER_CELL.fullmatch(cell) for cell in cells):
                header = header and not _DELIMITER_ROW.fullmatch(" | ".join(cells))
                next_link += text.count(mark) if mark else 0
                continue
            row += 1
            for column, (cell, with_marks) in enumerate(zip(cells, marked), 0 if cells[0] == "" else 1):
                found = links[next_link:next_link + with_marks.count(mark)] if mark else ()
                next_link += len(found)
                if cell and not _DELIMITER_CELL.fullmatch(cell):
                    lines.append(MarkdownLine(cell, first, last, MarkdownInfo(
                        "th" if header else "td", places.layout(table, row, column), links=found)))
    return lines


def _fenced_lines(code: str, first: int, layout: Layout, language: str) -> list[MarkdownLine]:
    """The lines of a fenced code block that starts at line `first`, each with its indentation and
    the blank lines above it in the block (a block is a line with text; written back, the code keeps
    its blank lines), and the block's `language`."""
    lines, blanks = [], ""
    for i, line in enumerate(code.split("\n")):  # as the parser counts lines (splitlines also cuts at \f, \x85)
        if line.strip():
            info = MarkdownInfo("pre", layout, blanks + line.rstrip(), language=language)
            lines.append(MarkdownLine(line.strip(), first + i, first + i, info))
            blanks = ""
        else:
            blanks += "\n"
    return lines


def _html_lines(raw: str, first: int, layout: Layout) -> list[MarkdownLine]:
    """The text of a block of raw HTML that starts at line `first`, parsed by lxml: a line per
    block-level element (:data:`~boilersift.blocks.html.BLOCK_TAGS`), white space collapsed, at the
    lines where its text starts and ends; no text of comments or of what no reader sees
    (:data:`~boilersift.blocks.html.INVISIBLE`)."""
    root = etree.HTML(raw)
    if root is None:  # only a comment, a declaration
        return []
    runs: list[tuple[str, int] | None] = []  # the text in order, each run at the line it starts on; None: a block edge
    line = first
    walk = etree.iterwalk(root, events=("start", "end"))
    for event, element in walk:
        tag = element.tag if isinstance(element.tag, str) else ""  # "": a comment
        if event == "start":
            line = max(line, first + element.sourceline - 1)
            if not tag or tag in INVISIBLE:  # skipped, its lines counted
                line += etree.tostring(element, encoding=str, with_tail=False).count("\n")
                walk.skip_subtree()
                continue
        if tag in BLOCK_TAGS:
            runs.append(None)
        elif tag and tag not in WORD_INTERNAL:  # the edge of a link or a span parts words ("Home</a><a>News")
            runs.append((" ", line))
        text = element.text if event == "start" else element.tail
        if text:
            runs.append((text, line))
            line += text.count("\n")
    lines = []
    for _, group in itertools.groupby(runs, key=lambda run: run is None):
        pieces = [run for run in group if run is not None]  # none in a group of edges
        shown = [(text, at) for text, at in pieces if not text.isspace()]
        if shown:
            (head, start), (tail, end) = shown[0], shown[-1]
            text = " ".join("".join(piece for piece, _ in pieces).split())
            lines.append(MarkdownLine(text, start + head[:len(head) - len(head.lstrip())].count("\n"),
                                      end + tail.rstrip().count("\n"), MarkdownInfo("p", layout)))
    return lines


def _at_least(text: str, words: int) -> bool:
    return len(text.split()) >= words or len(text) >= 6 * words


def _cut_long_cell(line: MarkdownLine) -> list[MarkdownLine]:
    """A table cell of LONG_CELL words or more cut at its sentence ends into pieces of LONG_PIECE
    words or more (the last maybe fewer), each with the links that start in it; any other line as it is."""
    text = line.text
    if line.info.tag not in ("td", "th") or not _at_least(text, LONG_CELL):
        return [line]
    spans, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        if _at_least(text[start:end.start()], LONG_PIECE):
            spans.append((start, end.start()))
            start = end.end()
    spans.append((start, len(text)))
    starts, at = [], 0  # where each link's text starts in the cell (-1: not found)
    for link_text, _ in line.info.links:
        needle = " ".join(link_text.split())
        found = text.find(needle, at)
        starts.append(found)
        at = found + len(needle) if found >= 0 else at
    return [line._replace(text=text[a:b], info=line.info._replace(links=tuple(
        link for link, found in zip(line.info.links, starts) if a <= found < b)))
        for a, b in spans if text[a:b].strip()]


def markdown_lines(text: str) -> list[MarkdownLine]:
    """The blocks of a Markdown document (its line ends "\\n"): every inline run (paragraph, heading,
    list item, table cell) as one line, cut at its hard line breaks, each line of a code block, and
    each block-level element of raw HTML (:func:`_html_lines`). A fenced block's lines are taken as
    they are; an indented block's are read as Markdown, line by line, as html2text indents what it
    nests (a <pre> too) and the links in it would otherwise be kept with their targets. An opener
    of raw HTML that nothing closes is left out first (:func:`_tokens`)."""
    lines: list[MarkdownLine] = []
    places, tag = _Places(), "p"
    for token in _tokens(text):
        places.follow(token)
        first, last = (token.map[0] + 1, token.map[1]) if token.map else (0, 0)
        if token.type in ("paragraph_open", "heading_open"):
            tag = token.tag
        elif token.type == "inline":
            if _TABLE_ROW.search(token.content) or _DELIMITER_ROW.search(token.content):
                lines.extend(_table_lines(token, places))
            else:
                layout = places.layout()
                lines.extend(MarkdownLine(piece, start, last, MarkdownInfo(tag, layout, links=links))
                             for piece, start, links in _plain_lines(token, first))
        elif token.type == "fence":  # its first line is the ``` marker
            language = _LANGUAGE.match(token.info.strip())
            lines.extend(_fenced_lines(token.content, first + 1, places.layout(pre=next(places.ids)),
                                       language[0].lower() if language else ""))
        elif token.type == "html_block":
            lines.extend(_html_lines(token.content, first, places.layout()))
        elif token.type == "code_block":
            layout = places.layout()
            for i, line in enumerate(token.content.split("\n")):
                pieces = [piece for inline in _parser().parseInline(line) for piece in _plain_lines(inline)]
                if pieces:
                    links = tuple(link for _, _, found in pieces for link in found)
                    lines.append(MarkdownLine(" ".join(text for text, _, _ in pieces), first + i, first + i,
                                              MarkdownInfo("p", layout, links=links)))
    return lines


def read_markdown(text: str) -> tuple[list[Block], list[MarkdownInfo]]:
    """Split a Markdown scrape into blocks (:func:`markdown_lines`), its mojibake repaired first,
    the metadata a converter writes before it left out (:data:`_METADATA`), a long table cell cut at
    its sentence ends (:data:`LONG_CELL`), and its lines of script and style text left out (outside
    fenced code) as :func:`~boilersift.blocks.text.segment_text` does: a converter given a broken
    page writes them as paragraphs. A block's blank lines before and after are the lines between it and its
    neighbours (blank, or syntax such as a table's rule). Each block comes with what the Markdown
    says about it (Markdown output reads it; the blocks carry no DOM, so the features and the
    comment threads are those of a text scrape)."""
    text = repair_mojibake(text, lines=True).replace("\r\n", "\n").replace("\r", "\n")  # as the parser counts lines
    metadata = _METADATA.match(text)
    skip = metadata.group().count("\n") if metadata else 0  # its lines: the blocks start below them
    lines = [piece._replace(first=line.first + skip, last=line.last + skip)
             for line in markdown_lines(text[metadata.end():] if metadata else text)
             for piece in _cut_long_cell(line)]
    is_script = iter(script_lines([line.text for line in lines if not line.fenced]))
    lines = [line for line in lines if line.fenced or not next(is_script)]
    gaps = [max(b.first - a.last - 1, 0) for a, b in itertools.pairwise([MarkdownLine("", skip, skip), *lines])]
    blocks = [new_tuple(Block, (line.text, i, line.first, gaps[i], gaps[i + 1] if i + 1 < len(gaps) else 0, 0, None))
              for i, line in enumerate(lines)]
    return blocks, [line.info for line in lines]
