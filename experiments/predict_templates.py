"""`boilersift templates` and `predict --templates` end to end: a crawl split into files, each
file decided alone, by site within the file (``--by-site``), or with the templates gathered
beforehand over all the files (``templates``, then ``predict --templates``).

The pages are predict_by_site.py's (the 2,126 pages the shipped models never learned from, with
the record's ``url`` where the dataset gives one), shuffled (seed 0) into --files JSON Lines
files, as a crawl's files hold pages of many sites in no order: a site's pages then sit in
several files, and ``--by-site``, which looks within one input, finds fewer of them. Each run
goes through the command over all the files (``predict FILES -o out.jsonl --jobs N``), and each
record's ``clean_text`` is scored against the gold with the metric of ../shared/datasets/README.md.
The runs of a model are timed in the same session, one after the other.

Rerun: ``.venv/bin/python experiments/predict_templates.py`` (about 10 minutes); writes
``predict_templates.md/json`` into --output-dir (default experiments/results).
"""

from __future__ import annotations

import argparse
import random
import shlex
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from loso_decisions import score_outputs, write_report
from predict_by_site import arguments, boilersift, predict, unseen_pages, write_pages

from boilersift.model.bundle import default_bundle_path
from boilersift.sites import site_of_url


def split(records: list[dict], files: int, directory: Path, input_format: str) -> list[Path]:
    """The records shuffled (seed 0) into `files` JSON Lines files in `directory`."""
    shuffled = random.Random(0).sample(records, len(records))
    paths = [directory / f"{input_format}-{n:02d}.jsonl" for n in range(files)]
    for n, path in enumerate(paths):
        write_pages(shuffled[n::files], path, input_format)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments(parser)
    parser.add_argument("--files", type=int, default=10, help="files the pages are split into (default 10)")
    args = parser.parse_args(argv)
    records, pages = unseen_pages(args)
    systems, seconds = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        out, sites = Path(tmp) / "out.jsonl", Path(tmp) / "sites.npz"
        for input_format in ("text", "html"):
            paths = split(records, args.files, Path(tmp), input_format)
            model = default_bundle_path(input_format).name
            gathered = f"boilersift templates, {model}"
            seconds[gathered] = boilersift("templates", *paths, "-o", sites, "--jobs", args.jobs)
            for run, options in (("each page alone", []), ("--by-site, within each file", ["--by-site"]),
                                 ("--templates of all the files", ["--templates", sites])):
                name = f"boilersift {model}, {run}"
                outputs, seconds[name] = predict(paths, out, args.jobs, *options)
                systems[name] = score_outputs(pages, [outputs.get(r["id"], "") for r in records])
    sited = sum(site_of_url(r.get("url")) is not None for r in records)
    meta = {"command": shlex.join(["python", "experiments/predict_templates.py", *sys.argv[1:]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(records),
            "pages_with_url": sited, "files": args.files,
            "models": [str(default_bundle_path(f)) for f in ("text", "html")], "jobs": args.jobs,
            "seconds": seconds, "threshold": None,
            "scored_by": "predict's clean_text of every page, the shipped models at their thresholds"}

    def row(name: str, s: float) -> str:
        model = name.split(", ")[1] if name.startswith("boilersift templates") else name.split(", ")[0]
        alone = seconds[f"boilersift {model.removeprefix('boilersift ')}, each page alone"]
        f1 = f"{systems[name]['f1']:.4f}" if name in systems else ""
        return f"| {name} | {f1} | {s:.0f} | {s / alone:.2f} |"

    footer = (f"\n## Time, the same session ({len(records)} pages in {args.files} files, {sited} with a URL; "
              f"--jobs {args.jobs})\n\n| run | word F1 | seconds | against each page alone |\n|---|---|---|---|\n"
              + "\n".join(row(name, s) for name, s in seconds.items()) + "\n")
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, "predict_templates",
                       "A crawl in several files: each file by site, or the templates of all of them", footer)[:3000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
