"""Evaluation: how good a model is and where it fails, next to simple baselines.

One run scores one or more models and every baseline of :mod:`boilersift.baselines`
on the same pages: line-level precision/recall/F1 and confusion counts of the content
class, and the headline word-F1 against the gold text (:mod:`boilersift.metrics`),
overall, per source, page type, language and scrape style. For the first (primary)
model also a threshold sweep, a calibration table, a precision-recall curve and, on
request, the worst pages line by line with the reasons of each line
(:mod:`boilersift.explain`) and the globally most important features; for each
further model the per-page differences to the primary one. The report is one dict,
written as JSON (for machines), Markdown, a PNG plot and a self-contained HTML page
(:mod:`boilersift.report`) for people: every number of the HTML comes from the JSON.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping

import numpy as np
from sklearn.metrics import precision_recall_curve

from ..decide import DEFAULT_DECISIONS, DecisionConfig, content_mask, count_words
from ..labelled.data import LabeledPage
from ..model.explain import mean_abs_contributions, top_reasons
from ..pipeline import Model
from ..sites import TemplateTable, page_lines, page_templates, site_of_url
from .baselines import BASELINES
from .metrics import PRF, line_prf, mean_prf, word_counts, word_prf

SWEEP = tuple(round(t, 2) for t in np.arange(0.05, 1.0, 0.05))
GROUPS = ("source", "page_type", "lang", "style")
CALIBRATION_BINS = 10
WORST_PAGES = 30  # shown line by line in the error browser
REASONS_PER_LINE = 3
MAX_LINE_CHARS = 300  # longer lines are cut in the error browser
MAX_PAGE_LINES = 400  # a longer page shows its errors and the lines around them, up to this many
IMPORTANCE_PAGES = 60  # pages, evenly spread, whose lines rank the features globally
IMPORTANCE_LINES = 100  # lines per page, evenly spread
TOP_FEATURES = 25
LARGEST_DIFFERENCES = 20  # pages listed per model comparison
PRIMARY = "boilersift"  # the name of a model evaluated alone


def page_probabilities(model: Model, pages: list[LabeledPage], progress: bool = False) -> list[np.ndarray]:
    from tqdm import tqdm

    return [model.predict_proba_blocks(p.blocks)
            for p in tqdm(pages, desc="scoring", unit="page", disable=None if progress else True)]


def labelled_templates(pages: list[LabeledPage], min_pages: int) -> dict[int, frozenset[int]]:
    """The template of each page's site (the host of its ``url``; pages rendered in one scrape
    style are gathered together), by the page's index, as ``predict --by-site`` finds them."""
    sited = ((i, f"{p.meta.get('style')} {site}", page_lines([b.text for b in p.blocks])) for i, p in enumerate(pages)
             if (site := site_of_url(p.meta.get("url"))) is not None)
    return page_templates(sited, min_pages)


def page_verdicts(model: Model, pages: list[LabeledPage], threshold: float, progress: bool = False,
                  templates: dict[int, frozenset[int]] | None = None) -> tuple[list[np.ndarray], list[list[int]]]:
    """What `predict` reports of each page at `threshold`: its lines' probabilities and which are
    content, with every decision over the page (the kind of page and comment threads included;
    given `templates`, its site's, :func:`labelled_templates`)."""
    from tqdm import tqdm

    templates = templates or {}
    verdicts = [model.verdicts([p.blocks], threshold, templates=[templates.get(i)])[0].lines
                for i, p in enumerate(tqdm(pages, desc="scoring", unit="page", disable=None if progress else True))]
    return ([np.array([line.probability for line in lines], dtype=np.float64) for lines in verdicts],
            [[int(line.is_content) for line in lines] for lines in verdicts])


def _content_text(page: LabeledPage, keep: np.ndarray | list[int]) -> str:
    return "\n".join(b.text for b, k in zip(page.blocks, keep) if k)


def score_system(pages: list[LabeledPage], predictions: list[list[int]]) -> dict:
    """Line and word scores of one system's 0/1 predictions, overall and per group."""
    word_scores = [word_prf(_content_text(p, pred), p.gold_text) for p, pred in zip(pages, predictions)]
    y_true = [y for p in pages for y in p.labels]
    y_pred = [y for pred in predictions for y in pred]
    pairs = list(zip(y_true, y_pred))
    confusion = {"content_kept": pairs.count((1, 1)), "noise_leaked": pairs.count((0, 1)),
                 "content_dropped": pairs.count((1, 0)), "noise_dropped": pairs.count((0, 0))}
    result = {"word": mean_prf(word_scores).as_dict(), "line": line_prf(y_true, y_pred).as_dict(),
              "confusion": confusion, "pages": len(pages)}
    for group in GROUPS:
        buckets: dict[str, list[PRF]] = defaultdict(list)
        for page, score in zip(pages, word_scores):
            buckets[str(page.meta.get(group) or "unknown")].append(score)
        if len(buckets) > 1 or "unknown" not in buckets:
            result[f"per_{group}"] = {k: {**mean_prf(v).as_dict(), "pages": len(v)}
                                      for k, v in sorted(buckets.items())}
    result["page_word_f1"] = [round(s.f1, 4) for s in word_scores]
    return result


def threshold_sweep(pages: list[LabeledPage], probabilities: list[np.ndarray],
                    thresholds: tuple[float, ...] = SWEEP, config: DecisionConfig = DEFAULT_DECISIONS) -> list[dict]:
    """Word-F1 and line scores at each threshold, the lines cut as `config` cuts them (a text
    model's paragraphs lower); gold and line word counts are computed once."""
    gold = [word_counts(p.gold_text) for p in pages]
    counts = [count_words(p.texts) for p in pages]  # for the paragraphs and the headline, once a page
    y_true = [y for p in pages for y in p.labels]
    rows = []
    for t in thresholds:
        keeps = [content_mask(p.texts, proba, t, config, words).astype(int).tolist()
                 for p, proba, words in zip(pages, probabilities, counts)]
        words = mean_prf([word_prf(_content_text(p, k), g) for p, k, g in zip(pages, keeps, gold)])
        line = line_prf(y_true, [y for k in keeps for y in k])
        rows.append({"threshold": t, "word_f1": words.f1, "word_precision": words.precision,
                     "word_recall": words.recall, "line_f1": line.f1,
                     "line_precision": line.precision, "line_recall": line.recall})
    return rows


def best_threshold(pages: list[LabeledPage], probabilities: list[np.ndarray],
                   config: DecisionConfig = DEFAULT_DECISIONS) -> float:
    """The sweep threshold with the best mean word-F1 (ties: the one nearest 0.5)."""
    rows = threshold_sweep(pages, probabilities, config=config)
    return max(rows, key=lambda r: (round(r["word_f1"], 4), -abs(r["threshold"] - 0.5)))["threshold"]


def calibration(pages: list[LabeledPage], probabilities: list[np.ndarray],
                bins: int = CALIBRATION_BINS) -> dict:
    """Reliability of the probabilities: per probability bin, the share of lines that are content;
    the Brier score, and the expected calibration error (the lines' mean gap between a bin's
    mean probability and its share of content)."""
    y = np.array([y for p in pages for y in p.labels], dtype=float)
    proba = np.concatenate(probabilities) if probabilities else np.zeros(0)
    which = np.minimum((proba * bins).astype(int), bins - 1)
    rows = [{"low": round(b / bins, 2), "high": round((b + 1) / bins, 2), "lines": int((which == b).sum()),
             "mean_probability": float(proba[which == b].mean()), "content_share": float(y[which == b].mean())}
            for b in range(bins) if (which == b).any()]
    ece = sum(r["lines"] * abs(r["mean_probability"] - r["content_share"]) for r in rows) / max(len(y), 1)
    return {"bins": rows, "brier_score": float(np.mean((proba - y) ** 2)) if len(y) else 0.0,
            "expected_calibration_error": float(ece)}


def page_type_scores(gold: list[str], predicted: list[str | None]) -> dict:
    """How often the predicted kind of page is the gold one, over the pages whose kind is known,
    with each kind's precision and recall."""
    pairs = [(g, p) for g, p in zip(gold, predicted) if g != "unknown"]
    per_type = {}
    for kind in sorted({g for g, _ in pairs} | {p for _, p in pairs if p}):
        hits = sum(g == p == kind for g, p in pairs)
        said, actual = sum(p == kind for _, p in pairs), sum(g == kind for g, _ in pairs)
        per_type[kind] = {"pages": actual, "precision": hits / said if said else 0.0,
                          "recall": hits / actual if actual else 0.0}
    return {"accuracy": sum(g == p for g, p in pairs) / max(len(pairs), 1), "pages": len(pairs),
            "per_type": per_type}


def _page_meta(page: LabeledPage, index: int) -> dict:
    return {"index": index, "id": page.id, **{g: page.meta.get(g) or "unknown" for g in GROUPS}}


def _shown_lines(errors: np.ndarray, context: int = 2, limit: int = MAX_PAGE_LINES) -> np.ndarray:
    """Every line of a short page; of a long one the errors and `context` lines around them, up to `limit`."""
    if len(errors) <= limit:
        return np.arange(len(errors))
    near = np.convolve(errors.astype(int), np.ones(2 * context + 1, dtype=int), mode="same") > 0
    return np.flatnonzero(near)[:limit]


def worst_pages(model: Model, pages: list[LabeledPage], predictions: list[list[int]], page_f1: list[float],
                n: int = WORST_PAGES) -> list[dict]:
    """The `n` pages with the lowest word-F1 (of equal ones, those with more wrong lines
    first; pages without lines have nothing to show), line by line: text, gold label,
    probability, prediction and the reasons of the prediction."""
    names = model.feature_names
    wrong = [np.asarray(keep) != np.asarray(page.labels) for page, keep in zip(pages, predictions)]
    candidates = [i for i, page in enumerate(pages) if page.blocks]
    worst = sorted(candidates, key=lambda i: (page_f1[i], -wrong[i].sum(), pages[i].id))[:n]
    rows = []
    for i in worst:
        page, keep = pages[i], predictions[i]
        shown = _shown_lines(wrong[i])
        X, probability, contributions = model.contributions_blocks(page.blocks, shown)
        lines = [{"line_no": page.blocks[j].line_no, "gold": page.labels[j], "predicted": keep[j],
                  "probability": round(float(probability[j]), 4),
                  "reasons": [list(r) for r in top_reasons(X[j], contributions[j], names, REASONS_PER_LINE)],
                  "text": _cut(page.blocks[j].text)} for j in shown]
        word = word_prf(_content_text(page, keep), page.gold_text).as_dict()
        rows.append({**_page_meta(page, i), "word": word, "lines_total": len(page.blocks),
                     "lines_shown": len(lines), "lines": lines})
    return rows


def _cut(text: str) -> str:
    return text if len(text) <= MAX_LINE_CHARS else text[:MAX_LINE_CHARS] + "…"


def feature_importance(model: Model, pages: list[LabeledPage], n_pages: int = IMPORTANCE_PAGES,
                       n_lines: int = IMPORTANCE_LINES) -> dict:
    """The features with the largest mean absolute occlusion effect over up to `n_lines`
    lines of each of up to `n_pages` pages, both spread evenly."""
    sample = [p for p in pages[::max(1, len(pages) // n_pages)][:n_pages] if p.blocks]
    contributions = []
    for page in sample:
        rows = np.unique(np.linspace(0, len(page.blocks) - 1, min(len(page.blocks), n_lines)).astype(int))
        contributions.append(model.contributions_blocks(page.blocks, rows)[2][rows])
    return {"pages": len(contributions), "lines": sum(len(c) for c in contributions),
            "features": mean_abs_contributions(contributions, model.feature_names,
                                               TOP_FEATURES)}


def compare_models(pages: list[LabeledPage], systems: dict, reference: str, other: str,
                   top: int = LARGEST_DIFFERENCES) -> dict:
    """How `other` differs from `reference` page by page: counts and the largest word-F1 changes."""
    before, after = systems[reference]["page_word_f1"], systems[other]["page_word_f1"]
    change = [round(b - a, 4) for a, b in zip(before, after)]
    largest = sorted(range(len(pages)), key=lambda i: (-abs(change[i]), pages[i].id))[:top]
    return {"reference": reference, "other": other,
            "word_f1_change": systems[other]["word"]["f1"] - systems[reference]["word"]["f1"],
            "pages_better": sum(c > 0 for c in change), "pages_worse": sum(c < 0 for c in change),
            "pages_same": sum(c == 0 for c in change),
            "largest_differences": [{**_page_meta(pages[i], i), "reference_f1": before[i],
                                     "other_f1": after[i], "change": change[i]} for i in largest]}


def _model_info(model: Model, cut: float) -> dict:
    return {"path": model.manifest.get("path"), "threshold": cut,
            "feature_schema_version": model.manifest.get("feature_schema_version"),
            "training_data": model.manifest.get("training_data", {}).get("sha256")}


def evaluate(models: Model | Mapping[str, Model], pages: list[LabeledPage], threshold: float | None = None,
             progress: bool = False, explain: bool = False, by_site: bool = False,
             site_templates: TemplateTable | None = None) -> tuple[dict, dict]:
    """Score a model, or several by name (the first is the primary), and the baselines
    on `pages`. `explain` adds the worst pages and the feature importance (slower); `by_site`
    decides the pages of a site together (``predict --by-site``), or `site_templates` drops the
    templates gathered beforehand (``predict --templates``). Returns (report, curve data)."""
    if by_site and site_templates is not None:
        raise ValueError("by_site gathers the templates of the pages themselves: give it or site_templates")
    models = {PRIMARY: models} if isinstance(models, Model) else dict(models)
    primary = next(iter(models))
    cuts = {name: model.threshold if threshold is None else threshold for name, model in models.items()}
    if site_templates is not None:
        for model in models.values():
            site_templates.require(model.input_format)
        found = {i: t for i, p in enumerate(pages) if (t := site_templates.get(site_of_url(p.meta.get("url"))))}
        templates = dict.fromkeys(models, found)  # one table, the same templates for every model
    else:
        templates = {name: labelled_templates(pages, model.decisions.template_pages) if by_site else {}
                     for name, model in models.items()}
    by_site = by_site or site_templates is not None
    verdicts = {name: page_verdicts(model, pages, cuts[name], progress, templates[name])
                for name, model in models.items()}
    probabilities = {name: probabilities for name, (probabilities, _) in verdicts.items()}
    systems = {name: keep for name, (_, keep) in verdicts.items()}
    for name, rule in BASELINES.items():
        systems[name] = [[rule(b.text) for b in page.blocks] for page in pages]
    report = {
        "models": {name: _model_info(model, cuts[name]) for name, model in models.items()},
        "data": {"pages": len(pages), "lines": sum(len(p.blocks) for p in pages),
                 "content_lines": sum(sum(p.labels) for p in pages),
                 **({"by_site": len(templates[primary])} if by_site else {})},
        "page_ids": [p.id for p in pages],
        "systems": {name: score_system(pages, preds) for name, preds in systems.items()},
        "threshold_sweep": threshold_sweep(pages, probabilities[primary], config=models[primary].decisions),
        "calibration": calibration(pages, probabilities[primary]),
    }
    stages = models[primary].classifier
    kinds = [str(p.meta.get("page_type") or "unknown") for p in pages]
    if stages.page_type is not None and set(kinds) - {"unknown"}:
        report["page_type"] = page_type_scores(kinds, models[primary].page_types([p.blocks for p in pages]))
    if stages.calibration is not None:  # what the probabilities would be without it
        uncalibrated = Model(dataclasses.replace(stages, calibration=None), cuts[primary],
                             decisions=models[primary].decisions)
        report["calibration_before"] = calibration(pages, page_probabilities(uncalibrated, pages, progress))
    others = list(models)[1:]
    if others:
        report["comparisons"] = [compare_models(pages, report["systems"], primary, o) for o in others]
    if explain:
        page_f1 = report["systems"][primary]["page_word_f1"]
        report["worst_pages"] = worst_pages(models[primary], pages, systems[primary], page_f1)
        report["feature_importance"] = feature_importance(models[primary], pages)
    y_true = np.array([y for p in pages for y in p.labels])
    y_score = np.concatenate(probabilities[primary]) if pages else np.zeros(0)
    curve = {}
    if y_true.size and 0 < y_true.sum() < y_true.size:
        precision, recall, _ = precision_recall_curve(y_true, y_score)
        curve = {"precision": precision, "recall": recall}
    return report, curve
