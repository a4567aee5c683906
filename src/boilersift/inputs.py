"""Reading user inputs: files, directories and stdin, decoded with clear errors.

Every problem becomes a :class:`BoilersiftError` whose message names the input,
so a batch can record it and go on with the next input.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import BoilersiftError

STDIN = "-"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """One input document: where it comes from and, for directories, its relative name."""

    path: str  # a file path, or "-" for stdin
    relative: Path | None = None  # path below the input directory, for --output-dir


def expand_inputs(inputs: list[str]) -> Iterator[Source | BoilersiftError]:
    """Files as given, directories walked recursively in sorted order; a missing
    path yields an error in its place instead of stopping the batch."""
    for item in inputs or [STDIN]:
        if item == STDIN:
            yield Source(STDIN)
            continue
        path = Path(item)
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        file = Path(root) / name
                        yield Source(str(file), file.relative_to(path))
        elif path.exists():
            yield Source(str(path), Path(path.name))
        else:
            yield BoilersiftError(f"{item}: no such file or directory")


def decode(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """Bytes of a scrape as text; empty, binary or mis-encoded input is an error."""
    if not data.strip():
        raise BoilersiftError(f"{name}: empty input")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BoilersiftError(f"{name}: binary data (NUL bytes), not a text scrape")
    codec = encoding
    if encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig"):
        codec = "utf-8-sig"  # tolerate a byte-order mark
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise BoilersiftError(
            f"{name}: not valid {encoding} at byte {exc.start}; pass --encoding (e.g. cp1252)") from None
    except LookupError:
        raise BoilersiftError(f"unknown encoding {encoding!r}") from None
    if not text.strip():  # only a byte-order mark, no-break spaces, ...
        raise BoilersiftError(f"{name}: empty input")
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
        raise BoilersiftError(f"{name}: empty input")
    content_type = f"text/html; charset={http_charset}" if http_charset else None
    _, text = html_to_unicode(content_type, data, auto_detect_fun=_utf8_or_cp1252)
    if not text.strip():
        raise BoilersiftError(f"{name}: empty input")
    return text


HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


def input_format_of(source: Source, data: bytes) -> str:
    """"html" for .html/.htm files or bytes that open like an HTML document, else "text"."""
    if Path(source.path).suffix.lower() in HTML_SUFFIXES:
        return "html"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return "html" if head.startswith((b"<!doctype html", b"<html")) else "text"


def read_bytes(source: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The raw bytes of one input, at most `max_bytes` long."""
    name = "<stdin>" if source.path == STDIN else source.path
    try:
        if source.path == STDIN:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with open(source.path, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise BoilersiftError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise BoilersiftError(f"{name}: larger than the limit of {max_bytes} bytes (--max-bytes)")
    return data


def read_source(source: Source, encoding: str = "utf-8", max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The decoded text of one input, at most `max_bytes` long."""
    name = "<stdin>" if source.path == STDIN else source.path
    return decode(read_bytes(source, max_bytes), name, encoding)
