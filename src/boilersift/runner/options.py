"""The settings of a predict run, shared by the reader, the workers and the sinks."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..decide import DEFAULT_DECISIONS
from .limits import Limits

if TYPE_CHECKING:
    from ..pipeline import Model
    from ..sites import TemplateTable

INPUT_FORMATS = ("auto", "text", "markdown", "html")


@dataclass(frozen=True)
class PredictOptions:
    """Everything a worker needs to classify a document (small, so it pickles cheaply)."""

    # A bundle directory; None: the shipped default for the input format. The Python API may pass
    # a loaded Model instead (boilersift.runner.classify): it then runs in the caller's process.
    model: str | Model | None = None
    threshold: float | None = None
    input_format: str = "auto"  # auto: by extension (.html/.htm), WARC record type, record field
    field: str | None = None  # the record field with the page; None: "text" if present, else "html"
    encoding: str | None = None  # None: BOM, else UTF-8 (text); BOM/HTTP/<meta>/UTF-8/cp1252 (HTML)
    output_format: str | None = None  # None: text for files, jsonl for records
    named: bool = False  # name the source in outputs (several inputs into one stream)
    explain: int = 0  # add each line's K strongest reasons (jsonl/tsv); 0: none
    markdown_links: bool = False  # markdown output: links as [text](href); else their text
    comments: str = DEFAULT_DECISIONS.comments  # comment threads: dropped under an article, or as decide.COMMENTS
    bylines: str = DEFAULT_DECISIONS.bylines  # byline and date lines: the model's, or as decide.BYLINES
    favor: str = DEFAULT_DECISIONS.favor  # the threshold as the model's, or moved for precision / recall (decide.FAVOR)
    by_site: bool = False  # decide the pages of a site in one record input together (boilersift.sites)
    # The sites' templates gathered beforehand (boilersift templates): a file, or from Python a loaded table.
    templates: str | TemplateTable | None = None
    limits: Limits = dataclasses.field(default_factory=Limits)
    debug: bool = False  # tracebacks in error messages

    def choices(self) -> dict[str, str]:
        """The decisions the user chose, as fields of :class:`~boilersift.decide.DecisionConfig`."""
        return {"comments": self.comments, "bylines": self.bylines, "favor": self.favor}

    def format_of(self, name: str) -> str:
        """The format of one document: as asked, or for "auto" what the `name` of its input's kind,
        record field or dataset column says: "html" (an .html/.htm file, a WARC response, a
        record's 'html' field), "markdown" (an .md file, a record's 'markdown' field), else "text"."""
        if self.input_format != "auto":
            return self.input_format
        return name if name in ("html", "markdown") else "text"

    def format_for(self, is_record: bool) -> str:
        """The output format of a document: as asked, else jsonl for records, text for files."""
        return self.output_format or ("jsonl" if is_record else "text")
