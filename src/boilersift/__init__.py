"""boilersift: a machine-learning boilerplate classifier for web scrapes.

The flow, one folder or module per stage (pipeline.py chains them)::

    page --blocks/--> blocks --features/--> feature matrix --model/--> probabilities
         --decide.py--> labels --output/--> content text / markdown / jsonl / tsv

runner/ runs that over files, directories, WARC crawls, record files and datasets, on
all cores or Dask; labelled/, evaluation/ and training/ are imported only to label,
evaluate and train; cli.py is the command on top.

Python API::

    from boilersift import Model
    model = Model.load()                  # the shipped default bundle
    content = model.extract(scrape_text)  # content lines as text
    for r in model.classify(scrape_text): # every line with probability and label
        print(r.label, round(r.probability, 2), r.text)
    html_model = Model.load(input_format="html")
    html_model.classify_html(page_bytes)  # every block, with its tag and path

Many documents as `predict` reads them (one PageResult each, failures included)::

    from boilersift import classify_many, classify_warc, classify_jsonl, classify_dataset
    for page in classify_warc("crawl.warc.gz", html_model):
        print(page.meta["url"], page.error or page.text)

The sites' templates of a crawl in many files, gathered once (``boilersift templates``)::

    table = gather_templates(["crawl/"], html_model)
    save_templates(table, "sites.npz")   # for predict --templates; load_templates reads it back
    classify_warc("crawl/part-0001.warc.gz", html_model, templates=table)
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Imported on first use, so `import boilersift` and `boilersift --help` stay cheap.
_LAZY = {"Block": "blocks.text", "segment_lines": "blocks.text", "segment_text": "blocks.text",
         "segment_html": "blocks.html", "BoilersiftError": "errors", "LineResult": "pipeline",
         "ExplainedLine": "pipeline", "Model": "pipeline", "PageResult": "runner.classify",
         "classify_many": "runner.classify", "classify_warc": "runner.classify",
         "classify_jsonl": "runner.classify", "classify_dataset": "runner.hf",
         "gather_templates": "runner.classify", "save_templates": "runner.templates",
         "load_templates": "runner.templates", "TemplateTable": "sites"}

__all__ = [*_LAZY, "__version__"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
