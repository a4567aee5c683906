"""Reading user inputs: files, directories and stdin, decoded with clear errors.

Every problem becomes a :class:`BoilersiftError` whose message names the input,
so a batch can record it and go on with the next input.
"""

from __future__ import annotations

import codecs
import gzip
import os
import stat
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import BoilersiftError, InputError

STDIN = "-"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class Source:
    """One input: where it comes from and, for directories, its relative name."""

    path: str  # a file path, or "-" for stdin
    relative: Path | None = None  # path below the input directory, for --output-dir

    @property
    def name(self) -> str:
        return "<stdin>" if self.path == STDIN else self.path


def _walk(root: Path, exclude: Path | None) -> Iterator[Source | InputError]:
    """Files below `root` in sorted order; unreadable directories become errors.
    Symbolic links to directories are not followed (no loops)."""
    problems: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=problems.append, followlinks=False):
        yield from (InputError(exc.filename or str(folder), f"cannot read ({exc.strerror or exc})")
                    for exc in problems)
        problems.clear()
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and (exclude is None or (Path(folder) / d).resolve() != exclude))
        for name in sorted(files):
            if not name.startswith("."):
                file = Path(folder) / name
                yield Source(str(file), file.relative_to(root))
    yield from (InputError(exc.filename or str(root), f"cannot read ({exc.strerror or exc})") for exc in problems)


def expand_inputs(inputs: list[str], exclude: str | Path | None = None) -> Iterator[Source | InputError]:
    """Files as given, directories walked recursively in sorted order (skipping
    `exclude`, the output directory); a path that cannot be used yields an error in
    its place instead of stopping the batch. A saved Hugging Face dataset directory
    is one input."""
    from .documents import is_saved_dataset

    skip = Path(exclude).resolve() if exclude is not None else None
    for item in inputs or [STDIN]:
        if item == STDIN:
            yield Source(STDIN)
            continue
        path = Path(item)
        if path.is_dir() and not is_saved_dataset(path):
            yield from _walk(path, skip)
        elif path.exists():
            yield Source(str(path), Path(path.name))
        elif path.is_symlink():
            yield InputError(item, "broken symbolic link or symbolic link loop")
        else:
            yield InputError(item, "no such file or directory")


def sniff_bom(data: bytes) -> str | None:
    """The codec a byte-order mark announces, if the data starts with one."""
    return next((codec for bom, codec in BOMS if data.startswith(bom)), None)


def decode(data: bytes, name: str, encoding: str | None = None, partial: bool = False) -> str:
    """Bytes of a scrape as text; empty, binary or mis-encoded input is an error.

    Without `encoding`: a byte-order mark (UTF-8/16/32) decides, else UTF-8. NUL
    bytes anywhere mean binary data, except in UTF-16/32. `partial` drops an
    incomplete character at the end (the data was truncated)."""
    if not data.strip():
        raise BoilersiftError(f"{name}: empty input")
    codec = encoding or sniff_bom(data) or "utf-8"
    if codec.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig"):
        codec = "utf-8-sig"  # tolerate a byte-order mark
    if b"\x00" in data and not codec.lower().replace("-", "").replace("_", "").startswith(("utf16", "utf32")):
        raise BoilersiftError(f"{name}: binary data (NUL bytes), not a text scrape")
    try:
        text = codecs.getincrementaldecoder(codec)().decode(data, final=not partial)
    except UnicodeError as exc:  # UnicodeDecodeError knows where; a UTF-16 stream without a BOM does not
        where = f" at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else f" ({exc})"
        raise BoilersiftError(
            f"{name}: not valid {encoding or 'utf-8'}{where}; pass --encoding (e.g. cp1252)") from None
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


def cut(data: bytes, max_bytes: int) -> bytes:
    """The first `max_bytes` bytes, ending at the last line break if there is one."""
    head = data[:max_bytes]
    end = head.rfind(b"\n")
    return head[:end + 1] if end > 0 else head


def read_bytes(source: Source, max_bytes: int = DEFAULT_MAX_BYTES, truncate: bool = False) -> tuple[bytes, bool]:
    """The bytes of one input (gunzipped if it ends in .gz) and whether they were
    truncated: over `max_bytes` is an error unless `truncate`."""
    name = source.name
    try:
        if source.path == STDIN:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            mode = os.stat(source.path).st_mode
            if not stat.S_ISREG(mode):  # a FIFO would block, a socket cannot be opened
                raise BoilersiftError(f"{name}: not a regular file")
            opener = gzip.open if source.path.endswith(".gz") else open
            with opener(source.path, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except EOFError:
        raise BoilersiftError(f"{name}: truncated gzip file") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise BoilersiftError(f"{name}: not a valid gzip file ({exc})") from None
    except OSError as exc:
        raise BoilersiftError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(data) <= max_bytes:
        return data, False
    if not truncate:
        raise BoilersiftError(f"{name}: larger than the limit of {max_bytes} bytes (--max-bytes; "
                              "or --truncate to keep the start)")
    return cut(data, max_bytes), True


def read_source(source: Source, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The decoded text of one input, at most `max_bytes` long."""
    data, _ = read_bytes(source, max_bytes)
    return decode(data, source.name, encoding)
