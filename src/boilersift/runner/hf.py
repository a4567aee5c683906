"""Hugging Face datasets: classify a column of a ``datasets.Dataset``.

:func:`classify_dataset` adds the columns ``clean_text`` (the content lines),
``lines``, ``labels``, ``probabilities`` and ``error`` (None, or why the row could
not be classified: no row is dropped) through ``Dataset.map(batched=True,
num_proc=...)``. Each map process loads the model once (a per-process cache).
"""

from __future__ import annotations

from typing import Any

from ..errors import Problem
from .documents import Document
from .limits import Limits
from .options import PredictOptions
from .sources import Source
from .worker import attempt_many

COLUMNS = ("clean_text", "lines", "labels", "probabilities", "error")


def _classify_batch(batch: dict[str, list], indices: list[int], column: str,
                    options: PredictOptions) -> dict[str, list]:
    out: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    input_format = options.format_of(html=column == "html")
    docs = [Document(f"row {index}", Source(column), input_format, content if content is not None else "")
            for index, content in zip(indices, batch[column])]
    for result in attempt_many(docs, options):
        failed = isinstance(result, Problem)
        results = [] if failed else result[0]
        out["error"].append(result.message if failed else None)
        out["clean_text"].append("\n".join(r.text for r in results if r.is_content))
        out["lines"].append([r.text for r in results])
        out["labels"].append([r.label for r in results])
        out["probabilities"].append([float(r.probability) for r in results])
    return out


def classify_dataset(dataset, column: str = "text", model: str | None = None, threshold: float | None = None,
                     input_format: str = "auto", num_proc: int | None = None, batch_size: int = 64,
                     limits: Limits | None = None):
    """The dataset with the classification columns added (see the module docstring).
    `column` holds the text scrape or, with ``column="html"`` or ``input_format="html"``,
    the HTML page."""
    from datasets import List, Value

    options = PredictOptions(model=model, threshold=threshold, input_format=input_format, field=column,
                             limits=limits or Limits())
    features = dataset.features.copy()
    features.update({"clean_text": Value("string"), "lines": List(Value("string")),
                     "labels": List(Value("string")), "probabilities": List(Value("float32")),
                     "error": Value("string")})  # typed, so a batch of only None still fits
    return dataset.map(_classify_batch, batched=True, batch_size=batch_size, num_proc=num_proc,
                       with_indices=True, fn_kwargs={"column": column, "options": options},
                       features=features, desc="boilersift")
