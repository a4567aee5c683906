"""Lower thresholds for text models on pages that are no article, measured leave one source out.

Every page of ../shared/datasets/ is rendered in both scrape styles and scored once by the text
model that never saw its source (``experiments/loso_train.py --input-format text``); the scores
are cached per model (``--cache``, not committed). Each variant is then scored against the gold
(word F1, mean over the pages of both styles or of ``--style``), overall and per source, page type
and language: ``DecisionConfig.kind_margin`` (a page of another kind than an article cut lower, as
HTML models do; the kind from the model's page-type stage, or for WCXB, whose model has none, from
one fitted on WCXB's other sites as in ``loso_kind_threshold.py``), and as references each model's
threshold lowered on every page. ``results/text_thin_pages.patch`` adds a decision for pages that keep
little (``thin_share`` / ``thin_margin``: a page whose blocks at the threshold hold less than
``thin_share`` of its characters is cut ``thin_margin`` lower) and its variants. Two more trials:
articles cut higher than the other kinds (every page's threshold raised by the kind margin, which
then lowers the other kinds back), and a two-state smoothing of the lines along the page
(:func:`switch_cost_smoothing`: a content/noise sequence that pays for every switch, so that a
lone line does not flip against the lines around it). And the shipped decisions with a paragraph
that repeats one above it kept again (``DecisionConfig.repeats`` off), the lines after a dropped
comment thread kept again (``DecisionConfig.thread_ends_article`` off), and short lines that a page
repeats dropped (:func:`short_repeats_dropped`); and two that keep more of a structured article's
short lines (headings, list items, one-sentence paragraphs), which the text model scores low on a
site it never saw: the paragraph margin for shorter sentences (:func:`short_sentences_as_paragraphs`)
and the sentences between two kept paragraphs (:func:`sentences_between_paragraphs`). The last
table chooses a decision on the other sources' pages and scores it on the held-out source's
(nested), so that no figure of a source comes from a choice made on it.

    python experiments/loso_text_decisions.py --loso-models experiments/loso/text-*
    python experiments/loso_text_decisions.py --loso-models experiments/loso/text-* --style nodes --threshold 0.4

Writes ``loso_text_decisions.json`` and ``.md`` (``--name``) into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import pickle  # noqa: E402
import shlex  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, RESULTS  # noqa: E402
from loso_decisions import Revision, ScoredPage, evaluate, markdown, scored_text_pages  # noqa: E402
from loso_kind_threshold import cross_validated_kinds  # noqa: E402
from tqdm import tqdm  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.cli import DEFAULT_STYLES  # noqa: E402
from boilersift.decide import TEXT_DECISIONS, DecisionConfig, is_paragraph  # noqa: E402
from boilersift.features.featurize import ends_sentence  # noqa: E402
from boilersift.features.threads import text_threads  # noqa: E402
from boilersift.labelled.data import label_record, read_jsonl  # noqa: E402
from boilersift.runner.batch import CHUNK_SIZE  # noqa: E402

CACHE = Path(__file__).resolve().parent / "loso" / "text_scores"
MARGINS = (0.1, 0.15, 0.2)  # of the threshold lowered on every page (references)
KIND_MARGINS = (0.05, 0.1, 0.15)
SWITCH_COSTS = (0.5, 1.0, 2.0)  # of switch_cost_smoothing, in log-odds
SHORT_REPEATS = (3, 3)  # of short_repeats_dropped: at most 3 words, 3 times or more on the page
SENTENCE_WORDS = (10, 15)  # of short_sentences_as_paragraphs (a paragraph has PARAGRAPH_WORDS)
BETWEEN = (0.1, 3)  # of sentences_between_paragraphs: the score and the words a sentence needs
BASELINE = "as shipped"
Variant = tuple[DecisionConfig, float, Revision | None]


def variants() -> dict[str, Variant]:
    """name -> (the decisions, how much lower than each model's threshold every page is cut, and
    a revision of the decided lines, if any)."""
    out: dict[str, Variant] = {BASELINE: (TEXT_DECISIONS, 0.0, None)}
    for margin in KIND_MARGINS:
        kinds = dataclasses.replace(TEXT_DECISIONS, kind_margin=margin)
        out[f"kind margin {margin}"] = (kinds, 0.0, None)
        out[f"articles +{margin}"] = (kinds, -margin, None)
    for margin in MARGINS:
        out[f"every page, -{margin}"] = (TEXT_DECISIONS, margin, None)
    for bylines in ("include", "exclude"):
        out[f"bylines {bylines}d"] = (dataclasses.replace(TEXT_DECISIONS, bylines=bylines), 0.0, None)
    out["repeated paragraphs kept"] = (dataclasses.replace(TEXT_DECISIONS, repeats=False), 0.0, None)
    out["lines after a dropped thread kept"] = (dataclasses.replace(TEXT_DECISIONS, thread_ends_article=False), 0.0,
                                                None)
    out[f"short lines repeated {SHORT_REPEATS}x dropped"] = (TEXT_DECISIONS, 0.0, short_repeats_dropped(*SHORT_REPEATS))
    for cost in SWITCH_COSTS:
        out[f"switch cost {cost}"] = (TEXT_DECISIONS, 0.0, switch_cost_smoothing(cost))
    for words in SENTENCE_WORDS:
        out[f"sentences of {words}+ words cut as paragraphs"] = (TEXT_DECISIONS, 0.0,
                                                                 short_sentences_as_paragraphs(words))
    out[f"sentences between kept paragraphs at {BETWEEN[0]}+"] = (TEXT_DECISIONS, 0.0,
                                                                  sentences_between_paragraphs(*BETWEEN))
    return out


def short_sentences_as_paragraphs(words: int) -> Revision:
    """A revision that keeps, as the paragraph margin keeps a paragraph of running prose, every
    line of `words` words or more that ends a sentence and scores at least the threshold less
    TEXT_DECISIONS.paragraph_margin."""
    def revise(page: ScoredPage, keep: np.ndarray) -> np.ndarray:
        cut = page.threshold - TEXT_DECISIONS.paragraph_margin
        return keep | np.fromiter((score >= cut and len(text.split()) >= words and ends_sentence(text)
                                   for text, score in zip(page.texts, page.scores)), dtype=bool, count=len(keep))
    return revise


def sentences_between_paragraphs(floor: float, words: int) -> Revision:
    """A revision that keeps every line between two kept paragraphs of running prose
    (:func:`~boilersift.decide.is_paragraph`) that ends a sentence, has `words` words or more and
    scores at least `floor`: the headings' and lists' sentences of a structured article."""
    def revise(page: ScoredPage, keep: np.ndarray) -> np.ndarray:
        anchors = [i for i in np.flatnonzero(keep).tolist() if is_paragraph(page.texts[i])]
        keep = keep.copy()
        for start, end in zip(anchors, anchors[1:]):
            for i in range(start + 1, end):
                text = page.texts[i]
                keep[i] |= page.scores[i] >= floor and len(text.split()) >= words and ends_sentence(text)
        return keep
    return revise


def short_repeats_dropped(words: int, times: int) -> Revision:
    """A revision that drops every kept line of at most `words` words, not a sentence, that the page
    holds `times` times or more ("Article content" between every paragraph of a Postmedia page)."""
    def revise(page: ScoredPage, keep: np.ndarray) -> np.ndarray:
        lines = [text.strip() for text in page.texts]
        counts = Counter(lines)
        short = np.fromiter((counts[line] >= times and len(line.split()) <= words and not ends_sentence(line)
                             for line in lines), dtype=bool, count=len(lines))
        return keep & ~short
    return revise


def switch_cost_smoothing(cost: float) -> Revision:
    """A revision that decides each line as the best content/noise sequence of the page: a line
    brings its log-odds over the threshold's (positive: content), and every switch between
    content and noise costs `cost` (Viterbi, two states). Lines the decisions keep under the
    threshold (a headline, a raised run) stay kept."""
    def revise(page: ScoredPage, keep: np.ndarray) -> np.ndarray:
        p = np.clip(np.asarray(page.scores, dtype=np.float64), 1e-6, 1 - 1e-6)
        t = min(max(page.threshold, 1e-6), 1 - 1e-6)
        gain = np.log(p / (1 - p)) - np.log(t / (1 - t))
        return two_state_path(gain, cost) | (keep & (p < page.threshold))
    return revise


def two_state_path(gain: np.ndarray, cost: float) -> np.ndarray:
    """The content (True) / noise sequence that maximises the summed `gain` of its content lines
    less `cost` per switch."""
    noise, content = 0.0, 0.0
    from_other = np.zeros((len(gain), 2), dtype=bool)  # [line, state]: reached from the other state
    for i, g in enumerate(gain.tolist()):
        from_other[i] = (content - cost > noise, noise - cost > content)
        noise, content = max(noise, content - cost), max(content, noise - cost) + g
    path = np.zeros(len(gain), dtype=bool)
    state = int(content >= noise)
    for i in range(len(gain) - 1, -1, -1):
        path[i] = state
        state = 1 - state if from_other[i, state] else state
    return path


def score_text_pages(model_dirs: list[str], datasets: Path, cache: Path) -> list[ScoredPage]:
    """Every page of the held-out sources in each scrape style, scored by the text model that never
    saw it (cached per model in the directory `cache`, by the model's hash; the datasets are read
    once, for the models not cached yet)."""
    models = [Model.load(d, "text") for d in model_dirs]
    caches = [cache_file(cache, m.manifest) for m in models]
    missing = [(m, cached) for m, cached in zip(models, caches) if not cached.exists()]
    sources = {m.manifest["split"]["dev_source"] for m, _ in missing}
    records = [r for path in sorted(datasets.glob("*.jsonl.gz")) for r in read_jsonl(path)
               if r.get("source") in sources] if missing else []
    scored: dict[Path, list[ScoredPage]] = {cached: [] for _, cached in missing}
    for source in sorted(sources):  # each page labelled once, for every model that has not scored it
        held = [r for r in records if r["source"] == source]
        scoring = [(m, cached) for m, cached in missing if m.manifest["split"]["dev_source"] == source]
        for style in DEFAULT_STYLES.split(","):
            for start in tqdm(range(0, len(held), CHUNK_SIZE), desc=f"{source}, {style}", unit="chunk"):
                chunk = [(r, label_record(r, style)) for r in held[start:start + CHUNK_SIZE]]
                for model, cached in scoring:
                    scored[cached] += scored_text_pages(model, chunk)
    for cached, pages in scored.items():
        cache.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps(pages))
    return read_cached(caches)


def cache_file(cache: Path, manifest: dict) -> Path:
    """Where :func:`score_text_pages` keeps the scores of the model of `manifest`."""
    return cache / f"{manifest['model_sha256'][:16]}.pkl"


def read_cached(caches: list[Path]) -> list[ScoredPage]:
    """The scored pages of :func:`score_text_pages`' cache files `caches`."""
    pages = [page for cached in caches for page in pickle.loads(cached.read_bytes())]
    # the comment threads as today's features/threads.py finds them: a decision over the lines,
    # not a score of the model the cache keeps (older caches hold another version's, or None)
    return [page._replace(in_comments=text_threads(page.texts)) for page in pages]


def nested(systems: dict, sources: list[str]) -> list[dict]:
    """For each source, the decision rule with the best word F1 over the pages of the other
    sources, and its held-out figure next to the baseline's. The thresholds lowered on every page
    are left out of the choice: they are references, as the threshold itself is chosen by
    ``train`` on its tune pages (the first run let them be chosen: see the results file)."""
    systems = {name: s for name, s in systems.items() if not name.startswith("every page")}
    rows = []
    for source in sources:
        def others(name: str) -> float:
            s = systems[name]["per_source"]
            total = sum(v["pages"] for k, v in s.items() if k != source)
            return sum(v["f1"] * v["pages"] for k, v in s.items() if k != source) / total if total else 0.0
        chosen = max(systems, key=others)
        held = systems[chosen]["per_source"][source]
        rows.append({"source": source, "pages": held["pages"], "chosen": chosen, "f1": held["f1"],
                     "baseline": systems[BASELINE]["per_source"][source]["f1"]})
    return rows


def nested_markdown(rows: list[dict]) -> str:
    out = ["", "## Chosen on the other sources, scored on the held-out one", "",
           "| held-out source | pages | chosen on the others | held-out word F1 | as shipped |",
           "|---|---|---|---|---|"]
    out += [f"| {r['source']} | {r['pages']} | {r['chosen']} | {r['f1']:.4f} | {r['baseline']:.4f} |" for r in rows]
    total = sum(r["pages"] for r in rows)
    pooled = [sum(r[k] * r["pages"] for r in rows) / total for k in ("f1", "baseline")]
    out.append(f"| all, nested | {total} | | {pooled[0]:.4f} | {pooled[1]:.4f} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loso-models", nargs="+", metavar="DIR", required=True)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"a directory for the scores (default {CACHE})")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--name", default="loso_text_decisions", help="of the .json and .md written")
    parser.add_argument("--style", choices=DEFAULT_STYLES.split(","), help="score the pages of this scrape style only")
    parser.add_argument("--threshold", type=float, help="every model at this threshold (default: each its own)")
    args = parser.parse_args(argv)
    pages = [p._replace(threshold=p.threshold if args.threshold is None else args.threshold)
             for p in score_text_pages(args.loso_models, args.datasets, args.cache)
             if args.style in (None, p.row["style"])]
    if any(p.row["source"] == "wcxb" for p in pages):
        kinds, accuracy = cross_validated_kinds(args.datasets / "wcxb_dev.jsonl.gz", input_format="text",
                                                styles=tuple(DEFAULT_STYLES.split(",")))
        pages = [p._replace(kind=kinds.get((p.row["id"], p.row["style"]))) if p.row["source"] == "wcxb" else p
                 for p in pages]
        print(f"WCXB's kinds cross-validated by site: {accuracy:.3f} right")
    systems = {name: evaluate([p._replace(threshold=p.threshold - shift) for p in pages], config, revise)
               for name, (config, shift, revise) in tqdm(variants().items(), desc="variants")}
    rows = nested(systems, sorted(systems[BASELINE]["per_source"]))
    meta = {"command": shlex.join(["python", "experiments/loso_text_decisions.py", "--loso-models",
                                   *[f"experiments/loso/{Path(d).name}" for d in args.loso_models],
                                   *(["--style", args.style] if args.style else []),
                                   *(["--threshold", str(args.threshold)] if args.threshold is not None else [])]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(pages),
            "models": [Path(d).name for d in args.loso_models], "threshold": args.threshold}
    report = {"meta": meta, "systems": systems, "nested": rows}
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / f"{args.name}.json").write_text(json.dumps(report, indent=1))
    styles = f"the {args.style} scrape style" if args.style else "both scrape styles"
    text = markdown(report).replace(
        "# Decisions over the page, leave one source out",
        "# Lower thresholds for text models, leave one source out").replace(
        "scored by the HTML model", f"in {styles}, scored by the text model") + nested_markdown(rows)
    (args.output_dir / f"{args.name}.md").write_text(text)
    print(text[:6000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
