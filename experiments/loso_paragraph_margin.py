"""A paragraph of running prose cut lower than the threshold (``DecisionConfig.paragraph_margin``),
leave one source out, HTML and text models.

Every page of the nine sources, scored by the model that never saw its source (the HTML folds as in
``loso_kind_threshold.py``, the text folds in both scrape styles as in ``text_threads.py``; WCXB's
kinds cross-validated by site), is decided with each margin, all else as shipped. Then the margin is
chosen on the other eight sources and scored on the ninth ("chosen on the others"): the honest
figure for a source never seen, since the margin is fitted here too. For text, also the margin
for a paragraph beside content only (next to another paragraph or to a line kept at the
threshold), which would spare a column of teaser summaries. Word F1 (character F1 on unspaced
languages), mean over pages.

    python experiments/loso_paragraph_margin.py --loso-models DIR/html-* --loso-text-models TDIR/text-*

Writes ``loso_paragraph_margin.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, RESULTS  # noqa: E402
from loso_decisions import CACHE, evaluate, kept_text, score_outputs, score_pages, write_report  # noqa: E402
from loso_kind_threshold import cross_validated_kinds, held_out_pages  # noqa: E402
from loso_text_decisions import CACHE as TEXT_CACHE  # noqa: E402
from loso_text_decisions import score_text_pages  # noqa: E402

from boilersift.cli import DEFAULT_STYLES  # noqa: E402
from boilersift.decide import (  # noqa: E402
    DEFAULT_DECISIONS,
    PARAGRAPH_MARGIN,
    TEXT_DECISIONS,
    DecisionConfig,
    count_words,
    paragraph_lines,
    smooth_runs,
)

MARGINS = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3)


def sweep_rows(pages: list, outputs: dict, label: str, name: str, shipped) -> dict[str, dict]:
    """The scores on `pages` of each value's `outputs` (value -> the kept text of every page), and
    of the value chosen for each source on the other sources' pages."""
    rows = {f"{label}, {name} {v}" + (" (shipped)" if v == shipped else ""): score_outputs(pages, out)
            for v, out in outputs.items()}
    picks = {}
    for source in sorted({p.row["source"] for p in pages}):  # the value best on the other sources' pages
        others = [i for i, p in enumerate(pages) if p.row["source"] != source]
        picks[source] = max(outputs, key=lambda v: score_outputs([pages[i] for i in others],
                                                                 [outputs[v][i] for i in others])["f1"])
    chosen = [outputs[picks[p.row["source"]]][i] for i, p in enumerate(pages)]
    rows[f"{label}, {name} chosen on the others"] = {**score_outputs(pages, chosen), "picks": picks}
    return rows


def margin_rows(pages: list, config: DecisionConfig, label: str) -> dict[str, dict]:
    """Each margin's scores on `pages`, and the margin chosen on the other sources for each."""
    outputs = {m: [kept_text(p, dataclasses.replace(config, paragraph_margin=m)) for p in pages] for m in MARGINS}
    return sweep_rows(pages, outputs, label, "margin", config.paragraph_margin)


def beside_content(page, keep: np.ndarray) -> np.ndarray:
    """`keep` (decided without the margin) and the paragraphs from PARAGRAPH_MARGIN under the
    threshold that are next to another paragraph or to a kept line, outside comment threads."""
    config = dataclasses.replace(TEXT_DECISIONS, paragraph_margin=0.0)
    words = count_words(page.texts)
    paragraph = paragraph_lines(page.texts, words)
    beside = paragraph | keep
    beside = np.r_[False, beside[:-1]] | np.r_[beside[1:], False]
    if page.in_comments is not None:
        paragraph &= ~page.in_comments
    smoothed = smooth_runs(page.texts, page.scores, config, words)
    return keep | (paragraph & beside & (smoothed >= page.threshold - PARAGRAPH_MARGIN))


def fold_arguments(description: str) -> argparse.ArgumentParser:
    """The options of :func:`held_out_folds` (and --output-dir)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--loso-models", nargs="+", required=True, metavar="DIR", help="the HTML folds")
    parser.add_argument("--loso-text-models", nargs="+", required=True, metavar="DIR", help="the text folds")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"the HTML scores (default {CACHE})")
    parser.add_argument("--text-cache", type=Path, default=TEXT_CACHE, help=f"the text scores (default {TEXT_CACHE})")
    parser.add_argument("--text-threshold", type=float, default=0.4, help="for every text model (default 0.4)")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    return parser


def held_out_folds(args: argparse.Namespace) -> tuple[list, float, list]:
    """Every page scored by the fold that never saw its source: the HTML pages at 0.5, WCXB's
    kind-of-page accuracy, and the text pages in both styles at --text-threshold (WCXB's kinds
    cross-validated by site)."""
    html, accuracy = held_out_pages(score_pages(args.loso_models, args.datasets, args.cache), args.datasets, 0.5)
    kinds, _ = cross_validated_kinds(args.datasets / "wcxb_dev.jsonl.gz", input_format="text",
                                     styles=tuple(DEFAULT_STYLES.split(",")))
    text = [p._replace(threshold=args.text_threshold,
                       kind=kinds.get((p.row["id"], p.row["style"])) if p.row["source"] == "wcxb" else p.kind)
            for p in score_text_pages(args.loso_text_models, args.datasets, args.text_cache)]
    return html, accuracy, text


def rows_per_set(rows: Callable[[list, DecisionConfig, str], dict[str, dict]], html: list, text: list) -> dict:
    """`rows` of the HTML pages with the HTML decisions, and of the text pages (both styles, then
    one text node per line) with a text model's."""
    nodes = [p for p in text if p.row["style"] == "nodes"]
    return {**rows(html, DEFAULT_DECISIONS, "HTML"), **rows(text, TEXT_DECISIONS, "text"),
            **rows(nodes, TEXT_DECISIONS, "text, nodes")}


def write_fold_report(name: str, title: str, args: argparse.Namespace, argv: list[str] | None,
                      folds: tuple[list, float, list], systems: dict) -> None:
    """Write `systems`, scored on :func:`held_out_folds`' `folds`, as ``NAME.json`` and ``.md``
    (the run of ``experiments/NAME.py``) into --output-dir, and print the report's head."""
    html, accuracy, text = folds
    nodes = sum(p.row["style"] == "nodes" for p in text)
    meta = {"command": shlex.join(["python", f"experiments/{name}.py", *(argv if argv is not None else sys.argv[1:])]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "pages": f"{len(html)} HTML, {len(text)} text ({nodes} nodes)",
            "models": [*args.loso_models, *args.loso_text_models],
            "threshold": f"0.5 (HTML), {args.text_threshold} (text)", "wcxb_kind_accuracy": round(accuracy, 3),
            "scored_by": "each scored by the model that never saw its source"}
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, name, title)[:6000])


def main(argv: list[str] | None = None) -> int:
    args = fold_arguments(__doc__.split("\n\n")[0]).parse_args(argv)
    folds = html, _, text = held_out_folds(args)
    nodes = [p for p in text if p.row["style"] == "nodes"]
    systems = rows_per_set(margin_rows, html, text)
    without = dataclasses.replace(TEXT_DECISIONS, paragraph_margin=0.0)
    for label, scored in (("text", text), ("text, nodes", nodes)):
        systems[f"{label}, margin {PARAGRAPH_MARGIN} beside content only"] = evaluate(scored, without, beside_content)
    write_fold_report("loso_paragraph_margin", "A paragraph of running prose cut lower, leave one source out",
                      args, argv, folds, systems)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
