"""The shipped models' training set, judged on benchmarks it never saw.

The shipped models learn only from the permissively licensed sources
(``experiments/train_default.sh``), so every page of daniel, cetd and canola is new to them, as
the pages of the product owner's benchmarks are. Leave one source out (``loso_train.py``) trains
each fold on all the other sources, the unlicensed ones included; this script instead scores
HTML bundles trained as the shipped one is (default: the shipped one) on every page of those three
sources and on the sites of the others that every bundle held out as dev sites (none if one
learned from every site), with the shipped decisions at each bundle's threshold, beside
trafilatura and readability-lxml on the same pages in the same run (word F1, mean over pages;
character F1 for unspaced languages). A text bundle scores each page rendered one text node
per line (the ``nodes`` scrape style), against the tools on the page's HTML.

    python experiments/unseen_sources.py models/html-default DIR ...   # ~2 min a bundle, ~4 min the tools
    python experiments/unseen_sources.py models/text-default DIR ...   # text bundles, the same way
    python experiments/unseen_sources.py ... --thresholds 0.4 0.5 0.6   # and each bundle at these thresholds
    python experiments/unseen_sources.py ... --decision thread_ends_article=false   # and with a decision changed
    python experiments/unseen_sources.py ... --tools trafilatura trafilatura/recall   # other tools beside them

Writes ``unseen_sources.json`` and ``.md`` (``--name``) into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

from compare_extractors import systems as extractor_systems  # noqa: E402
from compare_text import DATASETS, RESULTS, timed  # noqa: E402
from loso_decisions import ScoredPage, kept_text, score_outputs, scored_page, scored_text_pages, write_report  # noqa: E402
from tqdm import tqdm  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.decide import DEFAULT_DECISIONS, TEXT_DECISIONS, DecisionConfig  # noqa: E402
from boilersift.labelled.data import is_dev_site, label_record, read_jsonl, site_of  # noqa: E402
from boilersift.model.bundle import default_bundle_path  # noqa: E402

# No shipped model learns from these (their licences; experiments/train_default.sh).
UNSEEN = frozenset({"daniel", "cetd", "canola"})
TOOLS = ("trafilatura", "readability-lxml")


def records_to_score(datasets: Path, splits: list[dict], limit: int | None = None) -> list[dict]:
    """Every page of the UNSEEN sources and the pages of the others on a dev site of every one of
    `splits` (the bundles' manifests'; none if one learned from every site), the first `limit`
    of each file."""
    def held_out(site: str) -> bool:
        return all(is_dev_site(site, s.get("dev_percent", 20), s.get("dev_fold", 0)) for s in splits)

    return [r for path in sorted(datasets.glob("*.jsonl.gz"))
            for r in [r for r in read_jsonl(path) if r.get("source") in UNSEEN or held_out(site_of(r))][:limit]]


def scored_text_page(model: Model, record: dict) -> ScoredPage:
    """One dataset record rendered one text node per line, as the text `model` scores it."""
    return scored_text_pages(model, [(record, label_record(record, "nodes"))])[0]


def f1_among(pages: list, outputs: list[str], unseen: bool) -> float | None:
    """The word F1 of `outputs` (one text per page) over the pages of the UNSEEN sources (`unseen`)
    or over the dev sites' pages (None: no such pages)."""
    chosen = [i for i, p in enumerate(pages) if (p.row["source"] in UNSEEN) == unseen]
    return score_outputs([pages[i] for i in chosen], [outputs[i] for i in chosen])["f1"] if chosen else None


def summaries(pages: list, outputs: list[str]) -> tuple[dict, dict]:
    """:func:`~loso_decisions.score_outputs` of `outputs` over all `pages`, and its word F1 over the
    unseen sources' pages and over the dev sites' pages (:func:`f1_among`)."""
    return score_outputs(pages, outputs), {"unseen_sources": f1_among(pages, outputs, True),
                                           "dev_sites": f1_among(pages, outputs, False)}


def decision_variant(setting: str, config: DecisionConfig) -> DecisionConfig:
    """`config` with one field changed, as FIELD=VALUE (the value read as JSON, else as a string)."""
    field, _, value = setting.partition("=")
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    return dataclasses.replace(config, **{field: parsed})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="*", metavar="DIR",
                        help="HTML or text bundles (default: the shipped HTML one)")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--name", default="unseen_sources", help="stem of the output files")
    parser.add_argument("--no-tools", action="store_true", help="score the bundles only")
    parser.add_argument("--tools", nargs="+", default=list(TOOLS), metavar="NAME",
                        help=f"the tools beside the bundles (compare_extractors' names; default {' '.join(TOOLS)})")
    parser.add_argument("--limit", type=int, help="only the first N pages of each file (smoke run)")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[], metavar="T",
                        help="also each bundle's word F1 on the unseen sources at these thresholds")
    parser.add_argument("--decision", action="append", default=[], metavar="FIELD=VALUE",
                        help="also each bundle with this field of its decisions changed (decide.DecisionConfig); "
                             "repeat for more systems")
    args = parser.parse_args(argv)
    dirs = args.models or [str(default_bundle_path("html"))]
    models = [Model.load(d) for d in dirs]
    records = records_to_score(args.datasets, [m.manifest.get("split", {}) for m in models], args.limit)
    extracted = {}  # system -> (its pages as scored, the text it keeps of each)
    swept = {}  # bundle -> {threshold: word F1 on the unseen sources}
    for directory, model in zip(dirs, models):
        text = model.input_format == "text"
        score, decisions = (scored_text_page, TEXT_DECISIONS) if text else (scored_page, DEFAULT_DECISIONS)
        pages = [score(model, r) for r in tqdm(records, desc=Path(directory).name, unit="page")]
        name = f"boilersift {Path(directory).name}{', nodes' if text else ''}"
        extracted[name] = (pages, [kept_text(p, decisions) for p in pages])
        for setting in args.decision:
            extracted[f"{name}, {setting}"] = (pages, [kept_text(p, decision_variant(setting, decisions))
                                                       for p in pages])
        unseen = [p for p in pages if p.row["source"] in UNSEEN]
        swept[name] = {t: f1_among(unseen, [kept_text(p._replace(threshold=t), decisions) for p in unseen], True)
                       for t in args.thresholds}
    reference = next(iter(extracted.values()))[0]  # the rows and gold the tools are scored against
    tools = {} if args.no_tools else {name: fn for name, fn in extractor_systems(lambda _: models[0], None).items()
                                      if name in args.tools}
    for name, tool in tools.items():  # a page a tool fails on scores as an empty output
        extracted[name] = (reference, [timed(lambda html, r=r: tool(html, r), r["html"])[0] or ""
                                       for r in tqdm(records, desc=name, unit="page")])
    systems, splits = {}, {}
    for name, (pages, outputs) in extracted.items():
        systems[name], splits[name] = summaries(pages, outputs)
    meta = {"command": shlex.join(["python", "experiments/unseen_sources.py", *sys.argv[1:]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(records),
            "models": dirs, "threshold": None, "splits": splits, "thresholds": swept,
            "scored_by": "every page by each of these bundles at its own threshold"}
    rows = "\n".join(f"| {name} | {s['unseen_sources']:.4f} | "
                     f"{'-' if s['dev_sites'] is None else format(s['dev_sites'], '.4f')} | {systems[name]['f1']:.4f} |"
                     for name, s in splits.items())
    footer = ("\n## Unseen sources and dev sites\n\n"
              f"| system | {', '.join(sorted(UNSEEN))} (every page) | dev sites of the others | all |\n"
              f"|---|---|---|---|\n{rows}\n")
    if args.thresholds:
        footer += ("\n## The bundles on the unseen sources at other thresholds\n\n"
                   f"| bundle | {' | '.join(map(str, args.thresholds))} |\n|---|{'---|' * len(args.thresholds)}\n"
                   + "".join(f"| {name} | {' | '.join(f'{f1:.4f}' for f1 in by.values())} |\n"
                             for name, by in swept.items()))
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, args.name,
                       "The shipped training set on benchmarks it never saw", footer)[:3000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
