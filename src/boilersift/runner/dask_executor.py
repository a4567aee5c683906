"""Predict over many input files on a Dask cluster: one task per input.

Each task runs the same pipeline as the local batch (documents -> classify ->
an atomic output file) for one input on a worker, which must see the input and
output paths (shared storage), and returns its counts and errors; the client
writes the errors file. Models are cached per worker process, so a worker loads
the model once. The time budget is checked between stages (Dask runs tasks in
threads, where SIGALRM is not available).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem
from .batch import Summary, run_batch
from .options import PredictOptions
from .sinks import DirectorySink, ErrorLog
from .sources import Source, expand_inputs


def _run_source(source: Source, out_dir: str, options: PredictOptions) -> tuple[Summary, list[tuple[str, Problem]]]:
    """Runs on a worker: one input into its output file; its counts and its failures, (input, problem)."""
    with ErrorLog(None, collect=True) as errors, DirectorySink(out_dir, options) as sink:
        summary = run_batch([source], options, sink, errors)
    return summary, errors.collected


def predict_on_dask(client, inputs: list[str], out_dir: str | Path, options: PredictOptions,
                    errors: ErrorLog, resume: bool = False) -> Summary:
    """Classify every input on the cluster of `client` (a ``dask.distributed.Client``),
    one output per input in `out_dir`; failures go to `errors`."""
    from dask.distributed import as_completed

    sink = DirectorySink(out_dir, options)  # names the outputs, finds collisions and finished inputs
    summary, futures, taken = Summary(), [], {}
    for source in expand_inputs(inputs, exclude=out_dir):
        if isinstance(source, InputError):
            errors.add(source.input, Problem(source.input, source.problem))
            summary.failed += 1
        elif resume and sink.skip(source):
            summary.resumed += 1
            errors.carry_over(source)
        elif taken.setdefault(sink.target(source), source.path) != source.path:
            errors.add(source.path, Problem(source.path, f"output {sink.target(source)} is already taken by "
                                                         f"{taken[sink.target(source)]} (same name, other "
                                                         "extension); skipped"))
            summary.failed += 1
        else:
            futures.append(client.submit(_run_source, source, str(out_dir), options, pure=False))
    for future in as_completed(futures):
        part, failures = future.result()
        summary = summary + part
        for input, problem in failures:
            errors.add(input, problem)
    return summary
