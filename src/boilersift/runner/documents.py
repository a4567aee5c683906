"""Documents from inputs: files, stdin, JSON Lines records, WARC responses, dataset rows.

A batch is a stream of small items in input order: a :class:`Document` to
classify (or a JSON Lines :class:`Record` that decodes into one), a :class:`Failure`
(an input or record that could not be read), and a :class:`SourceEnd` after the
last item of every input, so a sink knows when an output file is complete.
Containers (JSON Lines, WARC, parquet, saved datasets) are read record by
record: memory does not grow with the size of an input.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BoilersiftError, InputError, Problem
from .options import PredictOptions
from .sources import Source

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Document:
    """One page to classify. `content` None means: read the file `source` in the worker."""

    id: str  # names the document in outputs and errors: a path, "path:LINE" or a WARC record id
    source: Source  # the input it comes from
    input_format: str  # "text", "markdown" or "html"
    content: str | bytes | None = None
    meta: dict[str, Any] | None = None  # fields passed through (records only; None for files)
    charset: str | None = None  # a declared encoding (HTTP header of a WARC response)
    truncated: bool = False
    template: frozenset[int] | None = None  # the lines its site repeats (--by-site; boilersift.sites)


@dataclass(frozen=True)
class Record:
    """A JSON Lines line not decoded yet: it is decoded where it is classified (a
    worker, with --jobs), because decoding a large HTML record costs more than
    reading it and the reading process is the one all workers wait on."""

    id: str
    source: Source
    line: bytes
    template: frozenset[int] | None = None  # the lines its site repeats (--by-site; boilersift.sites)


@dataclass(frozen=True)
class Failure:
    """An input or record that failed before classification, and why."""

    source: Source
    problem: Problem

    @property
    def id(self) -> str:
        """The failed input or record, as the other items name theirs."""
        return self.problem.id


@dataclass(frozen=True)
class SourceEnd:
    """The last item of an input; `skipped` counts records deliberately left out."""

    source: Source
    skipped: int = 0


Item = Document | Record | Failure | SourceEnd


def input_kind(source: Source) -> str:
    """What an input holds, by its name: "warc", "jsonl", "parquet", "dataset",
    "html", "markdown" or "text" (also for stdin)."""
    path = Path(source.path)
    name = path.name.lower().removesuffix(".gz")
    if source.path != "-" and path.is_dir():
        return "dataset"
    for kind, suffixes in (("warc", (".warc", ".arc")), ("jsonl", (".jsonl", ".ndjson")),
                           ("parquet", (".parquet",)), ("html", HTML_SUFFIXES),
                           ("markdown", MARKDOWN_SUFFIXES)):
        if name.endswith(suffixes):
            return kind
    return "text"


RECORD_KINDS = ("warc", "jsonl", "parquet", "dataset")
RECORD_FIELDS = ("text", "html", "markdown")  # the field of a record read without --field: the first it has


def record_document(record: Any, doc_id: str, source: Source, options: PredictOptions) -> Document:
    """A JSON Lines record or dataset row as a document; the other fields pass through."""
    if not isinstance(record, dict):
        raise InputError(doc_id, "expected a JSON object")
    field = options.field or next((name for name in RECORD_FIELDS if name in record), RECORD_FIELDS[0])
    content = record.get(field)
    if not isinstance(content, (str, bytes)):
        raise InputError(doc_id, f"no text in field {field!r} (--field)")
    fmt = options.format_of(field)
    content, truncated = options.limits.within_bytes(content, doc_id)
    meta = {key: value for key, value in record.items() if key != field}
    return Document(doc_id, source, fmt, content, meta, truncated=truncated)


def record_items(items: Iterable[tuple[str, Any]], source: Source, options: PredictOptions) -> Iterator[Item]:
    """(id, record) pairs as documents, or failures for the records that hold no page."""
    for doc_id, record in items:
        try:
            yield record_document(record, doc_id, source, options)
        except BoilersiftError as exc:
            yield Failure(source, Problem.of(exc, doc_id))


def _jsonl_records(source: Source, options: PredictOptions) -> Iterator[Item]:
    """The records of a JSON Lines file, one line at a time; a line over the byte
    limit is skipped to its end without holding it."""
    opener = gzip.open if source.path.endswith(".gz") else open
    with opener(source.path, "rb") as handle:
        number = 0
        while True:
            line = handle.readline(options.limits.max_bytes + 1)
            if not line:
                return
            number += 1
            doc_id = f"{source.path}:{number}"
            if len(line) > options.limits.max_bytes and not line.endswith(b"\n"):
                while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
                yield Failure(source, Problem(doc_id, f"line longer than the limit of {options.limits.max_bytes} "
                                                      "bytes (--max-bytes)"))
            elif line.strip():
                yield Record(doc_id, source, line)


def decoded(item: Item, options: PredictOptions) -> Item:
    """A :class:`Record` as the document it holds (or the failure to decode it); other items as they are."""
    if not isinstance(item, Record):
        return item
    try:
        document = record_document(json.loads(item.line), item.id, item.source, options)
        return document if item.template is None else dataclasses.replace(document, template=item.template)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Failure(item.source, Problem(item.id, f"not valid JSON ({exc})"))
    except BoilersiftError as exc:
        return Failure(item.source, Problem.of(exc, item.id))


def _http_head(block: bytes) -> tuple[str, str | None, bytes]:
    """Content type, charset and body of an HTTP response block."""
    head, _, body = block.partition(b"\r\n\r\n")
    content_type = ""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-type":
            content_type = value.strip().decode("latin-1").lower()
    mime, _, params = content_type.partition(";")
    charset = next((p.split("=", 1)[1].strip(" \"'") for p in params.split(";") if p.strip().startswith("charset=")),
                   None)
    return mime.strip(), charset or None, body


class WarcCounter:
    """Counts the WARC records that are not HTML responses (skipped, not lost)."""

    def __init__(self) -> None:
        self.skipped = 0


def _warc_documents(source: Source, options: PredictOptions, counter: WarcCounter) -> Iterator[Item]:
    """HTML responses of a WARC file (fastwarc: 2.6-11x faster than warcio, see
    experiments/results/warc_readers.md). A record shorter than its declared length
    means the file is truncated: an error, after the complete records."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    # Python's gzip, not fastwarc's own: it raises EOFError on a truncated file.
    opener = gzip.open if source.path.endswith(".gz") else open
    with opener(source.path, "rb") as handle:
        for record in ArchiveIterator(handle, parse_http=False):
            block = record.reader.read()
            record_id = record.record_id
            if not record_id or len(block) != record.content_length:
                raise InputError(source.path, f"truncated or corrupt WARC after record "
                                      f"{record_id or '(none)'}")
            mime, charset, body = _http_head(block) if record.record_type == WarcRecordType.response \
                else ("", None, b"")
            if mime not in HTML_TYPES:
                counter.skipped += 1
                continue
            meta = {"warc_record_id": record_id, "url": record.headers.get("WARC-Target-URI")}
            try:
                content, truncated = options.limits.within_bytes(body, record_id)
            except BoilersiftError as exc:
                yield Failure(source, Problem.of(exc, record_id))
                continue
            fmt = "text" if options.input_format == "text" else "html"
            yield Document(record_id, source, fmt, content, meta, charset, truncated)


def _table_rows(source: Source) -> Iterator[tuple[str, Any]]:
    """Rows of a parquet file (batch by batch) or of a saved dataset (memory-mapped)."""
    if input_kind(source) == "parquet":
        import pyarrow.parquet as pq

        rows = (row for batch in pq.ParquetFile(source.path).iter_batches(batch_size=256)
                for row in batch.to_pylist())
    else:
        import datasets

        rows = iter(datasets.load_from_disk(source.path))
    for number, row in enumerate(rows):
        yield f"{source.path}#{row.get('id', number) if isinstance(row, dict) else number}", row


def container_items(source: Source, kind: str, options: PredictOptions) -> Iterator[Item]:
    """The items of one container input, ending with its SourceEnd; a read error
    (truncated gzip, corrupt WARC) is a Failure after the records read so far."""
    counter = WarcCounter()
    try:
        if kind == "warc":
            yield from _warc_documents(source, options, counter)
        elif kind == "jsonl":
            yield from _jsonl_records(source, options)
        else:
            yield from record_items(_table_rows(source), source, options)
    except BoilersiftError as exc:
        yield Failure(source, Problem.of(exc, source.path))
    except EOFError:
        yield Failure(source, Problem(source.path, "truncated gzip file"))
    except (OSError, zlib.error, ValueError) as exc:  # unreadable, bad gzip, bad parquet/dataset
        yield Failure(source, Problem(source.path, f"cannot read ({getattr(exc, 'strerror', None) or exc})"))
    yield SourceEnd(source, counter.skipped)


Templates = Callable[[Source, str], dict[str, frozenset[int]]]  # a record input's templates by document id


def with_templates(items: Iterable[Item], templates: dict[str, frozenset[int]]) -> Iterator[Item]:
    """The items, each document (or record) given its site's template, by its id, if it has one."""
    for item in items:
        template = templates.get(item.id) if isinstance(item, (Document, Record)) else None
        yield item if template is None else dataclasses.replace(item, template=template)


def documents(sources: Iterable[Source | InputError], options: PredictOptions,
              skip: Callable[[Source], bool] = lambda source: False,
              templates: Templates | None = None) -> Iterator[Item]:
    """Every input as items, in order; `skip` leaves out inputs already done (--resume);
    `templates` gives the documents of each record input their sites' templates (--by-site)."""
    for source in sources:
        if isinstance(source, InputError):
            yield Failure(Source(source.input), Problem(source.input, source.problem))
            continue
        if skip(source):
            continue
        kind = input_kind(source)
        if kind in RECORD_KINDS and source.path != "-":
            items = container_items(source, kind, options)
            yield from items if templates is None else with_templates(items, templates(source, kind))
        else:
            yield Document(source.name, source, options.format_of(kind))
            yield SourceEnd(source)
