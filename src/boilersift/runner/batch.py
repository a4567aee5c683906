"""The predict batch: documents in, outputs and errors out, on one or all cores.

Every document ends as exactly one output or one recorded error, in input order
(deterministic whatever ``jobs`` is), and memory stays bounded: documents are
read lazily and at most ``2 * jobs`` chunks are in flight. Worker processes load
each model once (inherited from the parent where processes fork, else on first
use). JSON Lines records travel to the workers undecoded (:class:`documents.Record`):
decoding them is the biggest share of the reading process's work. A worker that
dies (a crash in a C library) fails only the document that killed it; the pool is restarted and the batch goes on.

Why not ``multiprocessing.Pool.imap``: its feeder thread drains the whole input
iterator at once (memory grows with the input), and a worker killed by the OS
leaves it waiting for ever; ``concurrent.futures`` reports a dead worker
(``BrokenProcessPool``), and submitting a bounded window keeps memory flat.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import itertools
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TypeVar

from ..errors import InputError, Problem
from ..sites import PageLines, SiteTemplates, TemplateTable, page_templates
from .documents import (
    RECORD_KINDS,
    Document,
    Failure,
    Item,
    Record,
    SourceEnd,
    container_items,
    decoded,
    documents,
    input_kind,
)
from .options import PredictOptions
from .sinks import DirectorySink, ErrorLog, StreamSink
from .sources import Source
from .worker import Outcome, lines_format, process, process_chunk, site_lines, template_pages

# Documents per chunk: a worker's unit of work, classified in one model call
# (Model.classify_pages: 14.4 -> 11.7 ms/page from one to four HTML pages, 11.1 at sixteen).
CHUNK_SIZE = 8
T, R = TypeVar("T"), TypeVar("R")


@dataclass
class Summary:
    """What a batch did: outputs + failed = documents seen."""

    outputs: int = 0
    failed: int = 0
    truncated: int = 0
    skipped_records: int = 0  # non-HTML WARC records
    resumed: int = 0  # inputs skipped because their output exists
    by_site: int = 0  # documents decided with their site's template (--by-site, --templates)

    def __add__(self, other: "Summary") -> "Summary":
        return Summary(*(a + b for a, b in zip(vars(self).values(), vars(other).values())))


def _init_worker() -> None:
    """Ctrl-C is the parent's to handle. (Models load on first use, once per process,
    or come loaded from the parent where processes fork.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _died(chunk: list[Item]) -> list[Outcome]:
    """Outcomes of a chunk whose worker process died: its documents failed."""
    return [process(item if not isinstance(item, (Document, Record)) else
                    Failure(item.source, Problem(item.id, "the worker process died while classifying it", "error")),
                    PredictOptions())
            for item in chunk]


def _close(pool: ProcessPoolExecutor) -> None:
    """Shut a pool down and wait for its manager thread: one left closing its wake-up
    pipe while the interpreter exits races ``concurrent.futures``' exit hook, which
    then prints an ``OSError`` traceback (Python 3.11; 1 exit in about 200 without waiting)."""
    pool.shutdown(wait=True, cancel_futures=True)


def _new_pool(jobs: int, old: ProcessPoolExecutor | None = None) -> ProcessPoolExecutor:
    if old is not None:
        _close(old)
    # Forked workers share the parent's objects (the model, the libraries) page by page;
    # frozen, a worker's garbage collector does not walk them and copy those pages.
    gc.freeze()
    return ProcessPoolExecutor(jobs, initializer=_init_worker)


def _submit(pool: ProcessPoolExecutor, chunk: list[Item], options: PredictOptions) -> Future:
    """A future for the chunk; a pool that broke already gives a failed one, handled
    like any other chunk in flight when a worker died."""
    try:
        return pool.submit(process_chunk, chunk, options)
    except BrokenProcessPool as exc:
        future: Future = Future()
        future.set_exception(exc)
        return future


def _parallel(items: Iterable[Item], options: PredictOptions, jobs: int) -> Iterator[Outcome]:
    """Outcomes in input order from a process pool, a bounded window of chunks ahead.
    After a worker dies, the chunks that were in flight run again one at a time in a
    new pool, and the documents of a chunk that kills a worker on its own one by one,
    so only a document that kills a worker on its own is recorded as failed."""
    pool = _new_pool(jobs)
    pending: deque[tuple[list[Item], Future]] = deque()
    try:
        for chunk in itertools.chain(chunks(items), [None]):
            if chunk is not None:
                pending.append((chunk, _submit(pool, chunk, options)))
            while pending and (chunk is None or len(pending) >= 2 * jobs):
                head, future = pending.popleft()
                try:
                    yield from future.result()
                    continue
                except BrokenProcessPool:
                    suspects = [head, *(c for c, _ in pending)]
                    pending.clear()
                pool = _new_pool(jobs, pool)
                for suspect in suspects:
                    try:
                        yield from _submit(pool, suspect, options).result()
                        continue
                    except BrokenProcessPool:
                        pool = _new_pool(jobs, pool)
                    for item in suspect:  # the chunk kills a worker on its own: find the document that does
                        try:
                            yield from _submit(pool, [item], options).result()
                        except BrokenProcessPool:
                            yield from _died([item])
                            pool = _new_pool(jobs, pool)
    finally:
        _close(pool)


def chunks(items: Iterable[T]) -> Iterator[list[T]]:
    """The items in lists of CHUNK_SIZE (the last one shorter)."""
    return iter(lambda it=iter(items): list(itertools.islice(it, CHUNK_SIZE)), [])


def _map_chunk(fn: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [fn(item) for item in chunk]


def ordered_map(fn: Callable[[T], R], items: Iterable[T], jobs: int = 1) -> Iterator[R]:
    """`fn` of every item, in input order, in `jobs` processes with a bounded window of chunks
    ahead (`fn` must be picklable: a module-level function). Unlike ``Pool.imap`` (see above), a
    worker that dies raises ``BrokenProcessPool`` rather than waiting for ever: what a batch that
    has no documents to fail one by one (``label``) needs."""
    if jobs <= 1:
        yield from map(fn, items)
        return
    pool = _new_pool(jobs)
    pending: deque[Future] = deque()
    try:
        for chunk in itertools.chain(chunks(items), [None]):
            if chunk is not None:
                pending.append(pool.submit(_map_chunk, fn, chunk))
            while pending and (chunk is None or len(pending) >= 2 * jobs):
                yield from pending.popleft().result()
    finally:
        _close(pool)


def site_templates(source: Source, kind: str, options: PredictOptions, jobs: int = 1,
                   progress: bool = False) -> dict[str, frozenset[int]]:
    """The first pass of --by-site over a record input: the template of each of its documents'
    site (:mod:`boilersift.sites`; the site of a WARC response's or a record's ``url``), by
    document id. A worker that dies here costs only the templates: the pages are decided alone."""
    from tqdm import tqdm

    found = ordered_map(functools.partial(site_lines, options=options), container_items(source, kind, options), jobs)
    try:
        return page_templates(filter(None, tqdm(found, desc="sites", unit="page", disable=not progress,
                                                file=sys.stderr, smoothing=0.1)), template_pages(options))
    except BrokenProcessPool:
        print(f"boilersift: warning: {source.name}: a worker died while reading the sites (--by-site); "
              "its pages are decided alone", file=sys.stderr)
        return {}


@dataclass
class Gathered:
    """What :func:`gather_site_templates` read: the table; the pages with a site (the host of a WARC
    response's or a record's URL); the documents without one, or without text; and the records
    or inputs that could not be read."""

    table: TemplateTable
    pages: int = 0
    skipped: int = 0
    failed: list[Problem] = dataclasses.field(default_factory=list)


def _site_or_failure(item: Item, options: PredictOptions) -> tuple[str, tuple[str, str, PageLines]] | Problem | None:
    """The input format of the model that splits a document (an HTML model's blocks or a text
    model's lines) and its :func:`site_lines`; the problem of a record that cannot be read."""
    item = decoded(item, options)
    if isinstance(item, Failure):
        return item.problem
    found = site_lines(item, options)
    return None if found is None or not isinstance(item, Document) else (lines_format(item.input_format, options),
                                                                         found)


def gather_site_templates(sources: Iterable[Source | InputError], options: PredictOptions, min_pages: int,
                          jobs: int = 1, progress: bool = False) -> Gathered:
    """The templates of the sites of every page of `sources` (WARC or record inputs), read once,
    on `jobs` processes: the lines that `min_pages` pages of a site hold, in whichever inputs they
    are. An input that is no WARC or record file is an error, before any is read."""
    from tqdm import tqdm

    checked = []
    for source in sources:
        if isinstance(source, InputError):
            raise source
        kind = input_kind(source)
        if kind not in RECORD_KINDS or source.path == "-":
            raise InputError(source.path, "templates come from WARC or record files (JSON Lines, parquet, a "
                                          "saved dataset), whose pages have URLs")
        checked.append((source, kind))
    items = (item for source, kind in checked for item in container_items(source, kind, options)
             if not isinstance(item, SourceEnd))
    found, formats, pages, skipped, failed = SiteTemplates(min_pages), set(), 0, 0, []
    for page in tqdm(ordered_map(functools.partial(_site_or_failure, options=options), items, jobs),
                     desc="sites", unit="page", disable=not progress, file=sys.stderr, smoothing=0.1):
        if isinstance(page, Problem):
            failed.append(page)
        elif page is None:
            skipped += 1
        else:
            input_format, (_, site, lines) = page
            found.add(site, lines)
            formats.add(input_format)
            pages += 1
    return Gathered(TemplateTable.of(found.templates(), min_pages, formats), pages, skipped, failed)


def outcomes(items: Iterable[Item], options: PredictOptions, jobs: int = 1) -> Iterator[Outcome]:
    """Classify items in order, a chunk at a time: in this process for one job, else in
    a process pool."""
    if jobs <= 1:
        return (outcome for chunk in chunks(items) for outcome in process_chunk(chunk, options))
    return _parallel(items, options, jobs)


def run_batch(sources: Iterable[Source | InputError], options: PredictOptions, sink: StreamSink | DirectorySink,
              errors: ErrorLog, jobs: int = 1, progress: bool = False, resume: bool = False) -> Summary:
    """Read, classify and write every input; returns the counts. With `resume`,
    inputs whose output exists are skipped."""
    from tqdm import tqdm

    summary = Summary()

    def skip(source: Source) -> bool:
        done = resume and isinstance(sink, DirectorySink) and sink.skip(source)
        if done:
            summary.resumed += 1
            errors.carry_over(source)
        return done

    templates = functools.partial(site_templates, options=options, jobs=jobs, progress=progress)
    items = documents(sources, options, skip, templates if options.by_site else None)
    with tqdm(desc="predict", unit="page", disable=not progress, file=sys.stderr, smoothing=0.1) as bar:
        for outcome in outcomes(items, options, jobs):
            if outcome.end is not None:
                sink.end(outcome.end.source)
                summary.skipped_records += outcome.end.skipped
                continue
            bar.update()
            if outcome.error is None:
                try:
                    sink.write(outcome)
                except InputError as exc:
                    outcome = Outcome(outcome.source, outcome.id, error=Problem.of(exc, outcome.id))
            if outcome.error is not None:
                errors.record(outcome)
                summary.failed += 1
                continue
            summary.outputs += 1
            summary.by_site += outcome.templated
            if outcome.encoding and options.debug:
                print(f"boilersift: debug: {outcome.id}: not UTF-8; read as {outcome.encoding} (detected)",
                      file=sys.stderr)
            if outcome.truncated:
                summary.truncated += 1
                print(f"boilersift: warning: {outcome.id}: truncated to the limits (--max-bytes/--max-blocks)",
                      file=sys.stderr)
    return summary
