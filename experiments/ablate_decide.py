"""What each page-level decision of ``boilersift.decide`` does to dev word F1.

What is measured: on the dev-site pages of ../shared/datasets/*.jsonl.gz (as in
``compare_text.py``), rendered in both scrape styles (``--html``: their DOM
blocks, with the HTML model), a model's raw
probabilities (the classifier's, before any decision) are computed once; then
the mean word F1 (``metrics.word_prf``) of the content lines is computed with
the decisions switched on one by one:

* ``none``: threshold and tiny-page rule only;
* ``main region``: + the main region of a page where nothing reaches the threshold;
* ``sentences``: + runs of a sentence split by inline links (``DecisionConfig(passages=False)``);
* ``sentences+passages``: + passages of consecutive paragraphs (all of ``smooth_runs``);
* ``headline``: threshold, tiny pages and the headline, without runs;
* ``all``: what ``predict`` does.

Rerun (about 2 minutes)::

    .venv/bin/python experiments/ablate_decide.py                         # the shipped text model
    .venv/bin/python experiments/ablate_decide.py --model other-bundle/ --name ablate_decide_other
    .venv/bin/python experiments/ablate_decide.py --html --name ablate_decide_html   # the shipped HTML model

Writes ``<name>.json`` and ``<name>.md`` into ``--output-dir`` (default experiments/results).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

from boilersift import Model
from boilersift.blocks.render import STYLES
from boilersift.blocks.text import segment_text
from boilersift.decide import DecisionConfig, decide
from boilersift.evaluation.metrics import word_counts, word_prf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare_text import DATASETS, RESULTS, dev_records  # noqa: E402

VARIANTS = {
    "none": DecisionConfig(sentences=False, passages=False, headline=False, main_region=False),
    "main region": DecisionConfig(sentences=False, passages=False, headline=False),
    "sentences": DecisionConfig(sentences=True, passages=False, headline=False, main_region=False),
    "sentences+passages": DecisionConfig(sentences=True, passages=True, headline=False, main_region=False),
    "headline": DecisionConfig(sentences=False, passages=False, headline=True, main_region=False),
    "all": DecisionConfig(),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="model bundle (default: the shipped one)")
    parser.add_argument("--html", action="store_true", help="the pages' DOM blocks and an HTML model")
    parser.add_argument("--limit", type=int, help="at most this many pages")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--name", default="ablate_decide", help="stem of the output files")
    args = parser.parse_args()
    model = Model.load(args.model, "html" if args.html else "text")
    styles = {"html": model.html_blocks} if args.html else {
        style: lambda html, render=render: segment_text(render(html)) for style, render in STYLES.items()}
    records = dev_records(DATASETS, 20, args.limit)
    pages = []  # (style, texts, raw probabilities, gold counts)
    for record in tqdm(records, desc="pages", unit="page"):
        gold = word_counts(record.get("gold") or "")
        for style, blocks_of in styles.items():
            blocks = blocks_of(record["html"])
            pages.append((style, [b.text for b in blocks], model.score_pages([blocks])[0], gold))
    results = {}
    for name, config in VARIANTS.items():
        for style in styles:
            scores = []
            for s, texts, raw, gold in pages:
                if s == style:
                    keep = decide(texts, raw, model.threshold, config).keep
                    scores.append(word_prf("\n".join(t for t, k in zip(texts, keep) if k), gold).f1)
            results.setdefault(name, {})[style] = round(float(np.mean(scores)), 4)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    meta = {"command": shlex.join(["experiments/ablate_decide.py", *sys.argv[1:]]), "pages": len(records),
            "model": model.manifest.get("model_sha256"), "threshold": model.threshold}
    (args.output_dir / f"{args.name}.json").write_text(json.dumps({"meta": meta, "word_f1": results}, indent=2) + "\n")
    lines = ["# The page-level decisions of boilersift.decide, one by one", "",
             f"`{meta['command']}`: {meta['pages']} dev-site pages, {model.input_format} model `{meta['model'][:12]}` "
             f"at threshold {meta['threshold']}; mean word F1 per scrape style.", "",
             "| decisions | " + " | ".join(styles) + " |", "|---|" + "---|" * len(styles)]
    lines += [f"| {name} | " + " | ".join(f"{results[name][s]:.4f}" for s in styles) + " |" for name in VARIANTS]
    (args.output_dir / f"{args.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
