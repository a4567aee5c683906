"""The batch runner in process: order, and a worker process that dies."""

import os
from pathlib import Path

from boilersift import batch
from boilersift.documents import Document, SourceEnd
from boilersift.inputs import Source
from boilersift.options import PredictOptions
from boilersift.worker import process_chunk

from test_cli import GOOD_TEXT


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


def test_a_dead_worker_fails_only_its_chunk(default_model, monkeypatch):
    monkeypatch.setattr(batch, "process_chunk", crashing_chunk)
    results = list(batch.outcomes(items(10, crash_at=5), PredictOptions(), jobs=2))
    docs = [o for o in results if o.end is None]
    assert [o.id for o in docs] == [f"doc{i}" if i != 5 else "crash" for i in range(10)]  # order kept
    assert len([o for o in results if o.end is not None]) == 10  # every input still ends
    failed = [o.id for o in docs if o.error]
    assert "crash" in failed and len(failed) <= batch.CHUNK_SIZE // 2  # one chunk: 2 documents, 2 ends
    assert all("worker process died" in o.error for o in docs if o.error)
    assert all(o.text for o in docs if not o.error)


def test_html_inputs_switch_to_the_html_bundle_once_it_exists(tmp_path, monkeypatch):
    from boilersift import worker

    bundles = {"text": tmp_path / "text-default", "html": tmp_path / "html-default"}
    monkeypatch.setattr(worker, "default_bundle_path", lambda input_format="text": bundles[input_format])
    assert worker.bundle_for("html") == bundles["text"]  # no HTML model yet: the text model's classify_html
    bundles["html"].mkdir()
    (bundles["html"] / "manifest.json").write_text("{}", encoding="utf-8")
    assert worker.bundle_for("html") == bundles["html"]
    assert worker.bundle_for("text") == bundles["text"]
    assert worker.bundle_for("html", "mine") == worker.bundle_for("text", "mine") == Path("mine")
