"""The shipped models' training set, judged on benchmarks it never saw.

The shipped models learn only from the permissively licensed sources
(``experiments/train_default.sh``), so every page of daniel, cetd and canola is new to them, as
the pages of the product owner's benchmarks are. Leave one source out (``loso_train.py``) trains
each fold on all the other sources, the unlicensed ones included; this script instead scores
HTML bundles trained as the shipped one is (default: the shipped one) on every page of those three
sources and on the dev sites of the others, with the shipped decisions at each bundle's threshold,
beside trafilatura and readability-lxml on the same pages in the same run (word F1, mean over
pages; character F1 for unspaced languages).

    python experiments/unseen_sources.py models/html-default DIR ...   # ~2 min a bundle, ~4 min the tools

Writes ``unseen_sources.json`` and ``.md`` (``--name``) into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

from compare_extractors import systems as extractor_systems  # noqa: E402
from compare_text import DATASETS, RESULTS  # noqa: E402
from loso_decisions import evaluate, score_outputs, scored_page, write_report  # noqa: E402
from tqdm import tqdm  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.decide import DEFAULT_DECISIONS  # noqa: E402
from boilersift.labelled.data import is_dev_site, read_jsonl, site_of  # noqa: E402
from boilersift.model.bundle import default_bundle_path  # noqa: E402

# No shipped model learns from these (their licences; experiments/train_default.sh).
UNSEEN = frozenset({"daniel", "cetd", "canola"})
TOOLS = ("trafilatura", "readability-lxml")


def records_to_score(datasets: Path, dev_percent: int, limit: int | None = None) -> list[dict]:
    """Every page of the UNSEEN sources and the dev-site pages of the others (the first `limit`
    of each file)."""
    return [r for path in sorted(datasets.glob("*.jsonl.gz"))
            for r in [r for r in read_jsonl(path) if r.get("source") in UNSEEN
                      or is_dev_site(site_of(r), dev_percent)][:limit]]


def tool_output(tool, record: dict) -> str:
    """What `tool` extracts from a record's page; nothing if it fails (scored as an empty output)."""
    try:
        return tool(record["html"], record)
    except Exception:  # noqa: BLE001 - a tool's failure on one page is that page's empty output
        return ""


def split_summary(pages: list, summary_of) -> dict:
    """`summary_of` (pages -> summary) over the unseen sources' pages and the dev sites' pages."""
    unseen = [p for p in pages if p.row["source"] in UNSEEN]
    seen = [p for p in pages if p.row["source"] not in UNSEEN]
    return {"unseen_sources": summary_of(unseen)["f1"], "dev_sites": summary_of(seen)["f1"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", metavar="DIR", help="HTML bundles (default: the shipped one)")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--name", default="unseen_sources", help="stem of the output files")
    parser.add_argument("--no-tools", action="store_true", help="score the bundles only")
    parser.add_argument("--limit", type=int, help="only the first N pages of each file (smoke run)")
    args = parser.parse_args(argv)
    dirs = args.models or [str(default_bundle_path("html"))]
    models = [Model.load(d, "html") for d in dirs]
    dev_percents = {int(m.manifest.get("split", {}).get("dev_percent", 20)) for m in models}
    if len(dev_percents) != 1:
        raise SystemExit("the bundles hold out different shares of dev sites; compare bundles of one split")
    records = records_to_score(args.datasets, dev_percents.pop(), args.limit)
    systems, splits, reference = {}, {}, None  # reference: the first bundle's pages (rows, gold)
    for directory, model in zip(dirs, models):
        pages = [scored_page(model, r) for r in tqdm(records, desc=Path(directory).name, unit="page")]
        reference = reference or pages
        name = f"boilersift {Path(directory).name}"
        systems[name] = evaluate(pages, DEFAULT_DECISIONS)
        splits[name] = split_summary(pages, lambda subset: evaluate(subset, DEFAULT_DECISIONS))
    tools = {} if args.no_tools else {name: fn for name, fn in extractor_systems(lambda _: models[0], None).items()
                                      if name in TOOLS}
    for name, tool in tools.items():
        outputs = {p.row["id"]: tool_output(tool, r) for p, r in zip(reference, tqdm(records, desc=name, unit="page"))}
        systems[name] = score_outputs(reference, [outputs[p.row["id"]] for p in reference])
        splits[name] = split_summary(reference, lambda subset: score_outputs(subset, [outputs[p.row["id"]]
                                                                                   for p in subset]))
    meta = {"command": shlex.join(["python", "experiments/unseen_sources.py", *sys.argv[1:]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(records),
            "models": dirs, "threshold": None, "splits": splits,
            "scored_by": "every page by each of these bundles at its own threshold"}
    rows = "\n".join(f"| {name} | {s['unseen_sources']:.4f} | {s['dev_sites']:.4f} | {systems[name]['f1']:.4f} |"
                     for name, s in splits.items())
    footer = ("\n## Unseen sources and dev sites\n\n"
              f"| system | {', '.join(sorted(UNSEEN))} (every page) | dev sites of the others | all |\n"
              f"|---|---|---|---|\n{rows}\n")
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, args.name,
                       "The shipped training set on benchmarks it never saw", footer)[:3000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
