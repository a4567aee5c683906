"""Evaluation reports: report.json, report.md, and one self-contained HTML page (no network: plots are
embedded PNG, style and script inline).

Every number on the page is drawn from the report dict that is also written as
report.json, through :meth:`_Page.num`, which tags it with its place in that dict
(``data-path``, relative to the enclosing elements' ``data-path``); every name or
text from the data goes through :meth:`_Page.raw`. So a test can check each number
against the JSON, and that no other number is on the page.
"""

from __future__ import annotations

import base64
import json
from html import escape
from pathlib import Path
from string import Template

from ..output import atomic_writer
from . import plots
from .evaluate import GROUPS

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>boilersift evaluation</title>
<script>
window.onerror = function (message, source, line) {
  var box = document.getElementById("js-errors");
  if (box) { box.hidden = false; box.textContent += message + " (" + source + ":" + line + ")\\n"; }
};
</script>
<style>$style</style>
</head>
<body>
<pre id="js-errors" hidden></pre>
<nav>$nav</nav>
<main>
$body
</main>
<script>$script</script>
</body>
</html>
""")

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
nav { position: sticky; top: 0; background: #fff; border-bottom: 1px solid #ddd; padding: 6px 16px; z-index: 1; }
nav a { margin-right: 14px; }
main { padding: 0 16px 40px; max-width: 1300px; }
h1 { margin: 16px 0 4px; } h2 { margin-top: 32px; border-bottom: 1px solid #eee; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 16px; min-width: 120px; }
.card .num { font-size: 28px; font-weight: 600; display: block; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f6f6; cursor: pointer; }
td .num { font-variant-numeric: tabular-nums; }
.best { font-weight: 700; }
.plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 12px; }
.plots figure { margin: 0; } .plots img { max-width: 100%; }
.bar { display: inline-block; height: 10px; background: #7a9cc6; vertical-align: middle; }
.legend span, .outcome { padding: 1px 6px; border-radius: 3px; }
tr.kept td, .legend .kept { background: #e3f2e5; }
tr.dropped td, .legend .dropped { background: #f4f4f4; color: #777; }
tr.lost td, .legend .lost { background: #fbd9d3; }
tr.leaked td, .legend .leaked { background: #ffefb8; }
body.only-errors tr.kept, body.only-errors tr.dropped { display: none; }
.lines td.why { color: #555; font-size: 12px; }
.lines td.text { max-width: 700px; overflow-wrap: anywhere; }
details { margin: 6px 0; } summary { cursor: pointer; }
#js-errors { background: #fdd; color: #900; padding: 8px; }
.muted { color: #666; }
"""

SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function (th) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0], column = th.cellIndex;
    var rows = Array.from(body.rows), down = th.dataset.order !== "down";
    var key = function (row) {
      var text = row.cells[column].textContent.trim(), value = parseFloat(text);
      return isNaN(value) ? text : value;
    };
    rows.sort(function (a, b) {
      var x = key(a), y = key(b);
      return (x > y ? 1 : x < y ? -1 : 0) * (down ? -1 : 1);
    });
    th.dataset.order = down ? "down" : "up";
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
var onlyErrors = document.getElementById("only-errors");
if (onlyErrors) {
  onlyErrors.addEventListener("change", function (event) {
    document.body.classList.toggle("only-errors", event.target.checked);
  });
}
document.body.dataset.ready = "yes";
window.addEventListener("load", function () {
  var drawn = Array.from(document.images).filter(function (img) { return img.naturalWidth > 0; });
  document.body.dataset.plotsDrawn = drawn.length === document.images.length ? "all" : "not all";
});
"""

GROUP_LABELS = {"source": "source", "page_type": "page type", "lang": "language", "style": "scrape style"}
# Outcome of a line: (gold, predicted) -> css class, words for the legend.
OUTCOMES = {(1, 1): ("kept", "content kept"), (0, 0): ("dropped", "noise dropped"),
            (1, 0): ("lost", "content dropped"), (0, 1): ("leaked", "noise leaked")}
FIGURES = (("pr_curve", "Precision-recall curve (line level)"),
           ("threshold_sweep", "Threshold sweep"),
           ("calibration", "Calibration"),
           ("page_f1", "Distribution of per-page word F1"))


def _path(*keys) -> str:
    """A data-path: keys joined by '.', with '%' and '.' inside a key %-escaped."""
    return ".".join(str(k).replace("%", "%25").replace(".", "%2E") for k in keys)


class _Page:
    """Builds the HTML of one report; numbers and data strings only through `num` and `raw`."""

    def __init__(self, report: dict) -> None:
        self.report = report

    def num(self, *path, digits: int = 3, signed: bool = False, base: tuple = ()) -> str:
        """A number from the report: `base` + `path` address it, `path` is written as
        the span's (relative) data-path."""
        value = self.report
        for key in base + path:
            value = value[key]
        if isinstance(value, int):
            text = str(value)
        else:
            text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
        return f'<span class="num" data-path="{_attr(*path)}">{text}</span>'

    @staticmethod
    def raw(text: str | None) -> str:
        """A string from the data (a name, a page id, a line), escaped."""
        return f'<span class="raw">{escape(str(text))}</span>'

    def systems_table(self) -> str:
        head = "<tr><th>system</th><th>word F1</th><th>word P</th><th>word R</th>" \
               "<th>line F1</th><th>line P</th><th>line R</th><th>pages</th></tr>"
        rows = []
        for name in self.report["systems"]:
            cells = [self.num(level, metric, base=("systems", name))
                     for level in ("word", "line") for metric in ("f1", "precision", "recall")]
            rows.append(f'<tr data-path="{_attr("systems", name)}"><td>{self.raw(name)}</td>'
                        + "".join(f"<td>{c}</td>" for c in cells)
                        + f"<td>{self.num('pages', base=('systems', name))}</td></tr>")
        return _table(head, rows)

    def headline(self) -> str:
        name = next(iter(self.report["models"]))
        cards = [(label, self.num("systems", name, level, metric)) for label, level, metric in (
            ("word F1", "word", "f1"), ("word precision", "word", "precision"),
            ("word recall", "word", "recall"), ("line F1", "line", "f1"))]
        html = "".join(f'<div class="card">{value}{label}</div>' for label, value in cards)
        return (f'<div class="cards">{html}</div><p>{self.raw(name)} on {self.num("data", "pages")} pages, '
                f'{self.num("data", "lines")} lines ({self.num("data", "content_lines")} content).'
                f'{by_site(self.report)}</p>' + self.models())

    def models(self) -> str:
        items = []
        for name, info in self.report["models"].items():
            where = self.raw(info["path"]) if info["path"] else "the shipped default model"
            trained = f", training data {self.raw(info['training_data'])}" if info["training_data"] else ""
            items.append(f'<li data-path="{_attr("models", name)}">{self.raw(name)}: {where}, threshold '
                         f'{self.num("threshold", digits=2, base=("models", name))}{trained}</li>')
        return f"<ul>{''.join(items)}</ul>"

    def group_tables(self) -> str:
        names = list(self.report["systems"])
        first = self.report["systems"][names[0]]
        parts = []
        for group in GROUPS:
            key = f"per_{group}"
            if key not in first:
                continue
            head = f"<tr><th>{GROUP_LABELS[group]}</th><th>pages</th>" + "".join(
                f"<th>{self.raw(n)} word F1</th>" for n in names) + "</tr>"
            rows = []
            for value in first[key]:
                scores = [self.report["systems"][n][key][value]["f1"] for n in names]
                cells = "".join(
                    f'<td class="{"best" if s == max(scores) else ""}">'
                    f'{self.num("systems", n, key, value, "f1")}</td>' for n, s in zip(names, scores))
                rows.append(f"<tr><td>{self.raw(value)}</td><td>{self.num('systems', names[0], key, value, 'pages')}"
                            f"</td>{cells}</tr>")
            parts.append(f"<h3>Word F1 per {GROUP_LABELS[group]}</h3>" + _table(head, rows))
        return "".join(parts)

    def confusion(self) -> str:
        name = next(iter(self.report["models"]))
        base = ("systems", name, "confusion")
        matrix = (f'<table data-path="{_attr(*base)}"><tr><th></th><th>predicted content</th>'
                  f'<th>predicted noise</th></tr>'
                  f'<tr><th>gold content</th><td>{self.num("content_kept", base=base)}</td>'
                  f'<td>{self.num("content_dropped", base=base)}</td></tr>'
                  f'<tr><th>gold noise</th><td>{self.num("noise_leaked", base=base)}</td>'
                  f'<td>{self.num("noise_dropped", base=base)}</td></tr></table>')
        head = "<tr><th>system</th><th>content kept</th><th>noise leaked</th><th>content dropped</th>" \
               "<th>noise dropped</th></tr>"
        rows = [f'<tr data-path="{_attr("systems", n, "confusion")}"><td>{self.raw(n)}</td>'
                + "".join(f"<td>{self.num(k, base=('systems', n, 'confusion'))}</td>" for k in
                          ("content_kept", "noise_leaked", "content_dropped", "noise_dropped")) + "</tr>"
                for n in self.report["systems"]]
        return (f"<p>Lines of {self.raw(name)}, gold label against prediction:</p>{matrix}"
                f"<p>All systems:</p>{_table(head, rows)}")

    def comparisons(self) -> str:
        parts = []
        for i, c in enumerate(self.report.get("comparisons", [])):
            base = ("comparisons", i)
            head = "<tr><th>page</th><th>source</th><th>page type</th>" \
                   f"<th>{self.raw(c['reference'])} F1</th><th>{self.raw(c['other'])} F1</th><th>change</th></tr>"
            rows = [f'<tr data-path="largest_differences.{j}"><td>{self.raw(d["id"])}</td>'
                    f'<td>{self.raw(d["source"])}</td><td>{self.raw(d["page_type"])}</td>'
                    f'<td>{self.num("reference_f1", base=base + ("largest_differences", j))}</td>'
                    f'<td>{self.num("other_f1", base=base + ("largest_differences", j))}</td>'
                    f'<td>{self.num("change", signed=True, base=base + ("largest_differences", j))}</td></tr>'
                    for j, d in enumerate(c["largest_differences"])]
            parts.append(
                f'<div data-path="comparisons.{i}"><h3>{self.raw(c["other"])} against {self.raw(c["reference"])}</h3>'
                f'<p>Mean word F1 change {self.num("word_f1_change", signed=True, base=base)}: '
                f'better on {self.num("pages_better", base=base)} pages, worse on '
                f'{self.num("pages_worse", base=base)}, the same on {self.num("pages_same", base=base)}. '
                f'The pages that changed most:</p>{_table(head, rows)}</div>')
        return "".join(parts)

    def sweep_and_calibration(self) -> str:
        head = "<tr><th>threshold</th><th>word F1</th><th>word P</th><th>word R</th><th>line F1</th>" \
               "<th>line P</th><th>line R</th></tr>"
        cut = next(iter(self.report["models"].values()))["threshold"]
        rows = [f'<tr data-path="threshold_sweep.{i}" class="{"best" if r["threshold"] == cut else ""}">'
                f'<td>{self.num("threshold", digits=2, base=("threshold_sweep", i))}</td>'
                + "".join(f'<td>{self.num(k, base=("threshold_sweep", i))}</td>' for k in (
                    "word_f1", "word_precision", "word_recall", "line_f1", "line_precision", "line_recall"))
                + "</tr>" for i, r in enumerate(self.report["threshold_sweep"])]
        cal_head = "<tr><th>probability from</th><th>to</th><th>lines</th><th>mean probability</th>" \
                   "<th>share content</th></tr>"
        cal_keys, cal_base = ("low", "high", "lines", "mean_probability", "content_share"), ("calibration", "bins")
        cal_rows = [f'<tr data-path="calibration.bins.{i}">'
                    + "".join(f"<td>{self.num(k, digits=2 if k in ('low', 'high') else 3, base=cal_base + (i,))}</td>"
                              for k in cal_keys)
                    + "</tr>" for i in range(len(self.report["calibration"]["bins"]))]
        return (f"<details><summary>Threshold sweep table (the chosen threshold in bold)</summary>"
                f"{_table(head, rows)}</details>"
                f"<details><summary>Calibration table (Brier score {self.num('calibration', 'brier_score')}, "
                f"expected calibration error {self.num('calibration', 'expected_calibration_error')}"
                f"{self.before_calibration()})</summary>{_table(cal_head, cal_rows)}</details>")

    def before_calibration(self) -> str:
        if "calibration_before" not in self.report:
            return ""
        return (f"; before the model's calibration: {self.num('calibration_before', 'brier_score')} and "
                f"{self.num('calibration_before', 'expected_calibration_error')}")

    def importance(self) -> str:
        info = self.report.get("feature_importance")
        if not info:
            return "<p>Not computed (evaluate with explanations).</p>"
        top = max((f["mean_abs_contribution"] for f in info["features"]), default=0) or 1
        rows = [f'<tr data-path="feature_importance.features.{i}"><td>{self.raw(f["feature"])}</td>'
                f'<td>{self.num("mean_abs_contribution", base=("feature_importance", "features", i))}</td>'
                f'<td><span class="bar" style="width:{200 * f["mean_abs_contribution"] / top:.0f}px"></span></td></tr>'
                for i, f in enumerate(info["features"])]
        return (f'<p>Mean absolute change of the probability of content when a feature is set to its page '
                f'median, over the {self.num("feature_importance", "lines")} lines of '
                f'{self.num("feature_importance", "pages")} pages spread over the data. A line\'s own features '
                f'are credited with their effect through both passes; <code>words*</code> are the vocabulary '
                f'scores, <code>pass1_*</code> the first pass on the neighbouring lines.</p>'
                + _table("<tr><th>feature</th><th>mean |change|</th><th></th></tr>", rows))

    def error_browser(self) -> str:
        pages = self.report.get("worst_pages")
        if not pages:
            return "<p>Not computed (evaluate with explanations).</p>"
        legend = "".join(f'<span class="{css}">{words}</span> ' for css, words in OUTCOMES.values())
        parts = [f'<p class="legend">{legend}<label><input type="checkbox" id="only-errors"> '
                 f"only the errors</label></p>"
                 "<p>Pages with the lowest word F1, worst first, every line coloured by gold label and "
                 "prediction: line number, probability of content, text, and the features that moved "
                 "the probability most (signed change). Of equal word F1, pages with more wrong lines "
                 "come first; pages without lines are left out; of a long page only the errors and the "
                 "lines around them are shown.</p>"]
        for i, page in enumerate(pages):
            meta = " · ".join(self.raw(page[g]) for g in GROUPS)
            base = ("worst_pages", i)
            summary = (f'{self.raw(page["id"])} <span class="muted">{meta}</span> word F1 '
                       f'{self.num("word", "f1", base=base)} (P {self.num("word", "precision", base=base)}, '
                       f'R {self.num("word", "recall", base=base)}), lines shown '
                       f'{self.num("lines_shown", base=base)} of {self.num("lines_total", base=base)}')
            rows = [self._line(base + ("lines", j), line) for j, line in enumerate(page["lines"])]
            parts.append(f'<details data-path="worst_pages.{i}"{" open" if i == 0 else ""}><summary>{summary}'
                         f'</summary><table class="lines"><tbody>{"".join(rows)}</tbody></table></details>')
        return "".join(parts)

    def _line(self, base: tuple, line: dict) -> str:
        css, words = OUTCOMES[(line["gold"], line["predicted"])]
        why = ", ".join(f'<span data-path="reasons.{k}">{self.raw(r[0])} '
                        f'{self.num(2, signed=True, base=base + ("reasons", k))}</span>'
                        for k, r in enumerate(line["reasons"]))
        return (f'<tr class="{css}" data-path="lines.{base[-1]}" title="{words}">'
                f'<td>{self.num("line_no", base=base)}</td><td>{self.num("probability", base=base)}</td>'
                f'<td class="text">{self.raw(line["text"])}</td><td class="why">{why}</td></tr>')


def _attr(*keys) -> str:
    return escape(_path(*keys))


def _table(head: str, rows: list[str]) -> str:
    return f'<table class="sortable"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _figures(figures: dict[str, bytes]) -> str:
    parts = [f'<figure><img alt="{escape(title)}" src="data:image/png;base64,'
             f'{base64.b64encode(figures[key]).decode("ascii")}"><figcaption>{escape(title)}</figcaption></figure>'
             for key, title in FIGURES if key in figures]
    return f'<div class="plots">{"".join(parts)}</div>'


def render_html(report: dict, figures: dict[str, bytes]) -> str:
    """The report as one HTML page; `figures` are PNGs by name (see :data:`FIGURES`)."""
    page = _Page(report)
    sections = [("overall", "Overall", page.headline() + page.systems_table()),
                ("compare", "Model comparison", page.comparisons()),
                ("groups", "By source, page type, language and style", page.group_tables()),
                ("confusion", "Confusion matrix", page.confusion()),
                ("plots", "Plots", _figures(figures) + page.sweep_and_calibration()),
                ("features", "Most important features", page.importance()),
                ("errors", "Error browser: the worst pages", page.error_browser())]
    sections = [(anchor, title, html) for anchor, title, html in sections if html]
    nav = "".join(f'<a href="#{anchor}">{escape(title)}</a>' for anchor, title, _ in sections)
    body = "<h1>boilersift evaluation</h1>" + "".join(
        f'<section id="{anchor}"><h2>{escape(title)}</h2>{html}</section>' for anchor, title, html in sections)
    return PAGE.substitute(style=STYLE, nav=nav, body=body, script=SCRIPT)


def by_site(report: dict) -> str:
    """The sentence that says the pages of a site were decided together, if they were."""
    count = report["data"].get("by_site")
    return "" if count is None else f" Pages of a site decided together: {count} had their site's template."


def markdown(report: dict) -> str:
    thresholds = ", ".join(f"{name} {info['threshold']}" for name, info in report["models"].items())
    lines = ["# boilersift evaluation", "",
             f"{report['data']['pages']} pages, {report['data']['lines']} lines "
             f"({report['data']['content_lines']} content); threshold {thresholds}.{by_site(report)}", "",
             "## Overall", "",
             "| system | word F1 | word P | word R | line F1 | line P | line R |",
             "|---|---|---|---|---|---|---|"]
    for name, s in report["systems"].items():
        w, ln = s["word"], s["line"]
        lines.append(f"| {name} | {w['f1']:.3f} | {w['precision']:.3f} | {w['recall']:.3f} | "
                     f"{ln['f1']:.3f} | {ln['precision']:.3f} | {ln['recall']:.3f} |")
    for comparison in report.get("comparisons", []):
        lines += ["", f"## {comparison['other']} against {comparison['reference']}", "",
                  f"Word F1 change {comparison['word_f1_change']:+.3f}; pages better "
                  f"{comparison['pages_better']}, worse {comparison['pages_worse']}, "
                  f"same {comparison['pages_same']}.", "",
                  "| page | reference F1 | other F1 | change |", "|---|---|---|---|"]
        lines += [f"| {d['id']} | {d['reference_f1']:.3f} | {d['other_f1']:.3f} | {d['change']:+.3f} |"
                  for d in comparison["largest_differences"]]
    first = next(iter(report["systems"].values()))
    for group in GROUPS:
        key = f"per_{group}"
        if key not in first:
            continue
        names = list(report["systems"])
        lines += ["", f"## Word F1 per {group.replace('_', ' ')}", "",
                  "| " + group + " | pages | " + " | ".join(names) + " |",
                  "|---|---|" + "---|" * len(names)]
        for value, row in first[key].items():
            cells = [f"{report['systems'][n][key][value]['f1']:.3f}" for n in names]
            lines.append(f"| {value} | {row['pages']} | " + " | ".join(cells) + " |")
    if "page_type" in report:
        kinds = report["page_type"]
        lines += ["", "## Kind of page", "", f"Accuracy {kinds['accuracy']:.3f} over {kinds['pages']} pages whose "
                  "kind is known.", "", "| kind | pages | precision | recall |", "|---|---|---|---|"]
        lines += [f"| {kind} | {row['pages']} | {row['precision']:.3f} | {row['recall']:.3f} |"
                  for kind, row in kinds["per_type"].items()]
    lines += ["", f"## Calibration ({next(iter(report['models']))})", "",
              "| probabilities | Brier score | expected calibration error |", "|---|---|---|"]
    for key, name in (("calibration_before", "before calibration"), ("calibration", "as reported")):
        if key in report:
            lines.append(f"| {name} | {report[key]['brier_score']:.4f} | "
                         f"{report[key].get('expected_calibration_error', 0.0):.4f} |")
    lines += ["", f"## Threshold sweep ({next(iter(report['models']))})", "",
              "| threshold | word F1 | word P | word R | line F1 |", "|---|---|---|---|---|"]
    for row in report["threshold_sweep"]:
        lines.append(f"| {row['threshold']:.2f} | {row['word_f1']:.3f} | {row['word_precision']:.3f} | "
                     f"{row['word_recall']:.3f} | {row['line_f1']:.3f} |")
    return "\n".join(lines) + "\n"


def write_report(report: dict, curve: dict, out_dir: str | Path) -> list[Path]:
    """Write report.json, report.md, report.html and (when defined) pr_curve.png into `out_dir`."""
    out_dir = Path(out_dir)
    written = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.html"]
    with atomic_writer(written[0]) as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False)
    with atomic_writer(written[1]) as handle:
        handle.write(markdown(report))
    figures = {"threshold_sweep": plots.threshold_sweep(report), "calibration": plots.calibration(report),
               "page_f1": plots.page_f1_distribution(report)}
    if curve:
        figures["pr_curve"] = plots.pr_curve(curve, report)
        written.append(out_dir / "pr_curve.png")
        with atomic_writer(written[-1], binary=True) as handle:
            handle.write(figures["pr_curve"])
    with atomic_writer(written[2]) as handle:
        handle.write(render_html(report, figures))
    return written
