"""`boilersift predict --by-site` end to end: the shipped models on the pages they never learned
from, each page's site decided together or each page alone, and what the first pass costs.

The pages are those of unseen_sources.py (every page of the sources the shipped training set
leaves out, and the dev-site pages of the others). They go into one JSON Lines file per model
in dataset order, with the record's ``url`` where the dataset gives one (the site of a page
without one is not known: it is decided alone): the HTML page for the HTML model, and for the
text model the page rendered one text node per line. Each file runs through the command,
``predict pages.jsonl -o out.jsonl --jobs N``, with and without ``--by-site``, and each record's
``clean_text`` is scored against the gold with the metric of ../shared/datasets/README.md. The
two runs of a model are timed in the same session, one after the other: their ratio is the cost
of reading each input twice. loso_site_repeats.py measures the same rule on cached scores.

Rerun: ``.venv/bin/python experiments/predict_by_site.py`` (about 15 minutes); writes
``predict_by_site.md/json`` into --output-dir (default experiments/results).
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

from compare_text import DATASETS, RESULTS
from loso_decisions import score_outputs, write_report
from unseen_sources import records_to_score

from boilersift.blocks.page import page_blocks
from boilersift.model.bundle import default_bundle_path
from boilersift.sites import site_of_url

FIELDS = ("id", "source", "page_type", "lang", "url")


def write_pages(records: list[dict], path: Path, input_format: str) -> None:
    """The pages as JSON Lines records: the HTML, or the page one text node per line."""
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            page = record["html"] if input_format == "html" else \
                "\n".join(b.text for b in page_blocks(record["html"], "nodes"))
            fields = {k: record[k] for k in FIELDS if record.get(k)}
            handle.write(json.dumps({**fields, input_format: page}, ensure_ascii=False) + "\n")


def boilersift(*args: object) -> float:
    """Run the command; its wall time in seconds."""
    command = [sys.executable, "-m", "boilersift.cli", *map(str, args), "--no-progress"]
    start = time.perf_counter()
    if subprocess.run(command).returncode not in (0, 1):  # 1: some pages failed, listed on stderr
        raise SystemExit(f"boilersift failed: {shlex.join(command)}")
    return time.perf_counter() - start


def predict(pages: Path | list[Path], out: Path, jobs: int, *options: object) -> tuple[dict[str, str], float]:
    """Each record's clean_text from ``boilersift predict`` of `pages` (one file or several) with
    `options`, by id (a page that fails has none), and the run's wall time in seconds."""
    seconds = boilersift("predict", *(pages if isinstance(pages, list) else [pages]), "-o", out, "--jobs", jobs,
                         *options)
    with out.open(encoding="utf-8") as handle:
        return {r["id"]: r["clean_text"] for r in map(json.loads, handle)}, seconds


def arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a script that runs the command on the unseen pages."""
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--jobs", type=int, default=2, help="predict --jobs (default 2)")
    parser.add_argument("--limit", type=int, help="only the first N pages of each source (smoke run)")


def unseen_pages(args: argparse.Namespace) -> tuple[list[dict], list[SimpleNamespace]]:
    """The records of the unseen pages, and each as the page that score_outputs scores."""
    records = records_to_score(args.datasets, 20, args.limit)
    return records, [SimpleNamespace(row={k: r.get(k) or "unknown" for k in FIELDS}, gold=r.get("gold") or "",
                                     texts=[r["html"]]) for r in records]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments(parser)
    args = parser.parse_args(argv)
    records, pages = unseen_pages(args)
    systems, seconds = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for input_format in ("text", "html"):
            path = Path(tmp) / f"{input_format}.jsonl"
            write_pages(records, path, input_format)
            for by_site in (False, True):
                name = f"boilersift {default_bundle_path(input_format).name}" + (", by site" if by_site else "")
                outputs, seconds[name] = predict(path, Path(tmp) / "out.jsonl", args.jobs,
                                                 *(["--by-site"] if by_site else []))
                systems[name] = score_outputs(pages, [outputs.get(r["id"], "") for r in records])
    sited = sum(site_of_url(r.get("url")) is not None for r in records)
    meta = {"command": shlex.join(["python", "experiments/predict_by_site.py", *sys.argv[1:]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(records),
            "pages_with_url": sited,
            "models": [str(default_bundle_path(f)) for f in ("text", "html")], "jobs": args.jobs,
            "seconds": seconds, "threshold": None,
            "scored_by": "predict's clean_text of every page, the shipped models at their thresholds"}
    rows = "\n".join(f"| {name} | {systems[name]['f1']:.4f} | {s:.0f} | "
                     f"{s / seconds[name.removesuffix(', by site')]:.2f} |" for name, s in seconds.items())
    footer = (f"\n## Time, the same session ({len(records)} pages, {sited} with a URL; --jobs {args.jobs})\n\n"
              "| run | word F1 | seconds | against the same model page by page |\n|---|---|---|---|\n"
              f"{rows}\n")
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, "predict_by_site",
                       "predict --by-site on the pages the shipped models never learned from", footer)[:3000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
