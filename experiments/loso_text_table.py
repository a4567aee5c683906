"""The text models of a leave-one-source-out run, next to trafilatura and the HTML model.

Reads each text model's held-out word F1 from its manifest (``dev_metrics``: every page of the
source it never saw, per scrape style; ``experiments/loso_train.py --input-format text``) and
the same sources' figures of trafilatura and the HTML model from
``results/compare_extractors_loso.json``, and prints a Markdown table. (For every system in one
run, use ``compare_extractors.py --loso-models ... --loso-text-models ...``.)

    python experiments/loso_text_table.py experiments/loso/text-* > experiments/results/loso_text.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    systems = json.loads((RESULTS / "compare_extractors_loso.json").read_text())["systems"]
    html = next(name for name in systems if name.startswith("boilersift/html"))
    print("| held-out source | pages | text model, nodes | text model, blocks | its threshold | trafilatura (HTML) "
          "| HTML model |")
    print("|---|---|---|---|---|---|---|")
    for directory in sorted(argv or sys.argv[1:]):
        manifest = json.loads((Path(directory) / "manifest.json").read_text())
        source, styles = manifest["split"]["dev_source"], manifest["dev_metrics"]["boilersift"]["per_style"]
        print(f"| {source} | {styles['nodes']['pages']} | {styles['nodes']['f1']:.3f} | {styles['blocks']['f1']:.3f} | "
              f"{manifest['threshold']} | {systems['trafilatura']['per_source'][source]['f1']:.3f} | "
              f"{systems[html]['per_source'][source]['f1']:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
