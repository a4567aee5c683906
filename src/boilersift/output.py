"""Writing results: atomic files and the text / jsonl / tsv output formats."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # the model imports data, which writes through this module
    from .model import LineResult

OUTPUT_FORMATS = ("text", "jsonl", "tsv")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(path: str | Path, binary: bool = False) -> Iterator[IO]:
    """A file handle whose content appears at `path` only if the block succeeds:
    written to a temporary file in the same directory, then renamed over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give what open() would
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def open_atomic(stack: contextlib.ExitStack, path: str | Path) -> IO[str]:
    """An atomic_writer entered on `stack`, with Ctrl-C and `kill` held back until the
    stack owns it: a signal in between would leave the temporary file behind."""
    held = {signal.SIGINT, signal.SIGTERM}
    block = hasattr(signal, "pthread_sigmask")
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held) if block else None
    try:
        return stack.enter_context(atomic_writer(path))
    finally:
        if block:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def format_results(results: list[LineResult], fmt: str, source: str | None = None) -> str:
    """Render one document's classified lines in an output format."""
    if fmt == "text":
        return "".join(f"{r.text}\n" for r in results if r.is_content)
    if fmt == "jsonl":
        extra = {"source": source} if source is not None else {}
        return "".join(
            json.dumps({**extra, "line_no": r.line_no, "label": r.label,
                        "probability": round(r.probability, 4), "text": r.text},
                       ensure_ascii=False) + "\n"
            for r in results
        )
    if fmt == "tsv":
        return "".join(f"{r.line_no}\t{r.label}\t{r.probability:.4f}\t{r.text}\n" for r in results)
    raise ValueError(f"unknown output format {fmt!r}")


TSV_HEADER = "line_no\tlabel\tprobability\ttext\n"
