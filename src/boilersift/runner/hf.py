"""Hugging Face datasets: classify a column of a ``datasets.Dataset``.

:func:`classify_dataset` adds the columns ``clean_text`` (the content lines),
``lines``, ``labels``, ``probabilities``, ``page_type`` (the kind of page, None if the
model does not tell) and ``error`` (None, or why the row could not be classified: no
row is dropped) through ``Dataset.map(batched=True,
num_proc=...)``. Each map process loads the model once (a per-process cache). With
``by_site``, a first map gathers each site's template (``predict --by-site``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InputError, Problem
from ..sites import PageLines, page_templates
from .classify import TemplateSource, api_options
from .documents import Document
from .limits import Limits
from .options import PredictOptions
from .sources import Source
from .worker import attempt_many, site_lines, template_pages, with_site_template

COLUMNS = ("clean_text", "lines", "labels", "probabilities", "page_type", "error")
URL_COLUMN = "url"  # a row's address, whose host is its site (by_site)


def _documents(batch: dict[str, list], indices: list[int], column: str, options: PredictOptions,
               templates: dict[int, frozenset[int]] | None = None) -> list[Document]:
    """The rows of a batch as documents (with their sites' `templates`, by row index), a row's
    ``url`` as their meta, where it has one."""
    input_format = options.format_of(column)
    urls = batch.get(URL_COLUMN) or [None] * len(indices)
    return [with_site_template(Document(f"row {index}", Source(column), input_format,
                                        content if content is not None else "", {URL_COLUMN: url},
                                        template=(templates or {}).get(index)), options)
            for index, content, url in zip(indices, batch[column], urls)]


def _site_lines_batch(batch: dict[str, list], indices: list[int], column: str,
                      options: PredictOptions) -> dict[str, list]:
    """The first map of ``by_site``: each row's site, and the keys that tell its lines and copies."""
    found = [site_lines(doc, options) for doc in _documents(batch, indices, column, options)]
    return {"site": [f[1] if f else None for f in found], "copy": [f[2].copy if f else None for f in found],
            "line_keys": [f[2].lines.tolist() if f else [] for f in found]}


def _classify_batch(batch: dict[str, list], indices: list[int], column: str, options: PredictOptions,
                    templates: dict[int, frozenset[int]] | None = None) -> dict[str, list]:
    out: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for result in attempt_many(_documents(batch, indices, column, options, templates), options):
        failed = isinstance(result, Problem)
        results = [] if failed else result.lines
        out["error"].append(result.message if failed else None)
        out["page_type"].append(None if failed else result.page_type)
        out["clean_text"].append("\n".join(r.text for r in results if r.is_content))
        out["lines"].append([r.text for r in results])
        out["labels"].append([r.label for r in results])
        out["probabilities"].append([float(r.probability) for r in results])
    return out


def _site_templates(dataset, column: str, options: PredictOptions, num_proc: int | None,
                    batch_size: int) -> dict[int, frozenset[int]]:
    """The template of each row's site, by row index (rows whose site has none left out)."""
    from datasets import Features, List, Value

    features = Features({"site": Value("string"), "copy": Value("int64"), "line_keys": List(Value("int64"))})
    found = dataset.map(_site_lines_batch, batched=True, batch_size=batch_size, num_proc=num_proc,
                        with_indices=True, fn_kwargs={"column": column, "options": options},
                        remove_columns=dataset.column_names, features=features, desc="boilersift: sites")
    rows = ((index, row["site"], PageLines(row["copy"], np.array(row["line_keys"], dtype=np.int64)))
            for index, row in enumerate(found) if row["site"] is not None)
    return page_templates(rows, template_pages(options))


def classify_dataset(dataset, column: str = "text", model: str | None = None, threshold: float | None = None,
                     input_format: str = "auto", num_proc: int | None = None, batch_size: int = 64,
                     limits: Limits | None = None, by_site: bool = False, templates: TemplateSource = None):
    """The dataset with the classification columns added (see the module docstring).
    `column` holds the text scrape or, with ``column="html"`` or ``input_format="html"``,
    the HTML page (``"markdown"`` either way: a Markdown scrape). With `by_site`, the rows of a
    site (the host of their ``url``) lose what two or more of them hold, as ``predict --by-site``
    (:mod:`boilersift.sites`); given `templates` instead (:func:`~.classify.gather_templates`, or
    its file), what those say."""
    from datasets import List, Value

    options = api_options(model, threshold, input_format, column, None, limits, 0, by_site, templates)
    if (by_site or templates is not None) and URL_COLUMN not in dataset.column_names:
        raise InputError("by_site=True" if by_site else "templates",
                         f"the dataset has no {URL_COLUMN!r} column to tell each row's site")
    by_index = _site_templates(dataset, column, options, num_proc, batch_size) if by_site else None
    features = dataset.features.copy()
    features.update({"clean_text": Value("string"), "lines": List(Value("string")),  # typed, so a batch
                     "labels": List(Value("string")), "probabilities": List(Value("float32")),  # of only None fits
                     "page_type": Value("string"), "error": Value("string")})
    return dataset.map(_classify_batch, batched=True, batch_size=batch_size, num_proc=num_proc,
                       with_indices=True, fn_kwargs={"column": column, "options": options, "templates": by_index},
                       features=features, desc="boilersift")
