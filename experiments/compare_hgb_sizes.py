"""How big should the gradient-boosting passes be? Quality against predict time.

The two gradient-boosting passes (``model.hgb``) are the part of predict whose
cost grows with the model: every block walks every tree of the first pass, and
the unsure ones those of the second. Each size below is trained
on the same split as the shipped HTML model (``train.train_model``, dev fold 0:
fit sites, threshold on tune sites), then measured on the held-out dev pages:
word F1 (``evaluate``, as in the model manifest), and milliseconds per page of
the two passes alone and of the whole of classification from HTML (segmentation
included), on one core, in chunks of 8 pages as ``predict`` runs them.

Rerun (about 3 minutes per size on 2 cores)::

    python experiments/compare_hgb_sizes.py                     # all sizes
    python experiments/compare_hgb_sizes.py --sizes 100x31 --limit 200 --output-dir /tmp/smoke

Writes ``compare_hgb_sizes.json`` and ``.md`` into --output-dir (default experiments/results).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from boilersift.blocks.html import segment_html
from boilersift.labelled.data import load_pages, read_jsonl
from boilersift.pipeline import Model, _numbered
from boilersift.training.estimators import PASS_ESTIMATORS, hgb
from boilersift.training.train import split_pages, train_model

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
# trees x leaves -> learning rate (fewer trees take bigger steps); "hgb" is 150x63, "hgb-small" 100x31
SIZES = {"150x63": 0.1, "75x63": 0.2, "100x31": 0.15, "80x31": 0.2, "60x31": 0.25, "100x15": 0.2}
CHUNK = 8


def register(size: str) -> str:
    """Add this size to the pass estimators, under the name "hgb-TREESxLEAVES"."""
    trees, leaves = (int(x) for x in size.split("x"))
    PASS_ESTIMATORS[f"hgb-{size}"] = hgb(trees, leaves, SIZES[size])
    return f"hgb-{size}"


def timings(model: Model, htmls: list[str]) -> dict[str, float]:
    """ms/page of classification from HTML, and of the two boosting passes in it, on one core."""
    classifier = model.classifier
    passes = total = 0.0
    for start in range(0, len(htmls), CHUNK):
        began = time.perf_counter()
        pages = [segment_html(h) for h in htmls[start:start + CHUNK]]
        model.classify_pages(pages)
        total += time.perf_counter() - began
        X = classifier.final_input([b for page in pages for b in _numbered(page)])
        began = time.perf_counter()
        classifier.first.predict_proba(X[:, :classifier.first.n_features_in_])
        classifier.final_stage.predict_proba(X)
        passes += time.perf_counter() - began
    return {"passes_ms": 1000 * passes / len(htmls), "classify_ms": 1000 * total / len(htmls)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--limit", type=int, help="use only the first N pages of the datasets (smoke runs)")
    parser.add_argument("--output-dir", default=str(ROOT / "experiments/results"))
    args = parser.parse_args()

    pages = load_pages(sorted(str(p) for p in DATASETS.glob("*.jsonl.gz")), ["dom"])[:args.limit]
    dev_ids = {p.id.removesuffix("#dom") for p in split_pages(pages, 20, 15)[2]}
    htmls = [r["html"] for path in sorted(DATASETS.glob("*.jsonl.gz")) for r in read_jsonl(path)
             if str(r["id"]) in dev_ids]
    rows = []
    for size in args.sizes:
        started = time.perf_counter()
        model = train_model(pages, estimator=register(size), input_format="html")
        fit = time.perf_counter() - started
        word = model.manifest["dev_metrics"]["boilersift"]["word"]
        rows.append({"size": size, "learning_rate": SIZES[size], "threshold": model.threshold,
                     "dev_word_f1": word["f1"], "precision": word["precision"], "recall": word["recall"],
                     "train_seconds": round(fit), **timings(model, htmls)})
        print(rows[-1], flush=True)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = {"dev_pages": len(htmls), "chunk": CHUNK, "date": time.strftime("%Y-%m-%d")}
    (out / "compare_hgb_sizes.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    lines = ["# Size of the boosting passes (HTML model, dev fold 0)", "",
             f"{meta['dev_pages']} dev pages, one core, chunks of {CHUNK} pages; {meta['date']}.", "",
             ("| trees x leaves | learning rate | dev word F1 | P | R | threshold | passes ms/page | "
              "classify ms/page | train s |"), "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['size']} | {r['learning_rate']} | {r['dev_word_f1']:.4f} | {r['precision']:.3f} | "
              f"{r['recall']:.3f} | {r['threshold']:.2f} | {r['passes_ms']:.2f} | {r['classify_ms']:.2f} | "
              f"{r['train_seconds']} |" for r in rows]
    (out / "compare_hgb_sizes.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
