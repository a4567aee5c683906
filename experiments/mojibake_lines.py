"""Mojibake of text scrapes repaired line by line where the whole does not read back, held out.

:func:`boilersift.blocks.decode.repair_mojibake` tries the whole text; a text scrape of a page
decoded with the wrong codec often does not read back whole, as its entities ("&deg;") became true
characters beside the mojibake, so ``segment_text`` then repairs each line that does
(``lines=True``). This renders every page of ../shared/datasets/ one text node per line, as it is
stored, and on the scrapes where the two repairs differ scores the text model that never saw the
page's source (word F1 at 0.4, as ``compare_extractors_loso.md``) with each; and it times both
repairs over all the scrapes.

    python experiments/mojibake_lines.py --text-models DIR/text-*

Prints a Markdown report (``results/mojibake_lines.md``).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from compare_text import DATASETS  # noqa: E402
from mojibake import held_out_models  # noqa: E402

import boilersift.blocks.text as text_module  # noqa: E402
from boilersift.blocks.decode import repair_mojibake  # noqa: E402
from boilersift.blocks.render import render_nodes  # noqa: E402
from boilersift.evaluation.metrics import word_prf  # noqa: E402
from boilersift.labelled.data import read_jsonl  # noqa: E402


def whole_only(text: str, lines: bool = False) -> str:
    """The repair without the line-by-line step, whatever the caller asks."""
    return repair_mojibake(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--text-models", type=Path, nargs="+", required=True)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    args = parser.parse_args(argv)
    models = held_out_models(args.text_models, "text")
    for model in models.values():
        model.threshold = 0.4
    records = [r for path in sorted(args.datasets.glob("*.jsonl.gz")) for r in read_jsonl(path)]
    scrapes = [render_nodes(record["html"]) for record in records]
    seconds = {}
    for name, lines in (("whole text", False), ("whole, then lines", True)):
        started = time.perf_counter()
        for scrape in scrapes:
            repair_mojibake(scrape, lines=lines)
        seconds[name] = (time.perf_counter() - started) / len(scrapes) * 1000
    rows = []
    for record, scrape in zip(records, scrapes):
        if repair_mojibake(scrape) == repair_mojibake(scrape, lines=True):
            continue
        scores = []
        for repair in (whole_only, repair_mojibake):
            text_module.repair_mojibake = repair
            kept = "\n".join(r.text for r in models[record["source"]].classify(scrape) if r.is_content)
            scores.append(word_prf(kept, record.get("gold") or "").f1)
        text_module.repair_mojibake = repair_mojibake
        rows.append((scores[1] - scores[0], record["id"], *scores))
    total = sum(row[0] for row in rows)
    print(f"# Mojibake of text scrapes repaired line by line\n\n{len(records)} pages rendered one text node per "
          "line; repair time (one core): " + ", ".join(f"{n} {ms:.3f} ms a scrape" for n, ms in seconds.items()))
    print(f"\n{len(rows)} scrapes change; held-out word F1, sum of changes {total:+.3f} "
          f"({total / len(records):+.5f} on the mean of all pages).\n")
    print("| page | whole text | whole, then lines |\n|---|---|---|")
    for _, page, before, after in sorted(rows):
        if abs(after - before) > 0.005:
            print(f"| {page[:60]} | {before:.3f} | {after:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
