"""A datatrove pipeline step that keeps the content of HTML pages with boilersift's HTML model,
where a pipeline has datatrove's ``Trafilatura`` extractor::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from boilersift.integrations.datatrove import BoilersiftExtractor

    LocalPipelineExecutor([WarcReader("crawl/"), BoilersiftExtractor(), JsonlWriter("out/")],
                          tasks=4, logging_dir="logs/").run()

Documents come in with their HTML as `text` and go out with the content lines instead (or the
content as Markdown, for retrieval: ``BoilersiftExtractor(output_format="markdown")``), the
verdict counted in ``document.metadata``; a page that cannot be classified, or keeps nothing,
is dropped and counted by reason in the step's stats. Classification is
:func:`boilersift.classify_many`, as ``boilersift predict`` does it (8 pages per model call, the
same results); the model is loaded once per worker process.
"""

from __future__ import annotations

from collections.abc import Iterator

try:
    from datatrove.data import DocumentsPipeline
    from datatrove.pipeline.extractors.base import BaseExtractor
    from datatrove.utils.logging import logger
    from datatrove.utils.typeshelper import StatHints
except ImportError as exc:
    raise ImportError("boilersift.integrations.datatrove needs datatrove: pip install 'boilersift[datatrove]'") \
        from exc

from ..errors import InputError
from ..pipeline import Model
from ..runner.batch import chunks
from ..runner.classify import PageResult, classify_many
from ..runner.limits import Limits
from ..runner.worker import bundle_for, cached_model

NO_CONTENT = "no_content"  # the page was classified, and no block of it is content
OUTPUT_FORMATS = ("text", "markdown")  # what a document's `text` becomes: the content lines, or Markdown


class BoilersiftExtractor(BaseExtractor):
    """Replace each document's HTML (`text`) by its content lines, or with ``output_format="markdown"``
    by its content as Markdown (headings, lists, tables, code; with `markdown_links`, links as
    [text](href)), as ``predict --output-format markdown`` writes it. `model` is a bundle directory
    (None: the shipped HTML model); `timeout` is each page's time budget in seconds (SIGALRM in a
    worker's main thread, else checked between stages); `threshold` overrides the model's.
    Metadata added: ``boilersift_blocks`` and ``boilersift_kept`` (blocks seen and kept), and
    with `block_labels` ``boilersift_labels`` (1 content, 0 noise, for every block). The model
    has no page type to report. Stats: ``forwarded``, ``dropped`` and ``dropped_<reason>`` with
    reason ``input`` (empty, no text, over a size limit), ``timeout``, ``error`` (a failure while
    classifying) or ``no_content``. `templates`, a file of ``boilersift templates``, drops each
    page's site's template (the site: the host of ``metadata["url"]``), as ``predict --templates``."""

    name = "🧹 boilersift"

    def __init__(self, model: str | None = None, timeout: float = 5.0, threshold: float | None = None,
                 block_labels: bool = False, templates: str | None = None, output_format: str = "text",
                 markdown_links: bool = False) -> None:
        super().__init__(timeout)
        if output_format not in OUTPUT_FORMATS:
            raise ValueError(f"output_format={output_format!r}: choose from {', '.join(OUTPUT_FORMATS)}")
        if markdown_links and output_format != "markdown":
            raise ValueError('markdown_links keeps links in Markdown: use output_format="markdown"')
        self.model, self.threshold, self.block_labels, self.templates = model, threshold, block_labels, templates
        self.output_format, self.markdown_links = output_format, markdown_links
        self._warned: set[str] = set()

    def _model(self) -> Model:
        """The HTML model, loaded once per worker process: the step travels to the workers
        pickled, so it holds no model itself."""
        return cached_model(bundle_for("html", self.model))

    def _classify(self, pages: list[tuple[str, str, str | None]]) -> Iterator[PageResult]:
        return classify_many(pages, self._model(), input_format="html", threshold=self.threshold,
                             limits=Limits(time_limit=self.timeout), templates=self.templates)

    def _content(self, page: PageResult) -> str:
        """A classified page's content in the output format."""
        return page.markdown(self.markdown_links) if self.output_format == "markdown" else page.text

    def extract(self, text: str) -> str:
        """The content of one HTML page (datatrove's extractor interface; :meth:`run` classifies
        a chunk of pages per model call)."""
        (page,) = self._classify([("<html>", text, None)])
        if page.problem is not None:
            raise InputError(page.problem.id, page.problem.problem)
        return self._content(page)

    def _drop(self, reason: str, message: str) -> None:
        self.stat_update(StatHints.dropped, f"dropped_{reason}")
        if reason not in self._warned:  # the first of each kind; the stats count them all
            self._warned.add(reason)
            logger.warning(f"boilersift dropped {message} (further '{reason}' drops are only counted)")

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        self._model()  # loaded before the first document: a broken bundle stops the task at once
        for chunk in chunks(data):
            with self.track_time(unit="chunk"):
                pages = list(self._classify([(doc.id, doc.text, doc.metadata.get("url")) for doc in chunk]))
            for doc, page in zip(chunk, pages):
                self.stat_update(StatHints.total)
                if page.problem is not None:
                    self._drop(page.problem.kind, page.problem.message)
                    continue
                kept = [line.is_content for line in page.lines]
                doc.metadata.update(boilersift_blocks=len(kept), boilersift_kept=sum(kept))
                if page.page_type:
                    doc.metadata["boilersift_page_type"] = page.page_type
                if self.block_labels:
                    doc.metadata["boilersift_labels"] = [int(k) for k in kept]
                content = self._content(page) if any(kept) else ""
                if not content:  # in Markdown also: only blocks of a table that is dropped whole
                    self._drop(NO_CONTENT, f"{doc.id}: no block is content")
                    continue
                doc.text = content
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc
