"""Split an HTML page into blocks at block-level boundaries, keeping DOM context.

The HTML counterpart of :mod:`boilersift.segment`: each block is the text between
two block-level boundaries (``<p>``, ``<div>``, ``<li>``, ``<br>``, ...), with
what the DOM says about it: the text inside links, the tag that holds it, its
depth, and which kinds of ancestors it sits in (``<nav>``, ``<footer>``, an
element whose class or id says "comment", "related", "share", ...). Ancestor
signals are kept as counters of open elements, so a block costs the same at
depth 5 or 5,000 and a page is segmented in one linear pass. For Markdown output a
block also records its :class:`~.layout.Layout` (the lists, quotes, table cell and
``<pre>`` around it), the text of a ``<pre>`` with its white space, and its links;
the features read none of them, and the block text stays as it was.

Parser: lxml (libxml2). Measured on 300 WCXB pages (mean 246 kB): lxml parses in
3.2 ms/page, selectolax (lexbor) in 1.3 ms/page; html5-parser refuses to import
beside pip's lxml (two libxml2 versions). lxml is a dependency already, and the parse
events of its libxml2 go straight to :class:`_Segmenter` without building a tree: through
the compiled ``_libxml2`` module where the install built it, else through lxml's
parser-target interface (the same events, slower). That also lifts libxml2's tree limit
of 256 levels: a page nested 100,000 deep is segmented whole.

The install compiles this module with Cython as it is (``hatch_build.py``; ``html.pxd`` makes
:class:`_Segmenter` an extension type whose fields its callbacks reach without dictionary
lookups), so that segmenting costs less; plain Python runs the same code where there is no C
compiler. After editing this file in a source checkout, ``python hatch_build.py`` compiles it again.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple

from lxml import etree

from ..errors import InputError
from .layout import CELL_TAGS, ITEM_TAGS, LAYOUT_TAGS, LIST_TAGS, NO_LAYOUT, Layout
from .text import Block, new_tuple

# Whole subtrees no reader sees. <noscript> stays, as in render.py; but where a browser that ran the
# page's scripts saved it, a <noscript>'s markup comes as escaped text ("&lt;img src=...&gt;", a
# tracking pixel), whose tags are no text: they are taken out (_MARKUP). So in the other fallbacks,
# <noembed> and <noframes>, whose content the parser reads as raw text, markup and all: a frameset
# page's only text is there.
INVISIBLE = frozenset({"head", "script", "style", "template", "svg", "math", "iframe", "object",
                       "canvas", "video", "audio", "map", "textarea"})
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main",
    "menu", "nav", "noembed", "noframes", "noscript", "ol", "option", "p", "pre", "section", "select",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul", "br",
})
FALLBACK_TAGS = frozenset({"noscript", "noembed", "noframes"})  # what a page shows without scripts, plugins, frames

# Text formatting that may sit inside a word ("<b>W</b>ord"); the edges of any other
# element between two letters separate words (adjacent links and spans laid out apart
# by CSS: measured on the dev pages, documentation word F1 0.890 -> 0.901).
WORD_INTERNAL = frozenset({"b", "strong", "i", "em", "u", "s", "small", "sup", "sub", "mark", "font", "abbr"})

# Ancestor signals, one bit each. Tag signals come from the element's tag (and
# ARIA role); class signals from its class, id, role and itemprop tokens.
TAG_SIGNALS: dict[str, tuple[str, ...]] = {
    "nav": ("nav",), "header": ("header",), "footer": ("footer",), "aside": ("aside",),
    "form": ("form", "button", "select", "option", "label", "fieldset", "input"),
    "article": ("article",), "main": ("main",), "list": ("li", "dd", "dt"),
    "table": ("td", "th"), "link": ("a",), "quote": ("blockquote",), "code": ("pre", "code"),
    "figure": ("figure", "figcaption"), "heading": ("h1", "h2", "h3", "h4", "h5", "h6"),
    "time": ("time",), "emphasis": ("b", "strong", "em", "i"),
}
ROLE_SIGNALS = {"navigation": "nav", "menu": "nav", "menubar": "nav", "banner": "header",
                "contentinfo": "footer", "complementary": "aside", "main": "main", "article": "article",
                "form": "form", "search": "form", "dialog": "cls_popup", "alertdialog": "cls_popup"}
CLASS_SIGNALS: dict[str, str] = {
    "cls_comment": r"comment|disqus|respond|reply|replies|discussion",
    "cls_sidebar": r"sidebar|side-bar|rail|widget|aside",
    "cls_related": r"related|recommend|trending|popular|more-?stor|read-?more|teaser|recirc|outbrain|taboola|"
                   r"you-may|also-like|next-?article|promo",
    "cls_share": r"share|sharing|social|facebook|twitter|whatsapp|linkedin|pinterest",
    "cls_ad": r"ads?(?![a-z])|advert|sponsor|banner|dfp|gpt-|adsense|adslot|doubleclick|commercial",
    "cls_cookie": r"cookie|consent|gdpr|privacy",
    "cls_breadcrumb": r"breadcrumb|crumb",
    "cls_nav": r"nav|menu|pagination|pager|tabs(?![a-z])|toolbar|skip",
    "cls_footer": r"footer|copyright|bottom|legal",
    "cls_header": r"header|masthead|topbar|top-bar|logo|brand",
    "cls_meta": r"byline|author|date|time(?![a-z])|dateline|meta(?![a-z])|tags?(?![a-z])|categor|credit|caption",
    "cls_popup": r"newsletter|subscri|signup|sign-up|login|log-in|register|modal|popup|pop-up|overlay|paywall",
    "cls_hidden": r"hidden|hide(?![a-z])|sr-only|visually-hidden|screen-?reader|offscreen|invisible",
    "cls_content": r"(?:article|content|post|entry|story|body|main|text|blog|prose|markdown|rich-?text|paragraph)"
                   r"(?![-_]?(?:menu|nav|header|footer|sidebar|list|meta|info|author|date|title|tag|categ|comment|share))",
}
# "hidden": the element is hidden for certain (the `hidden` attribute, aria-hidden="true",
# an inline display:none or visibility:hidden), unlike a class that merely says "hidden"
# (`hidden-xs`, `overflow-hidden`, `field--label-hidden`), which is cls_hidden.
SIGNALS: tuple[str, ...] = tuple(TAG_SIGNALS) + tuple(CLASS_SIGNALS) + ("hidden",)
_BIT = {name: 1 << i for i, name in enumerate(SIGNALS)}
_TAG_BITS: dict[str, int] = {}
for _signal, _tags in TAG_SIGNALS.items():
    for _tag in _tags:
        _TAG_BITS[_tag] = _TAG_BITS.get(_tag, 0) | _BIT[_signal]
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")  # lxml refuses a str that declares an encoding
# Elements whose content the parser reads as plain text up to their end tag: left open,
# they swallow the rest of the page (an unclosed <title> leaves no body at all).
_RAW_TEXT_OPEN = re.compile(r"<(title|textarea|script|style)\b[^>]*>", re.IGNORECASE)
_RAW_TEXT_CLOSE = {tag: re.compile(rf"</{tag}\s*>", re.IGNORECASE) for tag in ("title", "textarea", "script", "style")}
_NEXT_TAG = re.compile(r"<[a-zA-Z/!]")
_MARKUP = re.compile(r"<(?:/?([a-zA-Z][a-zA-Z0-9]*)|[/!])[^<>]*>")  # a tag in text, and its name
PATH_LENGTH = 3  # block-level ancestors named in DomInfo.path
MAX_START, MAX_COLSPAN = 1_000_000, 1_000  # larger <ol start> and colspan values count as these (HTML: colspan)
_PRE = Layout._fields.index("pre")
# The language of a <pre>'s code, as syntax highlighters name it in a class ("language-python",
# "lang-js"; on the <pre> or the <code> in it): Markdown writes it after the fence.
_LANGUAGE = re.compile(r"(?:^|\s)lang(?:uage)?-([\w+#.-]+)")


class DomInfo(NamedTuple):
    """What the DOM says about a block; see :data:`SIGNALS` for `signals` bits."""

    tag: str  # the innermost block-level element holding the text
    link_chars: int  # characters of the text that sit inside <a>
    depth: int  # element depth of that text
    signals: int  # bit i set: some text of the block sits in an element with SIGNALS[i]
    container: int  # id of the nearest block-level ancestor that holds this block's element
    path: str  # the last few block-level ancestors, as "div.article > p", for people reading the output
    # For Markdown (features read none of them):
    place: tuple[int, ...] = NO_LAYOUT  # the fields of its `layout`, as a plain tuple: a tenth of the cost to make
    code: str = ""  # in a <pre>: the block's text with its white space, as shown (no line breaks at its ends)
    links: tuple[tuple[str, str], ...] = ()  # (text, href) of its links, in order; text as in the page, maybe blank
    ancestors: tuple[int, ...] = ()  # ids of the open block-level elements, outermost first (the main region)
    language: str = ""  # in a <pre>: the language of its code, if a class names it (_LANGUAGE)

    @property
    def layout(self) -> Layout:
        """The lists, quotes, table cell and <pre> around the block."""
        return Layout._make(self.place)


# One lookbehind for all alternatives: twice as fast per token as one per alternative.
_CLASS_PATTERN = re.compile(
    "(?<![a-z])(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in CLASS_SIGNALS.items()) + ")")
_CACHE_LIMIT = 200_000


@functools.lru_cache(maxsize=_CACHE_LIMIT)
def _token_bits(token: str) -> int:
    """Signal bits of one class/id/itemprop token (cached across pages: sites and
    frameworks reuse their class names)."""
    bits = 0
    for match in _CLASS_PATTERN.finditer(token.lower()):
        bits |= _BIT[match.lastgroup]
    return bits


def _class_bits(value: str) -> int:
    """Signal bits of a class, id or itemprop: its tokens' together."""
    bits = 0
    for token in value.split():
        bits |= _token_bits(token)
    return bits


def _role_bits(value: str) -> int:
    """Signal bits of an ARIA role: its landmark (ROLE_SIGNALS), and its name as a token."""
    role = value.strip().lower()
    return _BIT.get(ROLE_SIGNALS.get(role, ""), 0) | _token_bits(role)


# What each attribute that carries a signal says, from its value: its tokens' bits, or that the
# element is hidden for certain (the `hidden` attribute whatever its value).
_HIDDEN = _BIT["hidden"]
_ATTRIBUTE_BITS: dict[str, Callable[[str], int]] = {
    "class": _class_bits, "id": _class_bits, "itemprop": _class_bits, "role": _role_bits,
    "hidden": lambda value: _HIDDEN,
    "aria-hidden": lambda value: _HIDDEN if value == "true" else 0,
    "style": lambda value: _HIDDEN if _HIDDEN_STYLE.search(value) else 0,
}
SIGNAL_ATTRIBUTES = frozenset(_ATTRIBUTE_BITS)
# Every attribute the segmenter reads: the signals, a link's href, <ol start>, a cell's colspan.
READ_ATTRIBUTES = SIGNAL_ATTRIBUTES | {"href", "start", "colspan"}


# The bits of each SIGNAL_ATTRIBUTES value seen, per attribute (a site's pages repeat their class names).
_SEEN_BITS: dict[str, dict[str, int]] = {name: {} for name in SIGNAL_ATTRIBUTES}


def _attribute_bits(name: str, value: str) -> int:
    """Signal bits an element gets from one of its SIGNAL_ATTRIBUTES; an element's bits are its
    tag's and its attributes' together."""
    seen = _SEEN_BITS[name]
    bits = seen.get(value)
    if bits is None:
        if len(seen) >= _CACHE_LIMIT:
            seen.clear()
        bits = seen[value] = _ATTRIBUTE_BITS[name](value)
    return bits


def _spaced(char: str) -> bool:
    """A letter or digit of a script that puts spaces between words (not CJK)."""
    return char < "\u2e80" and char.isalnum()


def _descriptor(tag: str, attributes: dict[str, str]) -> str:
    """"div.first-class#id": how people name an element."""
    if not attributes:  # lxml's empty mapping, whose `get` is slow
        return tag
    first_class = (attributes.get("class") or "").split()[:1]
    element_id = attributes.get("id")
    return tag + (f".{first_class[0]}" if first_class else "") + (f"#{element_id}" if element_id else "")




class _Segmenter:
    """An lxml parser target: turns the parser's start/end/data events into blocks.

    Listening to the parser instead of walking a built tree saves building the
    tree and reading every element's tag, attributes, text and tail back from it.
    With the cached attribute bits, segmenting the 391 dev pages went from 10.3 to
    6.0 ms/page (first pass, cold caches), with the same blocks on 1,956 of the
    1,959 dataset pages; on the other 3 the events also carry body text that
    libxml2's tree builder misplaces into <head>, which the walk lost.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.pending: list[str] = []  # text since the last tag, as the parser delivers it in pieces
        # The parser target's `data` callback: the list's own append, so that the
        # parser's ~1,400 text events per page run no Python code.
        self.data = self.pending.append
        self.link_chars = 0
        # The OR of the signal bits of each open element and its ancestors, so
        # entering and leaving an element is O(1) however deep the page is.
        self.bits_stack: list[int] = [0]
        self.block_bits = 0  # the open bits seen by any text of the current block
        # Open block-level elements: [tag, element id, attributes, descriptor, path]; None: not yet named.
        self.block_stack: list[list] = []
        self.open_ids: list[int] = []  # their ids, as DomInfo.ancestors copies them
        self.links_open = 0
        self.at_tag_edge = False  # an element other than text formatting opened or closed since the last text
        self.next_id = 0
        self.hidden_depth = 0  # > 0 inside an INVISIBLE subtree: its events are skipped
        self.fallbacks_open = 0  # > 0 inside a fallback (FALLBACK_TAGS): text in it may be markup
        self.place: tuple[int, ...] = NO_LAYOUT  # the Layout fields here (DomInfo.place)
        self.outer_places: list[tuple[int, ...]] = []  # and outside each open LAYOUT_TAGS element
        self.numbering: list[int] = []  # each open list's next item number; 0: a list of bullets
        self.grids: list[list[int]] = []  # each open table's [rows so far, next column of its row]
        self.raw: list[str] = []  # in a <pre>: the block's text as the parser delivered it
        self.language = ""  # in a <pre>: the language of its code (DomInfo.language)
        self.links: list[tuple[str, str]] = []  # the block's links so far: (text, href)
        self.href: str | None = None  # href of the open outermost <a>; None: none
        self.link_start = 0  # where in `parts` that link's text starts

    # -- parser target interface -------------------------------------------------
    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if self.hidden_depth:
            self.hidden_depth += 1
            return
        if self.pending:
            self.add_pending()
        if tag in INVISIBLE:
            self.hidden_depth = 1
            return
        bits = _TAG_BITS.get(tag, 0)
        if attributes:
            for name, value in attributes.items():
                if name in SIGNAL_ATTRIBUTES:
                    bits |= _attribute_bits(name, value)
        if tag in BLOCK_TAGS:
            if self.parts:
                self.flush()
            self.next_id += 1
            self.block_stack.append([tag, self.next_id, attributes, None, None])
            self.open_ids.append(self.next_id)
            if tag in LAYOUT_TAGS:
                self.open_layout(tag, attributes)
            elif tag in FALLBACK_TAGS:
                self.fallbacks_open += 1
        self.bits_stack.append(self.bits_stack[-1] | bits)
        if tag not in WORD_INTERNAL:
            self.at_tag_edge = True
        if tag == "code" and attributes and self.place[_PRE]:
            self.language = _language(attributes) or self.language
        if tag == "a":
            if not self.links_open:
                self.href, self.link_start = attributes.get("href") if attributes else None, len(self.parts)
            self.links_open += 1

    def end(self, tag: str) -> None:
        if self.hidden_depth:
            self.pending.clear()  # text inside the invisible element
            self.hidden_depth -= 1
            return
        if self.pending:
            self.add_pending()
        if tag not in WORD_INTERNAL:
            self.at_tag_edge = True
        if tag == "a":
            self.links_open -= 1
            if not self.links_open and self.href is not None:
                self.links.append(("".join(self.parts[self.link_start:]), self.href))
                self.href = None
        if tag in BLOCK_TAGS:
            if self.parts:
                self.flush()
            self.block_stack.pop()
            self.open_ids.pop()
            if tag in LAYOUT_TAGS:
                self.close_layout(tag)
            elif tag in FALLBACK_TAGS:
                self.fallbacks_open -= 1
        self.bits_stack.pop()

    def close(self) -> list[Block]:
        if self.pending:
            self.add_pending()
        self.flush()
        # The lxml parser and its target context hold each other, a cycle that only the cyclic
        # garbage collector frees, and hold this target: hand the blocks over, so that they are
        # freed when the caller is done with them, not kept (and traversed) until a collection.
        blocks, self.blocks = self.blocks, []
        return blocks

    # -- blocks ----------------------------------------------------------------------
    def add_pending(self) -> None:
        """Add the text since the last tag to the current block."""
        text = "".join(self.pending)
        self.pending.clear()
        if self.fallbacks_open and "<" in text:
            text = _MARKUP.sub(_tag_gap, text)
        if self.place[_PRE]:  # in a <pre>: also as the parser gave it
            self.raw.append(text)
        if text.isspace():  # layout white space: only a separator between words
            if self.parts:
                self.parts.append(" ")
            return
        if self.at_tag_edge and self.parts and _spaced(self.parts[-1][-1]) and _spaced(text[0]):
            self.parts.append(" ")  # "Home</a><a>News", "<span>id</span><span>string</span>": two words
        self.at_tag_edge = False
        self.parts.append(text)
        self.block_bits |= self.bits_stack[-1]  # inline ancestors (<a>, <span class=date>) count too
        if self.links_open:
            self.link_chars += len(text.strip())

    def open_layout(self, tag: str, attributes: dict[str, str]) -> None:
        """Enter a list, list item, quote, table, row, cell or <pre> (just pushed on `block_stack`)."""
        self.outer_places.append(self.place)
        depth, item, number, quote, table, row, column, pre = self.place
        if tag in ITEM_TAGS:  # the most frequent first
            item, number = self.next_id, self.numbering[-1] if self.numbering else 0
            if number:
                self.numbering[-1] += 1
        elif tag in LIST_TAGS:
            self.numbering.append(_count(attributes, "start", MAX_START) if tag == "ol" else 0)
            depth, item, number = depth + 1, 0, 0
        elif tag == "blockquote":
            quote += 1
        elif tag == "table":
            self.grids.append([0, 1])
            table, row, column = self.next_id, 0, 0
        elif tag == "tr" and self.grids:
            grid = self.grids[-1]
            grid[0], grid[1] = grid[0] + 1, 1
            row, column = grid[0], 0
        elif tag in CELL_TAGS and self.grids:
            grid = self.grids[-1]
            column = grid[1]
            grid[1] += _count(attributes, "colspan", MAX_COLSPAN)
        elif tag == "pre" and not pre:
            pre, self.language = self.next_id, _language(attributes) if attributes else ""
        self.place = (depth, item, number, quote, table, row, column, pre)

    def close_layout(self, tag: str) -> None:
        """Leave an element :meth:`open_layout` entered."""
        self.place = self.outer_places.pop()
        if tag in LIST_TAGS:
            self.numbering.pop()
        elif tag == "table":
            self.grids.pop()

    def path(self) -> str:
        """The last few block-level ancestors, "article.post > div > p" (kept on the innermost
        one's entry for the other blocks it holds)."""
        if not self.block_stack:
            return ""
        innermost = self.block_stack[-1]
        if innermost[4] is None:
            named = self.block_stack[-PATH_LENGTH:]
            for entry in named:
                if entry[3] is None:
                    entry[3] = _descriptor(entry[0], entry[2])
            innermost[4] = " > ".join([entry[3] for entry in named])
        return innermost[4]

    def flush(self) -> None:
        """End the current block (at a block-level boundary)."""
        if not self.parts:
            return
        if self.href is not None:  # a link across the boundary: its text so far is this block's
            self.links.append(("".join(self.parts[self.link_start:]), self.href))
            self.link_start = 0
        text = " ".join("".join(self.parts).split())  # white space collapsed, as a browser shows it
        link_chars, signals = self.link_chars, self.block_bits
        links: tuple[tuple[str, str], ...] = ()
        code, language = "", ""
        if self.links or self.raw:
            links, code, language = tuple(self.links), "".join(self.raw).strip("\n"), self.language if self.raw else ""
            self.links.clear()
            self.raw.clear()
        self.parts, self.link_chars, self.block_bits = [], 0, 0
        if not text:
            return
        tag = self.block_stack[-1][0] if self.block_stack else "body"
        container = self.block_stack[-2][1] if len(self.block_stack) > 1 else 0
        index = len(self.blocks)
        dom = new_tuple(DomInfo, (tag, min(link_chars, len(text)), len(self.bits_stack) - 1, signals, container,
                                   self.path(), self.place, code, links, tuple(self.open_ids), language))
        self.blocks.append(new_tuple(Block, (text, index, index + 1, 0, 0, 0, dom)))


def _tag_gap(tag: re.Match) -> str:
    """What a tag in text leaves: nothing for one that may sit inside a word ("<b>W</b>ord"),
    else a space."""
    return "" if (tag[1] or "").lower() in WORD_INTERNAL else " "


def _language(attributes: dict[str, str]) -> str:
    """The language a <pre>'s or <code>'s class names (_LANGUAGE), else ""."""
    match = _LANGUAGE.search(attributes.get("class") or "")
    return match[1].lower() if match else ""


def _count(attributes: dict[str, str], name: str, limit: int) -> int:
    """An <ol start> or a cell's colspan: a whole number from 1 to `limit`, else 1."""
    value = (attributes.get(name) or "").strip() if attributes else ""  # lxml's empty mapping: slow get
    return min(max(int(value), 1), limit) if value.isdecimal() and len(value) < 10 else 1


def close_raw_text(html: str) -> str:
    """`html` with every <title>, <textarea>, <script> or <style> that has no end tag closed
    before the next tag, as the author meant it; unchanged when all are closed."""
    parts, done, position = [], 0, 0
    while match := _RAW_TEXT_OPEN.search(html, position):
        tag = match.group(1).lower()
        close = _RAW_TEXT_CLOSE[tag].search(html, match.end())
        if close:
            position = close.end()
            continue
        following = _NEXT_TAG.search(html, match.end())
        if not following:
            break
        parts += [html[done:following.start()], f"</{tag}>"]
        done = position = following.start()
    return "".join(parts) + html[done:] if parts else html


def _parse(html: str, segmenter: _Segmenter) -> list[Block]:
    """`html` parsed by libxml2 into `segmenter`'s blocks: its events handed over straight by the
    compiled :mod:`._libxml2` where the install built it for lxml's libxml2 (``_libxml2`` is then
    not None), else by lxml's parser target (the same events, slower)."""
    if _libxml2 is not None and _libxml2.load(etree.__file__, etree.LIBXML_VERSION):
        _libxml2.feed(html, segmenter, READ_ATTRIBUTES)
        return segmenter.close()
    parser = etree.HTMLParser(target=segmenter, remove_comments=True, remove_pis=True)
    parser.feed(html)
    return parser.close()


def segment_html(html: str, name: str = "<html>") -> list[Block]:
    """The blocks of an HTML page, in document order, each with its :class:`DomInfo`."""
    segmenter = _Segmenter()
    try:
        blocks = _parse(close_raw_text(_XML_DECLARATION.sub("", html, count=1)), segmenter)
    except (etree.ParserError, ValueError) as exc:  # e.g. a lone surrogate, no text at all
        raise InputError(name, f"not parseable as HTML ({exc})") from None
    if not segmenter.next_id:  # not even <html>
        raise InputError(name, "no HTML content")
    return blocks


# Imported last: the compiled module reads the type of the compiled _Segmenter from this one.
try:
    from . import _libxml2
except ImportError:  # an install without a C compiler, or this module run from its source
    _libxml2 = None
