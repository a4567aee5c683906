"""Compare boilersift with baselines and trafilatura on the dev-site pages.

What is measured: on every page of ../shared/datasets/*.jsonl.gz whose site is a
dev site (``data.is_dev_site(data.site_of(record), 20)``, i.e. no default model was
trained on it), the headline word precision/recall/F1 (``metrics.word_prf``) of each
system's output against the page's ``gold``, averaged over pages, overall, per
source and per page type (null -> "unknown"). Systems:

* ``boilersift/<style>``: ``Model.load().classify(text)`` on the page rendered in
  ``style`` (``render.STYLES``: "nodes", "blocks"); content lines joined by "\\n";
* ``c4_rules/<style>`` and ``keep_all/<style>``: ``baselines.BASELINES`` on the
  same segmented lines (``segment.segment_text``);
* ``trafilatura`` and ``trafilatura/precision``: ``trafilatura.extract(html)`` with
  default options and with ``favor_precision=True``, on the raw HTML (None -> "").

Timing (ms/page, single process): rendering is timed per style on its own and
reported apart from each system's classification time; trafilatura's time
includes its own HTML parsing. A system that raises on a page scores that page
as empty output and its error count goes up; a failed rendering makes every
system of that style fail on the page.

Threads: OMP_NUM_THREADS defaults to 1 here (set it in the environment to
override). scikit-learn's HistGradientBoosting predict opens one OpenMP parallel
region per tree, which on page-sized inputs is slower than one thread, and
much slower when another process is busy on the machine.

Rerun (about 2-3 minutes)::

    /work/venv/bin/python experiments/compare_text.py            # full run
    /work/venv/bin/python experiments/compare_text.py --limit 20 --output-dir /tmp/smoke

Writes ``compare_text.json`` and ``compare_text.md`` into ``--output-dir``
(default: experiments/results next to this script).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy/sklearn are imported

import argparse  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import trafilatura  # noqa: E402
from tqdm import tqdm  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.blocks.render import STYLES  # noqa: E402
from boilersift.blocks.text import segment_text  # noqa: E402
from boilersift.evaluation.baselines import BASELINES  # noqa: E402
from boilersift.evaluation.metrics import (  # noqa: E402
    PRF,
    char_counts,
    char_prf,
    mean_prf,
    word_counts,
    word_prf,
)
from boilersift.labelled.data import is_dev_site, read_jsonl, site_of  # noqa: E402

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"  # ../shared/datasets
RESULTS = Path(__file__).resolve().parent / "results"


def dev_records(datasets: Path, dev_percent: int, limit: int | None) -> list[dict]:
    """The dev-site pages of every dataset file, in file order (at most `limit`)."""
    pages: list[dict] = []
    for path in sorted(datasets.glob("*.jsonl.gz")):
        for record in read_jsonl(path):
            if is_dev_site(site_of(record), dev_percent):
                pages.append(record)
                if limit is not None and len(pages) >= limit:
                    return pages
    return pages


def text_systems(model: Model) -> dict[str, Callable[[str], str]]:
    """Systems that take a text scrape and return the kept lines."""
    systems: dict[str, Callable[[str], str]] = {
        "boilersift": lambda text: "\n".join(r.text for r in model.classify(text) if r.is_content)}
    for name, rule in BASELINES.items():
        systems[name] = lambda text, rule=rule: "\n".join(
            b.text for b in segment_text(text) if rule(b.text))
    return systems


HTML_SYSTEMS: dict[str, Callable[[str], str]] = {
    "trafilatura": lambda html: trafilatura.extract(html) or "",
    "trafilatura/precision": lambda html: trafilatura.extract(html, favor_precision=True) or "",
}


def timed(fn: Callable[[str], str], arg: str | None) -> tuple[str | None, float, str | None]:
    """(output or None on failure, milliseconds, error message)."""
    start = time.perf_counter()
    try:
        if arg is None:
            raise RuntimeError("input rendering failed")
        out = fn(arg)
        return out, (time.perf_counter() - start) * 1000, None
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the benchmark
        return None, (time.perf_counter() - start) * 1000, f"{type(exc).__name__}: {exc}"[:200]


def summarise(scores: list[PRF], groups: dict[str, list[str]]) -> dict:
    """Mean P/R/F1 overall and per value of each grouping."""
    result: dict = {**mean_prf(scores).as_dict(), "pages": len(scores)}
    for group, values in groups.items():
        buckets: dict[str, list[PRF]] = defaultdict(list)
        for value, score in zip(values, scores):
            buckets[value].append(score)
        result[f"per_{group}"] = {k: {**mean_prf(v).as_dict(), "pages": len(v)} for k, v in sorted(buckets.items())}
    return result


# Languages written without spaces between words: `\w+` makes a sentence one word, so
# their pages are also scored on characters.
UNSPACED = ("zh", "ja", "th")
GROUPS = ("source", "page_type", "lang")


def gold_of(record: dict) -> tuple[Counter, Counter | None]:
    """The gold's word counts, and its character counts for a page in an unspaced language."""
    gold = record.get("gold") or ""
    return word_counts(gold), char_counts(gold) if page_lang(record) in UNSPACED else None


def page_lang(record: dict) -> str:
    """The page's language code ("en" of "en-US"), or "unknown"."""
    return record["lang"].lower()[:2] if record.get("lang") else "unknown"


class Tally:
    """Every system's word scores (character scores on unspaced languages), timings and
    errors, page by page."""

    MAX_EXAMPLES = 30

    def __init__(self) -> None:
        self.scores: dict[str, list[PRF]] = defaultdict(list)
        self.char_scores: dict[str, list[tuple[str, PRF]]] = defaultdict(list)
        self.ms: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_examples: list[str] = []

    def time(self, page_id: str, name: str, t: float, err: str | None) -> None:
        self.ms[name].append(t)
        if err:
            self.errors[name] += 1
            if len(self.error_examples) < self.MAX_EXAMPLES:
                self.error_examples.append(f"{page_id} {name}: {err}")

    def score(self, row: dict, name: str, result: tuple[str | None, float, str | None],
              gold: tuple[Counter, Counter | None]) -> None:
        """Time and score one system's output on one page (a failure scores as empty)."""
        out, t, err = result
        self.time(row["id"], name, t, err)
        words, chars = gold
        score = word_prf(out or "", words)
        self.scores[name].append(score)
        row["word_f1"][name] = round(score.f1, 4)
        if chars is not None:
            self.char_scores[name].append((row["lang"], char_prf(out or "", chars)))

    def systems(self, names: list[str], pages: list[dict]) -> dict:
        groups = {g: [p[g] for p in pages] for g in GROUPS}

        def characters(name: str) -> dict:
            langs, scores = zip(*self.char_scores[name]) if self.char_scores[name] else ((), ())
            return summarise(list(scores), {"lang": list(langs)})["per_lang"]

        return {n: {**summarise(self.scores[n], groups), "char_per_lang": characters(n), "errors": self.errors[n],
                    "ms_per_page": sum(self.ms[n]) / max(len(self.ms[n]), 1)} for n in names}


def page_row(record: dict) -> dict:
    return {"id": record["id"], "source": record.get("source") or "unknown",
            "page_type": record.get("page_type") or "unknown", "lang": page_lang(record), "word_f1": {}}


def group_tables(systems: dict) -> list[str]:
    """Markdown: word F1 of every system per source, page type and language, and character F1
    per unspaced language."""
    names, out = list(systems), []
    titles = {"source": "source", "page_type": "page type", "lang": "language"}
    for key, title in [(f"per_{g}", f"Word F1 per {titles[g]}") for g in GROUPS] + [
            ("char_per_lang", f"Character F1 per language ({', '.join(UNSPACED)})")]:
        first = systems[names[0]][key]
        if not first:
            continue
        out += ["", f"## {title}", "", "| value | pages | " + " | ".join(names) + " |",
                "|---|---|" + "---|" * len(names)]
        for value, row in first.items():
            out.append(f"| {value} | {row['pages']} | " + " | ".join(f"{systems[n][key][value]['f1']:.3f}"
                                                                     for n in names) + " |")
    return out


def run(records: list[dict], model: Model) -> dict:
    systems = text_systems(model)
    names = [f"{s}/{style}" for style in STYLES for s in systems] + list(HTML_SYSTEMS)
    tally = Tally()
    pages = []
    model.classify("warm-up line\nanother line.")  # first call pays one-off set-up costs
    for record in tqdm(records, desc="pages", unit="page"):
        gold = gold_of(record)
        row = page_row(record)
        for style, render in STYLES.items():
            text, t, err = timed(render, record["html"])
            tally.time(record["id"], f"render/{style}", t, err)
            for name, fn in systems.items():
                tally.score(row, f"{name}/{style}", timed(fn, text), gold)
        for name, fn in HTML_SYSTEMS.items():
            tally.score(row, name, timed(fn, record["html"]), gold)
        pages.append(row)
    return {
        "systems": tally.systems(names, pages),
        "render_ms_per_page": {s: sum(tally.ms[f"render/{s}"]) / max(len(records), 1) for s in STYLES},
        "render_errors": {s: tally.errors[f"render/{s}"] for s in STYLES},
        "error_examples": tally.error_examples,
        "pages": pages,
    }


def markdown(report: dict) -> str:
    systems, meta = report["systems"], report["meta"]
    out = ["# boilersift vs baselines vs trafilatura on dev-site pages", "",
           f"- command: `{meta['command']}`", f"- date: {meta['date']}",
           f"- pages: {meta['pages']} (dev sites, dev_percent={meta['dev_percent']}, "
           f"limit={meta['limit']})",
           f"- model: threshold {meta['threshold']}, training-data sha256 `{meta['training_data_sha256']}`",
           "- rendering ms/page: " + ", ".join(f"{s} {v:.1f} ({report['render_errors'][s]} errors)"
                                               for s, v in report["render_ms_per_page"].items())
           + " (not included in the text systems' ms/page below)",
           f"- threads: OMP_NUM_THREADS={meta['omp_num_threads']}; trafilatura {meta['trafilatura_version']}; "
           f"total {meta['seconds']} s", "",
           "## Overall (mean over pages of word-level P/R/F1)", "",
           "| system | word F1 | word P | word R | ms/page | errors |", "|---|---|---|---|---|---|"]
    for name, s in systems.items():
        out.append(f"| {name} | {s['f1']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | "
                   f"{s['ms_per_page']:.1f} | {s['errors']} |")
    out += group_tables(systems)
    if report["error_examples"]:
        out += ["", f"## Errors (first {Tally.MAX_EXAMPLES})", ""] + [f"- {e}" for e in report["error_examples"]]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N dev pages (smoke run)")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--model", help="model bundle directory (default: the shipped default)")
    args = parser.parse_args(argv)

    model = Model.load(args.model)
    dev_percent = int(model.manifest.get("split", {}).get("dev_percent", 20))
    records = dev_records(args.datasets, dev_percent, args.limit)
    started = time.perf_counter()
    report = run(records, model)
    report["meta"] = {
        "command": shlex.join([Path(sys.executable).as_posix(), *sys.argv]),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "pages": len(records), "dev_percent": dev_percent, "limit": args.limit,
        "threshold": model.threshold,
        "training_data_sha256": model.manifest.get("training_data", {}).get("sha256"),
        "model_sha256": model.manifest.get("model_sha256"),
        "feature_schema_version": model.manifest.get("feature_schema_version"),
        "trafilatura_version": trafilatura.__version__,
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
        "seconds": round(time.perf_counter() - started, 1),
    }
    write_results({"meta": report.pop("meta"), **report}, args.output_dir, "compare_text", markdown)
    return 0


def save_results(report: dict, output_dir: Path, name: str, markdown: Callable[[dict], str]) -> None:
    """NAME.json and NAME.md (the report rendered by `markdown`) into `output_dir`."""
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (output_dir / f"{name}.md").write_text(markdown(report), encoding="utf-8")


def write_results(report: dict, output_dir: Path, name: str, markdown: Callable[[dict], str]) -> None:
    """:func:`save_results`, and a line per system on stdout."""
    save_results(report, output_dir, name, markdown)
    for system, s in report["systems"].items():
        print(f"{system:>24}: F1 {s['f1']:.3f} P {s['precision']:.3f} R {s['recall']:.3f} "
              f"{s['ms_per_page']:7.1f} ms/page, {s['errors']} errors")
    print(f"wrote {output_dir}/{name}.json and .md", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
