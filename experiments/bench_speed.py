"""Predict speed next to trafilatura and resiliparse: in process, one core, the same pages.

What is measured: a seeded sample of ``--pages`` (300) pages of ../shared/datasets/ from the
HTML model's dev sites (held out by site; the sources no shipped model learns from are held
out whole), HTML parsing included for every system:

* ``boilersift/html, 1 page per call``: ``Model.verdicts`` on one page's blocks (segmenting
  included), as the Python API classifies a page;
* ``boilersift/html, 8 pages per call``: the same on chunks of 8 pages, as ``predict`` runs;
* ``trafilatura`` (``extract``, defaults) and ``trafilatura fast`` (``fast=True``, no
  fallback extractors);
* ``resiliparse`` (``extract_plain_text(main_content=True)``);
* ``boilersift/text, 8 pages per call``: the text model on the pages rendered one text node
  per line (rendered before timing), reported in lines per second;
* the two boilersift systems at 8 pages per call again ``without compiled code``, as an
  install without a C compiler predicts (``boilersift.compiled.loops`` unset, the HTML
  segmenter run from its source, its parse events through lxml's parser target).

The systems take turns: every round runs each system over all pages, in a rotated order, and
each system's figure is the median over ``--rounds`` (3) rounds of its time per page, so that
load on the (shared) machine falls on all alike. Ratios are to trafilatura's median.

    python experiments/bench_speed.py                     # about 3 minutes
    python experiments/bench_speed.py --pages 40 --rounds 1 --output-dir /tmp/smoke
    python experiments/bench_speed.py --html-model before=DIR   # another HTML bundle beside the shipped one
    python experiments/bench_speed.py --text-model before=DIR   # another text bundle beside the shipped one

Writes ``bench_speed.json`` and ``bench_speed.md`` into --output-dir (default experiments/results).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one core, before numpy is imported
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

import argparse  # noqa: E402
import random  # noqa: E402
import shlex  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import trafilatura  # noqa: E402
from compare_text import DATASETS, RESULTS, dev_records, save_results  # noqa: E402
from resiliparse.extract.html2text import extract_plain_text  # noqa: E402
from resiliparse.parse.html import HTMLTree  # noqa: E402

from boilersift import Model, compiled  # noqa: E402
from boilersift.blocks import html as html_module  # noqa: E402
from boilersift.blocks.render import render_nodes  # noqa: E402
from boilersift.blocks.text import segment_text  # noqa: E402
from boilersift.errors import InputError  # noqa: E402
from boilersift.runner.batch import CHUNK_SIZE  # noqa: E402


def html_pages(model: Model, pages: list[str], size: int) -> None:
    """`predict`'s work on HTML pages, `size` pages per model call; a page without text is skipped."""
    for start in range(0, len(pages), size):
        blocks = []
        for html in pages[start:start + size]:
            try:
                blocks.append(model.html_blocks(html))
            except InputError:
                blocks.append([])
        model.verdicts(blocks)


def text_pages(model: Model, scrapes: list[str]) -> None:
    for start in range(0, len(scrapes), CHUNK_SIZE):
        model.verdicts([segment_text(text) for text in scrapes[start:start + CHUNK_SIZE]])


def each_page(extract: Callable[[str], object], pages: list[str]) -> None:
    for html in pages:
        try:
            extract(html)
        except Exception:  # noqa: BLE001 - a comparator failing on a page still spent its time
            pass


def without_compiled_code(run: Callable[[], None]) -> Callable[[], None]:
    """`run` computing in numpy and plain Python, as where the install compiled nothing: no
    compiled loops, and the HTML segmenter run from its source, its parse events through lxml."""
    source = compiled.from_source(html_module)
    source._libxml2 = None
    segment_from_source = source.segment_html

    def uncompiled() -> None:
        loops, compiled.loops = compiled.loops, None
        segment, html_module.segment_html = html_module.segment_html, segment_from_source
        try:
            run()
        finally:
            compiled.loops, html_module.segment_html = loops, segment
    return uncompiled


def resiliparse(html: str) -> str:
    return extract_plain_text(HTMLTree.parse(html), main_content=True)


def systems(html_model: Model, text_model: Model, pages: list[str], scrapes: list[str],
            other_models: dict[str, Model]) -> dict[str, Callable[[], None]]:
    others = {f"boilersift/{model.input_format} {name}, {CHUNK_SIZE} pages per call":
              (lambda m=model: html_pages(m, pages, CHUNK_SIZE) if m.input_format == "html" else text_pages(m, scrapes))
              for name, model in other_models.items()}
    return {
        "boilersift/html, 1 page per call": lambda: html_pages(html_model, pages, 1),
        f"boilersift/html, {CHUNK_SIZE} pages per call": lambda: html_pages(html_model, pages, CHUNK_SIZE),
        "trafilatura": lambda: each_page(trafilatura.extract, pages),
        "trafilatura fast": lambda: each_page(lambda html: trafilatura.extract(html, fast=True), pages),
        "resiliparse": lambda: each_page(resiliparse, pages),
        f"boilersift/text, {CHUNK_SIZE} pages per call": lambda: text_pages(text_model, scrapes),
        f"boilersift/html, {CHUNK_SIZE} pages per call, without compiled code":
            without_compiled_code(lambda: html_pages(html_model, pages, CHUNK_SIZE)),
        f"boilersift/text, {CHUNK_SIZE} pages per call, without compiled code":
            without_compiled_code(lambda: text_pages(text_model, scrapes)),
        **others,
    }


def markdown(report: dict) -> str:
    meta, rows = report["meta"], report["systems"]
    out = ["# Predict speed next to trafilatura and resiliparse", "",
           f"- command: `{meta['command']}`", f"- date: {meta['date']}",
           f"- {meta['pages']} held-out pages (seed {meta['seed']}), {meta['lines']} text lines when rendered "
           f"one text node per line; one core; {meta['rounds']} rounds, systems taking turns; medians",
           f"- load average at the start: {meta['load']}", "",
           "| system | ms/page | pages/s | vs trafilatura (x faster) | per round (ms/page) |", "|---|---|---|---|---|"]
    for name, row in rows.items():
        rounds = ", ".join(f"{ms:.1f}" for ms in row["rounds"])
        out.append(f"| {name} | {row['ms_per_page']:.2f} | {1000 / row['ms_per_page']:.1f} | "
                   f"{row['vs_trafilatura']:.2f} | {rounds} |")
    out += ["", f"Text model: {report['text_lines_per_second']:,.0f} lines/s (8 pages per call; "
            f"{report['text_lines_per_second_numpy']:,.0f} without compiled code)."]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--html-model", action="append", default=[], metavar="NAME=DIR",
                        help="another HTML bundle to time beside the shipped one (repeatable)")
    parser.add_argument("--text-model", action="append", default=[], metavar="NAME=DIR",
                        help="another text bundle to time beside the shipped one (repeatable)")
    args = parser.parse_args(argv)
    other_models = {name: Model.load(path)  # timed as its manifest's format says
                    for name, path in (a.split("=", 1) for a in args.html_model + args.text_model)}
    records = dev_records(args.datasets, 20, None)
    records = random.Random(args.seed).sample(records, min(args.pages, len(records)))
    pages = [r["html"] for r in records]
    scrapes = [render_nodes(html) for html in pages]
    lines = sum(len(segment_text(s)) for s in scrapes)
    html_model, text_model = Model.load(input_format="html"), Model.load()
    runs = systems(html_model, text_model, pages[:2], scrapes[:2], other_models)
    for run in runs.values():  # warm up: imports, caches
        run()
    runs = systems(html_model, text_model, pages, scrapes, other_models)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    times: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for round_ in range(args.rounds):
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            started = time.perf_counter()
            runs[name]()
            times[name].append((time.perf_counter() - started) * 1000 / len(pages))
            print(f"round {round_ + 1}: {name}: {times[name][-1]:.2f} ms/page", file=sys.stderr)
    baseline = statistics.median(times["trafilatura"])
    rows = {name: {"ms_per_page": statistics.median(t), "rounds": t,
                   "vs_trafilatura": baseline / statistics.median(t)} for name, t in times.items()}
    text_ms = rows[f"boilersift/text, {CHUNK_SIZE} pages per call"]["ms_per_page"]
    numpy_ms = rows[f"boilersift/text, {CHUNK_SIZE} pages per call, without compiled code"]["ms_per_page"]
    report = {"meta": {"command": shlex.join([Path(sys.executable).as_posix(), *sys.argv]),
                       "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                       "pages": len(pages), "lines": lines, "seed": args.seed, "rounds": args.rounds,
                       "load": load, "html_model": html_model.manifest.get("model_sha256"),
                       "text_model": text_model.manifest.get("model_sha256"),
                       "other_models": {name: model.manifest.get("model_sha256")
                                        for name, model in other_models.items()},
                       "trafilatura": trafilatura.__version__},
              "systems": rows, "text_lines_per_second": lines / len(pages) / (text_ms / 1000),
              "text_lines_per_second_numpy": lines / len(pages) / (numpy_ms / 1000)}
    save_results(report, args.output_dir, "bench_speed", markdown)
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
