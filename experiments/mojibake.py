"""Pages decoded with the wrong codec before they reach boilersift: how many, what the repair gains.

Every page of ../shared/datasets/ goes through :func:`boilersift.blocks.decode.repair_mojibake`
(timed: its cost on every page, one core). On the pages it changes, each held-out source's models
(``experiments/loso_train.py``: the HTML model, and the text model on the page rendered one text node
per line) and trafilatura score the page as it is stored and as repaired (word F1, character F1
on Chinese, Japanese, Thai; the shipped decisions, the HTML models at ``--html-threshold``, the text
models at their own). The repair runs inside ``Model.html_blocks``, so ``compare_extractors.py``
gives boilersift the repaired page and the other systems the stored one; trafilatura's row here
shows what they would gain from the same repair.

    python experiments/mojibake.py --html-models DIR/html-* --text-models DIR/text-*

Writes ``mojibake.json`` and ``mojibake.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import trafilatura  # noqa: E402
from compare_text import DATASETS, RESULTS, UNSPACED, page_lang  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.blocks.decode import repair_mojibake  # noqa: E402
from boilersift.blocks.html import segment_html  # noqa: E402
from boilersift.blocks.render import render_nodes  # noqa: E402
from boilersift.blocks.text import segment_lines  # noqa: E402
from boilersift.evaluation.metrics import char_prf, word_prf  # noqa: E402
from boilersift.labelled.data import read_jsonl  # noqa: E402


def held_out_models(dirs: list[Path], input_format: str) -> dict[str, Model]:
    """The models of `dirs` by the source each held out."""
    models = (Model.load(d, input_format) for d in dirs)
    return {m.manifest["split"]["dev_source"]: m for m in models}


def kept(model: Model, blocks: list, threshold: float | None) -> str:
    """The content `model` keeps of a page's `blocks` (at `threshold`, else its own), one block a line."""
    return "\n".join(r.text for r in model.classify_blocks(blocks, threshold) if r.is_content)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html-models", nargs="+", type=Path, required=True, metavar="DIR")
    parser.add_argument("--text-models", nargs="+", type=Path, required=True, metavar="DIR")
    parser.add_argument("--html-threshold", type=float, default=0.5,
                        help="the HTML models' threshold (default 0.5, the shipped model's)")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    html_models = held_out_models(args.html_models, "html")
    text_models = held_out_models(args.text_models, "text")
    # Each system reads the page it is given as it is (segment_lines: segment_text would repair it).
    systems = {
        "boilersift/html": lambda page, source: kept(html_models[source], segment_html(page), args.html_threshold),
        "boilersift/text (nodes)": lambda page, source: kept(
            text_models[source], segment_lines(render_nodes(page).splitlines()), None),
        "trafilatura": lambda page, _: trafilatura.extract(page) or "",
    }
    pages, seconds, rows = 0, 0.0, []
    per_source: dict[str, int] = defaultdict(int)
    for path in sorted(args.datasets.glob("*.jsonl.gz")):
        for record in read_jsonl(path):
            pages += 1
            per_source[record["source"]] += 1
            started = time.perf_counter()
            repaired = repair_mojibake(record["html"])
            seconds += time.perf_counter() - started
            if repaired == record["html"]:
                continue
            score = char_prf if page_lang(record) in UNSPACED else word_prf
            row = {"id": record["id"], "source": record["source"], "lang": page_lang(record)}
            for name, system in systems.items():
                row[name] = [round(score(system(page, record["source"]), record["gold"] or "").f1, 4)
                             for page in (record["html"], repaired)]
            rows.append(row)
            print(json.dumps(row), flush=True)
    report = {"meta": {"command": shlex.join(["experiments/mojibake.py", *(sys.argv[1:] if argv is None else argv)]),
                       "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": pages,
                       "pages_per_source": per_source, "repair_ms_per_page": round(1000 * seconds / pages, 3)},
              "systems": list(systems), "repaired": rows}
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "mojibake.json").write_text(json.dumps(report, indent=1))
    (args.output_dir / "mojibake.md").write_text(markdown(report))
    print(markdown(report))
    return 0


def markdown(report: dict) -> str:
    meta, rows, systems = report["meta"], report["repaired"], report["systems"]
    out = ["# Pages decoded with the wrong codec, repaired", "",
           f"- command: `{meta['command']}`", f"- date: {meta['date']}",
           f"- {len(rows)} of {meta['pages']} pages changed by the repair; it costs "
           f"{meta['repair_ms_per_page']} ms a page on average over all pages (one core)", "",
           "Word F1 (character F1 on Chinese, Japanese, Thai) of the changed pages, summed (page units: "
           "divide by the source's pages for its mean), as stored -> repaired:", "",
           "| source | pages | changed | " + " | ".join(systems) + " |", "|---|---|---|" + "---|" * len(systems)]
    sources = sorted({r["source"] for r in rows})
    for source in [*sources, "all"]:
        mine = [r for r in rows if source in ("all", r["source"])]
        total = meta["pages"] if source == "all" else meta["pages_per_source"][source]
        cells = []
        for name in systems:
            before, after = (sum(r[name][i] for r in mine) for i in (0, 1))
            cells.append(f"{before:.2f} -> {after:.2f} ({(after - before) / total:+.4f} on the mean)")
        out.append(f"| {source} | {total} | {len(mine)} | " + " | ".join(cells) + " |")
    out += ["", "Pages whose figure changed by more than 0.05 for a boilersift model:", "",
            "| page | " + " | ".join(systems) + " |", "|---|" + "---|" * len(systems)]
    for r in rows:
        if any(abs(r[n][1] - r[n][0]) > 0.05 for n in systems if n.startswith("boilersift")):
            out.append(f"| {r['id'][:60]} | " + " | ".join(f"{r[n][0]:.3f} -> {r[n][1]:.3f}" for n in systems) + " |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
