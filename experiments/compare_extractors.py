"""Compare boilersift on HTML with the main-content extractors people use instead.

What is measured: on every page of ../shared/datasets/*.jsonl.gz whose site is a
dev site of the HTML model (``data.is_dev_site(data.site_of(record), 20)``: held
out by site, so no default model was trained on any page of these sites), the
headline word precision/recall/F1 (``metrics.word_prf``, the WCXB convention of
the datasets README) of each system's text against the page's ``gold``, averaged
over pages, overall, per source and per page type; and milliseconds per page on
one core, HTML parsing included for every system. Systems, all on the raw HTML:

* ``boilersift/html``: the HTML model (``Model.load(--model)``, default
  models/html-default), ``classify_html``: DOM segmentation + classification, one
  page per call; and ``boilersift/html, 8 pages per call``: the same model as
  ``predict`` runs it, a chunk of pages per model call (``Model.classify_pages``),
  its time charged equally to the pages of the chunk (same output, less time);
* ``boilersift/text``: the text model on the page rendered by html-text
  (``render.render_blocks``), rendering included;
* ``trafilatura`` (default, ``favor_precision=True`` and ``favor_recall=True``), ``readability-lxml``
  (``Document.summary()`` rendered by html-text), ``resiliparse``
  (``extract_plain_text(main_content=True)``), ``jusText`` (stop list of the
  page's language; English when the page has none; its language-independent
  mode for languages it has no list of), ``boilerpy3``
  (``ArticleExtractor``);
* ``keep_all``: every DOM block, the recall ceiling of our segmentation.

A system that raises on a page scores it as empty output; its error count goes up.
The comparators are benchmark-only extras (``pip install -e .[bench]``).

Cross-validated by site (``--cv-models``): every page of the datasets, each
classified by the model of ``experiments/cv_html.sh`` whose dev fold holds the
page's site; written as ``compare_extractors_cv.*``.

Leave one source out (``--loso-models``): every page of the datasets, each classified by
the model of ``experiments/loso_train.py`` that never saw its source (``train
--dev-source``): the estimate of a new benchmark, per source, page type and language
(character F1 too for Chinese, Japanese, Thai); written as ``compare_extractors_loso.*``.
A source whose model has no page-type stage (WCXB, the only source that names its pages' kinds)
gets each page's kind from a stage fitted on its other sites (``--site-page-types``).

Rerun (a few minutes for the ~390 dev pages, five times that with --cv-models)::

    /work/venv/bin/python experiments/compare_extractors.py
    /work/venv/bin/python experiments/compare_extractors.py --cv-models experiments/cv/html-fold*
    /work/venv/bin/python experiments/compare_extractors.py --loso-models experiments/loso/html-* \
        --systems trafilatura readability-lxml resiliparse jusText keep_all
    /work/venv/bin/python experiments/compare_extractors.py --limit 20 --output-dir /tmp/smoke

Writes ``compare_extractors.json`` and ``compare_extractors.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, before numpy/sklearn are imported

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import html_text  # noqa: E402
import justext  # noqa: E402
import trafilatura  # noqa: E402
from boilerpy3 import extractors as boilerpy_extractors  # noqa: E402
from compare_text import (  # noqa: E402
    DATASETS,
    RESULTS,
    Tally,
    dev_records,
    gold_of,
    group_tables,
    page_row,
    timed,
    write_results,
)
from loso_kind_threshold import site_fold_page_types  # noqa: E402
from readability import Document  # noqa: E402
from resiliparse.extract.html2text import extract_plain_text  # noqa: E402
from tqdm import tqdm  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.blocks.html import segment_html  # noqa: E402
from boilersift.blocks.render import render_blocks, render_nodes  # noqa: E402
from boilersift.labelled.data import read_jsonl, site_fold, site_of  # noqa: E402
from boilersift.model.bundle import default_bundle_path  # noqa: E402
from boilersift.runner.batch import CHUNK_SIZE  # noqa: E402

JUSTEXT_LANGUAGES = {"en": "English", "de": "German", "es": "Spanish", "fr": "French", "it": "Italian",
                     "pt": "Portuguese", "nl": "Dutch", "no": "Norwegian_Bokmal", "nb": "Norwegian_Bokmal",
                     "tr": "Turkish", "cs": "Czech", "pl": "Polish", "ru": "Russian", "sv": "Swedish",
                     "da": "Danish", "fi": "Finnish", "hu": "Hungarian", "ro": "Romanian", "id": "Indonesian"}


def _justext(html: str, lang: str | None) -> str:
    """jusText with the page's stop list; for languages it has none of (Chinese,
    Japanese, Korean, ...), its documented language-independent mode."""
    language = JUSTEXT_LANGUAGES.get((lang or "en").split("-")[0].lower())
    if language is None:
        paragraphs = justext.justext(html, frozenset(), stopwords_low=0, stopwords_high=0)
    else:
        paragraphs = justext.justext(html, justext.get_stoplist(language))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


BATCH_NAME = f"boilersift/html, {CHUNK_SIZE} pages per call"


Picker = Callable[[dict], Model]  # the HTML model that never saw the page's site


def systems(pick: Picker, text_pick: Picker | None, text_name: str = "boilersift/text",
            render: Callable[[str], str] = render_blocks) -> dict[str, Callable[[str, dict], str]]:
    """Every system: (html, page record) -> extracted text. `text_pick` gives the text model of a
    page, which classifies it rendered by `render`; without one (cross-validation, where the
    shipped text model trained on most pages) no boilersift/text."""
    article = boilerpy_extractors.ArticleExtractor()

    def content(results) -> str:
        return "\n".join(r.text for r in results if r.is_content)

    text = {text_name: lambda html, record: content(text_pick(record).classify(render(html)))} if text_pick else {}
    return {
        "boilersift/html": lambda html, record: content(pick(record).classify_html(html)),
        **text,
        "trafilatura": lambda html, _: trafilatura.extract(html) or "",
        "trafilatura/precision": lambda html, _: trafilatura.extract(html, favor_precision=True) or "",
        "trafilatura/recall": lambda html, _: trafilatura.extract(html, favor_recall=True) or "",
        "readability-lxml": lambda html, _: html_text.extract_text(Document(html).summary(html_partial=True)),
        "resiliparse": lambda html, _: extract_plain_text(html, main_content=True),
        "jusText": lambda html, record: _justext(html, record.get("lang")),
        "boilerpy3": lambda html, _: article.get_content(html) or "",
        "keep_all": lambda html, _: "\n".join(b.text for b in segment_html(html)),
    }


def batch_system(pick: Picker) -> Callable[[list[dict]], list[str]]:
    """boilersift/html as ``predict`` runs it: a chunk of pages in one model call
    (:meth:`Model.classify_pages`; one per model in cross-validation), which pays each
    stage's fixed cost once per chunk."""
    def extract(records: list[dict]) -> list[str]:
        texts = [""] * len(records)
        for model in {id(pick(r)): pick(r) for r in records}.values():
            mine = [i for i, r in enumerate(records) if pick(r) is model]
            pages = model.classify_pages([model.html_blocks(records[i]["html"]) for i in mine])
            for i, results in zip(mine, pages):
                texts[i] = "\n".join(r.text for r in results if r.is_content)
        return texts
    return extract


def run(records: list[dict], fns: dict[str, Callable[[str, dict], str]],
        batch: Callable[[list[dict]], list[str]]) -> dict:
    """Every page through every per-page system; then through `batch`, timed per chunk
    of CHUNK_SIZE pages and charged equally to the pages of the chunk."""
    tally = Tally()
    pages = []
    for fn in fns.values():  # warm up: first calls pay one-off set-up costs
        timed(lambda html, fn=fn: fn(html, records[0]), "<html><body><p>warm up text.</p></body></html>")
    for start in tqdm(range(0, len(records), CHUNK_SIZE), desc="chunks of pages", unit="chunk"):
        chunk = records[start:start + CHUNK_SIZE]
        rows = [page_row(record) for record in chunk]
        golds = [gold_of(record) for record in chunk]
        for record, row, gold in zip(chunk, rows, golds):
            for name, fn in fns.items():
                tally.score(row, name, timed(lambda html, fn=fn: fn(html, record), record["html"]), gold)
        texts, ms, error = timed(batch, chunk)
        for i, (row, gold) in enumerate(zip(rows, golds)):
            tally.score(row, BATCH_NAME, (texts[i] if texts is not None else None, ms / len(chunk), error), gold)
        pages += rows
    return {"systems": tally.systems([*fns, BATCH_NAME], pages), "error_examples": tally.error_examples,
            "pages": pages}


def markdown(report: dict) -> str:
    systems_, meta = report["systems"], report["meta"]
    reference = systems_.get("trafilatura", {}).get("f1")
    if "loso_models" in meta:
        held_out = [f"- every page of the datasets (limit={meta['limit']} per source), each classified by the HTML "
                    "model that never saw its source (leave one source out):"] + [
            f"  - {m['dev_source']}: `{m['dir']}`, threshold {m['threshold']}, sha256 `{m['model_sha256']}`"
            for m in meta["loso_models"]]
        if meta.get("site_page_types"):
            held_out.append("  - the pages of a source whose model has no page-type stage (WCXB: no other source names "
                            "the kinds of page) get the kind from a stage fitted on the source's other sites, five "
                            "folds by site (`--site-page-types`), so that the decisions by kind of page count")
    elif "cv_models" in meta:
        held_out = [f"- every page of the datasets (limit={meta['limit']}), each classified by the HTML model of "
                    f"the {len(meta['cv_models'])}-fold cross-validation by site that held its site out: "] + [
            f"  - fold {m['dev_fold']}: `{m['dir']}`, threshold {m['threshold']}, sha256 `{m['model_sha256']}`"
            for m in meta["cv_models"]]
    else:
        held_out = [
            f"- pages: {meta['pages']} (dev sites of the HTML model, dev_percent={meta['dev_percent']}, "
            f"limit={meta['limit']}); never trained on",
            f"- HTML model: `{meta['html_model']}`, threshold {meta['threshold']}, sha256 `{meta['model_sha256']}`"]
    held = "sources" if "loso_models" in meta else "sites"
    out = [f"# boilersift vs HTML main-content extractors on held-out {held}", "",
           f"- command: `{meta['command']}`", f"- date: {meta['date']}", *held_out,
           f"- one core (OMP_NUM_THREADS={meta['omp_num_threads']}), parsing included in every ms/page; "
           f"total {meta['seconds']} s",
           f"- versions: {', '.join(f'{k} {v}' for k, v in meta['versions'].items())}", "",
           "## Overall (mean over pages of word-level P/R/F1)", "",
           "| system | word F1 | word P | word R | ms/page | pages/s | vs trafilatura F1 | errors |",
           "|---|---|---|---|---|---|---|---|"]
    for name, s in systems_.items():
        out.append(f"| {name} | {s['f1']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | "
                   f"{s['ms_per_page']:.1f} | {1000 / max(s['ms_per_page'], 1e-9):.1f} | "
                   f"{'' if reference is None else format(s['f1'] - reference, '+.3f')} | {s['errors']} |")
    out += group_tables(systems_)
    if report["error_examples"]:
        out += ["", f"## Errors (first {Tally.MAX_EXAMPLES})", ""] + [f"- {e}" for e in report["error_examples"]]
    return "\n".join(out) + "\n"


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    return {name: version(name) for name in
            ("trafilatura", "readability-lxml", "resiliparse", "justext", "boilerpy3", "lxml", "scikit-learn")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N dev pages (smoke run)")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--model", help="HTML model bundle (default: the shipped one)")
    parser.add_argument("--text-model", help="text model bundle (default: the shipped one)")
    parser.add_argument("--cv-models", nargs="+", metavar="DIR",
                        help="cross-validate by site: HTML bundles trained with --dev-fold 0 .. K-1 "
                             "(experiments/cv_html.sh); every page is classified by the one that held "
                             "its site out, and there is no boilersift/text (it trained on most pages)")
    parser.add_argument("--loso-models", nargs="+", metavar="DIR",
                        help="leave one source out: HTML bundles trained with --dev-source, one per source "
                             "(experiments/loso_train.py); every page is classified by the one that never saw "
                             "its source, --limit counts per source, and there is no boilersift/text")
    parser.add_argument("--loso-text-models", nargs="+", metavar="DIR",
                        help="with --loso-models: text bundles trained with --dev-source, one per source "
                             "(experiments/loso_train.py --input-format text); each classifies the pages of its "
                             "source rendered one text node per line, as boilersift/text, nodes")
    parser.add_argument("--loso-threshold", type=float, metavar="T",
                        help="with --loso-models: classify at this threshold instead of each model's own "
                             "(the shipped HTML model keeps 0.5; experiments/train_default.sh)")
    parser.add_argument("--loso-text-threshold", type=float, metavar="T",
                        help="with --loso-text-models: classify at this threshold instead of each model's own "
                             "(the shipped text model keeps 0.4)")
    parser.add_argument("--site-page-types", action=argparse.BooleanOptionalAction, default=True,
                        help="with --loso-models: a source whose model has no page-type stage (WCXB: no other "
                             "source names the kind of its pages) gets, for each page, the stage fitted on the "
                             "source's other sites, as train fits it (five folds by site), so that the decisions by "
                             "kind of page are measured too (default: on)")
    parser.add_argument("--systems", nargs="+", metavar="NAME",
                        help="only these per-page systems (default: all; boilersift in chunks of pages always runs)")
    args = parser.parse_args(argv)

    def chosen(fns: dict[str, Callable[[str, dict], str]]) -> dict[str, Callable[[str, dict], str]]:
        unknown = set(args.systems or ()) - set(fns)
        if unknown:
            raise SystemExit(f"--systems: unknown {', '.join(sorted(unknown))}; choose from {', '.join(fns)}")
        return {name: fn for name, fn in fns.items() if not args.systems or name in args.systems}

    started = time.perf_counter()
    if args.loso_models:
        loaded = [Model.load(d, "html") for d in args.loso_models]
        for model in loaded:
            model.threshold = model.threshold if args.loso_threshold is None else args.loso_threshold
        by_source = {m.manifest.get("split", {}).get("dev_source"): m for m in loaded}
        if None in by_source or len(by_source) != len(loaded):
            raise SystemExit("--loso-models: need one model per source, each trained with --dev-source")
        per_source: dict[str, list[dict]] = {source: [] for source in sorted(by_source)}
        typed_paths: dict[str, Path] = {}  # the file of a source whose pages name their kind
        for path in sorted(args.datasets.glob("*.jsonl.gz")):
            for record in read_jsonl(path):
                if args.site_page_types and record.get("page_type") not in (None, "unknown", "article"):
                    typed_paths[record.get("source")] = path
                kept = per_source.get(record.get("source"))
                if kept is not None and (args.limit is None or len(kept) < args.limit):
                    kept.append(record)
        records = [record for kept in per_source.values() for record in kept]
        text_by_source = {m.manifest["split"]["dev_source"]: m
                          for m in (Model.load(d) for d in args.loso_text_models or ())}
        for model in text_by_source.values():
            model.threshold = model.threshold if args.loso_text_threshold is None else args.loso_text_threshold
        if args.loso_text_models and set(text_by_source) != set(by_source):
            raise SystemExit("--loso-text-models: need a text model for each source of --loso-models")
        pick = loso_picker(by_source, typed_paths, "html")
        text_pick = loso_picker(text_by_source, typed_paths, "text") if text_by_source else None
        report = run(records, chosen(systems(pick, text_pick, "boilersift/text, nodes", render_nodes)),
                     batch_system(pick))
        dev_percent = 0
        models = {"loso_models": [{"dir": d, "dev_source": m.manifest["split"]["dev_source"], "threshold": m.threshold,
                                   "model_sha256": m.manifest.get("model_sha256")}
                                  for d, m in zip(args.loso_models, loaded)],
                  "loso_text_models": args.loso_text_models or [], "loso_text_threshold": args.loso_text_threshold,
                  "site_page_types": args.site_page_types}
        name = "compare_extractors_loso"
    elif args.cv_models:
        folds = cv_folds([Model.load(d, "html") for d in args.cv_models])
        dev_percent = 100 // len(folds)
        records = [r for path in sorted(args.datasets.glob("*.jsonl.gz")) for r in read_jsonl(path)][:args.limit]
        pick = lambda record: folds[site_fold(site_of(record), dev_percent)]  # noqa: E731
        report = run(records, chosen(systems(pick, None)), batch_system(pick))
        models = {"cv_models": [{"dir": d, "dev_fold": m.manifest["split"].get("dev_fold", 0),
                                 "threshold": m.threshold, "model_sha256": m.manifest.get("model_sha256")}
                                for d, m in zip(args.cv_models, folds.values())]}
        name = "compare_extractors_cv"
    else:
        html_model, text_model = Model.load(args.model, "html"), Model.load(args.text_model)
        dev_percent = int(html_model.manifest.get("split", {}).get("dev_percent", 20))
        records = dev_records(args.datasets, dev_percent, args.limit)
        report = run(records, chosen(systems(lambda _: html_model, lambda _: text_model)),
                     batch_system(lambda _: html_model))
        models = {"html_model": args.model or str(default_bundle_path("html")), "threshold": html_model.threshold,
                  "model_sha256": html_model.manifest.get("model_sha256")}
        name = "compare_extractors"
    meta = {
        "command": shlex.join([Path(sys.executable).as_posix(), *sys.argv]),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "pages": len(records), "dev_percent": dev_percent, "limit": args.limit, **models,
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"), "versions": _versions(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    write_results({"meta": meta, **report}, args.output_dir, name, markdown)
    return 0


def loso_picker(by_source: dict[str, Model], typed_paths: dict[str, Path], input_format: str) -> Picker:
    """The held-out model of a page's source; where that model has no page-type stage and the
    source's pages name their kinds (in the file `typed_paths` gives), a copy of it with the stage
    fitted on the source's other sites (:func:`loso_kind_threshold.site_fold_page_types`): the
    page type as the shipped model would tell it on a site it never saw."""
    by_page: dict[str, Model] = {}
    for source, model in by_source.items():
        if model.classifier.page_type is not None or source not in typed_paths:
            continue
        style = "dom" if input_format == "html" else "nodes"
        stages, _ = site_fold_page_types(typed_paths[source], input_format=input_format, styles=(style,))
        copies = {id(stage): Model(dataclasses.replace(model.classifier, page_type=stage), model.threshold,
                                   model.manifest, model.decisions) for stage in stages.values()}
        by_page.update({key.split("#")[0]: copies[id(stage)] for key, stage in stages.items()})
    return lambda record: by_page.get(record["id"]) or by_source[record["source"]]


def cv_folds(models: list[Model]) -> dict[int, Model]:
    """The models by dev fold; they must cover every fold once, with one dev percent."""
    splits = [m.manifest.get("split", {}) for m in models]
    percents = {s.get("dev_percent", 20) for s in splits}
    folds = {s.get("dev_fold", 0): m for s, m in zip(splits, models)}
    if len(percents) != 1 or sorted(folds) != list(range(100 // percents.pop())) or len(folds) != len(models):
        raise SystemExit(f"--cv-models: need one model per dev fold with the same dev percent, got folds "
                         f"{sorted(s.get('dev_fold', 0) for s in splits)}")
    return dict(sorted(folds.items()))


if __name__ == "__main__":
    sys.exit(main())
