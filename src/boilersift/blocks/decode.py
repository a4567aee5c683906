"""Bytes of a page -> its text: byte-order marks, declared charsets, clear errors.

A text scrape is UTF-8 unless a byte-order mark (or the user) says otherwise; an HTML
page says its encoding (HTTP header, <meta>), else UTF-8, else cp1252.
"""

from __future__ import annotations

import codecs

from ..errors import BoilersiftError, InputError

# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def sniff_bom(data: bytes) -> str | None:
    """The codec a byte-order mark announces, if the data starts with one."""
    return next((codec for bom, codec in BOMS if data.startswith(bom)), None)


def decode(data: bytes, name: str, encoding: str | None = None, partial: bool = False) -> str:
    """Bytes of a scrape as text; empty, binary or mis-encoded input is an error.

    Without `encoding`: a byte-order mark (UTF-8/16/32) decides, else UTF-8. NUL
    bytes anywhere mean binary data, except in UTF-16/32. `partial` drops an
    incomplete character at the end (the data was truncated)."""
    if not data.strip():
        raise InputError(name, "empty input")
    codec = encoding or sniff_bom(data) or "utf-8"
    if codec.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig"):
        codec = "utf-8-sig"  # tolerate a byte-order mark
    if b"\x00" in data and not codec.lower().replace("-", "").replace("_", "").startswith(("utf16", "utf32")):
        raise InputError(name, "binary data (NUL bytes), not a text scrape")
    try:
        text = codecs.getincrementaldecoder(codec)().decode(data, final=not partial)
    except UnicodeError as exc:  # UnicodeDecodeError knows where; a UTF-16 stream without a BOM does not
        where = f" at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else f" ({exc})"
        raise BoilersiftError(
            f"{name}: not valid {encoding or 'utf-8'}{where}; pass --encoding (e.g. cp1252)") from None
    except LookupError:
        raise BoilersiftError(f"unknown encoding {encoding!r}") from None
    if not text.strip():  # only a byte-order mark, no-break spaces, ...
        raise InputError(name, "empty input")
    return text


def _utf8_or_cp1252(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_html(data: bytes, name: str, http_charset: str | None = None) -> str:
    """Bytes of an HTML page as text. The encoding comes from, in order: a byte-order
    mark, the HTTP Content-Type charset, a <meta> charset, then UTF-8 if the bytes are
    valid UTF-8 and cp1252 otherwise (w3lib implements the WHATWG sniffing rules)."""
    from w3lib.encoding import html_to_unicode

    if not data.strip():
        raise InputError(name, "empty input")
    content_type = f"text/html; charset={http_charset}" if http_charset else None
    _, text = html_to_unicode(content_type, data, auto_detect_fun=_utf8_or_cp1252)
    if not text.strip():
        raise InputError(name, "empty input")
    return text
