"""Reading user inputs: files, directories and stdin, with clear errors.

Every problem becomes a :class:`BoilersiftError` whose message names the input,
so a batch can record it and go on with the next input.
"""

from __future__ import annotations

import gzip
import os
import stat
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..blocks.decode import decode
from ..errors import BoilersiftError, InputError
from .limits import DEFAULT_MAX_BYTES

STDIN = "-"



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
        else:
            yield InputError(item, "no such file or directory")


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
