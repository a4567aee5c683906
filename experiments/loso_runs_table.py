"""Leave-one-source-out runs side by side: held-out word F1 per source of several
``loso_threshold.py`` results, at a fixed threshold and at the one each model chose on its tune pages.

    python experiments/loso_runs_table.py experiments/results/loso_threshold_html2.json \
        experiments/results/loso_threshold_folds_site.json --threshold 0.5

Prints a Markdown table: one row per source held out (only the sources every run has count in
the means), one column pair per run; the first run is the reference and the others show
their difference to it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", type=Path, help="loso_threshold.py JSON results; the first is the reference")
    parser.add_argument("--threshold", default="0.5", help="the fixed threshold column (default 0.5)")
    args = parser.parse_args(argv)
    runs = [{m["source"]: m for m in json.loads(path.read_text())["models"]} for path in args.runs]
    sources = sorted(set.intersection(*(set(run) for run in runs)))
    header = ["held-out source", "pages"] + [f"{path.stem} at {args.threshold} / at its tuned threshold"
                                             for path in args.runs]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    totals = [[0.0, 0.0, 0.0, 0.0] for _ in runs]  # sum over sources at fixed, at tuned; page-weighted both
    pages_total = 0
    for source in sources:
        pages = runs[0][source]["pages"]
        pages_total += pages
        cells = [source, str(pages)]
        reference = None
        for run, total in zip(runs, totals):
            model = run[source]
            fixed = model["held_out"][args.threshold]
            tuned = model["held_out"][f"{model['chosen']['pages']:g}"]
            total[0] += fixed
            total[1] += tuned
            total[2] += fixed * pages
            total[3] += tuned * pages
            if reference is None:
                reference = (fixed, tuned)
                cells.append(f"{fixed:.4f} / {tuned:.4f} ({model['chosen']['pages']:g})")
            else:
                cells.append(f"{fixed:.4f} ({fixed - reference[0]:+.4f}) / {tuned:.4f} ({tuned - reference[1]:+.4f})")
        print("| " + " | ".join(cells) + " |")
    for label, i, divide in (("mean over sources", 0, len(sources)), ("mean over pages", 2, pages_total)):
        cells = [f"**{label}**", str(pages_total)]
        for total in totals:
            cells.append(f"{total[i] / divide:.4f} / {total[i + 1] / divide:.4f}")
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
