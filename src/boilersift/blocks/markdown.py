"""Split a Markdown scrape into blocks: one per paragraph, heading, list item, table cell or line
of code.

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
from typing import TYPE_CHECKING

from .decode import repair_mojibake
from .text import Block, new_tuple

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


@functools.cache
def _parser() -> MarkdownIt:
    """The parser, made at the first Markdown scrape (importing markdown-it-py would cost every
    other run's start-up). Link targets are dropped, so it does not normalise or check them:
    that was a quarter of its time."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")
    parser.normalizeLink = parser.normalizeLinkText = str  # type: ignore[method-assign]
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def _plain(inline: Token, breaks: str = " ") -> str:
    """The words of an inline token: its text and code spans, line breaks as `breaks`, no images
    (their alt text is no text of the page) and no link targets."""
    parts: list[str] = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(breaks)
    return " ".join("".join(parts).split())


def markdown_lines(text: str) -> list[tuple[str, int, int]]:
    """The text of each block of a Markdown document with the 1-based numbers of its first and
    last line: every inline run (paragraph, heading, list item, table cell) as one line, and each
    line of a code block. A fenced block's lines are taken as they are; an indented block's are
    read as Markdown, line by line, as html2text indents what it nests (a <pre> too) and the links
    in it would otherwise be kept with their targets."""
    lines: list[tuple[str, int, int]] = []
    for token in _parser().parse(text):
        first, last = (token.map[0] + 1, token.map[1]) if token.map else (0, 0)
        if token.type == "inline":
            if _TABLE_ROW.search(token.content) or _DELIMITER_ROW.search(token.content):
                lines.extend((cell, first, last) for cell in _CELL_EDGE.split(_plain(token, "|"))
                             if cell and not _DELIMITER_CELL.fullmatch(cell))
            elif plain := _plain(token):
                lines.append((plain, first, last))
        elif token.type == "fence":  # its first line is the ``` marker
            lines.extend((line.strip(), first + 1 + i, first + 1 + i)
                         for i, line in enumerate(token.content.splitlines()) if line.strip())
        elif token.type == "code_block":
            for i, line in enumerate(token.content.splitlines()):
                if plain := " ".join(_plain(inline) for inline in _parser().parseInline(line)).strip():
                    lines.append((plain, first + i, first + i))
    return lines


def segment_markdown(text: str) -> list[Block]:
    """Split a Markdown scrape into blocks (:func:`markdown_lines`), its mojibake repaired first
    as :func:`~boilersift.blocks.text.segment_text` does. A block's blank lines before and after
    are the lines between it and its neighbours (blank, or syntax such as a table's rule)."""
    lines = markdown_lines(repair_mojibake(text))
    gaps = [max(first - last - 1, 0) for (_, _, last), (_, first, _) in itertools.pairwise([("", 0, 0), *lines])]
    return [new_tuple(Block, (line, i, first, gaps[i], gaps[i + 1] if i + 1 < len(gaps) else 0, 0, None))
            for i, (line, first, _) in enumerate(lines)]
