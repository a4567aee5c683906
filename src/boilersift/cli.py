"""The `boilersift` command: label, train, evaluate, predict.

Errors the user can act on are printed as one line (``boilersift: error: ...``)
with a non-zero exit; ``--debug`` shows the traceback instead.
Exit codes: 0 all inputs done, 1 some inputs failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import signal
import sys
from pathlib import Path

from . import __version__, compiled
from .decide import BYLINES, COMMENTS, FAVOR, TEMPLATE_PAGES
from .errors import BoilersiftError
from .output import OUTPUT_FORMATS
from .runner.limits import DEFAULT_MAX_BLOCKS, DEFAULT_MAX_BYTES, DEFAULT_TIME_LIMIT
from .runner.options import INPUT_FORMATS, PredictOptions
from .training.config import RELATED_RATE, START_RATE, UNFAMILIAR_RATE, WIDGET_RATE, TrainConfig

EPILOG_PREDICT = """examples:
  boilersift predict data/news_page_scrape.txt            content lines to stdout
  cat scrape.txt | boilersift predict                      read stdin
  boilersift predict page.txt --output-format tsv          every line: line_no, label, probability, text
  boilersift predict IN_DIR --output-dir OUT_DIR           OUT_DIR/NAME.txt for every IN_DIR/NAME.EXT
  boilersift predict page.html --output-format markdown    HTML: headings, lists, tables, code as Markdown
  boilersift predict page.md --output-format markdown      a crawler's Markdown, cleaned, its structure kept
  boilersift predict IN_DIR --output-dir OUT_DIR --resume  go on after an interruption
  boilersift predict crawl.warc.gz -o pages.jsonl          one record per HTML response
  boilersift predict pages.jsonl --field html              JSON Lines in and out, other fields kept
"""

EPILOG_TEMPLATES = """examples:
  boilersift templates crawl/ -o sites.npz                 every WARC/record file under crawl/
  boilersift predict crawl/part-0001.warc.gz --templates sites.npz -o part-0001.jsonl
  boilersift predict crawl/ --output-dir out/ --executor dask --templates sites.npz
"""

DEFAULT_STYLES = "nodes,blocks"
PREDICT, TRAIN = PredictOptions(), TrainConfig()  # the defaults of `predict` and `train`
STYLES_HELP = ("how (HTML, gold) pages become lines, comma-separated: nodes (one text node per line), "
               "blocks (one paragraph per line), dom (HTML blocks) (default: nodes,blocks; "
               "always dom for an HTML model)")


def _add_model_options(parser: argparse.ArgumentParser, several: bool = False) -> None:
    if several:
        parser.add_argument("--model", metavar="DIR", action="append",
                            help="model bundle directory (default: the shipped text model); give it again "
                            "to compare models side by side, the first is the reference")
    else:
        parser.add_argument("--model", metavar="DIR", help="model bundle directory for every input (default: the "
                            "shipped text model for text, the shipped HTML model for HTML); a bundle is data "
                            "(manifest.json + model.npz arrays), safe to load whoever made it")
    parser.add_argument("--threshold", type=float, metavar="P",
                        help="probability at or above which a line is content (default: the model's); "
                        "on an HTML page of another kind than an article, 0.1 lower; for a text "
                        "scrape's paragraph of running prose (20 words or more, or 60 Chinese or Japanese "
                        "characters, ending a sentence), 0.2 lower")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boilersift", description="Machine-learning boilerplate classifier for web scrapes: "
        "label each line of a text scrape, or each block of an HTML page, as content or noise.")
    built = "compiled loops" if compiled.loops is not None else "no compiled loops: slower, see the README's Install"
    parser.add_argument("--version", action="version", version=f"boilersift {__version__} ({built})")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("predict", help="keep the content of text scrapes and HTML pages",
                       description="Classify every line of text scrapes, or every block of HTML pages, as "
                       "content or noise: files, directories, stdin, WARC crawls, JSON Lines / parquet / "
                       "saved datasets of pages.", epilog=EPILOG_PREDICT,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="files or directories; '-' or nothing reads stdin")
    _add_model_options(p)
    p.add_argument("--output-format", choices=OUTPUT_FORMATS,
                   help="text: content lines only (default for files); markdown: content with headings, "
                   "lists, tables, code blocks and quotes (HTML and Markdown input); jsonl/tsv: every line or "
                   "block with label and probability, and for HTML its tag and location (jsonl is the default "
                   "for record inputs: one record per page)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="FILE", help="write all results to FILE (default: stdout)")
    out.add_argument("--output-dir", metavar="DIR",
                     help="write one output per input: IN_DIR/NAME.EXT -> DIR/NAME.txt (.jsonl/.tsv)")
    p.add_argument("--input-format", choices=INPUT_FORMATS, default=PREDICT.input_format,
                   help="auto (default): HTML for .html/.htm files, WARC responses and a record's 'html' "
                   "field, Markdown for .md files and a record's 'markdown' field (as html2text, markdownify "
                   "or an LLM crawler give a page: read by its paragraphs, without link targets), else text")
    p.add_argument("--field", metavar="NAME",
                   help="record field with the page in JSON Lines/parquet/dataset inputs (default: the first "
                   "present of 'text', 'html' and 'markdown', read as HTML and Markdown under --input-format "
                   "auto); the other fields are passed through")
    p.add_argument("--encoding", help="input encoding (default: a byte-order mark, else UTF-8, else the encoding "
                   "detected; for HTML the HTTP or <meta> charset first)")
    p.add_argument("--jobs", type=_positive(int), default=os.cpu_count() or 1, metavar="N",
                   help="worker processes for a batch (default: all cores)")
    p.add_argument("--errors", metavar="FILE", help="list failed inputs here as JSON Lines "
                   "(default: DIR/boilersift-errors.jsonl with --output-dir, FILE.errors.jsonl with -o)")
    p.add_argument("--resume", action="store_true",
                   help="with --output-dir: skip inputs whose output exists (outputs are written atomically)")
    p.add_argument("--max-bytes", type=_positive(int), default=DEFAULT_MAX_BYTES, metavar="N",
                   help=f"per document (default {DEFAULT_MAX_BYTES})")
    p.add_argument("--max-blocks", type=_positive(int), default=DEFAULT_MAX_BLOCKS, metavar="N",
                   help=f"lines per document (default {DEFAULT_MAX_BLOCKS})")
    p.add_argument("--time-limit", type=_positive(float), default=DEFAULT_TIME_LIMIT, metavar="SECONDS",
                   help=f"per document (default {DEFAULT_TIME_LIMIT:g})")
    p.add_argument("--truncate", action="store_true",
                   help="keep the start of a document over --max-bytes/--max-blocks instead of failing it")
    p.add_argument("--explain", nargs="?", type=int, const=5, metavar="K",
                   help="with jsonl/tsv output: the K (default 5) features that pushed each line towards "
                   "content (+) or noise (-), as the probability change when the feature is set to "
                   "its page median")
    p.add_argument("--comments", choices=COMMENTS, default=PREDICT.comments,
                   help="comment threads (of HTML pages, elements whose class or id says comment; of text scrapes, a "
                        "'Comments' header, then the same short lines after every comment): auto drops "
                        "the thread under an article and leaves a forum's posts to the model; exclude drops them "
                        "all; include keeps every comment; model leaves them all to the model "
                        f"(default: {PREDICT.comments})")
    p.add_argument("--bylines", choices=BYLINES, default=PREDICT.bylines,
                   help="byline and date lines at the head of an article ('By Jane Doe', 'Published 3 June "
                        "2024'), which benchmarks disagree on: model leaves them to the model, include keeps "
                        f"them, exclude drops them (default: {PREDICT.bylines})")
    p.add_argument("--favor", choices=FAVOR, default=PREDICT.favor,
                   help="where to draw the line between content and noise, which benchmarks and uses disagree on: "
                        "precision keeps less (the threshold 0.1 higher), recall keeps more (0.1 lower) "
                        f"(default: {PREDICT.favor})")
    sites = p.add_mutually_exclusive_group()
    sites.add_argument("--by-site", action="store_true",
                       help="decide the pages of a site together: in each WARC or record input, the lines that "
                            "two or more pages of one site hold (menus, teaser columns, footers; not paragraphs "
                            "of prose) are dropped as the site's template. The site is the host of a WARC "
                            "response's URL or of a record's 'url' field; pages without one are decided alone. "
                            "Reads each input twice")
    sites.add_argument("--templates", metavar="FILE",
                       help="drop the sites' templates gathered beforehand by 'boilersift templates' (from these "
                            "inputs or others), as --by-site does; reads each input once")
    p.add_argument("--markdown-links", action="store_true",
                   help="with markdown output: links as [text](href) (default: their text only)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on batches")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local: --jobs processes here (default); dask: one task per input on a Dask "
                   "cluster (needs --output-dir on storage the workers share; pip install boilersift[dask])")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")

    p = sub.add_parser("templates", help="gather the sites' templates of crawls into a file for predict",
                       description="Read WARC or record inputs (JSON Lines, parquet, saved datasets) once and\n"
                       "write, for each site (the host of a page's URL), the lines that --min-pages of its\n"
                       "pages hold, in whichever inputs they are: its template (menus, teaser columns,\n"
                       "footers). 'predict --templates FILE' then drops them, on this machine or others,\n"
                       "on all of these inputs or some.", epilog=EPILOG_TEMPLATES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="WARC or record files, or directories of them")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="the templates file to write (.npz: arrays, read without pickle)")
    p.add_argument("--model", metavar="DIR", help="the model bundle that predict will use (default: the shipped "
                   "ones): its blocks are the lines compared, and predict with a model of the other input "
                   "format refuses the file")
    p.add_argument("--input-format", choices=INPUT_FORMATS, default=PREDICT.input_format,
                   help="as predict's (default: auto)")
    p.add_argument("--field", metavar="NAME", help="as predict's: the record field with the page")
    p.add_argument("--encoding", help="as predict's")
    p.add_argument("--min-pages", type=_positive(int), default=TEMPLATE_PAGES, metavar="N",
                   help=f"a line on N pages of a site is its template (default {TEMPLATE_PAGES}, as --by-site)")
    p.add_argument("--jobs", type=_positive(int), default=os.cpu_count() or 1, metavar="N",
                   help="worker processes (default: all cores)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = sub.add_parser("label", help="turn (HTML, gold text) pages into labelled scrapes",
                       description="Render (HTML, gold) pages such as ../shared/datasets/*.jsonl.gz as text "
                       "scrapes and label each line by order-preserving alignment with the gold text. "
                       "Writes the training format: JSON Lines of {id, lines, labels, ...}.")
    p.add_argument("inputs", nargs="+", metavar="PAGES", help="JSON Lines (.gz) files with 'html' and 'gold'")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="output .jsonl or .jsonl.gz")
    p.add_argument("--styles", default=DEFAULT_STYLES, help=STYLES_HELP)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")

    p = sub.add_parser("train", help="train a model bundle on labelled scrapes",
                       description="Train a classifier on labelled scrapes (training format) or (HTML, gold) "
                       "pages. Splits pages by site into fit / tune (threshold) / dev (reported metrics).")
    p.add_argument("inputs", nargs="+", metavar="DATA", help="training-format or (HTML, gold) JSON Lines files")
    p.add_argument("-o", "--output", required=True, metavar="DIR",
                   help="bundle directory to write: manifest.json + model.npz (arrays, loadable without "
                   "scikit-learn; training needs scikit-learn 1.6 to 1.9)")
    p.add_argument("--estimator", choices=("hgb", "hgb-small", "hgb-half", "forest", "logreg"),
                   help="scikit-learn estimator of the two passes: hgb (HistGradientBoosting, 150 trees of "
                        "63 leaves), hgb-small (100 of 31, twice as fast to predict; the default), hgb-half "
                        "(50 of 31 at twice the rate: with --bags 2, hgb-small's predict time), forest, logreg")
    p.add_argument("--threshold", type=float, help="fixed threshold (default: best word-F1 on the tune split)")
    p.add_argument("--dev-percent", type=int, default=TRAIN.dev_percent,
                   help=f"share of sites held out for dev metrics (default {TRAIN.dev_percent})")
    p.add_argument("--tune-percent", type=int, default=TRAIN.tune_percent,
                   help=f"share of the other sites for the threshold (default {TRAIN.tune_percent})")
    p.add_argument("--dev-fold", type=int, default=TRAIN.dev_fold, metavar="K",
                   help="hold out the K-th block of --dev-percent of the sites instead of the first "
                        f"(0 .. 100/dev-percent - 1), to cross-validate by site (default {TRAIN.dev_fold})")
    p.add_argument("--dev-source", metavar="NAME",
                   help="hold out every page of this source (the records' 'source' field) as the dev split "
                        "instead of --dev-percent of the sites: how well the model does on a source it never saw")
    p.add_argument("--input-format", choices=("text", "html"), default=TRAIN.input_format,
                   help="text: a model of text scrapes; html: a model of HTML blocks with DOM features, "
                   f"trained on (HTML, gold) pages (default {TRAIN.input_format})")
    p.add_argument("--styles", help=STYLES_HELP)
    p.add_argument("--widget-rate", type=float,
                   help="share of training pages that get an ad widget injected mid-article "
                   f"(default {WIDGET_RATE} for text; text models only)")
    p.add_argument("--start-rate", type=float,
                   help="share of training pages cut to start at their first content line, as scrapes of "
                        f"an article's container do (default {START_RATE} for text; text models only)")
    p.add_argument("--related-rate", type=float,
                   help="share of training pages that get a related-items list of other pages' titles and "
                        f"paragraphs after the article (default {RELATED_RATE} for text; text models only)")
    p.add_argument("--tail-share", type=float, default=TRAIN.tail_share,
                   help="share of the injected widgets put after the article's last or next-to-last "
                        f"paragraph instead of anywhere in it (default {TRAIN.tail_share})")
    p.add_argument("--unfamiliar-rate", type=float,
                   help="share of training pages whose passes learn from word scores as on a language the word "
                        "stage never saw (their words' hash buckets shuffled), so that the model falls back on "
                        f"shape and context where the vocabulary is new (default {UNFAMILIAR_RATE} for text, "
                        "0 for HTML)")
    p.add_argument("--seed", type=int, default=TRAIN.seed,
                   help=f"seed of the augmentation, training's one random choice (default {TRAIN.seed}); "
                        "dev word F1 spanned 0.854 to 0.861 over seeds 0-2")
    p.add_argument("--folds", choices=("page", "site"), default=TRAIN.folds,
                   help="what the folds that cross-fit the later stages' inputs keep whole: each page, or each "
                        "site, so that the later stages learn from scores as they are on a site never seen "
                        f"(default {TRAIN.folds})")
    p.add_argument("--source-balance", type=float, default=TRAIN.source_balance, metavar="POWER",
                   help="a page of a source of n pages (the records' 'source') weighs n ** -POWER: 0 weighs every "
                        f"page alike, 1 every source (default {TRAIN.source_balance})")
    p.add_argument("--bags", type=int, default=TRAIN.bags, metavar="N",
                   help="fit the gradient-boosting passes N times, each on another draw of the cross-fitting "
                        "folds, and average their log-odds: a steadier ordering for N times the trees "
                        f"(default {TRAIN.bags})")
    p.add_argument("--no-calibration", dest="calibrate", action="store_false",
                   help="keep the final stage's probabilities as they are (default: map them onto the share of "
                        "content lines of the tune pages, an isotonic calibration; docs/how-it-works.md)")
    p.add_argument("--no-second-pass", dest="second_pass", action="store_false",
                   help="skip the neighbour-aware second pass (faster to train and to predict)")

    p = sub.add_parser("evaluate", help="score a model against labelled pages, next to baselines",
                       description="Evaluate a model on labelled scrapes or (HTML, gold) pages: line and word "
                       "precision/recall/F1 overall, per source, page type, language and style, next to "
                       "C4-style rules; a threshold sweep, calibration, a precision-recall curve, the worst "
                       "pages line by line with the reasons of each prediction, and the most important "
                       "features. Writes report.json, report.md, report.html (one self-contained page) and "
                       "pr_curve.png into --output-dir.")
    p.add_argument("inputs", nargs="+", metavar="DATA", help="training-format or (HTML, gold) JSON Lines files")
    _add_model_options(p, several=True)
    p.add_argument("--output-dir", required=True, metavar="DIR", help="where to write the report")
    p.add_argument("--styles", help=STYLES_HELP)
    p.add_argument("--dev-only", action="store_true", help="only pages of the dev sites (those no model trained on)")
    sites = p.add_mutually_exclusive_group()
    sites.add_argument("--by-site", action="store_true",
                       help="decide the pages of a site together, as predict --by-site (the site: the host of a "
                            "page's 'url')")
    sites.add_argument("--templates", metavar="FILE",
                       help="drop the sites' templates gathered beforehand by 'boilersift templates' (from a crawl "
                            "these pages come from, say), as predict --templates")

    p = sub.add_parser("convert-model", help="convert a pickled model bundle (format 1) to the array format",
                       description="Convert a model bundle of boilersift 0.1 (model.joblib, a pickle) to the "
                       "current format (model.npz: plain arrays, safe to load from anyone). UNSAFE: reading "
                       "the pickle runs any code it contains, so convert only bundles whose source you trust; "
                       "needs the scikit-learn version the bundle was trained with.")
    p.add_argument("bundle", metavar="OLD_DIR", help="the format-1 bundle directory")
    p.add_argument("output", metavar="NEW_DIR", help="bundle directory to write")
    p.add_argument("--trust-pickle", action="store_true",
                   help="required: confirm that you trust OLD_DIR's source (unpickling runs its code)")
    return parser


def _positive(kind):
    def parse(value: str):
        number = kind(value)
        if number <= 0:
            raise argparse.ArgumentTypeError(f"must be positive, not {value}")
        return number
    parse.__name__ = kind.__name__
    return parse


def _styles(value: str | None, input_format: str = "text") -> list[str]:
    """The segmentations asked for; an HTML model always learns from DOM blocks."""
    from .blocks.page import SEGMENTATIONS

    if input_format == "html":
        return ["dom"]
    styles = [s.strip() for s in (value or DEFAULT_STYLES).split(",") if s.strip()]
    unknown = [s for s in styles if s not in SEGMENTATIONS]
    if unknown or not styles:
        raise BoilersiftError(f"unknown style(s) {', '.join(unknown) or value!r}; "
                              f"choose from {', '.join(SEGMENTATIONS)}")
    return styles


def _progress(iterable, total: int | None, desc: str, disable: bool = False):
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="page", disable=disable or None, file=sys.stderr)


def _label_one(args: tuple[dict, list[str]]) -> list[dict]:
    from .labelled.data import label_record

    record, styles = args
    return [label_record(record, style).to_record() for style in styles]


def cmd_label(args: argparse.Namespace) -> int:
    from .labelled.data import is_gold_record, read_jsonl, write_jsonl
    from .runner.batch import BrokenProcessPool, ordered_map

    styles = _styles(args.styles)

    def records():
        for path in args.inputs:
            for number, record in enumerate(read_jsonl(path), start=1):
                if not is_gold_record(record):
                    raise BoilersiftError(f"{path}:{number}: no 'html' and 'gold' fields to label from")
                yield record, styles

    def labelled():
        for group in _progress(ordered_map(_label_one, records(), args.jobs), None, "labelling"):
            yield from group

    try:
        n = write_jsonl(labelled(), args.output)
    except BrokenProcessPool:
        raise BoilersiftError(f"a labelling process died (out of memory?); nothing was written to {args.output}; "
                              "try fewer --jobs") from None
    print(f"wrote {n} labelled scrapes to {args.output}", file=sys.stderr)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .labelled.data import load_pages
    from .training.train import TrainConfig, train_model

    pages = load_pages(args.inputs, _styles(args.styles, args.input_format))
    if not pages:
        raise BoilersiftError("no pages in the training data")
    if args.input_format == "html" and any(b.dom is None for p in pages for b in p.blocks[:1]):
        raise BoilersiftError("an HTML model trains on (HTML, gold) pages, not on labelled text scrapes")
    try:
        config = TrainConfig(**{f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)})
        model = train_model(pages, config, progress=True)
    except ValueError as exc:  # e.g. every site held out, or only one class in the data
        raise BoilersiftError(str(exc)) from None
    path = model.save(args.output)
    dev = model.manifest.get("dev_metrics", {}).get("boilersift", {})
    summary = f"; dev word-F1 {dev['word']['f1']:.3f}" if dev else ""
    print(f"saved model to {path} (threshold {model.threshold:.2f}{summary})", file=sys.stderr)
    return 0


def _system_names(model_dirs: list[str]) -> list[str]:
    """Report names of the models: "boilersift" for one, else the directory names, made unique."""
    from .evaluation.baselines import BASELINES

    if len(model_dirs) < 2:
        return ["boilersift"]
    names: list[str] = []
    for directory in model_dirs:
        name = base = Path(directory).resolve().name or "model"
        n = 1
        while name in names or name in BASELINES:
            n += 1
            name = f"{base}-{n}"
        names.append(name)
    return names


def cmd_evaluate(args: argparse.Namespace) -> int:
    import time

    from .evaluation.evaluate import evaluate
    from .evaluation.report import write_report
    from .labelled.data import is_dev_site, load_pages
    from .pipeline import Model
    from .runner.templates import load_templates

    model_dirs = args.model or [None]
    models = {name: Model.load(d) for name, d in zip(_system_names(model_dirs), model_dirs)}
    pages = load_pages(args.inputs, _styles(args.styles, next(iter(models.values())).input_format))
    if args.dev_only:
        split = next(iter(models.values())).manifest.get("split", {})
        percent, fold = split.get("dev_percent", TRAIN.dev_percent), split.get("dev_fold", TRAIN.dev_fold)
        pages = [p for p in pages if is_dev_site(str(p.meta.get("site") or p.id), percent, fold)]
    if not pages:
        raise BoilersiftError("no pages to evaluate")
    site_templates = load_templates(args.templates) if args.templates else None
    report, curve = evaluate(models, pages, args.threshold, progress=True, explain=True, by_site=args.by_site,
                             site_templates=site_templates)
    started = time.perf_counter()
    written = write_report(report, curve, args.output_dir)
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    print(f"report written in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    for name, s in report["systems"].items():
        print(f"{name:>12}: word F1 {s['word']['f1']:.3f} (P {s['word']['precision']:.3f}, "
              f"R {s['word']['recall']:.3f}); line F1 {s['line']['f1']:.3f}")
    return 0


def _is_batch(inputs: list[str]) -> bool:
    """Several inputs, a directory or a record file make a batch (named outputs, a
    progress bar, a summary), whatever the number of files they hold."""
    from .runner.documents import RECORD_KINDS, input_kind
    from .runner.sources import Source

    return len(inputs) > 1 or any(os.path.isdir(item) or input_kind(Source(item)) in RECORD_KINDS
                                  for item in inputs if item != "-")


def _errors_path(args: argparse.Namespace) -> Path | None:
    from .runner.sinks import ERRORS_FILE

    if args.errors:
        return Path(args.errors)
    if args.output_dir:
        return Path(args.output_dir) / ERRORS_FILE
    return Path(f"{args.output}.errors.jsonl") if args.output else None


def _predict_on_dask(args: argparse.Namespace, options, errors):
    try:
        from dask.distributed import Client
    except ImportError:
        raise BoilersiftError("--executor dask needs Dask: pip install 'boilersift[dask]'") from None
    from .runner.dask_executor import predict_on_dask

    try:
        client = Client(args.scheduler) if args.scheduler else Client(processes=True, dashboard_address=None)
    except (OSError, TimeoutError) as exc:
        raise BoilersiftError(f"cannot reach the Dask scheduler {args.scheduler} ({exc})") from None
    with client:
        return predict_on_dask(client, args.inputs, args.output_dir, options, errors, args.resume)


def cmd_predict(args: argparse.Namespace) -> int:
    from .model.bundle import check_bundle
    from .runner.batch import run_batch
    from .runner.limits import Limits
    from .runner.options import PredictOptions
    from .runner.sinks import (
        DirectorySink,
        ErrorLog,
        StreamSink,
        remove_temporary_files,
    )
    from .runner.sources import expand_inputs
    from .runner.worker import bundle_for, cached_model, check_templates

    batch = _is_batch(args.inputs)
    if args.explain is not None and (args.explain < 1 or args.output_format not in ("jsonl", "tsv")):
        raise BoilersiftError("--explain K (K >= 1) adds reasons per line: use --output-format jsonl or tsv")
    if args.markdown_links and args.output_format != "markdown":
        raise BoilersiftError("--markdown-links keeps links in Markdown: use --output-format markdown")
    if args.by_site and (not args.inputs or "-" in args.inputs):
        raise BoilersiftError("--by-site reads each input twice: give WARC or record files, not stdin")
    options = PredictOptions(
        model=args.model, threshold=args.threshold, input_format=args.input_format, field=args.field,
        encoding=args.encoding, output_format=args.output_format, named=batch and not args.output_dir,
        explain=args.explain or 0, markdown_links=args.markdown_links, comments=args.comments,
        bylines=args.bylines, favor=args.favor, by_site=args.by_site, templates=args.templates,
        limits=Limits(args.max_bytes, args.max_blocks, args.time_limit, args.truncate), debug=args.debug)
    # A broken model is one error, before any input. The model is loaded here when it is
    # known (inherited by forked workers); with --input-format auto the inputs decide which
    # shipped model runs, so both are only checked and a process loads the one it needs.
    if args.model or args.input_format != "auto":
        cached_model(bundle_for(args.input_format, args.model), **options.choices())
    else:
        for input_format in ("text", "html"):
            check_bundle(bundle_for(input_format))
    if args.templates:
        check_templates(options)
    if args.resume:
        remove_temporary_files(Path(args.output_dir))
    with ErrorLog(_errors_path(args), args.resume) as errors:
        if args.executor == "dask":
            summary = _predict_on_dask(args, options, errors)
        else:
            sink = DirectorySink(args.output_dir, options) if args.output_dir else StreamSink(args.output, options)
            with sink:
                summary = run_batch(expand_inputs(args.inputs, exclude=args.output_dir), options, sink, errors,
                                    args.jobs if batch else 1, progress=batch and not args.no_progress,
                                    resume=args.resume)
    if args.by_site and not summary.by_site and summary.outputs + summary.failed:
        print("boilersift: warning: --by-site found no two pages of one site (a WARC response's URL, a record's "
              "'url' field): each page was decided alone", file=sys.stderr)
    if args.templates and not summary.by_site and summary.outputs + summary.failed:
        print(f"boilersift: warning: {args.templates} has no template of these pages' sites (a WARC response's "
              "URL, a record's 'url' field): each page was decided alone", file=sys.stderr)
    if batch:
        notes = [(summary.resumed, "inputs already done (--resume)"),
                 (summary.by_site, "pages decided with their site's template"),
                 (summary.skipped_records, "WARC records skipped (not HTML responses)"),
                 (summary.truncated, "documents truncated to the limits")]
        for count, what in notes:
            if count:
                print(f"boilersift: {count} {what}", file=sys.stderr)
        if errors.count:
            where = f"; list in {errors.path}" if errors.path else ""
            print(f"boilersift: {summary.failed} of {summary.outputs + summary.failed} inputs failed{where}",
                  file=sys.stderr)
    return 1 if errors.count else 0


def cmd_templates(args: argparse.Namespace) -> int:
    from .errors import InputError
    from .runner.batch import BrokenProcessPool, gather_site_templates
    from .runner.documents import RECORD_KINDS, input_kind
    from .runner.sources import expand_inputs
    from .runner.templates import save_templates

    options = PredictOptions(model=args.model, input_format=args.input_format, field=args.field,
                             encoding=args.encoding)
    # Other files in a directory (a crawl's CDX indexes, notes) are passed over; a named one is an error.
    named = {str(Path(item)) for item in args.inputs}
    sources = [s for s in expand_inputs(args.inputs)
               if isinstance(s, InputError) or s.path in named or input_kind(s) in RECORD_KINDS]
    if not sources:
        raise BoilersiftError(f"no WARC or record files in {', '.join(args.inputs)}")
    try:
        gathered = gather_site_templates(sources, options, args.min_pages, args.jobs, progress=not args.no_progress)
    except BrokenProcessPool:
        raise BoilersiftError(f"a worker process died (out of memory?); nothing was written to {args.output}; "
                              "try fewer --jobs") from None
    for problem in gathered.failed[:5]:
        print(f"boilersift: warning: {problem.message}", file=sys.stderr)
    table = gathered.table
    save_templates(table, args.output)
    kinds = [" and ".join(table.input_formats)] if table.input_formats else []  # none: no page had a URL
    lines = " ".join([str(len(table.keys)), *kinds, "lines"])
    print(f"wrote the templates of {len(table)} site{'s' * (len(table) != 1)} ({lines}) to {args.output}, from "
          f"{gathered.pages} pages with a URL", file=sys.stderr)
    if gathered.skipped:
        print(f"boilersift: {gathered.skipped} pages without a URL or text left out", file=sys.stderr)
    if gathered.failed:
        print(f"boilersift: {len(gathered.failed)} records or inputs could not be read", file=sys.stderr)
    return 1 if gathered.failed else 0


def _terminate(owner: int, signum: int, frame) -> None:
    """`kill` stops like Ctrl-C: temporary outputs are removed, nothing half-written stays.
    A worker process forked from `owner` writes no outputs: it dies quietly, as by default
    (a signal to the process group reaches the workers too, which must not print tracebacks)."""
    if os.getpid() != owner:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
    raise KeyboardInterrupt


def cmd_convert_model(args: argparse.Namespace) -> int:
    from .training.legacy import convert_pickled_bundle

    if not args.trust_pickle:
        raise BoilersiftError(f"converting {args.bundle} unpickles it, which runs any code it holds; "
                              "if you trust its source, add --trust-pickle")
    path = convert_pickled_bundle(args.bundle, args.output)
    print(f"converted {args.bundle} to {path}", file=sys.stderr)
    return 0


COMMANDS = {"predict": cmd_predict, "templates": cmd_templates, "label": cmd_label, "train": cmd_train,
            "evaluate": cmd_evaluate, "convert-model": cmd_convert_model}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "predict" and args.resume and not args.output_dir:
        parser.error("--resume needs --output-dir (a single stream is written in one piece)")
    if args.command == "predict" and args.executor == "dask" and not args.output_dir:
        parser.error("--executor dask needs --output-dir (one output per input)")
    signal.signal(signal.SIGTERM, functools.partial(_terminate, os.getpid()))
    try:
        return COMMANDS[args.command](args)
    except BoilersiftError as exc:
        if args.debug:
            raise
        print(f"boilersift: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("boilersift: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Downstream closed the pipe (e.g. `| head`): not an error worth a traceback.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
