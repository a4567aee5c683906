"""The text models of a leave-one-source-out run, next to trafilatura and the HTML model.

Reads each text model's held-out word F1 from its manifest (``dev_metrics``: every page of the
source it never saw, per scrape style; ``experiments/loso_train.py --input-format text``) and
the same sources' figures of trafilatura and the HTML model from
``results/compare_extractors_loso.json``, and prints a Markdown table. With ``--against DIR``,
each figure is followed by its change from the model of the same source in DIR (another run,
e.g. without a training option). (For every system in one run, use
``compare_extractors.py --loso-models ... --loso-text-models ...``.) The last row pools the
pages of the listed sources (each source's mean weighed by its pages), its changes over the
sources both runs have.

    python experiments/loso_text_table.py experiments/loso/text-* > experiments/results/loso_text.md
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
STYLES = ("nodes", "blocks")


def held_out(directory: Path) -> tuple[dict, dict]:
    """A text model's manifest and its held-out figures per scrape style."""
    manifest = json.loads((directory / "manifest.json").read_text())
    return manifest, manifest["dev_metrics"]["boilersift"]["per_style"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", nargs="+", type=Path, metavar="DIR", help="text-SOURCE model directories")
    parser.add_argument("--against", type=Path, metavar="DIR",
                        help="a directory of another run's text-SOURCE models, to show each change from it "
                             "(where it has a model of the same source)")
    args = parser.parse_args(argv)
    systems = json.loads((RESULTS / "compare_extractors_loso.json").read_text())["systems"]
    html = next(name for name in systems if name.startswith("boilersift/html"))
    print("| held-out source | pages | text model, nodes | text model, blocks | its threshold | trafilatura (HTML) "
          "| HTML model |")
    print("|---|---|---|---|---|---|---|")
    totals = {name: 0.0 for name in (*STYLES, "trafilatura", html)}
    paired = {key: 0.0 for key in (*STYLES, *(f"before {style}" for style in STYLES), "pages")}
    pages = 0
    for directory in sorted(args.models):
        manifest, styles = held_out(directory)
        source = manifest["split"]["dev_source"]
        n = styles["nodes"]["pages"]
        pages += n
        figures = [f"{styles[style]['f1']:.3f}" for style in STYLES]
        if args.against and (args.against / directory.name).exists():  # else a source the other run lacks
            _, before = held_out(args.against / directory.name)
            figures = [f"{figure} ({styles[style]['f1'] - before[style]['f1']:+.3f})"
                       for figure, style in zip(figures, STYLES)]
            paired["pages"] += n
            for style in STYLES:
                paired[style] += n * styles[style]["f1"]
                paired[f"before {style}"] += n * before[style]["f1"]
        for style in STYLES:
            totals[style] += n * styles[style]["f1"]
        for name in ("trafilatura", html):
            totals[name] += n * systems[name]["per_source"][source]["f1"]
        others = [f"{systems[name]['per_source'][source]['f1']:.3f}" for name in ("trafilatura", html)]
        print(f"| {source} | {n} | {' | '.join(figures)} | {manifest['threshold']} | {' | '.join(others)} |")
    pooled = [f"{totals[style] / pages:.3f}" for style in STYLES]
    if paired["pages"]:
        pooled = [f"{figure} ({(paired[style] - paired[f'before {style}']) / paired['pages']:+.3f} "
                  f"on {paired['pages']:.0f} pages)" for figure, style in zip(pooled, STYLES)]
    others = [f"{totals[name] / pages:.3f}" for name in ("trafilatura", html)]
    print(f"| pooled | {pages} | {' | '.join(pooled)} | | {' | '.join(others)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
