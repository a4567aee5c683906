"""Where predicting spends its time: a pyinstrument profile of the HTML and text pipelines.

The pages are the HTML quality-gate fixture (tests/fixtures/gate_html.jsonl.gz, real pages
of the datasets) classified as ``predict`` does, 8 pages per model call, on one core, several
rounds; the text model classifies the same pages rendered one text node per line. The profile
(time per function, the call tree cut at 1% of the run), the share of each pipeline stage and the
share spent in Python's cyclic garbage collector (which a sampling profiler charges to whatever
function allocated when a collection started) are written to ``profile_predict.md`` for the next
person who wants it faster.

    python experiments/profile_predict.py [--rounds 5]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from pyinstrument import Profiler  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.blocks.render import render_blocks  # noqa: E402
from boilersift.blocks.text import segment_text  # noqa: E402
from boilersift.runner.batch import CHUNK_SIZE  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GATE_HTML = ROOT / "tests" / "fixtures" / "gate_html.jsonl.gz"
RESULTS = Path(__file__).resolve().parent / "results"


def html_pages() -> list[str]:
    with gzip.open(GATE_HTML, "rt", encoding="utf-8") as handle:
        return [json.loads(line)["html"] for line in handle]


def run_html(model: Model, pages: list[str]) -> None:
    for start in range(0, len(pages), CHUNK_SIZE):
        model.classify_pages([model.html_blocks(html) for html in pages[start:start + CHUNK_SIZE]])


def run_text(model: Model, scrapes: list[str]) -> None:
    for start in range(0, len(scrapes), CHUNK_SIZE):
        model.classify_pages([segment_text(text) for text in scrapes[start:start + CHUNK_SIZE]])


class CollectorTime:
    """Seconds spent in the cyclic garbage collector, per generation (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.collections = [0, 0, 0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self._started
            self.collections[info["generation"]] += 1


def profile(name: str, fn, rounds: int) -> tuple[str, float]:
    fn()  # warm up: caches, first imports
    profiler = Profiler(interval=0.0005)
    collector = CollectorTime()
    gc.callbacks.append(collector)
    started = time.perf_counter()
    profiler.start()
    for _ in range(rounds):
        fn()
    profiler.stop()
    seconds = time.perf_counter() - started
    gc.callbacks.remove(collector)
    text = profiler.output_text(unicode=False, color=False, show_all=False, time="percent_of_total")
    generations = ", ".join(f"generation {g}: {s / seconds:.1%} in {n} collection{'s' * (n != 1)}"
                            for g, (n, s) in enumerate(zip(collector.collections, collector.seconds)))
    return (f"## {name}\n\n{seconds / rounds:.2f} s per round; in the garbage collector "
            f"{sum(collector.seconds) / seconds:.1%} ({generations})\n\n```\n{text}\n```\n", seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--output", type=Path, default=RESULTS / "profile_predict.md")
    args = parser.parse_args(argv)
    pages = html_pages()
    html_model, text_model = Model.load(input_format="html"), Model.load()
    scrapes = [render_blocks(html) for html in pages]
    lines = sum(len(segment_text(s)) for s in scrapes)
    parts = [f"# Where predicting spends its time\n\n{len(pages)} pages of the HTML quality gate "
             f"({lines} text lines when rendered), {CHUNK_SIZE} pages per model call, one core, "
             f"{args.rounds} rounds; `python experiments/profile_predict.py`.\n"]
    html_text, html_seconds = profile("HTML model", lambda: run_html(html_model, pages), args.rounds)
    text_text, text_seconds = profile("text model", lambda: run_text(text_model, scrapes), args.rounds)
    parts += [f"- HTML: {1000 * html_seconds / args.rounds / len(pages):.1f} ms per page",
              f"- text: {lines * args.rounds / text_seconds:,.0f} lines per second\n", html_text, text_text]
    args.output.write_text("\n".join(parts), encoding="utf-8")
    print("\n".join(parts[:3]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
