"""`--favor precision / recall`, leave one source out, beside trafilatura's own two options.

Every page of ../shared/datasets/ scored by the HTML model and the text model (one text node per
line) that never saw its source (``loso_train.py`` folds; scores cached as ``loso_decisions.py``
and ``loso_text_decisions.py`` cache them; WCXB's pages typed by a page-type stage fitted on its
other sites, as ``compare_extractors.py`` types them), decided with each `favor` of
:class:`boilersift.decide.DecisionConfig`, and trafilatura with ``favor_precision`` and
``favor_recall`` on the same pages in the same run: word P/R/F1, mean over pages, per source.
Benchmarks draw the line between content and noise in different places; this says how far each
tool's option moves it.

    python experiments/favor.py --loso-models H/html-* --loso-text-models T/text-*

Writes ``favor.json`` and ``favor.md`` (``--name``) into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import trafilatura  # noqa: E402
from compare_text import RESULTS  # noqa: E402
from loso_decisions import kept_text, score_outputs, score_pages, scored_pages_arguments, write_report  # noqa: E402
from loso_kind_threshold import held_out_pages  # noqa: E402
from loso_text_decisions import CACHE as TEXT_CACHE  # noqa: E402
from loso_text_decisions import score_text_pages  # noqa: E402
from tqdm import tqdm  # noqa: E402

from boilersift.decide import DEFAULT_DECISIONS, FAVOR, TEXT_DECISIONS  # noqa: E402
from boilersift.labelled.data import read_jsonl  # noqa: E402

TRAFILATURA = {"balanced": {}, "precision": {"favor_precision": True}, "recall": {"favor_recall": True}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scored_pages_arguments(parser)
    parser.add_argument("--loso-text-models", nargs="+", metavar="DIR", required=True)
    parser.add_argument("--text-cache", type=Path, default=TEXT_CACHE, help="a directory for the text scores")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--name", default="favor", help="stem of the output files")
    args = parser.parse_args(argv)
    html_pages, _ = held_out_pages(score_pages(args.loso_models, args.datasets, args.cache), args.datasets, 0.5)
    text_pages = {p.row["id"]: p._replace(threshold=0.4)
                  for p in score_text_pages(args.loso_text_models, args.datasets, args.text_cache)
                  if p.row["style"] == "nodes"}
    text_pages = [text_pages[p.row["id"]] for p in html_pages]  # the same pages, in the same order
    systems = {}
    for favor in FAVOR:
        systems[f"boilersift/html, {favor}"] = score_outputs(html_pages, [
            kept_text(p, dataclasses.replace(DEFAULT_DECISIONS, favor=favor)) for p in html_pages])
        systems[f"boilersift/text, {favor}"] = score_outputs(text_pages, [
            kept_text(p, dataclasses.replace(TEXT_DECISIONS, favor=favor)) for p in text_pages])
    html = {r["id"]: r["html"] for path in sorted(args.datasets.glob("*.jsonl.gz")) for r in read_jsonl(path)}
    for favor, options in TRAFILATURA.items():
        outputs = [trafilatura.extract(html[p.row["id"]], **options) or ""
                   for p in tqdm(html_pages, desc=f"trafilatura, {favor}", unit="page")]
        systems[f"trafilatura, {favor}"] = score_outputs(html_pages, outputs)
    meta = {"command": shlex.join([Path(sys.executable).as_posix(), *sys.argv]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(html_pages),
            "models": args.loso_models + args.loso_text_models, "threshold": "0.5 (HTML), 0.4 (text)",
            "scored_by": "each scored by the models that never saw its source"}
    rows = ["", "## Word precision and recall per source", "",
            "| source | " + " | ".join(systems) + " |", "|---|" + "---|" * len(systems)]
    for source in systems[next(iter(systems))]["per_source"]:
        rows.append(f"| {source} | " + " | ".join(
            f"{s['per_source'][source]['precision']:.3f} / {s['per_source'][source]['recall']:.3f}"
            for s in systems.values()) + " |")
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, args.name,
                       "Favouring precision or recall, leave one source out", "\n".join(rows) + "\n")[:3000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
