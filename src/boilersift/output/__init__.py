"""Writing results: atomic files and the text / markdown / jsonl / tsv output formats."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .markdown import render_markdown

if TYPE_CHECKING:  # the model imports data, which writes through this module
    from ..pipeline import ExplainedLine, LineResult

OUTPUT_FORMATS = ("text", "markdown", "jsonl", "tsv")
OUTPUT_SUFFIXES = {"text": ".txt", "markdown": ".md", "jsonl": ".jsonl", "tsv": ".tsv"}


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
    stack owns it: a signal in between would leave the temporary file behind. Held by
    Python's handlers, not the thread's signal mask: the kernel may hand the signal to
    another thread (a BLAS pool), which a mask on this one does not stop."""
    if threading.current_thread() is not threading.main_thread():  # signals only reach the main thread
        return stack.enter_context(atomic_writer(path))
    caught: list[int] = []
    # A handler installed from C (getsignal gives None) could not be put back: that signal is not held.
    held = [signum for signum in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(signum) is not None]
    previous = {signum: signal.signal(signum, lambda signum, frame: caught.append(signum)) for signum in held}
    try:
        return stack.enter_context(atomic_writer(path))
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            _deliver(caught[0], previous[caught[0]])


def _deliver(signum: int, handler) -> None:
    """Act on a held signal as its own handler would have."""
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        os.kill(os.getpid(), signum)


def _reasons_tsv(reasons) -> str:
    return ",".join(f"{name}={value:g}:{contribution:+.4f}" for name, value, contribution in reasons)


def format_results(results: list[LineResult] | list[ExplainedLine], fmt: str, source: str | None = None,
                   explain: bool = False, encoding: str | None = None, links: bool = False,
                   page_type: str | None = None) -> str:
    """Render one document's classified lines in an output format; `explain` adds
    each line's reasons (``Model.explain``) to jsonl and tsv; jsonl names the `encoding`
    detected for the document's bytes (none when they are UTF-8 or declared) and the kind of
    page; markdown keeps links as [text](href) with `links`."""
    if fmt == "text":
        return "".join(f"{r.text}\n" for r in results if r.is_content)
    if fmt == "markdown":
        return render_markdown(results, links)
    if fmt == "jsonl":
        extra = {**({"source": source} if source is not None else {}), **({"encoding": encoding} if encoding else {}),
                 **({"page_type": page_type} if page_type else {})}
        return "".join(
            json.dumps({**extra, "line_no": r.line_no, "label": r.label,
                        "probability": round(r.probability, 4),
                        **({"reasons": [{"feature": n, "value": v, "contribution": c} for n, v, c in r.reasons]}
                           if explain else {}),
                        **({"tag": r.tag, "path": r.path} if r.tag else {}),
                        "text": r.text},
                       ensure_ascii=False) + "\n"
            for r in results
        )
    if fmt == "tsv":
        return "".join(f"{r.line_no}\t{r.label}\t{r.probability:.4f}\t"
                       + (f"{_reasons_tsv(r.reasons)}\t" if explain else "") + f"{r.text}\n" for r in results)
    raise ValueError(f"unknown output format {fmt!r}")


def tsv_header(explain: bool = False) -> str:
    """The tsv header line; with reasons (feature=value:contribution, comma-separated) before the text."""
    return "line_no\tlabel\tprobability\t" + ("reasons\t" if explain else "") + "text\n"


TSV_HEADER = tsv_header()
