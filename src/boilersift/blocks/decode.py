"""Bytes of a page -> its text: byte-order marks, declared charsets, detected encodings, clear errors.

A text scrape is UTF-8 unless a byte-order mark (or the user) says otherwise, and if it is
not valid UTF-8 its encoding is detected (charset-normalizer). An HTML page says its
encoding (HTTP header, <meta>), else it is UTF-8, else detected the same way. A page handed
over as text that an earlier step decoded with the wrong codec is repaired (:func:`repair_mojibake`).
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from ..errors import BoilersiftError, InputError

# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

# Detection reads at most this much: plenty for any language, at a bounded cost
# (charset-normalizer slows down faster than its input grows).
DETECTION_SAMPLE = 64 * 1024
# charset-normalizer rates an encoding on `steps` chunks of `chunk_size` bytes, 5 x 512 by
# default; rated on all of the sample, in chunks of this size, its verdicts are steadier.
DETECTION_CHUNK = 4096
# A page held as text, all of it in U+0000-U+00FF, with at least this share of its characters in
# U+0080-U+00FF, is a multi-byte encoding read byte for byte as Latin-1: accented letters amid the
# markup of real Latin-1 pages stay under 0.5% (experiments/results/mojibake.md).
MOJIBAKE_SHARE = 0.05
_HIGH_BYTES = bytes(range(0x80, 0x100))
# A page read in its declared encoding may have this share of bad bytes (each read as U+FFFD).
MAX_REPLACED = 0.001
# Encodings in which any bytes read as Latin-1 text do: never the page's true one in a repair.
_LATIN = frozenset({"latin_1", "cp1252", "iso8859_15", "ascii"})
# UTF-8 read as windows-1252 holds one of these: the second byte of ’ “ ” – — (80), or the lead byte
# of most accented Latin letters (C3). (Single characters: a longer needle is searched for slower.)
_CP1252_MARKERS = ("\u20ac", "\u00c3")
# ... and a line of it one of these: the lead byte of most accented Latin letters (C3) or of a
# no-break space, "©" or "°" (C2), or the first two bytes of ’ “ ” – — (E2 80, as windows-1252 or
# Latin-1 reads them). (A page is first searched for the single characters: they are found faster.)
_LINE_MARKER = re.compile("[\u00c2\u00c3]|\u00e2[\u20ac\x80]")
_LINE_MARKER_STARTS = ("\u00c2", "\u00c3", "\u00e2")
# Never detected: the encodings in which ASCII bytes are not ASCII. A page's markup and a scrape's
# spaces, digits and punctuation are ASCII, so the detector's guess of one of them on a short or odd
# sample is noise ("%\x80" read as EBCDIC: a line break and "Ø"). Without a byte-order mark UTF-16/32
# text has NUL bytes (refused as binary) or is all CJK, far likelier a legacy CJK encoding. (Those of
# charset-normalizer's encodings that read bytes 09-7E otherwise.)
NOT_DETECTED = ["utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le", "utf_7",
                "cp037", "cp273", "cp424", "cp500", "cp875", "cp1026", "cp1140",  # EBCDIC
                "cp864", "hz", "iso2022_kr", "shift_jis_2004", "shift_jisx0213"]


class Decoded(NamedTuple):
    """A page's text, and its encoding if that was detected (None when UTF-8, a byte-order
    mark, a declared charset or ``--encoding`` decided: only a guess is worth reporting)."""

    text: str
    detected: str | None = None


def sniff_bom(data: bytes) -> str | None:
    """The codec a byte-order mark announces, if the data starts with one."""
    return next((codec for bom, codec in BOMS if data.startswith(bom)), None)


def _after_space(data: bytes, at: int) -> int:
    """The position after the last newline or space before `at` (0 if none): a character
    boundary in every ASCII-compatible encoding, as no multi-byte character holds either."""
    return max(data.rfind(b"\n", 0, at), data.rfind(b" ", 0, at)) + 1


def _sample(data: bytes, bad: int, partial: bool = False) -> bytes:
    """What detection reads of `data`, whose byte `bad` is the first that is not UTF-8:
    the first DETECTION_SAMPLE bytes, or as many from the line or word holding `bad` if it
    comes later; cut after a space or newline, so the last character is whole."""
    start = 0 if bad < DETECTION_SAMPLE // 2 else _after_space(data, bad)
    end = start + DETECTION_SAMPLE
    if (end < len(data) or partial) and (cut := _after_space(data, end)) > start:
        end = cut
    return data[start:end]


def detect_encoding(data: bytes) -> str | None:
    """The encoding of `data` (a Python codec name), or None if none fits: windows-1252 if
    it reads as windows-1252, else the best match of charset-normalizer.

    windows-1252 comes first: it is the web's commonest legacy encoding, and on a few accented
    letters the detector's ranking of the Latin code pages is noise. Of 671 English and Western
    European pages it read 142 in a DOS, Mac or Central European code page; with windows-1252
    first, none (but Czech, Hungarian, Turkish or Baltic text that reads as windows-1252 too
    is read so)."""
    from charset_normalizer import from_bytes

    chunks = {"steps": len(data) // DETECTION_CHUNK + 1, "chunk_size": DETECTION_CHUNK}
    if from_bytes(data, cp_isolation=["cp1252"], **chunks):
        return "cp1252"
    best = from_bytes(data, cp_exclusion=[*NOT_DETECTED, "cp1252"], **chunks).best()
    return best.encoding if best is not None else None


def _decode(data: bytes, codec: str, partial: bool) -> str:
    return codecs.getincrementaldecoder(codec)().decode(data, final=not partial)


def _decode_detected(data: bytes, name: str, bad: int, partial: bool) -> Decoded:
    """`data`, not UTF-8 from byte `bad` on, in the encoding detected in a sample of it."""
    codec = detect_encoding(_sample(data, bad, partial))
    if codec is None:
        raise InputError(name, f"not valid utf-8 at byte {bad}, nor in any encoding detected; "
                         "pass --encoding (e.g. cp1252)")
    try:
        return Decoded(_decode(data, codec, partial), codec)
    except UnicodeDecodeError as exc:  # mixed encodings, or a sample too short to tell
        raise InputError(name, f"not valid utf-8 at byte {bad}, nor {codec} (detected) at byte {exc.start}; "
                         "pass --encoding (e.g. cp1252)") from None


def decode_page(data: bytes, name: str, encoding: str | None = None, partial: bool = False) -> Decoded:
    """Bytes of a scrape as text; empty, binary or undecodable input is an error.

    Without `encoding`: a byte-order mark (UTF-8/16/32) decides, else UTF-8, else the
    encoding detected. NUL bytes anywhere mean binary data, except in UTF-16/32.
    `partial` drops an incomplete character at the end (the data was truncated)."""
    if not data.strip():
        raise InputError(name, "empty input")
    bom = sniff_bom(data)
    codec = encoding or bom or "utf-8"
    if codec.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig"):
        codec = "utf-8-sig"  # tolerate a byte-order mark
    if b"\x00" in data and not codec.lower().replace("-", "").replace("_", "").startswith(("utf16", "utf32")):
        raise InputError(name, "binary data (NUL bytes), not a text scrape")
    try:
        decoded = Decoded(_decode(data, codec, partial))
    except UnicodeDecodeError as exc:
        if encoding or bom:
            raise InputError(name, f"not valid {encoding or codec.removesuffix('-sig')} at byte {exc.start}; "
                             "pass --encoding (e.g. cp1252)") from None
        decoded = _decode_detected(data, name, exc.start, partial)
    except UnicodeError as exc:  # a UTF-16 stream without a BOM does not say where
        raise InputError(name, f"not valid {encoding} ({exc}); pass --encoding (e.g. cp1252)") from None
    except LookupError:
        raise BoilersiftError(f"unknown encoding {encoding!r}") from None
    if not decoded.text.strip():  # only a byte-order mark, no-break spaces, ...
        raise InputError(name, "empty input")
    return decoded


def decode(data: bytes, name: str, encoding: str | None = None, partial: bool = False) -> str:
    """The text of :func:`decode_page`."""
    return decode_page(data, name, encoding, partial).text


def _utf8_or_detected(data: bytes) -> str:
    """UTF-8 if the bytes are valid UTF-8, else the encoding detected, else cp1252."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return detect_encoding(_sample(data, exc.start)) or "cp1252"
    return "utf-8"


def repair_mojibake(text: str, lines: bool = False) -> str:
    """A page (HTML or a text scrape) that an earlier step decoded with the wrong codec (a client
    that read the bytes as Latin-1 because the HTTP header named no charset, or a page saved so),
    as its right text: UTF-8 read as Latin-1 or windows-1252 ("Ã©tÃ©" for "été"), or a legacy
    encoding such as GBK read as Latin-1 ("Ç§ÁúÍø"; the encoding an HTML page declares, else the
    one detected). With `lines`, where the whole text does not read back, each line that does is
    repaired (:func:`_repaired_lines`): a scrape of such a page whose entities gave true characters
    ("-30°C" beside "canât"; in the HTML they are still "&deg;"). Any other text comes back as it is."""
    if text.isascii():
        return text
    repaired = _repaired(text)
    if repaired is None:
        return _repaired_lines(text) if lines else text
    return repaired


def _repaired(text: str) -> str | None:
    """The whole of `text` repaired (:func:`repair_mojibake`), or None."""
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:  # not all Latin-1: UTF-8 read as windows-1252 is all left to check
        if not any(marker in text for marker in _CP1252_MARKERS):
            return None  # encoding to windows-1252 is slow: only on a sign of UTF-8 read so
        return _utf8_as_cp1252(text)
    repaired = _utf8(data)
    if repaired is None and len(data) - len(data.translate(None, _HIGH_BYTES)) >= MOJIBAKE_SHARE * len(data):
        repaired = _legacy_text(data)
    return repaired


def _repaired_lines(text: str) -> str:
    """`text` with each line that holds a marker and is UTF-8 read as windows-1252 (or Latin-1) by
    itself repaired; a line of true Latin-1 ("°" alone is no UTF-8) stays as it is."""
    if not any(start in text for start in _LINE_MARKER_STARTS):
        return text
    repaired = "".join(_utf8_as_cp1252(line) or line if _LINE_MARKER.search(line) else line
                       for line in text.splitlines(keepends=True))
    return text if repaired == text else repaired


def _utf8_as_cp1252(text: str) -> str | None:
    """`text` read back as the UTF-8 that windows-1252 (its C1 controls as Latin-1) made it, if it is."""
    try:
        return _utf8(text.encode("cp1252", errors=_C1_BYTES))
    except UnicodeEncodeError:
        return None


def _utf8(data: bytes) -> str | None:
    """`data` read as UTF-8, if it is UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _c1_as_bytes(error: UnicodeError) -> tuple[bytes, int]:
    """windows-1252 as browsers read it: the five bytes it leaves undefined (81, 8D, 8F, 90, 9D) are
    the C1 controls of the same number."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start:error.end]
    if not all("\x80" <= char <= "\x9f" for char in chunk):
        raise error
    return chunk.encode("latin-1"), error.end


_C1_BYTES = "boilersift-c1-bytes"
codecs.register_error(_C1_BYTES, _c1_as_bytes)


def _legacy_text(data: bytes) -> str | None:
    """`data` in the encoding it declares, read as a browser reads it (a stray bad byte becomes
    U+FFFD, if at most MAX_REPLACED of the characters do), else in the encoding detected, if either
    is no Latin code page; else None."""
    from w3lib.encoding import html_body_declared_encoding

    codec = _non_latin(html_body_declared_encoding(data[:DETECTION_SAMPLE]))
    if codec:
        text = data.decode(codec, errors="replace")
        if text.count("\ufffd") <= MAX_REPLACED * len(text):
            return text
    codec = _non_latin(detect_encoding(data[:DETECTION_SAMPLE]))
    try:
        return data.decode(codec) if codec else None
    except UnicodeDecodeError:
        return None


def _non_latin(name: str | None) -> str | None:
    """The Python codec of encoding `name`, unless it is none or a Latin code page."""
    from w3lib.encoding import resolve_encoding

    codec = resolve_encoding(name) if name else None
    return codec if codec not in _LATIN else None


def decode_html_page(data: bytes, name: str, http_charset: str | None = None) -> Decoded:
    """Bytes of an HTML page as text. The encoding comes from, in order: a byte-order
    mark, the HTTP Content-Type charset, a <meta> charset (w3lib implements the WHATWG
    sniffing rules), then UTF-8 if the bytes are valid UTF-8, else the encoding detected,
    else cp1252; characters that do not decode become U+FFFD. (w3lib's html_to_unicode does
    these steps, but from w3lib 2.6 takes no detector of our own.)"""
    from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, to_unicode

    if not data.strip():
        raise InputError(name, "empty input")
    detected = None
    encoding, bom = read_bom(data)
    if encoding is not None:
        data = data[len(bom):]
    else:
        served = http_content_type_encoding(f"text/html; charset={http_charset}" if http_charset else None)
        encoding = _declared(served) or _declared(html_body_declared_encoding(data))
        if encoding is None:
            encoding = _utf8_or_detected(data)
            detected = encoding if encoding != "utf-8" else None
    text = to_unicode(data, encoding)
    if not text.strip():
        raise InputError(name, "empty input")
    return Decoded(text, detected)


def _declared(encoding: str | None) -> str | None:
    """The encoding a page is served with or declares, as w3lib reads it by the WHATWG rules (a
    <meta> that says UTF-16 is UTF-8, one that names EBCDIC is none), but None for WHATWG's
    "replacement" (its answer to hz-gb-2312 or iso-2022-kr), which reads the page as one U+FFFD:
    detection decides instead."""
    return None if encoding == "replacement" else encoding


def decode_html(data: bytes, name: str, http_charset: str | None = None) -> str:
    """The text of :func:`decode_html_page`."""
    return decode_html_page(data, name, http_charset).text
