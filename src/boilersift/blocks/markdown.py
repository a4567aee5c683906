"""Split a Markdown scrape into blocks: one per paragraph, heading, list item, table cell or line
of code, and a new one at a hard line break (a <br>).

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
from typing import TYPE_CHECKING, NamedTuple

from .decode import repair_mojibake
from .text import Block, new_tuple, script_lines

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# A table (GitHub's syntax) is read as a paragraph and cut at its pipes, each cell a block: the
# table extension would drop the cells past the header's count, and a page laid out in nested
# tables (markdownify writes each as one row) would lose its text.
_TABLE_ROW = re.compile(r"^\s*\|", re.MULTILINE)
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$", re.MULTILINE)
_CELL_EDGE = re.compile(r"\s*\|\s*")
_DELIMITER_CELL = re.compile(r":?-+:?")
MAX_NESTING = 100  # blocks in blocks the parser follows (see _parser); deeper ones parse without error
# A link's title in quotes (never shown), over more than one line: html2text copies a title
# attribute's line breaks, and a blank line in it ends the paragraph, so the link is not read.
_MULTILINE_TITLE = re.compile(r'(\]\([^\s()]+\s+)("[^"\n]*\n[^"]*")(?=\))')


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


def _plain_lines(inline: Token, first: int = 0, soft: str = " ") -> list[tuple[str, int]]:
    """The words of an inline token: its text and code spans, no images (their alt text is no text
    of the page) and no link targets; cut at its hard line breaks (a hard break is a <br>, where
    the HTML segmenter and the scrapes the models learn from break the text too), a soft one read
    as `soft`; each piece with the number of the line it starts on (`first`: the token's)."""
    pieces: list[tuple[list[str], int]] = []
    parts: list[str] = []
    line = start = first
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(soft)
            line += 1
        elif child.type == "hardbreak":
            pieces.append((parts, start))
            parts, line = [], line + 1
            start = line
    pieces.append((parts, start))
    return [(text, at) for parts, at in pieces if (text := " ".join("".join(parts).split()))]


def _title_lines_continued(text: str) -> str:
    """`text` with every line inside a multi-line link title begun by a dot: a line of a
    paragraph, never a blank line, list item or heading, so the link reads as one (the title is
    dropped anyway), and the document keeps its line numbers."""
    return _MULTILINE_TITLE.sub(lambda m: m[1] + m[2].replace("\n", "\n."), text)


class MarkdownLine(NamedTuple):
    """The text of one block of a Markdown document, the 1-based numbers of its first and last
    line, and whether it is a line of a fenced code block (code its author chose to show)."""

    text: str
    first: int
    last: int
    fenced: bool = False


def markdown_lines(text: str) -> list[MarkdownLine]:
    """The blocks of a Markdown document: every inline run (paragraph, heading, list item, table
    cell) as one line, cut at its hard line breaks, and each line of a code block. A fenced block's
    lines are taken as they are; an indented block's are read as Markdown, line by line, as
    html2text indents what it nests (a <pre> too) and the links in it would otherwise be kept with
    their targets."""
    lines: list[MarkdownLine] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # line ends as the parser counts them
    for token in _parser().parse(_title_lines_continued(text) if '"' in text else text):
        first, last = (token.map[0] + 1, token.map[1]) if token.map else (0, 0)
        if token.type == "inline":
            if _TABLE_ROW.search(token.content) or _DELIMITER_ROW.search(token.content):
                lines.extend(MarkdownLine(cell, first, last) for row, _ in _plain_lines(token, soft="|")
                             for cell in _CELL_EDGE.split(row) if cell and not _DELIMITER_CELL.fullmatch(cell))
            else:
                lines.extend(MarkdownLine(piece, start, last) for piece, start in _plain_lines(token, first))
        elif token.type == "fence":  # its first line is the ``` marker
            lines.extend(MarkdownLine(line.strip(), first + 1 + i, first + 1 + i, fenced=True)
                         for i, line in enumerate(token.content.splitlines()) if line.strip())
        elif token.type == "code_block":
            for i, line in enumerate(token.content.splitlines()):
                pieces = [piece for inline in _parser().parseInline(line) for piece, _ in _plain_lines(inline)]
                if pieces:
                    lines.append(MarkdownLine(" ".join(pieces), first + i, first + i))
    return lines


def segment_markdown(text: str) -> list[Block]:
    """Split a Markdown scrape into blocks (:func:`markdown_lines`), its mojibake repaired first
    and its lines of script and style text left out (outside fenced code) as
    :func:`~boilersift.blocks.text.segment_text` does: a converter given a broken page writes
    them as paragraphs. A block's blank lines before and after are the lines between it and its
    neighbours (blank, or syntax such as a table's rule)."""
    lines = markdown_lines(repair_mojibake(text))
    is_script = iter(script_lines([line.text for line in lines if not line.fenced]))
    lines = [line for line in lines if line.fenced or not next(is_script)]
    gaps = [max(b.first - a.last - 1, 0) for a, b in itertools.pairwise([MarkdownLine("", 0, 0), *lines])]
    return [new_tuple(Block, (line.text, i, line.first, gaps[i], gaps[i + 1] if i + 1 < len(gaps) else 0, 0, None))
            for i, line in enumerate(lines)]
