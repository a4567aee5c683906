"""An HTML page -> its blocks, as every model sees it: the one entry that predict, label,
train and evaluate share, so a page reaches the features the same way in all of them."""

from __future__ import annotations

from .decode import decode_html, repair_mojibake
from .html import segment_html
from .render import STYLES
from .text import Block, segment_text

# How an HTML page becomes blocks: rendered as a text scrape in one of render.STYLES (what
# text models learn from), or segmented on its DOM ("dom", what HTML models learn from).
SEGMENTATIONS: tuple[str, ...] = (*STYLES, "dom")


def page_blocks(html: str | bytes, segmentation: str = "dom", name: str = "<html>") -> list[Block]:
    """The blocks of an HTML page (str, or bytes in any declared encoding) in a segmentation of
    :data:`SEGMENTATIONS`, mojibake repaired (:func:`~boilersift.blocks.decode.repair_mojibake`;
    a rendered scrape once more, as mojibake written as character references only shows
    there). `name` names the page in error messages."""
    if segmentation not in SEGMENTATIONS:
        raise ValueError(f"segmentation {segmentation!r}: choose from {', '.join(SEGMENTATIONS)}")
    html = repair_mojibake(decode_html(html, name) if isinstance(html, bytes) else html)
    if segmentation == "dom":
        return segment_html(html, name)
    return segment_text(STYLES[segmentation](html))
