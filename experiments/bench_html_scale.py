"""Does HTML classification stay linear on huge pages?

What is measured: synthetic pages of N blocks (a nav list, then N article
paragraphs with inline links, nested 30 levels deep, about 200 bytes each, so
100,000 blocks is a 20 MB page), classified by the shipped HTML model with
``Model.classify_html`` in a fresh process each: seconds (parsing included),
microseconds per block, and the process's peak RSS. Linear means microseconds
per block stay flat as N grows 100x.

Rerun (about 2 minutes)::

    /work/venv/bin/python experiments/bench_html_scale.py

Writes ``results/html_scale.md``.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
SIZES = (1_000, 10_000, 100_000)


def page(blocks: int) -> str:
    nav = "<nav><ul>" + "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(20)) + "</ul></nav>"
    body = "".join(f"<p>Paragraph {i} of the story, with <a href='/x{i}'>a link</a> and some more words "
                   f"to make it a sentence that reads like prose, then a second clause that goes on about "
                   f"the harbour.</p>" for i in range(blocks))
    return f"<html><body>{nav}{'<div>' * 30}{body}{'</div>' * 30}</body></html>"


def measure(blocks: int) -> dict:
    """Run in a child process, so peak RSS is this page's alone."""
    from boilersift import Model

    model = Model.load(input_format="html")
    html = page(blocks)
    start = time.perf_counter()
    results = model.classify_html(html)
    seconds = time.perf_counter() - start
    return {"blocks": len(results), "mb": round(len(html.encode()) / 1e6, 1), "seconds": round(seconds, 2),
            "us_per_block": round(seconds / len(results) * 1e6, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "content_share": round(sum(r.is_content for r in results) / len(results), 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one)))
        return 0
    rows = []
    for size in SIZES:
        out = subprocess.run([sys.executable, __file__, "--one", str(size)], capture_output=True, text=True,
                             check=True)
        rows.append(json.loads(out.stdout))
        print(rows[-1])
    lines = ["# HTML classification on huge pages (shipped HTML model, one core)", "",
             f"command: `{' '.join([Path(sys.executable).as_posix(), *sys.argv])}`", "",
             "| blocks | page MB | seconds | µs/block | peak RSS MB | content share |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['blocks']:,} | {r['mb']} | {r['seconds']} | {r['us_per_block']} | {r['peak_rss_mb']} | "
              f"{r['content_share']} |" for r in rows]
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "html_scale.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
