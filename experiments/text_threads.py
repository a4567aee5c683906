"""Comment threads of text scrapes (``features/threads.py``), leave one source out.

Every page of the nine sources, in both scrape styles, scored by the text model that never saw
its source (cached as in ``loso_text_decisions.py``; WCXB's kinds cross-validated by site, as
``train`` would give them), is decided without threads (as before) and with the threads the lines
show under each ``--comments`` choice (word F1, character F1 on unspaced languages, mean over
pages, at one threshold for every model). Then how well the lines find a thread: of the words of
``nodes`` lines found in a thread, the share that the HTML markup puts in a comment-classed element
too, and of the markup's thread words, the share found (lines of three words or more whose text
occurs on one side of the markup only).

    python experiments/text_threads.py --loso-models DIR/text-* --threshold 0.4

Writes ``text_threads.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import re  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from collections import defaultdict  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, RESULTS  # noqa: E402
from loso_decisions import evaluate, page_blocks, write_report  # noqa: E402
from loso_kind_threshold import cross_validated_kinds  # noqa: E402
from loso_text_decisions import CACHE, score_text_pages  # noqa: E402
from tqdm import tqdm  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.cli import DEFAULT_STYLES  # noqa: E402
from boilersift.decide import TEXT_DECISIONS  # noqa: E402
from boilersift.labelled.data import read_jsonl  # noqa: E402
from boilersift.pipeline import comment_threads  # noqa: E402

WORD = re.compile(r"\w+")


def normal(text: str) -> str:
    return " ".join(WORD.findall(text.lower()))


def markup_agreement(pages: list, datasets: Path) -> dict[str, dict[str, float]]:
    """Per source, the share of the words of ``nodes`` lines found in a thread that the HTML
    markup puts in one too ("precision"), and the share of the markup's found ("recall")."""
    model = Model.load(input_format="html")
    records = {r["id"]: r for path in sorted(datasets.glob("*.jsonl.gz")) for r in read_jsonl(path)}
    counts: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(3))  # both, lines only, markup only
    for page in tqdm([p for p in pages if p.row["style"] == "nodes" and p.texts], desc="markup", unit="page"):
        blocks = page_blocks(model, records[page.row["id"]])
        marked = comment_threads(blocks)
        if marked is None:
            continue
        inside = " ".join(normal(b.text) for b, m in zip(blocks, marked) if m)
        outside = " ".join(normal(b.text) for b, m in zip(blocks, marked) if not m)
        for text, found in zip(page.texts, page.in_comments):
            words = normal(text)
            if len(words.split()) < 3 or (words in inside) == (words in outside):
                continue
            counts[page.row["source"]] += len(words.split()) * np.array(
                [found and words in inside, found and words in outside, not found and words in inside])
    counts["all"] = sum(counts.values())
    return {source: {"found_words": int(both + lines), "precision": round(both / max(both + lines, 1), 3),
                     "recall": round(both / max(both + markup, 1), 3)}
            for source, (both, lines, markup) in sorted(counts.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loso-models", nargs="+", required=True, metavar="DIR")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"a directory for the scores (default {CACHE})")
    parser.add_argument("--threshold", type=float, default=0.4, help="for every model (default 0.4, the shipped)")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    kinds, accuracy = cross_validated_kinds(args.datasets / "wcxb_dev.jsonl.gz", input_format="text",
                                            styles=tuple(DEFAULT_STYLES.split(",")))
    # the cached pages come with the threads today's code finds (loso_text_decisions.read_cached)
    threaded = [p._replace(threshold=args.threshold,
                           kind=kinds.get((p.row["id"], p.row["style"])) if p.row["source"] == "wcxb" else p.kind)
                for p in score_text_pages(args.loso_models, args.datasets, args.cache)]
    pages = [p._replace(in_comments=None) for p in threaded]
    systems = {"no threads (before)": evaluate(pages, TEXT_DECISIONS)}
    for choice in ("auto", "exclude", "include", "model"):
        config = dataclasses.replace(TEXT_DECISIONS, comments=choice)
        systems[f"threads, --comments {choice}"] = evaluate(threaded, config)
    agreement = markup_agreement(threaded, args.datasets)
    found = sum(bool(p.in_comments.any()) for p in threaded)
    arguments = argv if argv is not None else sys.argv[1:]
    meta = {"command": shlex.join(["python", "experiments/text_threads.py", *arguments]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(pages),
            "pages_with_a_thread": found, "wcxb_kind_accuracy": round(accuracy, 3),
            "models": args.loso_models, "threshold": args.threshold,
            "scored_by": "in both scrape styles, each scored by the text model that never saw its source"}
    footer = ["", f"Pages with a thread found: {found} of {len(pages)}. WCXB's kinds, cross-validated by site: "
              f"{accuracy:.3f} right.", "",
              "## Threads found in the lines against the HTML markup's (nodes scrapes)", "",
              "| source | words found in a thread | of them in the markup's thread | of the markup's found |",
              "|---|---|---|---|"]
    footer += [f"| {s} | {a['found_words']} | {a['precision']:.3f} | {a['recall']:.3f} |" for s, a in agreement.items()]
    report = {"meta": meta, "systems": systems, "markup_agreement": agreement}
    title = "Comment threads of text scrapes, leave one source out"
    text = write_report(report, args.output_dir, "text_threads", title, "\n".join(footer) + "\n")
    print(text[:5000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
