"""How much of a text model's quality is the luck of its augmentation seed?

Training has one random choice: which fit pages get an injected ad widget or a
related-items list, and which (``augment.augment``, seeded by ``train --seed``).
This trains a text configuration (``boilersift train data/labeled/all.jsonl.gz``,
with ``--related-rate`` / ``--tail-share`` as given) once per seed and records, for each:

* the word F1 (``metrics.word_prf``, mean over pages) on the tune sites, which
  chose the threshold, and on the held-out dev sites, at the chosen threshold
  (the dev figure is the one in the model's manifest);
* the hand-labelled sample ``data/news_page_scrape.jsonl``: line precision, recall
  and F1, and the lines it gets wrong.

Seed 0 with the defaults is the configuration of the shipped ``models/text-default``.
A difference between two configurations smaller than the spread across seeds here
is not a finding: compare their means over the same seeds.

Rerun (about 10 minutes per seed on one core of 2; needs ``data/labeled/all.jsonl.gz``,
made by ``boilersift label ../shared/datasets/*.jsonl.gz -o data/labeled/all.jsonl.gz``)::

    .venv/bin/python experiments/compare_seeds.py --seeds 0,1,2 --name compare_seeds_related_tail
    .venv/bin/python experiments/compare_seeds.py --seeds 0,1,2 --related-rate 0 --tail-share 0   # session 5's

Writes ``<name>.json`` and ``<name>.md`` into ``--output-dir``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

from boilersift.evaluation.evaluate import page_probabilities, threshold_sweep
from boilersift.evaluation.metrics import line_prf
from boilersift.labelled.data import load_pages, page_from_record
from boilersift.training.config import RELATED_RATE, TAIL_SHARE
from boilersift.training.train import split_pages, train_model

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "news_page_scrape.jsonl"


def sample_result(model) -> dict:
    page = page_from_record(json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0]))
    results = model.classify_blocks(page.blocks)
    score = line_prf(page.labels, [int(r.is_content) for r in results])
    wrong = [f"{r.text[:40]} ({'kept' if r.is_content else 'dropped'}, p={r.probability:.2f})"
             for r, label in zip(results, page.labels) if r.is_content != bool(label)]
    return {"precision": round(score.precision, 3), "recall": round(score.recall, 3), "f1": round(score.f1, 3),
            "wrong": wrong}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT / "data" / "labeled" / "all.jsonl.gz"))
    parser.add_argument("--seeds", type=lambda s: [int(x) for x in s.split(",")], default=[0, 1, 2])
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--related-rate", type=float, default=RELATED_RATE,
                        help="share of fit pages given a related-items list (train --related-rate)")
    parser.add_argument("--tail-share", type=float, default=TAIL_SHARE,
                        help="share of injected widgets put into the article's last gaps (train --tail-share)")
    parser.add_argument("--name", default="compare_seeds", help="stem of the output files")
    args = parser.parse_args()
    pages = load_pages([args.data])
    _, tune, _ = split_pages(pages, 20, 15)
    rows = []
    for seed in args.seeds:
        started = time.perf_counter()
        model = train_model(pages, seed=seed, related_rate=args.related_rate, tail_share=args.tail_share)
        seconds = time.perf_counter() - started
        tune_f1 = threshold_sweep(tune, page_probabilities(model, tune), (model.threshold,))[0]["word_f1"]
        dev = model.manifest["dev_metrics"]["boilersift"]
        rows.append({"seed": seed, "threshold": model.threshold,
                     "tune_word_f1": round(tune_f1, 4),
                     "dev_word_f1": round(dev["word"]["f1"], 4),
                     "dev_nodes": round(dev["per_style"]["nodes"]["f1"], 4),
                     "dev_blocks": round(dev["per_style"]["blocks"]["f1"], 4),
                     "sample": sample_result(model), "seconds": round(seconds)})
        print(json.dumps(rows[-1]), flush=True)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / f"{args.name}.json").write_text(json.dumps(rows, indent=2) + "\n")
    lines = ["| seed | threshold | tune word F1 | dev word F1 | dev nodes | dev blocks | sample line P / R / F1 "
             "| sample lines wrong |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['seed']} | {r['threshold']:.2f} | {r['tune_word_f1']:.4f} | {r['dev_word_f1']:.4f} | "
              f"{r['dev_nodes']:.4f} | {r['dev_blocks']:.4f} | {r['sample']['precision']:.2f} / "
              f"{r['sample']['recall']:.2f} / {r['sample']['f1']:.2f} | {'; '.join(r['sample']['wrong'])} |"
              for r in rows]
    dev = [r["dev_word_f1"] for r in rows]
    (args.output_dir / f"{args.name}.md").write_text(
        "# A text configuration, trained with different augmentation seeds\n\n"
        f"`experiments/compare_seeds.py {shlex.join(sys.argv[1:])}` (related rate {args.related_rate}, "
        f"tail share {args.tail_share}); dev word F1 from "
        f"{min(dev):.4f} to {max(dev):.4f} (spread {max(dev) - min(dev):.4f}).\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
