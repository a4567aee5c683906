"""The batch runner in process: order, and a worker process that dies."""

import os
from pathlib import Path

import numpy as np
import pytest
from conftest import GOLD_PAGES_BY_ID, GOOD_TEXT

from boilersift import Model
from boilersift.blocks.text import segment_text
from boilersift.errors import Problem
from boilersift.runner import batch
from boilersift.runner.documents import Document, SourceEnd
from boilersift.runner.options import PredictOptions
from boilersift.runner.sources import Source
from boilersift.runner.worker import attempt, attempt_many, bundle_for, cached_model, process_chunk


def items(n: int, crash_at: int | None = None) -> list:
    out = []
    for i in range(n):
        source = Source(f"doc{i}")
        out += [Document("crash" if i == crash_at else f"doc{i}", source, "text", f"Item {i}.\n\n{GOOD_TEXT}"),
                SourceEnd(source)]
    return out


def crashing_chunk(chunk, options):
    """Like the worker, but the process dies on the document named "crash"."""
    if any(getattr(item, "id", "") == "crash" for item in chunk):
        os._exit(1)
    return process_chunk(chunk, options)


def test_parallel_output_equals_sequential(default_model):
    options = PredictOptions(output_format="jsonl")
    sequential = list(batch.outcomes(items(9), options, jobs=1))
    parallel = list(batch.outcomes(items(9), options, jobs=2))
    assert parallel == sequential
    assert [o.id for o in parallel if o.end is None] == [f"doc{i}" for i in range(9)]


def test_a_dead_worker_fails_only_the_document_that_killed_it(default_model, monkeypatch):
    monkeypatch.setattr(batch, "process_chunk", crashing_chunk)
    results = list(batch.outcomes(items(10, crash_at=5), PredictOptions(), jobs=2))
    docs = [o for o in results if o.end is None]
    assert [o.id for o in docs] == [f"doc{i}" if i != 5 else "crash" for i in range(10)]  # order kept
    assert len([o for o in results if o.end is not None]) == 10  # every input still ends
    failed = [o.id for o in docs if o.error]
    assert failed == ["crash"]
    assert all("worker process died" in o.error.problem and o.error.kind == "error" for o in docs if o.error)
    assert all(o.text for o in docs if not o.error)


def square_or_die(n: int) -> int:
    """n squared; the process dies on 13."""
    if n == 13:
        os._exit(1)
    return n * n


@pytest.mark.parametrize("jobs", [1, 2])
def test_ordered_map_keeps_the_input_order(jobs):
    numbers = [n for n in range(40) if n != 13]
    assert list(batch.ordered_map(square_or_die, numbers, jobs)) == [n * n for n in numbers]


def test_ordered_map_reports_a_dead_worker_instead_of_waiting_for_ever():
    with pytest.raises(batch.BrokenProcessPool):
        list(batch.ordered_map(square_or_die, range(9, 30), jobs=2))


def test_html_inputs_switch_to_the_html_bundle_once_it_exists(tmp_path, monkeypatch):
    from boilersift.runner import worker

    bundles = {"text": tmp_path / "text-default", "html": tmp_path / "html-default"}
    monkeypatch.setattr(worker, "default_bundle_path", lambda input_format="text": bundles[input_format])
    assert worker.bundle_for("html") == bundles["text"]  # no HTML model yet: the text model's classify_html
    bundles["html"].mkdir()
    (bundles["html"] / "manifest.json").write_text("{}", encoding="utf-8")
    assert worker.bundle_for("html") == bundles["html"]
    assert worker.bundle_for("text") == bundles["text"]
    assert worker.bundle_for("html", "mine") == worker.bundle_for("text", "mine") == Path("mine")


def html_pages(n: int) -> list[str]:
    html = GOLD_PAGES_BY_ID["handwritten-en-1"]["html"]
    return [html.replace("<body>", f"<body><p>Page {i} of the batch.</p>", 1) for i in range(n)]


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_pages_classified_together_get_the_probabilities_of_pages_alone(fmt, default_model, default_html_model):
    model = default_html_model if fmt == "html" else default_model
    pages = ([model.html_blocks(html) for html in html_pages(3)] if fmt == "html"
             else [segment_text(f"Item {i}.\n\n{GOOD_TEXT}") for i in range(3)])
    pages.insert(1, [])  # an empty page keeps its place
    together = model.predict_proba_pages(pages)
    assert [len(p) for p in together] == [len(p) for p in pages]
    for page, probabilities in zip(pages, together):
        np.testing.assert_allclose(probabilities, model.predict_proba_blocks(page) if page else [])


def test_a_page_cut_from_the_middle_is_numbered_as_its_own(default_model):
    blocks = segment_text(GOOD_TEXT)
    middle = blocks[2:]
    together = default_model.predict_proba_pages([blocks, middle])
    np.testing.assert_allclose(together[1], default_model.predict_proba_pages([middle])[0])


def test_a_bad_document_in_a_chunk_fails_alone(default_model):
    options = PredictOptions()
    docs = [Document(f"doc{i}", Source(f"doc{i}"), "text", f"Item {i}.\n\n{GOOD_TEXT}") for i in range(3)]
    docs.insert(1, Document("empty", Source("empty"), "text", "   \n"))
    results = attempt_many(docs, options)
    assert results[1] == Problem("empty", "no text to classify", "input")
    others = [i for i in range(len(docs)) if i != 1]
    assert [results[i][0] for i in others] == [attempt(docs[i], options)[0] for i in others]


def test_when_the_shared_call_fails_each_document_is_classified_alone(default_model, monkeypatch):
    docs = [Document(f"doc{i}", Source(f"doc{i}"), "text", f"Item {i}.\n\n{GOOD_TEXT}") for i in range(3)]
    expected = [attempt(d, PredictOptions())[0] for d in docs]

    def only_one_page(self, pages, threshold=None):
        if len(pages) > 1:
            raise MemoryError("too many pages at once")
        return original(self, pages, threshold)

    original = Model.classify_pages
    monkeypatch.setattr(Model, "classify_pages", only_one_page)
    assert [r[0] for r in attempt_many(docs, PredictOptions())] == expected


def test_a_one_line_page_is_never_emptied(default_model):
    (line,) = default_model.classify("Home")
    assert line.probability < default_model.threshold and line.is_content
    (explained,) = default_model.explain("Home")
    assert explained.is_content


def test_a_bundle_is_loaded_once_per_process_for_the_default_choices():
    path = bundle_for("text")
    assert cached_model(path) is cached_model(path, **PredictOptions().choices())
    favored = cached_model(path, favor="recall")
    assert favored is not cached_model(path) and favored.decisions.favor == "recall"
