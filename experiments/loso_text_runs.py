"""Two runs of leave-one-source-out text models side by side, by source and by language.

A change of the features makes a run of folds that the code before it cannot load, so each run
is first scored by the code that trained it (``loso_text_thresholds.py --cache DIR``, which
keeps every held-out page's scores by the model's hash); this script reads only those caches.
Per source and per language (of daniel's pages; fundus_news's by the country in its page id):
F1 (character F1 on zh, ja, th) at a fixed threshold with the shipped text decisions, at the
best threshold of a sweep for the group, and at the best threshold of each page (the ordering,
which moves less between trainings than a fixed threshold's figure: ``results/loso_ranking.md``).

    git checkout BEFORE && python experiments/loso_text_thresholds.py --loso-models OLD/text-* --cache A
    git checkout AFTER && python experiments/loso_text_thresholds.py --loso-models NEW/text-* --cache B
    python experiments/loso_text_runs.py --before OLD/text-* --before-cache A --after NEW/text-* --after-cache B

Writes ``NAME.json`` and ``NAME.md`` (``--name``) into --output-dir.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from compare_text import RESULTS
from loso_noise import SWEEP, f1_curves
from loso_text_decisions import cache_file, read_cached

from boilersift.decide import TEXT_DECISIONS


def cached_pages(model_dirs: list[str], cache: Path) -> list:
    """The held-out pages of `model_dirs` as ``loso_text_thresholds.py`` cached their scores."""
    return read_cached([cache_file(cache, json.loads((Path(d) / "manifest.json").read_text())) for d in model_dirs])


def groups_of(pages: list) -> dict[str, list[int]]:
    """Row indices of every page, by source and by language (fundus_news: by country)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, page in enumerate(pages):
        groups["all"].append(i)
        groups[f"source {page.row['source']}"].append(i)
        if page.row["lang"] not in ("en", "unknown"):
            groups[f"language {page.row['lang']}"].append(i)
        if page.row["source"] == "fundus_news":
            groups[f"fundus_news {page.row['id'].split('-')[1]}"].append(i)
    return dict(groups)


def compare(before: list, after: list, threshold: float) -> list[dict]:
    """One row per group of the pages both runs scored (matched by page id and scrape style)."""
    key = lambda page: (page.row["id"], page.row.get("style"))  # noqa: E731
    index = {key(page): i for i, page in enumerate(before)}
    after = [page for page in after if key(page) in index]
    before = [before[index[key(page)]] for page in after]
    curves = {run: f1_curves(pages, SWEEP, TEXT_DECISIONS, characters=True)
              for run, pages in (("before", before), ("after", after))}
    column = SWEEP.index(threshold)
    rows = []
    for name, idx in sorted(groups_of(after).items(), key=lambda item: (item[0] != "all", item[0])):
        row: dict = {"group": name, "pages": len(idx)}
        for run, f1 in curves.items():
            row[run] = {"fixed": round(float(f1[idx, column].mean()), 4),
                        "best_for_group": round(float(f1[idx].mean(0).max()), 4),
                        "best_per_page": round(float(f1[idx].max(1).mean()), 4)}
        rows.append(row)
    sources = [r for r in rows if r["group"].startswith("source ")]
    total = sum(r["pages"] for r in sources)
    rows.insert(1, {"group": "all, best for each source", "pages": total, **{  # the sources' figures, pooled
        run: {k: round(sum(r[run][k] * r["pages"] for r in sources) / total, 4)
              for k in ("fixed", "best_for_group", "best_per_page")} for run in curves}})
    return rows


def markdown(meta: dict, rows: list[dict]) -> str:
    lines = ["# Two runs of held-out text models, by source and language", "",
             *(f"- {k}: `{v}`" if k == "command" else f"- {k}: {v}" for k, v in meta.items()), "",
             f"| group | pages | at {meta['threshold']}: before -> after | best for the group | best per page |",
             "|---|---|---|---|---|"]
    for r in rows:
        cells = [f"{r['before'][k]:.4f} -> {r['after'][k]:.4f} ({r['after'][k] - r['before'][k]:+.4f})"
                 for k in ("fixed", "best_for_group", "best_per_page")]
        lines.append(f"| {r['group']} | {r['pages']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", nargs="+", required=True, metavar="DIR")
    parser.add_argument("--before-cache", type=Path, required=True)
    parser.add_argument("--after", nargs="+", required=True, metavar="DIR")
    parser.add_argument("--after-cache", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=0.4, choices=SWEEP)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--name", default="loso_text_runs")
    args = parser.parse_args(argv)
    rows = compare(cached_pages(args.before, args.before_cache), cached_pages(args.after, args.after_cache),
                   args.threshold)
    command = ["python", "experiments/loso_text_runs.py", *(sys.argv[1:] if argv is None else argv)]
    meta = {"command": shlex.join(command),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "threshold": args.threshold,
            "scores": "F1 (character F1 on zh, ja, th), mean over the pages of both scrape styles, "
                      "the shipped text decisions"}
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / f"{args.name}.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1))
    report = markdown(meta, rows)
    (args.output_dir / f"{args.name}.md").write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
