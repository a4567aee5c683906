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

from ..decide import TEMPLATE_PAGES
from ..errors import InputError, Problem
from ..output.markdown import render_markdown
from ..pipeline import LineResult, Model
from ..sites import TemplateTable
from .batch import chunks, gather_site_templates, site_templates
from .documents import Document, Failure, Item, container_items, record_items, with_templates
from .limits import Limits
from .options import INPUT_FORMATS, PredictOptions
from .sources import Source, expand_inputs
from .worker import attempt_chunk, check_templates


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

    def markdown(self, links: bool = False) -> str:
        """The content as Markdown, as ``predict --output-format markdown`` writes it: with the
        headings, lists, tables and code of an HTML or Markdown page; `links` keeps links as
        [text](href)."""
        return render_markdown(self.lines, links)

    @property
    def error(self) -> str | None:
        """Why it failed, naming the document (``"<urn:uuid:...>: no text to classify"``), or None."""
        return self.problem.message if self.problem else None

    @property
    def reason(self) -> str | None:
        """The failure in a word, "input", "timeout" or "error" (:class:`Problem`), or None."""
        return self.problem.kind if self.problem else None


TemplateSource = TemplateTable | str | Path | None  # a table of sites' templates, or its file (boilersift templates)


def api_options(model: Model | str | Path | None, threshold: float | None, input_format: str, field: str | None,
                encoding: str | None, limits: Limits | None, explain: int, by_site: bool = False,
                templates: TemplateSource = None) -> PredictOptions:
    """The options of a call of the Python API, checked as the command checks its own."""
    if input_format not in INPUT_FORMATS:
        raise InputError(f"input_format={input_format!r}", f"choose from {', '.join(INPUT_FORMATS)}")
    if by_site and templates is not None:
        raise ValueError("by_site gathers the templates of the file itself: give it or templates, not both")
    if templates is not None and not isinstance(templates, TemplateTable):
        templates = str(templates)
    options = PredictOptions(model=str(model) if isinstance(model, Path) else model, threshold=threshold,
                             input_format=input_format, field=field, encoding=encoding, explain=explain,
                             by_site=by_site, templates=templates, limits=limits or Limits())
    if templates is not None:
        check_templates(options)  # a missing, broken or unfitting file is an error at the call
    return options


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


def classify_many(pages: Iterable[tuple[str, str | bytes] | tuple[str, str | bytes, str | None]],
                  model: Model | str | Path | None = None, *, input_format: str = "html",
                  threshold: float | None = None, encoding: str | None = None, limits: Limits | None = None,
                  explain: int = 0, templates: TemplateSource = None) -> Iterator[PageResult]:
    """Classify (id, page) pairs, read lazily: `input_format` "html" pages (str, or bytes in
    their declared encoding), "text" or "markdown" scrapes. `model` is a loaded Model or a
    bundle directory (None: the shipped model for `input_format`); `limits` bound each page
    (default: the command's); `explain` K gives each line its K strongest reasons
    (``ExplainedLine``). Given `templates` (:func:`gather_templates`, or its file), a page given
    with its URL as a third item loses its site's template."""
    if input_format == "auto":
        raise InputError("input_format='auto'", 'pages have no name to tell: choose "text", "markdown" or "html"')
    options = api_options(model, threshold, input_format, input_format, encoding, limits, explain,
                          templates=templates)
    records = ((str(page[0]), {input_format: page[1], **({"url": page[2]} if len(page) > 2 else {})})
               for page in pages)
    return _results(record_items(records, Source("<pages>"), options), options)


def classify_warc(path: str | Path, model: Model | str | Path | None = None, *, threshold: float | None = None,
                  encoding: str | None = None, limits: Limits | None = None, explain: int = 0,
                  by_site: bool = False, templates: TemplateSource = None) -> Iterator[PageResult]:
    """Classify the HTML responses of a WARC file (.warc, .warc.gz), as ``boilersift predict
    crawl.warc.gz`` does: each result's `meta` holds its ``warc_record_id`` and ``url``; other
    records are skipped; a truncated file ends with a failed result for the file. With `by_site`
    (``predict --by-site``), the lines two or more pages of a site hold are dropped as its
    template: the file is read once more, at the call. Given `templates` instead (gathered
    beforehand over any files, :func:`gather_templates`, or its file), they are dropped as
    ``predict --templates`` does."""
    options = api_options(model, threshold, "auto", None, encoding, limits, explain, by_site, templates)
    return _results(_container(path, "warc", options), options)


def classify_jsonl(path: str | Path, field: str | None = None, model: Model | str | Path | None = None, *,
                   input_format: str = "auto", threshold: float | None = None, encoding: str | None = None,
                   limits: Limits | None = None, explain: int = 0, by_site: bool = False,
                   templates: TemplateSource = None) -> Iterator[PageResult]:
    """Classify the records of a JSON Lines file (.jsonl, .jsonl.gz), as ``boilersift predict
    pages.jsonl`` does: the page is in `field` (default "text" if present, else "html": an HTML
    page), each result's `meta` holds the record's other fields, and a line that is not a
    record with a page gives a failed result. With `by_site`, the pages of a site (the host of a
    record's ``url``) lose their site's template, as in :func:`classify_warc`, and so they do
    given `templates`."""
    options = api_options(model, threshold, input_format, field, encoding, limits, explain, by_site, templates)
    return _results(_container(path, "jsonl", options), options)


def gather_templates(paths: Iterable[str | Path], model: Model | str | Path | None = None, *,
                     input_format: str = "auto", field: str | None = None, encoding: str | None = None,
                     min_pages: int = TEMPLATE_PAGES) -> TemplateTable:
    """The templates of the sites of every page of WARC or record files (directories walked), as
    ``boilersift templates`` gathers them: for each site (the host of a page's URL), the lines that
    `min_pages` of its pages hold, in whichever files. :func:`~.templates.save_templates` writes
    the table for ``predict --templates``; :func:`classify_warc` and the others take it as it is.
    A record that cannot be read is left out; a path that is no WARC or record file is an error."""
    options = api_options(model, None, input_format, field, encoding, None, 0)
    return gather_site_templates(expand_inputs([str(p) for p in paths]), options, min_pages).table
