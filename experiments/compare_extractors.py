"""Compare boilersift on HTML with the main-content extractors people use instead.

What is measured: on every page of ../shared/datasets/*.jsonl.gz whose site is a
dev site of the HTML model (``data.is_dev_site(data.site_of(record), 20)``: held
out by site, so no default model was trained on any page of these sites), the
headline word precision/recall/F1 (``metrics.word_prf``, the WCXB convention of
the datasets README) of each system's text against the page's ``gold``, averaged
over pages, overall, per source and per page type; and milliseconds per page on
one core, HTML parsing included for every system. Systems, all on the raw HTML:

* ``boilersift/html``: the HTML model (``Model.load(--model)``, default
  models/html-default), ``classify_html``: DOM segmentation + classification;
* ``boilersift/text``: the text model on the page rendered by html-text
  (``render.render_blocks``), rendering included;
* ``trafilatura`` (default and ``favor_precision=True``), ``readability-lxml``
  (``Document.summary()`` rendered by html-text), ``resiliparse``
  (``extract_plain_text(main_content=True)``), ``jusText`` (stop list of the
  page's language; English when the page has none; its language-independent
  mode for languages it has no list of), ``boilerpy3``
  (``ArticleExtractor``);
* ``keep_all``: every DOM block, the recall ceiling of our segmentation.

A system that raises on a page scores it as empty output; its error count goes up.
The comparators are benchmark-only extras (``pip install -e .[bench]``).

Rerun (about 10 minutes for the ~390 dev pages)::

    /work/venv/bin/python experiments/compare_extractors.py
    /work/venv/bin/python experiments/compare_extractors.py --limit 20 --output-dir /tmp/smoke

Writes ``compare_extractors.json`` and ``compare_extractors.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, before numpy/sklearn are imported

import argparse  # noqa: E402
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
from readability import Document  # noqa: E402
from resiliparse.extract.html2text import extract_plain_text  # noqa: E402
from tqdm import tqdm  # noqa: E402

from compare_text import DATASETS, RESULTS, Tally, dev_records, page_row, timed, write_results  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.bundle import default_bundle_path  # noqa: E402
from boilersift.dom import segment_html  # noqa: E402
from boilersift.metrics import word_counts  # noqa: E402
from boilersift.render import render_blocks  # noqa: E402

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


def systems(html_model: Model, text_model: Model) -> dict[str, Callable[[str, str | None], str]]:
    """Every system: (html, language) -> extracted text."""
    article = boilerpy_extractors.ArticleExtractor()

    def content(results) -> str:
        return "\n".join(r.text for r in results if r.is_content)

    return {
        "boilersift/html": lambda html, _: content(html_model.classify_html(html)),
        "boilersift/text": lambda html, _: content(text_model.classify(render_blocks(html))),
        "trafilatura": lambda html, _: trafilatura.extract(html) or "",
        "trafilatura/precision": lambda html, _: trafilatura.extract(html, favor_precision=True) or "",
        "readability-lxml": lambda html, _: html_text.extract_text(Document(html).summary(html_partial=True)),
        "resiliparse": lambda html, _: extract_plain_text(html, main_content=True),
        "jusText": _justext,
        "boilerpy3": lambda html, _: article.get_content(html) or "",
        "keep_all": lambda html, _: "\n".join(b.text for b in segment_html(html)),
    }


def run(records: list[dict], fns: dict[str, Callable[[str, str | None], str]]) -> dict:
    tally = Tally()
    pages = []
    for fn in fns.values():  # warm up: first calls pay one-off set-up costs
        timed(lambda html, fn=fn: fn(html, "en"), "<html><body><p>warm up text.</p></body></html>")
    for record in tqdm(records, desc="pages", unit="page"):
        gold = word_counts(record.get("gold") or "")
        row = page_row(record)
        for name, fn in fns.items():
            tally.score(row, name, timed(lambda html, fn=fn: fn(html, record.get("lang")), record["html"]), gold)
        pages.append(row)
    return {"systems": tally.systems(list(fns), pages), "error_examples": tally.error_examples, "pages": pages}


def markdown(report: dict) -> str:
    systems_, meta = report["systems"], report["meta"]
    reference = systems_["trafilatura"]
    out = ["# boilersift vs HTML main-content extractors on held-out sites", "",
           f"- command: `{meta['command']}`", f"- date: {meta['date']}",
           f"- pages: {meta['pages']} (dev sites of the HTML model, dev_percent={meta['dev_percent']}, "
           f"limit={meta['limit']}); never trained on",
           f"- HTML model: `{meta['html_model']}`, threshold {meta['threshold']}, sha256 `{meta['model_sha256']}`",
           f"- one core (OMP_NUM_THREADS={meta['omp_num_threads']}), parsing included in every ms/page; "
           f"total {meta['seconds']} s",
           f"- versions: {', '.join(f'{k} {v}' for k, v in meta['versions'].items())}", "",
           "## Overall (mean over pages of word-level P/R/F1)", "",
           "| system | word F1 | word P | word R | ms/page | pages/s | vs trafilatura F1 | errors |",
           "|---|---|---|---|---|---|---|---|"]
    for name, s in systems_.items():
        out.append(f"| {name} | {s['f1']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | "
                   f"{s['ms_per_page']:.1f} | {1000 / max(s['ms_per_page'], 1e-9):.1f} | "
                   f"{s['f1'] - reference['f1']:+.3f} | {s['errors']} |")
    names = list(systems_)
    for group in ("source", "page_type"):
        key = f"per_{group}"
        out += ["", f"## Word F1 per {group.replace('_', ' ')}", "",
                f"| {group} | pages | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
        for value, row in systems_[names[0]][key].items():
            cells = " | ".join(f"{systems_[n][key][value]['f1']:.3f}" for n in names)
            out.append(f"| {value} | {row['pages']} | {cells} |")
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
    args = parser.parse_args(argv)

    html_model, text_model = Model.load(args.model, "html"), Model.load(args.text_model)
    dev_percent = int(html_model.manifest.get("split", {}).get("dev_percent", 20))
    records = dev_records(args.datasets, dev_percent, args.limit)
    started = time.perf_counter()
    report = run(records, systems(html_model, text_model))
    meta = {
        "command": shlex.join([Path(sys.executable).as_posix(), *sys.argv]),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "pages": len(records), "dev_percent": dev_percent, "limit": args.limit,
        "html_model": args.model or str(default_bundle_path("html")), "threshold": html_model.threshold,
        "model_sha256": html_model.manifest.get("model_sha256"),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"), "versions": _versions(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    write_results({"meta": meta, **report}, args.output_dir, "compare_extractors", markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
