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
from collections.abc import Sequence
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
STYLES = ("nodes", "blocks")


def held_out(directory: Path) -> tuple[dict, dict]:
    """A text model's manifest and its held-out figures per scrape style."""
    manifest = json.loads((directory / "manifest.json").read_text())
    return manifest, manifest["dev_metrics"]["boilersift"]["per_style"]


def cells(figures: Sequence[float], changes: np.ndarray | None, paired_pages: int = 0) -> tuple[str, str]:
    """A row's cells of the text model's figure per style (each with its change from the other
    run, over `paired_pages` if pooled), and of trafilatura's and the HTML model's figures."""
    text = [f"{figure:.3f}" for figure in figures[:len(STYLES)]]
    if changes is not None:
        on = f" on {paired_pages} pages" if paired_pages else ""
        text = [f"{figure} ({change:+.3f}{on})" for figure, change in zip(text, changes)]
    return " | ".join(text), " | ".join(f"{figure:.3f}" for figure in figures[len(STYLES):])


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
    rows = []  # per source: its pages, its figures, its changes from the other run (None: not in it)
    for directory in sorted(args.models, key=lambda d: d.name):  # by source, also across runs
        manifest, styles = held_out(directory)
        source = manifest["split"]["dev_source"]
        other = args.against / directory.name if args.against else None
        before = held_out(other)[1] if other and other.exists() else None  # else a source the other run lacks
        pages = styles["nodes"]["pages"]
        figures = [styles[style]["f1"] for style in STYLES] + [
            systems[name]["per_source"][source]["f1"] for name in ("trafilatura", html)]
        change = np.subtract(figures[:len(STYLES)], [before[style]["f1"] for style in STYLES]) if before else None
        rows.append((pages, figures, change))
        text, others = cells(figures, change)
        print(f"| {source} | {pages} | {text} | {manifest['threshold']} | {others} |")
    weights = [pages for pages, _, _ in rows]
    paired = [(pages, change) for pages, _, change in rows if change is not None]
    changes = (np.average([change for _, change in paired], axis=0, weights=[pages for pages, _ in paired])
               if paired else None)
    pooled = np.average([figures for _, figures, _ in rows], axis=0, weights=weights)
    text, others = cells(pooled, changes, sum(pages for pages, _ in paired))
    print(f"| pooled | {sum(weights)} | {text} | | {others} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
