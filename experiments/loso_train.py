"""Leave one source out, in one process: label every page of ../shared/datasets/ once, then train
one model per source with that source held out (what ``experiments/loso_train.py`` does with
one ``boilersift train --dev-source`` per source, without labelling all pages again each time).

    python experiments/loso_train.py [--output-dir experiments/loso] [--input-format text] [SOURCE ...]

HTML models (DIR/html-SOURCE) learn from the DOM blocks; score them with
``experiments/compare_extractors.py --loso-models DIR/html-*`` or
``experiments/loso_decisions.py --loso-models DIR/html-*``. Text models (DIR/text-SOURCE) learn
from the pages rendered in both scrape styles, as the shipped one does; each manifest's
``dev_metrics`` holds its word F1 on the held-out source, per style (``per_style.nodes``: one
text node per line).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from compare_text import DATASETS

from boilersift.cli import DEFAULT_STYLES
from boilersift.labelled.data import load_pages
from boilersift.training.estimators import PASS_ESTIMATORS
from boilersift.training.train import train_model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="*", help="sources to hold out, one model each (default: every source)")
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).resolve().parent / "loso")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--input-format", choices=("html", "text"), default="html")
    parser.add_argument("--folds", choices=("page", "site"), default="page", help="train --folds")
    parser.add_argument("--source-balance", type=float, default=0.0,
                        help="train --source-balance: weigh a page of a source of n pages n ** -POWER")
    parser.add_argument("--unfamiliar-rate", type=float, help="train --unfamiliar-rate (default: train's)")
    parser.add_argument("--seed", type=int, default=0,
                        help="train --seed: the augmentation's and the unfamiliar-language pages' draws "
                             "(HTML models draw nothing)")
    parser.add_argument("--bags", type=int, default=1, help="train --bags")
    parser.add_argument("--estimator", choices=sorted(PASS_ESTIMATORS),
                        help="train --estimator: the passes' estimator (default: the format's)")
    parser.add_argument("--widget-rate", type=float, help="train --widget-rate (text; default: train's)")
    parser.add_argument("--related-rate", type=float, help="train --related-rate (text; default: train's)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    styles = ["dom"] if args.input_format == "html" else DEFAULT_STYLES.split(",")
    pages = load_pages([str(p) for p in sorted(args.datasets.glob("*.jsonl.gz"))], styles)
    print(f"labelled {len(pages)} pages in {time.perf_counter() - started:.0f} s", flush=True)
    sources = args.sources or sorted({str(p.meta.get("source")) for p in pages})
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for source in sources:
        started = time.perf_counter()
        model = train_model(pages, input_format=args.input_format, dev_source=source,
                            source_balance=args.source_balance, folds=args.folds,
                            unfamiliar_rate=args.unfamiliar_rate, estimator=args.estimator, seed=args.seed,
                            bags=args.bags,
                            widget_rate=args.widget_rate, related_rate=args.related_rate)
        model.save(args.output_dir / f"{args.input_format}-{source}")
        seconds = time.perf_counter() - started
        dev = model.manifest.get("dev_metrics", {}).get("boilersift", {}).get("word", {}).get("f1")
        line = f"{args.input_format} {source}: {seconds:.0f} s, threshold {model.threshold:.2f}, held-out word F1 {dev}"
        print(line, flush=True)
        with open(args.output_dir / "timings.txt", "a") as log:
            log.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
