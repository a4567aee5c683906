"""Lines that other pages of the same site repeat, dropped, measured leave one source out.

A crawl holds many pages of each site, and what comes back on several of them (menus, teaser
columns, "most read" lists, footers) is the site's template (``boilersift.sites``). Every page
of ../shared/datasets/ is scored by the HTML and the text model that never saw its source (the
caches of ``loso_decisions.py`` and ``loso_text_decisions.py``; WCXB's kinds of page
cross-validated by site as in ``loso_kind_threshold.py``) and decided as shipped; then, as
``Model.verdicts`` does given the pages' sites (``data.site_of``), a kept line is dropped when at
least K pages of its site hold it, unless it is a paragraph of running prose. Pages with the same
paragraphs of running prose (copies of one article) count as one page; the stress test puts every page in
the batch three times, counted once and counted apart.

The datasets hold few pages per site (a quarter of the pages have two or more of their site's
pages beside them), so the figures understate what a crawl of whole sites would show. With
``--shipped``, the shipped models are scored the same way on the pages they never learned from
(``unseen_sources.py``'s).

    python experiments/loso_site_repeats.py --loso-models experiments/loso/html-* \
        --loso-text-models experiments/loso/text-* [--shipped]

Writes ``loso_site_repeats.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shlex  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from compare_text import DATASETS, RESULTS  # noqa: E402
from loso_decisions import CACHE as HTML_CACHE  # noqa: E402
from loso_decisions import Revision, ScoredPage, evaluate, markdown, score_pages, scored_page  # noqa: E402
from loso_kind_threshold import cross_validated_kinds, held_out_pages  # noqa: E402
from loso_text_decisions import CACHE as TEXT_CACHE  # noqa: E402
from loso_text_decisions import nested, nested_markdown, score_text_pages  # noqa: E402
from tqdm import tqdm  # noqa: E402
from unseen_sources import records_to_score, scored_text_page  # noqa: E402

from boilersift import Model  # noqa: E402
from boilersift.decide import DEFAULT_DECISIONS, TEXT_DECISIONS, DecisionConfig, count_words, paragraph_lines  # noqa: E402
from boilersift.labelled.data import read_jsonl, site_of  # noqa: E402
from boilersift.sites import line_key, template_lines, template_mask  # noqa: E402

MIN_PAGES = (2, 3, 4, 5)  # a line on at least this many pages of its site (the page included) is dropped
BASELINE = "as shipped"
def templates(pages: list[ScoredPage], sites: dict[str, str], min_pages: int, copies_apart: bool = False) -> dict:
    """:func:`boilersift.sites.template_lines` of `pages`; with `copies_apart`, copies of a page
    counted as pages of their own (each page's paragraphs of running prose, by which copies are
    told, made its own, and a line of its own added for the pages without any)."""
    def own(n: int, texts: list[str]) -> list[str]:
        prose = paragraph_lines(texts, count_words(texts))
        return [*(f"{t} ({n})" if p else t for t, p in zip(texts, prose)), f"({n})"]

    texts = [own(n, p.texts) if copies_apart else p.texts for n, p in enumerate(pages)]
    return template_lines(texts, [sites[p.row["id"]] for p in pages], min_pages)


def template_dropped(lines: dict[str, frozenset[int]], sites: dict[str, str], keep_prose: bool = True) -> Revision:
    """Drop the kept lines of the page's site's template (`lines`: :func:`templates`), as
    ``Model.verdicts`` does given the pages' sites; with `keep_prose` False, paragraphs too."""
    def revise(page: ScoredPage, keep: np.ndarray) -> np.ndarray:
        template = lines.get(sites[page.row["id"]], frozenset())
        repeated = template_mask(page.texts, template) if keep_prose else \
            np.array([line_key(t) in template for t in page.texts], dtype=bool)
        return keep & ~repeated
    return revise


def variants(pages: list[ScoredPage], sites: dict[str, str]) -> dict[str, Revision | None]:
    return {
        BASELINE: None,
        **{f"on {k}+ pages of the site dropped": template_dropped(templates(pages, sites, k), sites)
           for k in MIN_PAGES},
        "on 2+ pages, prose too": template_dropped(templates(pages, sites, 2), sites, keep_prose=False),
        "stress: every page three times, copies counted once, 2+":
            template_dropped(templates(pages * 3, sites, 2), sites),
        "stress: every page three times, copies counted apart, 2+":
            template_dropped(templates(pages * 3, sites, 2, copies_apart=True), sites),
    }


def report(pages: list[ScoredPage], sites: dict[str, str], config: DecisionConfig, title: str,
           meta: dict) -> tuple[dict, str]:
    systems = {name: evaluate(pages, config, revise) for name, revise in variants(pages, sites).items()}
    rows = nested({k: v for k, v in systems.items() if not k.startswith("stress")},
                  sorted(systems[BASELINE]["per_source"]))
    result = {"meta": meta, "systems": systems, "nested": rows}
    text = markdown(result).replace("# Decisions over the page, leave one source out", f"## {title}")
    return result, text.replace("\n## Word F1", "\n### Word F1") + nested_markdown(rows).replace("\n## ", "\n### ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loso-models", nargs="+", metavar="DIR", required=True, help="the HTML folds")
    parser.add_argument("--loso-text-models", nargs="+", metavar="DIR", required=True, help="the text folds")
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--cache", type=Path, default=HTML_CACHE, help="the HTML scores (loso_decisions.py's)")
    parser.add_argument("--text-cache", type=Path, default=TEXT_CACHE, help="the text scores' directory")
    parser.add_argument("--text-threshold", type=float, default=0.4, help="the text models' (default 0.4, shipped)")
    parser.add_argument("--shipped", action="store_true",
                        help="also the shipped models on the pages they never learned from (unseen_sources.py)")
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sites = {r["id"]: site_of(r) for path in sorted(args.datasets.glob("*.jsonl.gz")) for r in read_jsonl(path)}
    html, _ = held_out_pages(score_pages(args.loso_models, args.datasets, args.cache), args.datasets, 0.5)
    kinds, _ = cross_validated_kinds(args.datasets / "wcxb_dev.jsonl.gz", input_format="text", styles=("nodes",))
    text = [p._replace(threshold=args.text_threshold,
                       kind=kinds.get((p.row["id"], "nodes")) if p.row["source"] == "wcxb" else p.kind)
            for p in score_text_pages(args.loso_text_models, args.datasets, args.text_cache)
            if p.row["style"] == "nodes"]
    peers = Counter(sites[p.row["id"]] for p in html)
    meta = {"command": shlex.join(["python", "experiments/loso_site_repeats.py", "--loso-models",
                                   *[f"experiments/loso/{Path(d).name}" for d in args.loso_models],
                                   "--loso-text-models", *[f"experiments/loso/{Path(d).name}"
                                                           for d in args.loso_text_models],
                                   *(["--shipped"] if args.shipped else [])]),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "pages": len(html),
            "pages_with_two_site_peers": sum(peers[sites[p.row["id"]]] >= 3 for p in html),
            "models": [Path(d).name for d in args.loso_models], "threshold": 0.5}
    out: dict = {}
    parts = [__doc__.split("\n\n")[0].replace("Lines", "# Lines", 1), "",
             f"{meta['pages_with_two_site_peers']} of {len(html)} pages have two or more pages of their site "
             "beside them.", ""]
    text_meta = {**meta, "models": [Path(d).name for d in args.loso_text_models], "threshold": args.text_threshold,
                 "scored_by": "rendered one text node per line, each scored by the text model that never saw "
                              "its source"}
    for name, pages, config, m in (("html", html, DEFAULT_DECISIONS, meta), ("text", text, TEXT_DECISIONS, text_meta)):
        out[name], part = report(pages, sites, config, f"{name.upper()} models", m)
        parts.append(part)
    if args.shipped:
        records = records_to_score(args.datasets, 20)
        for name, config in (("html", DEFAULT_DECISIONS), ("text", TEXT_DECISIONS)):
            model = Model.load(None, name)
            pages = [scored_page(model, r) if name == "html" else scored_text_page(model, r) for r in tqdm(records)]
            rendered = " (rendered one text node per line)" if name == "text" else ""
            shipped = {**meta, "pages": len(pages), "models": [f"models/{name}-default"], "threshold": model.threshold,
                       "scored_by": "of the sources and sites the shipped models never learned from, each scored by "
                                    f"the shipped model{rendered}"}
            out[f"shipped_{name}"] = {"meta": shipped, "systems": {
                BASELINE: evaluate(pages, config), **{f"on {k}+ pages of the site dropped": evaluate(
                    pages, config, template_dropped(templates(pages, sites, k), sites)) for k in MIN_PAGES[:2]}}}
            parts.append(markdown(out[f"shipped_{name}"]).replace(
                "# Decisions over the page, leave one source out", f"## The shipped {name} model, unseen pages")
                .replace("\n## Word F1", "\n### Word F1"))
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "loso_site_repeats.json").write_text(json.dumps(out, indent=1))
    (args.output_dir / "loso_site_repeats.md").write_text("\n".join(parts))
    print("\n".join(parts)[:5000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
