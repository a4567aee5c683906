"""Classifying one document, in whichever process runs it.

Models are cached per process (:func:`cached_model`), so a worker loads each
bundle once, not once per page. :func:`process` never raises for a bad document:
every document ends as exactly one :class:`Outcome`, rendered or failed (with its
:class:`~boilersift.errors.Problem`).
"""

from __future__ import annotations

import dataclasses
import json
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeVar

import numpy as np

from ..blocks.decode import decode_html_page, decode_page
from ..blocks.markdown import MarkdownInfo, read_markdown
from ..blocks.text import Block, segment_text
from ..decide import DEFAULT_DECISIONS, TEMPLATE_PAGES
from ..errors import BoilersiftError, InputError, Problem
from ..model.bundle import MANIFEST_FILE, default_bundle_path
from ..output import format_results
from ..pipeline import LineResult, Model, PageVerdict, markup_links, with_markup
from ..sites import PageLines, TemplateTable, page_lines, site_of_url
from .documents import Document, Failure, Item, SourceEnd, decoded
from .limits import TimeLimitExceeded, deadline
from .options import PredictOptions
from .sources import Source, read_bytes
from .templates import load_templates

T = TypeVar("T")

_MODELS: dict[tuple[Path, str], Model] = {}
_LOCK = threading.Lock()  # Dask runs tasks in threads


def bundle_for(input_format: str, model: str | None = None) -> Path:
    """The bundle that classifies `input_format`: the user's; else for HTML the shipped
    HTML model once it exists (models/html-default), else the text model (whose
    classify_html renders the page into blocks)."""
    if model is not None:
        return Path(model)
    html = default_bundle_path("html")
    if input_format == "html" and (html / MANIFEST_FILE).is_file():
        return html
    return default_bundle_path("text")


def cached_model(path: Path, **choices: str) -> Model:
    """The model of bundle `path`, loaded once per process, with the fields of its decisions that
    `choices` names (`comments`, `bylines`, `favor`: what a user chose, :class:`~boilersift.decide.DecisionConfig`)."""
    # Choices left at their defaults (the same in every model's decisions) are no part of the key,
    # so that cached_model(path) and the command's default choices share one loaded model.
    key = (path, tuple(sorted((k, v) for k, v in choices.items() if v != getattr(DEFAULT_DECISIONS, k))))
    with _LOCK:
        if key not in _MODELS:
            model = Model.load(path)
            model.decisions = dataclasses.replace(model.decisions, **choices)
            _MODELS[key] = model
        return _MODELS[key]


def model_for(input_format: str, model: Model | str | None = None, **choices: str) -> Model:
    """The model that classifies a document of `input_format`: a loaded :class:`Model` as given
    (the Python API), else the bundle's (:func:`bundle_for`), loaded once per process, with the
    decisions `choices` asks (:func:`cached_model`)."""
    return model if isinstance(model, Model) else cached_model(bundle_for(input_format, model), **choices)


@dataclass(frozen=True)
class Outcome:
    """What became of one item: rendered output text, or an error, or the end of an input."""

    source: Source
    id: str = ""
    text: str | None = None  # the rendered output of a document
    error: Problem | None = None  # why the document failed
    truncated: bool = False
    encoding: str | None = None  # the encoding detected for the document (not UTF-8)
    end: SourceEnd | None = None
    templated: bool = False  # decided with its site's template (--by-site, --templates)


@dataclass(frozen=True)
class Prepared:
    """A document read, decoded and split into the blocks its model classifies."""

    model: Model
    blocks: list[Block]
    truncated: bool
    encoding: str | None  # the encoding detected for the document (not UTF-8)
    markup: list[MarkdownInfo] | None = None  # of a Markdown document: what the Markdown says of each block

    @property
    def links(self) -> np.ndarray | None:
        """Of a Markdown document, the share of each block in links (what the decisions read)."""
        return None if self.markup is None else markup_links(self.blocks, self.markup)


def prepare(doc: Document, options: PredictOptions) -> Prepared:
    """Read, decode and segment a document, within the limits of `options`."""
    content, truncated, encoding, markup = doc.content, doc.truncated, None, None
    if content is None:
        content, truncated = read_bytes(doc.source, options.limits)
    model = model_for(doc.input_format, options.model, **options.choices())
    if doc.input_format == "html":
        if isinstance(content, bytes):
            content, encoding = decode_html_page(content, doc.id, options.encoding or doc.charset)
        blocks = model.html_blocks(content, doc.id)
    else:
        if isinstance(content, bytes):
            content, encoding = decode_page(content, doc.id, options.encoding, partial=truncated)
        if doc.input_format == "text":
            blocks = segment_text(content)
        else:
            blocks, markup = read_markdown(content)
    blocks, cut = options.limits.within_blocks(blocks, doc.id)
    if not blocks:
        raise InputError(doc.id, "no text to classify")
    return Prepared(model, blocks, truncated or cut, encoding, markup)


class Classified(NamedTuple):
    """A document classified: its lines (or HTML blocks) and what else its output tells."""

    lines: list[LineResult]
    truncated: bool  # a limit cut it
    encoding: str | None  # the encoding detected for it (not UTF-8)
    page_type: str | None  # the kind of page, if the model tells


def _classified(ready: Prepared, verdict: PageVerdict) -> Classified:
    lines = verdict.lines if ready.markup is None else with_markup(verdict.lines, ready.markup)
    return Classified(lines, ready.truncated, ready.encoding, verdict.page_type)


def classify_document(doc: Document, options: PredictOptions) -> Classified:
    """A document read, segmented and classified (with each line's reasons if `options` asks)."""
    ready = prepare(doc, options)
    if options.explain:
        lines = ready.model.explain_blocks(ready.blocks, options.explain, options.threshold, doc.template,
                                           ready.links)
        return _classified(ready, PageVerdict(lines, ready.model.page_types([ready.blocks])[0]))
    return _classified(ready, ready.model.verdicts([ready.blocks], options.threshold, templates=[doc.template],
                                                   links=[ready.links])[0])


def render(doc: Document, classified: Classified, options: PredictOptions) -> str:
    """One document's output: lines as text/tsv/jsonl, or for a record in jsonl one
    record with its fields passed through plus the classification; jsonl names the
    encoding detected for the document and the kind of page."""
    fmt = options.format_for(doc.meta is not None)
    results, encoding, page_type = classified.lines, classified.encoding, classified.page_type
    if doc.meta is None or fmt != "jsonl":
        return format_results(results, fmt, doc.id if options.named else None, bool(options.explain), encoding,
                              options.markdown_links, page_type)
    record = {**doc.meta,
              **({"encoding": encoding} if encoding else {}),
              **({"page_type": page_type} if page_type else {}),
              "clean_text": "\n".join(r.text for r in results if r.is_content),
              "lines": [r.text for r in results],
              "labels": [r.label for r in results],
              "probabilities": [round(r.probability, 4) for r in results]}
    return json.dumps(record, ensure_ascii=False, default=str) + "\n"


Attempt = Classified | Problem  # a document classified, or why it failed


def _guarded(doc_id: str, options: PredictOptions, work: Callable[[], T]) -> T | Problem:
    """`work()` within one document's time budget; why it failed instead of raising."""
    try:
        with deadline(doc_id, options.limits.time_limit) as budget:
            result = work()
            budget.check()
        return result
    except TimeLimitExceeded as exc:
        return Problem.of(exc, doc_id, "timeout")
    except BoilersiftError as exc:
        return Problem.of(exc, doc_id)
    except Exception as exc:  # a bug or a parser's limit: this document only
        detail = traceback.format_exc() if options.debug else f"{type(exc).__name__}: {exc}"
        return Problem(doc_id, f"cannot classify ({detail})", "error")


def attempt(doc: Document, options: PredictOptions) -> Attempt:
    """Classify one document within its time budget; never raises for a bad document."""
    return _guarded(doc.id, options, lambda: classify_document(doc, options))


def attempt_many(docs: list[Document], options: PredictOptions) -> list[Attempt]:
    """:func:`attempt` for several documents, each prepared within its own budget and
    then classified together, one model call per model (:meth:`Model.classify_pages`).
    If the shared call fails or overruns, each document is classified alone, so only
    the one at fault fails."""
    if options.explain:
        return [attempt(doc, options) for doc in docs]
    prepared = [_guarded(doc.id, options, lambda doc=doc: prepare(doc, options)) for doc in docs]
    results: list[Attempt] = [p if isinstance(p, Problem) else "" for p in prepared]
    ready = [(i, p) for i, p in enumerate(prepared) if not isinstance(p, Problem)]
    for model in {id(p.model): p.model for _, p in ready}.values():
        group = [(i, p) for i, p in ready if p.model is model]
        together = _guarded(docs[group[0][0]].id, options, lambda: model.verdicts(
            [p.blocks for _, p in group], options.threshold, templates=[docs[i].template for i, _ in group],
            links=[p.links for _, p in group]))
        for k, (i, p) in enumerate(group):
            if isinstance(together, Problem):
                alone = _guarded(docs[i].id, options, lambda i=i, p=p: model.verdicts(
                    [p.blocks], options.threshold, templates=[docs[i].template], links=[p.links])[0])
                results[i] = alone if isinstance(alone, Problem) else _classified(p, alone)
            else:
                results[i] = _classified(p, together[k])
    return results


def template_pages(options: PredictOptions) -> int:
    """On how many pages of a site a line is its template (0: never): a bundle loads with the
    default decisions, a Model handed over by the Python API has its own."""
    return options.model.decisions.template_pages if isinstance(options.model, Model) else TEMPLATE_PAGES


def site_lines(item: Item, options: PredictOptions) -> tuple[str, str, PageLines] | None:
    """For the first pass of --by-site: a document's id, site and lines (None: it has no address,
    or fails, as it will again when it is classified)."""
    item = decoded(item, options)
    site = site_of_url(item.meta.get("url")) if isinstance(item, Document) and item.meta else None
    if site is None:
        return None
    ready = _guarded(item.id, options, lambda: prepare(item, options))
    return None if isinstance(ready, Problem) else (item.id, site, page_lines([b.text for b in ready.blocks]))


def lines_format(input_format: str, options: PredictOptions) -> str:
    """What a document of `input_format` is split into, as its model's input format: an HTML
    model's blocks ("html") or a text model's lines ("text", an HTML page rendered as text lines)."""
    return model_for(input_format, options.model, **options.choices()).input_format


def options_templates(options: PredictOptions) -> TemplateTable:
    """The table of `options.templates`, given as a table or loaded from its file (once per process)."""
    return options.templates if isinstance(options.templates, TemplateTable) else load_templates(options.templates)


def check_templates(options: PredictOptions) -> None:
    """One error, before any input, for a templates file that is missing or broken, or whose lines
    are of another kind than the run's model splits pages into (an HTML model's blocks are no text
    scrape's lines). Without a model or an input format, each page's kind picks its model, and a
    page whose model does not fit the table is decided without a template."""
    table = options_templates(options)
    if options.model is not None or options.input_format != "auto":
        table.require(lines_format("html" if options.input_format == "html" else "text", options))


def with_site_template(item: Item, options: PredictOptions) -> Item:
    """A document given its site's template from the table of `options` (--templates), if it has
    none yet, its site (the host of its ``url``) has one and the table's lines are what its model
    splits pages into (:func:`lines_format`); any other item as it is."""
    if options.templates is None or not isinstance(item, Document) or item.template is not None or not item.meta:
        return item
    table = options_templates(options)
    fits = table.fits(lines_format(item.input_format, options))
    template = table.get(site_of_url(item.meta.get("url"))) if fits else None
    return item if template is None else dataclasses.replace(item, template=template)


def _outcome(item: Item, options: PredictOptions, result: Attempt | None) -> Outcome:
    if isinstance(item, SourceEnd):
        return Outcome(item.source, end=item)
    if isinstance(item, Failure):
        return Outcome(item.source, item.id, error=item.problem)
    if isinstance(result, Problem):
        return Outcome(item.source, item.id, error=result)
    return Outcome(item.source, item.id, text=render(item, result, options), truncated=result.truncated,
                   encoding=result.encoding, templated=item.template is not None)


def process(item: Item, options: PredictOptions) -> Outcome:
    """One item's outcome: a rendered document, an error, or the end of an input."""
    item = with_site_template(decoded(item, options), options)
    return _outcome(item, options, attempt(item, options) if isinstance(item, Document) else None)


def attempt_chunk(items: list[Item], options: PredictOptions) -> list[tuple[Item, Attempt | None]]:
    """A chunk of items, decoded, in order: each document with its attempt (the chunk's documents
    are classified together, :func:`attempt_many`), every other item with None."""
    items = [with_site_template(decoded(item, options), options) for item in items]
    results = iter(attempt_many([item for item in items if isinstance(item, Document)], options))
    return [(item, next(results) if isinstance(item, Document) else None) for item in items]


def process_chunk(items: list[Item], options: PredictOptions) -> list[Outcome]:
    """The outcomes of a chunk of items, in order; its documents are classified together."""
    return [_outcome(item, options, result) for item, result in attempt_chunk(items, options)]
