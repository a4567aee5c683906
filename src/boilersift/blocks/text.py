"""Split a text scrape into blocks: one block per non-empty line.

Blank lines are not blocks, but they are structure (a scraper leaves them between
widgets and paragraphs), so each block remembers how many blank lines surround it
and how far it was indented. Everything the feature module needs about layout is
recorded here, so no later stage has to look at the raw text again.

A scraper that does not leave out <script> and <style> puts their text in the scrape:
lines of JavaScript, JSON and CSS, which no training page has and the model kept as
content. As the HTML segmenter drops those elements, :func:`segment_text` drops those
lines (:func:`script_lines`; results/text_renderings.md).
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, NamedTuple

from .decode import repair_mojibake

if TYPE_CHECKING:  # dom builds on this module
    from .html import DomInfo


class Block(NamedTuple):
    """One non-empty line of a scrape and the layout around it (a NamedTuple: immutable,
    and four times cheaper to create than a frozen dataclass, at a block per line)."""

    text: str  # the line, stripped of surrounding white space
    index: int  # position among the blocks of the page (0-based)
    line_no: int  # 1-based line number in the original text
    blank_before: int  # blank lines between this block and the previous one
    blank_after: int  # blank lines between this block and the next one
    indent: int  # leading white-space characters of the raw line
    dom: DomInfo | None = None  # what the DOM says about the block, for HTML input (see dom.py)


# Makes a NamedTuple from all its fields without the class's Python-level __new__ (a
# third of the cost, paid for every block): new_tuple(Block, (text, index, ...)).
new_tuple = tuple.__new__


def segment_lines(lines: list[str]) -> list[Block]:
    """Turn raw lines (with or without their newline) into blocks."""
    kept: list[tuple[str, int, int, int]] = []  # text, line_no, blank_before, indent
    blanks = 0
    for line_no, raw in enumerate(lines, start=1):
        raw = raw.rstrip("\r\n")
        text = raw.strip()
        if not text:
            blanks += 1
            continue
        kept.append((text, line_no, blanks, len(raw) - len(raw.lstrip())))
        blanks = 0
    afters = [line[2] for line in kept[1:]] + [blanks]
    return [new_tuple(Block, (text, i, line_no, before, after, indent, None))
            for i, ((text, line_no, before, indent), after) in enumerate(zip(kept, afters))]


# A line of script or style text for certain: code punctuation and a JavaScript or CSS construct
# (a browser object, an anonymous function, a tracker's names, jQuery), a JSON object, a line that
# starts as only script does (a key of schema.org's data laid out over lines, an AdSense setting,
# Next.js's page data), or CSS rules ...
_NO_CODE_PUNCTUATION = str.maketrans("", "", "{}();=[]<>")  # str.translate deletes them
_CODE = re.compile(r"\b(?:window|document|navigator|location)[.\[]|\bfunction\s*\(|"
                   r"dataLayer|googletag|gtag\(|_gaq|adsbygoogle|urchinTracker|"
                   r"\bjQuery\b|\$\([\"']|\bconsole\.(?:log|warn|error)\(|\"@context\"|@media|!important")
_SCRIPT_START = re.compile(r'"@(?:context|type|id|graph)"\s*:|google_(?:ad|color)_\w+\s*=|(?:self\.)?__next_f\.push\(')
_CSS = re.compile(r"\{\s*[a-z-]+\s*:\s*[^;{}]{1,60};|(?:\b[a-z-]{2,}\s*:\s*[^;{}]{1,40};\s*){2,}")
# ... and beside such a line, one that may be its continuation: an object's key, a statement, a
# comment, a line of markup or of a template's tags (a script of type text/template), a line of
# brackets, an assignment to an object's property, one that ends like a statement, an open bracket
# or an operator, or one that starts like the rest of an expression.
_SCRIPT_LIKE = re.compile(r"""^\s*(?:["'][^"']{1,80}["']\s*:|[\w$.\[\]]+\s*:\s*\S.*[,{\[(]$|"""
                          r"""[\w$.\[\]'"]+\s*[-+*/]?=\s*\S.*;$|[\w$]+(?:\.[\w$]+|\[[^\]]*\])+\s*[-+*/]?=(?!=)|"""
                          r"""//|/\*|\*/|<!--|-->|\]\]>|</?[a-zA-Z%].*>\s*$|"""
                          r"""else\b|var\b|(?:try|do)\s*\{|break;|[.+:]|\|\||&&)|^[\s\]\[{}(),;:!]+$|"""
                          r"""(?:[;{\[(,+=]|\|\||&&)\s*$""")
# A comment at the end of a line of code ("x = 1; // why"; not the "//" of a URL, nor one in a
# string), which a line is read without.
_LINE_COMMENT = re.compile(r"\s//[^\"']*$")
# Once a scrape shows script text, a line of it may carry no browser object: a statement of
# JavaScript, a CSS declaration or selector, or a line dense with code punctuation. Two such
# lines in one run of code-like lines make it script too.
_STATEMENT = re.compile(r"""^\s*(?:(?:var|let|const)\s+[\w$]+\s*[=;,]|(?:if|for|while|switch)\s*\(.*\)\s*\{?\s*$|"""
                        r"""function\s*[\w$]*\s*\([\w$,\s]*\)\s*\{?\s*$|return\b.*;\s*$|\}\s*(?:else|catch|finally)\b|"""
                        r"""[\w$.\[\]'"]+\s*[-+*/|&]?=\s*\S.*;\s*$|[\w$.]+\(.*\);\s*$|"""
                        r"""-?[a-z][a-z-]*\s*:\s*[^;:{}]{1,80};\s*$|"""
                        r"""[\w.#:>~+*\s,\-\[\]="'()@]*[.#:\[][\w.#:>~+*\s,\-\[\]="'()@]*\{\s*$)""")


def is_script(line: str) -> bool:
    """Is the line script or style text for certain (:data:`_CODE`, a JSON object, :data:`_SCRIPT_START`,
    :data:`_CSS`)?"""
    if len(line) < 12:  # the cheap tests first: most lines are prose
        return False
    text = line.strip()
    if text[:1] in "{[" and text.count('":') >= 3 or _SCRIPT_START.match(text) is not None:
        return True
    if ";" in text and ":" in text and _CSS.search(text) is not None:
        return True
    if "(" not in text and "=" not in text and "{" not in text:  # no JavaScript without one of them
        return False
    return _code_punctuation(text) >= 0.06 * len(text) and _CODE.search(text) is not None


def _code_punctuation(text: str) -> int:
    return len(text) - len(text.translate(_NO_CODE_PUNCTUATION))


def is_statement(line: str) -> bool:
    """Could the line be script or style text without a browser object (:data:`_STATEMENT`, or at
    least 15% code punctuation with an ``=``, ``;`` or ``{``)?"""
    text = line.strip()
    if _STATEMENT.search(text) is not None:
        return True
    return len(text) >= 12 and any(c in text for c in "=;{") and _code_punctuation(text) >= 0.15 * len(text)


def script_lines(lines: list[str]) -> list[bool]:
    """Which lines are script or style text. Only a scrape with a line :func:`is_script` is sure of
    has any: then each run of lines that read like code (:data:`_SCRIPT_LIKE`, :func:`is_statement`,
    or blank, or in a block comment; a comment at the end of a line left out) is script if it holds
    a sure line or two statements, or is long (:func:`_is_script_run`).
    Documentation pages' code examples go too where the page has a sure line: held out, such pages
    lost 0.003 of word F1 (results/text_renderings.md)."""
    sure = [is_script(line) for line in lines]
    if not any(sure):
        return sure
    code = [_LINE_COMMENT.sub("", line) for line in lines]
    statement = [not s and is_statement(line) for s, line in zip(sure, code)]
    like = [s or t or c or not line.strip() or _SCRIPT_LIKE.search(line) is not None
            for s, t, c, line in zip(sure, statement, _in_block_comments(lines), code)]
    script = [False] * len(lines)
    start = 0
    for is_like, run in itertools.groupby(like):
        end = start + len(list(run))
        if is_like and _is_script_run(sure[start:end], statement[start:end], lines[start:end]):
            script[start:end] = [True] * (end - start)
        start = end
    return script


def _in_block_comments(lines: list[str]) -> list[bool]:
    """Which lines are the body of a block comment: ``/*`` opens it on a line before, and each line
    from there starts with ``*``, as such a comment's lines are written, until ``*/`` closes it."""
    inside, opened = [], False
    for line in lines:
        text = line.strip()
        opened = opened and text.startswith("*")
        inside.append(opened)
        if opened:
            opened = "*/" not in text
        elif "/*" in text:
            opened = "*/" not in text[text.index("/*"):]
    return inside


def _is_script_run(sure: list[bool], statement: list[bool], lines: list[str]) -> bool:
    """Is a run of code-like lines script: does it hold a sure line or two statements, or is it
    long, three lines of text with a statement or five without (an array's or object's lines of
    data are code-like, but no statements)?"""
    statements, texts = sum(statement), sum(1 for line in lines if line.strip())
    return any(sure) or statements >= 2 or (statements == 1 and texts >= 3) or texts >= 5


def blank_script_lines(lines: list[str]) -> list[str]:
    """`lines` with those of script and style text (:func:`script_lines`) blank: not text."""
    return ["" if script else line for line, script in zip(lines, script_lines(lines))]


def segment_text(text: str) -> list[Block]:
    """Split a whole scrape (one text node or paragraph per line) into blocks, its mojibake
    repaired first, line by line where the whole does not read back
    (:func:`~boilersift.blocks.decode.repair_mojibake`), its lines of script and
    style text left out as blank lines are (:func:`blank_script_lines`)."""
    return segment_lines(blank_script_lines(repair_mojibake(text, lines=True).splitlines()))
