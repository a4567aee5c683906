"""Reading user inputs: files, directories and stdin, with clear errors.

Every problem becomes a :class:`BoilersiftError` whose message names the input,
so a batch can record it and go on with the next input.
"""

from __future__ import annotations

import gzip
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..blocks.decode import decode
from ..errors import InputError
from .limits import Limits

STDIN = "-"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")  # a URL given where a file is meant


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


def is_saved_dataset(path: Path) -> bool:
    """A directory written by ``datasets.Dataset.save_to_disk``."""
    return (path / "state.json").is_file() and (path / "dataset_info.json").is_file()


def expand_inputs(inputs: list[str], exclude: str | Path | None = None) -> Iterator[Source | InputError]:
    """Files as given, directories walked recursively in sorted order (skipping
    `exclude`, the output directory); a path that cannot be used yields an error in
    its place instead of stopping the batch. A saved Hugging Face dataset directory
    is one input."""
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
        elif _URL.match(item):
            yield InputError(item, "a URL: boilersift reads files, stdin and crawls (WARC); save the page first "
                                   "(curl -o page.html URL)")
        else:
            yield InputError(item, "no such file or directory")


def read_bytes(source: Source, limits: Limits = Limits()) -> tuple[bytes, bool]:
    """The bytes of one input (gunzipped if it ends in .gz) within `limits`, and whether
    they were truncated (:meth:`Limits.within_bytes`)."""
    name, max_bytes = source.name, limits.max_bytes
    try:
        if source.path == STDIN:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            mode = os.stat(source.path).st_mode
            if not stat.S_ISREG(mode):  # a FIFO would block, a socket cannot be opened
                raise InputError(name, "not a regular file")
            opener = gzip.open if source.path.endswith(".gz") else open
            with opener(source.path, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except EOFError:
        raise InputError(name, "truncated gzip file") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(name, f"not a valid gzip file ({exc})") from None
    except OSError as exc:
        raise InputError(name, f"cannot read ({exc.strerror or exc})") from None
    return limits.within_bytes(data, name)


def read_source(source: Source, encoding: str | None = None, limits: Limits = Limits()) -> str:
    """The decoded text of one input, within `limits`."""
    data, _ = read_bytes(source, limits)
    return decode(data, source.name, encoding)
