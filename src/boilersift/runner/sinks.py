"""Where outputs and errors go: one stream, or one file per input, always atomically.

A file appears complete or not at all (temporary file, then rename), so an
interrupted batch leaves no half-written output, and ``--resume`` can trust that
an existing output is complete.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from pathlib import Path
from typing import IO

from ..errors import InputError, Problem
from ..output import OUTPUT_SUFFIXES, open_atomic, tsv_header
from .documents import RECORD_KINDS, input_kind
from .options import PredictOptions
from .sources import Source
from .worker import Outcome

ERRORS_FILE = "boilersift-errors.jsonl"
_TEMPORARY = re.compile(r"^\..+\.tmp$")  # atomic_writer's temporary files


class StreamSink(contextlib.ExitStack):
    """All outputs in one stream: stdout, or a file that appears (atomically) only
    once a document succeeded, so a batch whose inputs all failed writes nothing."""

    def __init__(self, path: str | None, options: PredictOptions) -> None:
        super().__init__()
        self.path = path
        self.header = tsv_header(bool(options.explain)) if options.output_format == "tsv" else ""
        self.handle: IO[str] | None = None

    def write(self, outcome: Outcome) -> None:
        if self.handle is None:
            self.handle = open_atomic(self, self.path) if self.path else sys.stdout
            self.handle.write(self.header)
        self.handle.write(outcome.text)

    def end(self, source: Source) -> None:
        """Nothing to do: the stream is one output."""


class DirectorySink(contextlib.ExitStack):
    """One output file per input below `out_dir`, named after the input's relative path
    (IN_DIR/SUB/NAME.EXT -> OUT_DIR/SUB/NAME.txt); a record input (JSON Lines, WARC,
    dataset) gives one file with a record per document."""

    def __init__(self, out_dir: str | Path, options: PredictOptions) -> None:
        super().__init__()
        self.out_dir, self.options = Path(out_dir), options
        self.taken: dict[Path, str] = {Path(out_dir) / ERRORS_FILE: "the errors file"}
        self.current: tuple[Source, IO[str]] | None = None
        self.files: contextlib.ExitStack | None = None

    def target(self, source: Source) -> Path:
        name = source.relative or Path("stdin")
        if name.suffix.lower() == ".gz":
            name = name.with_suffix("")
        fmt = self.options.format_for(input_kind(source) in RECORD_KINDS)
        return self.out_dir / name.with_suffix(OUTPUT_SUFFIXES[fmt])

    def skip(self, source: Source) -> bool:
        """--resume: an input whose output exists is done (outputs appear atomically)."""
        return self.target(source).is_file()

    def _open(self, source: Source) -> IO[str]:
        target = self.target(source)
        if self.taken.setdefault(target, source.path) != source.path:
            raise InputError(source.path, f"output {target} is already taken by {self.taken[target]} "
                             "(same name, other extension); skipped")
        if source.path != "-" and target.exists() and os.path.samefile(target, source.path):
            raise InputError(source.path, f"output {target} would overwrite the input; choose another --output-dir")
        self.files = contextlib.ExitStack()
        handle = open_atomic(self.files, target)
        if self.options.format_for(input_kind(source) in RECORD_KINDS) == "tsv":
            handle.write(tsv_header(bool(self.options.explain)))
        self.current = (source, handle)
        return handle

    def write(self, outcome: Outcome) -> None:
        if self.current is None or self.current[0] != outcome.source:
            self.end(None)
            self._open(outcome.source)
        self.current[1].write(outcome.text)

    def end(self, source: Source | None) -> None:
        """Commit the output of the input that just ended; a record input gets its
        (possibly empty) file even when no record was classified."""
        if source is not None and self.current is None and input_kind(source) in RECORD_KINDS \
                and source.path != "-":
            with contextlib.suppress(InputError):
                self._open(source)
        if self.files is not None:
            self.files.close()
        self.files, self.current = None, None

    def __exit__(self, *exc_info) -> bool:
        if self.files is not None:
            self.files.__exit__(*exc_info)  # an interrupted output is discarded, not committed
        return super().__exit__(*exc_info)


def remove_temporary_files(out_dir: Path) -> int:
    """Delete the temporary files a killed batch left behind (--resume)."""
    removed = 0
    for path in out_dir.rglob(".*.tmp") if out_dir.is_dir() else []:
        if _TEMPORARY.match(path.name) and path.is_file():
            path.unlink()
            removed += 1
    return removed


class ErrorLog(contextlib.ExitStack):
    """Every failed input on stderr (one line naming it) and, with a path, in a JSON Lines
    file of {"input", "id", "error"} (the problem without the id), written atomically at the
    end. With --resume the previous run's entries for inputs that are skipped now are carried
    over. With `collect`, failures are only kept in `collected` as (input, problem) pairs
    (a Dask task hands them back to the client's log)."""

    def __init__(self, path: Path | None, resume: bool = False, collect: bool = False) -> None:
        super().__init__()
        self.path, self.count, self.handle = path, 0, None
        self.collected: list[tuple[str, Problem]] | None = [] if collect else None
        self.previous: dict[str, list[dict]] = {}
        if resume and path is not None and path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                with contextlib.suppress(ValueError, TypeError, KeyError):
                    entry = json.loads(line)
                    self.previous.setdefault(entry["input"], []).append(entry)

    def _write(self, entry: dict) -> None:
        self.count += 1
        if self.path is not None:
            if self.handle is None:
                self.handle = open_atomic(self, self.path)
            self.handle.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def carry_over(self, source: Source) -> None:
        """An input skipped by --resume keeps the errors its records had last time."""
        for entry in self.previous.pop(source.path, []):
            self._write(entry)

    def add(self, input: str, problem: Problem) -> None:
        """Record that a document of `input` failed, and why."""
        if self.collected is not None:
            self.count += 1
            self.collected.append((input, problem))
            return
        print(f"boilersift: error: {problem.message}", file=sys.stderr)
        self._write({"input": input, "id": problem.id, "error": problem.problem})

    def record(self, outcome: Outcome) -> None:
        """Record a failed outcome."""
        self.add(outcome.source.path, outcome.error)

    def __exit__(self, *exc_info) -> bool:
        if exc_info[0] is None and self.handle is None and self.path is not None and self.path.is_file():
            self.path.unlink()  # no errors this time: a stale list would mislead
        return super().__exit__(*exc_info)
