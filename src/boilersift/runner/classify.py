"""Many documents from Python, as `predict` classifies them: pages in memory, the HTML responses
of a WARC file, the records of a JSON Lines file.

Each function yields one :class:`PageResult` per document, in input order, a failed one with
why (no document is dropped): the same reading, limits, time budget and chunks of pages per
model call as the command (:mod:`.documents`, :mod:`.worker`), in the caller's process. For
all cores, run the command with --jobs, Dask, or the datatrove step.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..pipeline import LineResult, Model
from .batch import chunks, site_templates
from .documents import Document, Failure, Item, container_items, record_items, with_templates
from .limits import Limits
from .options import INPUT_FORMATS, PredictOptions
from .sources import Source
from .worker import attempt_chunk


@dataclass(frozen=True)
class PageResult:
    """One document's verdict: its lines (HTML blocks), or why it could not be classified."""

    id: str  # the id given with the page; "PATH:LINE" for a JSON Lines record; a WARC record's WARC-Record-ID
    lines: list[LineResult]  # every line or block with its label (empty when the document failed)
    meta: dict[str, Any] = field(default_factory=dict)  # a record's other fields; a WARC response's id and url
    problem: Problem | None = None  # why it failed: the document, the problem, its kind (None: it did not)
    truncated: bool = False  # cut to the limits (only with Limits(truncate=True))
    encoding: str | None = None  # the encoding detected for a page that is not UTF-8 and declares none
    page_type: str | None = None  # "article", "forum", "product", ... (None: the model does not tell)

    @property
    def text(self) -> str:
        """The content lines joined by newlines: the `clean_text` of `predict`'s JSON Lines records."""
        return "\n".join(line.text for line in self.lines if line.is_content)

    @property
    def error(self) -> str | None:
        """Why it failed, naming the document (``"<urn:uuid:...>: no text to classify"``), or None."""
        return self.problem.message if self.problem else None

    @property
    def reason(self) -> str | None:
        """The failure in a word, "input", "timeout" or "error" (:class:`Problem`), or None."""
        return self.problem.kind if self.problem else None


def _options(model: Model | str | Path | None, threshold: float | None, input_format: str, field: str | None,
             encoding: str | None, limits: Limits | None, explain: int, by_site: bool = False) -> PredictOptions:
    if input_format not in INPUT_FORMATS:
        raise InputError(f"input_format={input_format!r}", f"choose from {', '.join(INPUT_FORMATS)}")
    return PredictOptions(model=str(model) if isinstance(model, Path) else model, threshold=threshold,
                          input_format=input_format, field=field, encoding=encoding, explain=explain,
                          by_site=by_site, limits=limits or Limits())


def _results(items: Iterable[Item], options: PredictOptions) -> Iterator[PageResult]:
    """A result for every document and every failure of `items`, a chunk at a time (as `predict`)."""
    for chunk in chunks(items):
        for item, attempt in attempt_chunk(chunk, options):
            if isinstance(item, Failure):
                yield PageResult(item.id, [], problem=item.problem)
            elif isinstance(item, Document):
                meta = item.meta or {}
                if isinstance(attempt, Problem):
                    yield PageResult(item.id, [], meta, problem=attempt)
                else:
                    yield PageResult(item.id, attempt.lines, meta, truncated=attempt.truncated,
                                     encoding=attempt.encoding, page_type=attempt.page_type)


def _container(path: str | Path, kind: str, options: PredictOptions) -> Iterator[Item]:
    """The items of a WARC or JSON Lines file, each document given its site's template if
    `options` asks (``by_site``: a first pass over the file, :func:`.batch.site_templates`)."""
    if not Path(path).is_file():  # a wrong path is an error at the call, not a failed result
        raise InputError(str(path), "not a file" if Path(path).exists() else "no such file")
    source = Source(str(path))
    items = container_items(source, kind, options)
    return with_templates(items, site_templates(source, kind, options)) if options.by_site else items


def classify_many(pages: Iterable[tuple[str, str | bytes]], model: Model | str | Path | None = None, *,
                  input_format: str = "html", threshold: float | None = None, encoding: str | None = None,
                  limits: Limits | None = None, explain: int = 0) -> Iterator[PageResult]:
    """Classify (id, page) pairs, read lazily: `input_format` "html" pages (str, or bytes in
    their declared encoding) or "text" scrapes. `model` is a loaded Model or a bundle directory
    (None: the shipped model for `input_format`); `limits` bound each page (default: the
    command's); `explain` K gives each line its K strongest reasons (``ExplainedLine``)."""
    if input_format == "auto":
        raise InputError("input_format='auto'", 'pages have no name to tell: choose "text" or "html"')
    options = _options(model, threshold, input_format, input_format, encoding, limits, explain)
    records = ((str(page_id), {input_format: content}) for page_id, content in pages)
    return _results(record_items(records, Source("<pages>"), options), options)


def classify_warc(path: str | Path, model: Model | str | Path | None = None, *, threshold: float | None = None,
                  encoding: str | None = None, limits: Limits | None = None, explain: int = 0,
                  by_site: bool = False) -> Iterator[PageResult]:
    """Classify the HTML responses of a WARC file (.warc, .warc.gz), as ``boilersift predict
    crawl.warc.gz`` does: each result's `meta` holds its ``warc_record_id`` and ``url``; other
    records are skipped; a truncated file ends with a failed result for the file. With `by_site`
    (``predict --by-site``), the lines two or more pages of a site hold are dropped as its
    template: the file is read once more, at the call."""
    options = _options(model, threshold, "auto", None, encoding, limits, explain, by_site)
    return _results(_container(path, "warc", options), options)


def classify_jsonl(path: str | Path, field: str | None = None, model: Model | str | Path | None = None, *,
                   input_format: str = "auto", threshold: float | None = None, encoding: str | None = None,
                   limits: Limits | None = None, explain: int = 0, by_site: bool = False) -> Iterator[PageResult]:
    """Classify the records of a JSON Lines file (.jsonl, .jsonl.gz), as ``boilersift predict
    pages.jsonl`` does: the page is in `field` (default "text" if present, else "html": an HTML
    page), each result's `meta` holds the record's other fields, and a line that is not a
    record with a page gives a failed result. With `by_site`, the pages of a site (the host of a
    record's ``url``) lose their site's template, as in :func:`classify_warc`."""
    options = _options(model, threshold, input_format, field, encoding, limits, explain, by_site)
    return _results(_container(path, "jsonl", options), options)
