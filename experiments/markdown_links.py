"""The all-link decision on Markdown scrapes, leave one source out.

A Markdown scrape says which text is linked, and the text model reads none of it:
``DecisionConfig.all_links`` drops, on an article, each block with over ``decide.ALL_LINK`` of its
characters in links (menus, teasers' headlines, "Related" lists), the "all link" signal an HTML
model reads in the markup. Every page of ../shared/datasets/ is converted to Markdown as crawlers
for language models give it (html2text without wrapping, markdownify) and read by the text model
that never saw its source (``experiments/loso_train.py --input-format text``), with the shipped
decisions and with ``all_links`` off: word F1 (character F1 on zh, ja, th), mean over pages,
overall and per source, page type and language. WCXB's model has no page-type stage (no other
source names its kinds of page), so a WCXB page gets its kind from a stage fitted on the text
scrapes of WCXB's other sites, as in ``loso_text_decisions.py``, read off its Markdown's blocks.

    python experiments/markdown_links.py --loso-models DIR/text-* [--limit N]

Writes ``markdown_links.json`` and ``.md`` (``--name``) into --output-dir.
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

from compare_text import DATASETS, RESULTS, page_row  # noqa: E402
from loso_decisions import score_outputs, write_report  # noqa: E402
from loso_kind_threshold import site_fold_page_types  # noqa: E402
from text_renderings import RENDERINGS, Page  # noqa: E402
from tqdm import tqdm  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.blocks.markdown import read_markdown  # noqa: E402
from boilersift.labelled.data import read_jsonl  # noqa: E402
from boilersift.model.stages import page_kinds  # noqa: E402
from boilersift.pipeline import markup_links  # noqa: E402

MARKDOWN = ("Markdown, html2text, no wrap", "Markdown, markdownify")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loso-models", nargs="+", required=True, metavar="DIR",
                        help="text bundles trained with --dev-source, one per source")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--limit", type=int, help="only the first N pages of each source (smoke run)")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--name", default="markdown_links", help="stem of the output files")
    args = parser.parse_args(argv)
    models = {}
    for directory in args.loso_models:
        model = Model.load(directory, "text")
        models[model.manifest["split"]["dev_source"]] = model
    records = [record for path in sorted(args.datasets.glob("*.jsonl.gz"))
               for n, record in enumerate(read_jsonl(path))
               if record.get("source") in models and (args.limit is None or n < args.limit)]
    wcxb = args.datasets / "wcxb_dev.jsonl.gz"
    stages = site_fold_page_types(wcxb, input_format="text", styles=("nodes",))[0] \
        if "wcxb" in models and wcxb.exists() else {}
    systems = {}
    for rendering in MARKDOWN:
        pages, outputs = [], {True: [], False: []}
        for record in tqdm(records, desc=rendering, unit="page"):
            text = RENDERINGS[rendering](record["html"])
            pages.append(Page(page_row(record), record.get("gold") or "", [t for t in text.split("\n") if t.strip()]))
            model, (blocks, markup) = models[record["source"]], read_markdown(text)
            [scores], [kind] = model.score_and_type_pages([blocks])
            stage = stages.get(f"{record['id']}#nodes")
            if stage is not None and blocks:
                [kind] = page_kinds(stage, blocks, "text")
            shipped, links = model.decisions, markup_links(blocks, markup)
            for all_links in (True, False):
                model.decisions = dataclasses.replace(shipped, all_links=all_links)
                keep = model.decide(blocks, scores, kind=kind, links=links).keep
                outputs[all_links].append("\n".join(b.text for b, k in zip(blocks, keep) if k))
            model.decisions = shipped
        for all_links in (False, True):
            systems[f"{rendering}, all-link blocks {'dropped' if all_links else 'left to the model'}"] = \
                score_outputs(pages, outputs[all_links])
    meta = {"command": shlex.join(["python", "experiments/markdown_links.py", *sys.argv[1:]]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(records),
            "models": args.loso_models, "threshold": "each model its own",
            "scored_by": "each converted to Markdown and read by the text model that never saw its source"}
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, args.name,
                       "All-link blocks of Markdown scrapes, leave one source out")[:2000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
