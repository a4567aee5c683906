"""Decisions over the page, measured leave-one-source-out without retraining.

Every page of ../shared/datasets/ is segmented and scored once by the HTML model that never
saw its source (``experiments/loso_train.py``); the scores are cached in
``experiments/loso/scores.pkl`` (not committed). Then each variant of
:class:`boilersift.decide.DecisionConfig` is applied to the cached scores and scored against
the gold (word F1, mean over pages; the metric of ../shared/datasets/README.md), overall and
per source, page type and language, so that a decision rule is judged on benchmarks its model
never saw, in seconds instead of a retraining.

    python experiments/loso_decisions.py --loso-models experiments/loso/html-*   # ~3 min the first time

Writes ``loso_decisions.json`` and ``loso_decisions.md`` (``--name``) into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import pickle  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, NamedTuple  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import (  # noqa: E402
    DATASETS,
    GROUPS,
    RESULTS,
    gold_of,
    group_tables,
    page_row,
    summarise,
)
from tqdm import tqdm  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.blocks.text import Block  # noqa: E402
from boilersift.decide import DEFAULT_DECISIONS, DecisionConfig, decide  # noqa: E402
from boilersift.errors import InputError  # noqa: E402
from boilersift.evaluation.metrics import char_prf, word_prf  # noqa: E402
from boilersift.labelled.data import (  # noqa: E402
    LabeledPage,
    fingerprint,
    is_dev_site,
    label_record,
    read_jsonl,
    site_of,
)
from boilersift.pipeline import comment_threads  # noqa: E402
from boilersift.runner.batch import CHUNK_SIZE  # noqa: E402
from boilersift.training.train import TUNE_SALT  # noqa: E402

CACHE = Path(__file__).resolve().parent / "loso" / "scores.pkl"

# The variants compared: name -> the decisions (the default first).
VARIANTS: dict[str, DecisionConfig] = {
    "default": DEFAULT_DECISIONS,
    "no main region": dataclasses.replace(DEFAULT_DECISIONS, main_region=False),
    "no headline": dataclasses.replace(DEFAULT_DECISIONS, headline=False),
    "no passages": dataclasses.replace(DEFAULT_DECISIONS, passages=False),
    "no sentences": dataclasses.replace(DEFAULT_DECISIONS, sentences=False),
    "comments left to the model": dataclasses.replace(DEFAULT_DECISIONS, comments="model"),
    "comments excluded": dataclasses.replace(DEFAULT_DECISIONS, comments="exclude"),
    "bylines included": dataclasses.replace(DEFAULT_DECISIONS, bylines="include"),
    "bylines excluded": dataclasses.replace(DEFAULT_DECISIONS, bylines="exclude"),
}


class ScoredPage(NamedTuple):
    """A page of a held-out source as its model saw it: blocks' texts and scores, which blocks sit in
    a comment thread (None: no blocks), the kind of page, and what `extra` made of the blocks."""

    row: dict
    texts: list[str]
    scores: np.ndarray
    threshold: float
    gold: str
    in_comments: np.ndarray | None
    kind: str | None
    extra: Any = None


# The cache pickles ScoredPage as loso_decisions.ScoredPage, also when this file runs as a script,
# so that the scripts that import it read the same cache.
ScoredPage.__module__ = "loso_decisions"
sys.modules.setdefault("loso_decisions", sys.modules[__name__])


def page_blocks(model: Model, record: dict) -> list[Block]:
    """The blocks of a dataset record's page (none if the parser rejects it)."""
    try:
        return model.html_blocks(record["html"], record["id"])
    except InputError:
        return []


def fold_tune_pages(datasets: Path, split: dict, styles: list[str], strict: bool = True) -> list[LabeledPage]:
    """The tune pages of a leave-one-source-out fold (`split`, its manifest's), labelled in `styles`
    as ``loso_train.py`` labelled them and in the same order: only they are labelled, and their
    fingerprint must be the manifest's; if it is not, unless `strict`, they are used as labelled
    today, with a warning (a fold trained on pages labelled otherwise, by older code or with some
    left out)."""
    pages = [label_record(record, style) for path in sorted(datasets.glob("*.jsonl.gz")) for record in read_jsonl(path)
             if record.get("source") != split["dev_source"]
             and is_dev_site(TUNE_SALT + site_of(record), split["tune_percent"])
             for style in styles]
    if fingerprint(pages)["sha256"] != split["tune_data"]:
        message = f"the tune pages of {split['dev_source']} differ from those the models were tuned on"
        if strict:
            raise SystemExit(message)
        print(f"{message}; using them as labelled today", file=sys.stderr)
    return pages


def scored_page(model: Model, record: dict, extra: Callable[[list[Block]], Any] | None = None) -> ScoredPage:
    """One dataset record as `model` scores it."""
    blocks = page_blocks(model, record)
    [scores], [kind] = model.score_and_type_pages([blocks])
    return ScoredPage(page_row(record), [b.text for b in blocks], scores, model.threshold, record.get("gold") or "",
                      comment_threads(blocks), kind, extra(blocks) if extra else None)


def scored_text_pages(model: Model, labelled: list[tuple[dict, LabeledPage]]) -> list[ScoredPage]:
    """Dataset records with their pages in one scrape style (:func:`label_record`), as the text
    `model` scores them, all in one call."""
    scores, kinds = model.score_and_type_pages([page.blocks for _, page in labelled])
    return [ScoredPage({**page_row(r), "style": page.meta["style"]}, [b.text for b in page.blocks], score,
                       model.threshold, r.get("gold") or "", comment_threads(page.blocks), kind)
            for (r, page), score, kind in zip(labelled, scores, kinds)]


def score_pages(model_dirs: list[str], datasets: Path, cache: Path = CACHE,
                extra: Callable[[list[Block]], Any] | None = None) -> dict:
    """{"pages": [ScoredPage], "models": [...]}, from the cache when it was made by the same models
    (and `extra`); the pages of the sources the models hold out."""
    models = [Model.load(d, "html") for d in model_dirs]
    key = {"shas": sorted(m.manifest.get("model_sha256", "") for m in models),
           "extra": getattr(extra, "__name__", None), "format": ScoredPage._fields}
    if cache.exists():
        cached = pickle.loads(cache.read_bytes())
        if all(cached.get(name) == value for name, value in key.items()):
            return cached
    by_source = {m.manifest["split"]["dev_source"]: m for m in models}
    records = [r for path in sorted(datasets.glob("*.jsonl.gz")) for r in read_jsonl(path)
               if r.get("source") in by_source]
    pages = [scored_page(by_source[record["source"]], record, extra)
             for start in tqdm(range(0, len(records), CHUNK_SIZE), desc="chunks of pages", unit="chunk")
             for record in records[start:start + CHUNK_SIZE]]
    cached = {**key, "pages": pages, "models": model_dirs}
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(cached))
    return cached


def scored_pages_arguments(parser: argparse.ArgumentParser, cache: Path = CACHE) -> None:
    """The options of a script that scores the held-out pages with :func:`score_pages`."""
    parser.add_argument("--loso-models", nargs="+", metavar="DIR", required=True)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--cache", type=Path, default=cache, help=f"where the scores are kept (default {cache})")


Revision = Callable[[ScoredPage, np.ndarray], np.ndarray]


def mean_scores(runs: list[list[ScoredPage]]) -> list[ScoredPage]:
    """The pages of the first run with the mean scores of all `runs` (models that hold out the
    same source), a page matched by its id and scrape style."""
    keyed = [{(p.row["id"], p.row.get("style")): p for p in run} for run in runs]
    return [page._replace(scores=np.mean([np.asarray(k[key].scores) for k in keyed], axis=0))
            for key, page in keyed[0].items()]


def kept_text(page: ScoredPage, config: DecisionConfig, revise: Revision | None = None) -> str:
    """What `config`'s decisions keep of a cached page (then `revise`d: a rule tried on the
    decisions without being one of them)."""
    if not page.texts:
        return ""
    keep = decide(page.texts, page.scores, page.threshold, config, page.in_comments, page.kind).keep
    if revise is not None:
        keep = revise(page, keep)
    return "\n".join(t for t, k in zip(page.texts, keep) if k)


def evaluate(pages: list, config: DecisionConfig, revise: Revision | None = None) -> dict:
    """Word F1 (character F1 on unspaced languages) of `config`'s decisions (:func:`kept_text`)
    on every cached page."""
    return score_outputs(pages, [kept_text(page, config, revise) for page in pages])


def score_outputs(pages: list, outputs: list[str]) -> dict:
    """Word F1 (character F1 on unspaced languages) of `outputs`, one extracted text per cached
    page, overall and per source, page type and language (:func:`compare_text.summarise`)."""
    scores, chars, rows = [], [], []
    for page, out in zip(pages, outputs, strict=True):
        row, gold = page.row, page.gold
        words, char_gold = gold_of({"gold": gold, "lang": row["lang"] if row["lang"] != "unknown" else None})
        scores.append(word_prf(out, words))
        if char_gold is not None:
            chars.append((row["lang"], char_prf(out, char_gold)))
        rows.append(row)
    groups = {g: [r[g] for r in rows] for g in GROUPS}
    langs, char_scores = zip(*chars) if chars else ((), ())
    char_per_lang = summarise(list(char_scores), {"lang": list(langs)})["per_lang"]
    return {**summarise(scores, groups), "char_per_lang": char_per_lang,
            "empty_pages_with_text": sum(1 for page, s in zip(pages, scores) if page.texts and s.precision == 0
                                         and s.recall == 0)}


SCORED_BY = "each scored by the HTML model that never saw its source"


def markdown(report: dict) -> str:
    systems, meta = report["systems"], report["meta"]
    out = ["# Decisions over the page, leave one source out", "",
           f"- command: `{meta['command']}`", f"- date: {meta['date']}",
           f"- {meta['pages']} pages, {meta.get('scored_by', SCORED_BY)}: "
           + ", ".join(f"`{d}`" for d in meta["models"]),
           f"- threshold: {meta.get('threshold') or 'each model its own'}", "",
           "| variant | word F1 | word P | word R | pages with text that score 0 |", "|---|---|---|---|---|"]
    for name, s in systems.items():
        out.append(f"| {name} | {s['f1']:.4f} | {s['precision']:.4f} | {s['recall']:.4f} | "
                   f"{s['empty_pages_with_text']} |")
    return "\n".join(out + group_tables(systems)) + "\n"


def write_report(report: dict, output_dir: Path, name: str, title: str | None = None, footer: str = "") -> str:
    """Write `report` ({"meta", "systems"}) to NAME.json and, as :func:`markdown` under `title` with
    `footer` after it, to NAME.md in `output_dir`; the markdown."""
    text = markdown(report) + footer
    if title is not None:
        text = text.replace("# Decisions over the page, leave one source out", f"# {title}", 1)
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / f"{name}.json").write_text(json.dumps(report, indent=1))
    (output_dir / f"{name}.md").write_text(text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    scored_pages_arguments(parser)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--name", default="loso_decisions", help="stem of the output files")
    parser.add_argument("--threshold", type=float, help="one threshold for every model (default: each model's own; "
                        "the shipped HTML model's is 0.5)")
    args = parser.parse_args(argv)
    cached = score_pages(args.loso_models, args.datasets, args.cache)
    pages = [p._replace(threshold=args.threshold) if args.threshold is not None else p for p in cached["pages"]]
    systems = {name: evaluate(pages, config) for name, config in VARIANTS.items()}
    meta = {"command": shlex.join([Path(sys.executable).as_posix(), *sys.argv]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "pages": len(pages), "models": args.loso_models, "threshold": args.threshold}
    print(write_report({"meta": meta, "systems": systems}, args.output_dir, args.name)[:3000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
