"""Per-document resource limits: bytes, blocks and a time budget.

The time budget is enforced with ``SIGALRM`` (``signal.setitimer``) where that is
possible, i.e. in the main thread of a process on POSIX (the CLI, and every
``--jobs`` worker process): the document's work is interrupted at the next Python
bytecode or regular-expression step. A long single C call (one lxml parse) finishes
first; its size is bounded by the byte limit. Elsewhere (Dask worker threads,
Windows) the elapsed time is checked between stages instead.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from ..errors import InputError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
Content = TypeVar("Content", str, bytes)
T = TypeVar("T")
DEFAULT_MAX_BLOCKS = 100_000
DEFAULT_TIME_LIMIT = 60.0


def cut(data: bytes, max_bytes: int) -> bytes:
    """The first `max_bytes` bytes, ending at the last line break if there is one."""
    head = data[:max_bytes]
    end = head.rfind(b"\n")
    return head[:end + 1] if end > 0 else head


@dataclass(frozen=True)
class Limits:
    """What one document may cost; over a limit is an error, or with `truncate` the
    start of the document is kept (bytes and blocks; never time)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_blocks: int = DEFAULT_MAX_BLOCKS
    time_limit: float = DEFAULT_TIME_LIMIT  # seconds; 0 means none
    truncate: bool = False

    def within_bytes(self, content: Content, name: str) -> tuple[Content, bool]:
        """`content` within `max_bytes` (characters for a record's text field) and whether it was
        cut: over the limit is an error, or with `truncate` its start (bytes end at a line break)."""
        if len(content) <= self.max_bytes:
            return content, False
        if not self.truncate:
            raise InputError(name, f"larger than the limit of {self.max_bytes} bytes (--max-bytes; "
                                  "or --truncate to keep the start)")
        if isinstance(content, bytes):
            return cut(content, self.max_bytes), True
        return content[:self.max_bytes], True

    def within_blocks(self, blocks: list[T], name: str) -> tuple[list[T], bool]:
        """At most `max_blocks` blocks (or classified lines), and whether some were cut."""
        if len(blocks) <= self.max_blocks:
            return blocks, False
        if not self.truncate:
            raise InputError(name, f"{len(blocks)} blocks, over the limit of {self.max_blocks} (--max-blocks; "
                                  "or --truncate to keep the first ones)")
        return blocks[:self.max_blocks], True


class TimeLimitExceeded(InputError):
    """The document took longer than its time budget (it names the document, as every
    problem with one document does)."""


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class Deadline:
    """A time budget; `check()` raises once it is spent (the fallback without signals)."""

    def __init__(self, name: str, seconds: float) -> None:
        self.name, self.seconds = name, seconds
        self.end = time.monotonic() + seconds if seconds > 0 else float("inf")

    def exceeded(self) -> TimeLimitExceeded:
        return TimeLimitExceeded(self.name, f"took longer than the time limit of {self.seconds:g} s (--time-limit)")

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise self.exceeded()


@contextlib.contextmanager
def deadline(name: str, seconds: float) -> Iterator[Deadline]:
    """Run a block with a time budget, interrupting it by SIGALRM where possible."""
    budget = Deadline(name, seconds)
    if seconds <= 0 or not _can_alarm():
        yield budget
        return

    def expire(signum, frame):
        raise budget.exceeded()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield budget
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
