"""boilersift: a machine-learning boilerplate classifier for web scrapes.

Data flow, one module per step::

    text scrape --segment--> blocks --features--> feature matrix
    HTML page ----dom------> blocks (with DOM context) --^
        --model--> probabilities --threshold--> labels --output--> content text / markdown / jsonl / tsv

Python API::

    from boilersift import Model
    model = Model.load()                  # the shipped default bundle
    content = model.extract(scrape_text)  # content lines as text
    for r in model.classify(scrape_text): # every line with probability and label
        print(r.label, round(r.probability, 2), r.text)
    html_model = Model.load(input_format="html")
    html_model.classify_html(page_bytes)  # every block, with its tag and path
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Imported on first use, so `boilersift --help` does not pay for scikit-learn.
_LAZY = {"Block": "segment", "segment_lines": "segment", "segment_text": "segment", "segment_html": "dom",
         "BoilersiftError": "errors", "LineResult": "model", "ExplainedLine": "model", "Model": "model"}

__all__ = [*_LAZY, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
