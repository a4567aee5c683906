"""The evaluation report of the shipped model on the dev sites, timed step by step.

Does what ``boilersift evaluate ../shared/datasets/*.jsonl.gz --dev-only --output-dir
experiments/results/evaluate_dev`` does, timing each step (rendering the pages into
scrapes, scoring, explanations, writing the report), then screenshots the HTML in
headless Chromium. Writes experiments/results/evaluate_dev/ (report.json, .md, .html,
pr_curve.png), experiments/results/report_screenshot.png (the top of the report),
report_error_browser.png (the error browser alone) and report_dev_timing.md.

    OMP_NUM_THREADS=1 .venv/bin/python experiments/report_dev.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from boilersift import Model
from boilersift.evaluation.evaluate import evaluate
from boilersift.evaluation.report import write_report
from boilersift.labelled.data import is_dev_site, load_pages

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
RESULTS = ROOT / "experiments" / "results"


def screenshot(html: Path, png: Path, only_section: str | None = None) -> None:
    """A 1300x3000 screenshot of the top of the report, or of one of its sections alone."""
    with tempfile.TemporaryDirectory() as tmp:
        if only_section:
            page = Path(tmp) / html.name
            page.write_text(html.read_text(encoding="utf-8").replace(
                "</style>", f"section:not(#{only_section}) {{ display: none; }}</style>"), encoding="utf-8")
            html = page
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp}/profile", "--hide-scrollbars", "--window-size=1300,3000",
                        f"--screenshot={png}", html.as_uri()], check=True, capture_output=True, timeout=120)


def main() -> None:
    steps: dict[str, float] = {}
    started = time.perf_counter()
    model = Model.load()
    percent = model.manifest.get("split", {}).get("dev_percent", 20)
    pages = [p for p in load_pages(sorted(DATASETS.glob("*.jsonl.gz")), ("nodes", "blocks"))
             if is_dev_site(str(p.meta.get("site") or p.id), percent)]
    steps["load and render the pages into scrapes"] = time.perf_counter() - started

    mark = time.perf_counter()
    evaluate(model, pages)
    steps["score the model and baselines (evaluate)"] = time.perf_counter() - mark

    mark = time.perf_counter()
    report, curve = evaluate(model, pages, explain=True)
    steps["the same with explanations (worst pages, feature importance)"] = time.perf_counter() - mark

    out_dir = RESULTS / "evaluate_dev"
    mark = time.perf_counter()
    written = write_report(report, curve, out_dir)
    steps["write report.json, .md, .html and the plots"] = time.perf_counter() - mark
    total = time.perf_counter() - started

    if shutil.which("chromium"):
        screenshot(out_dir / "report.html", RESULTS / "report_screenshot.png")
        screenshot(out_dir / "report.html", RESULTS / "report_error_browser.png", only_section="errors")
    sizes = {path.name: path.stat().st_size for path in written}
    lines = ["# The dev-set evaluation report, timed", "",
             f"`OMP_NUM_THREADS=1 python experiments/report_dev.py` ({len(pages)} dev pages, "
             f"{report['data']['lines']} lines; {os.cpu_count()} cores shared with other jobs, "
             f"load average at the end {os.getloadavg()[0]:.1f}).", "",
             "| step | seconds |", "|---|---|"]
    lines += [f"| {step} | {seconds:.1f} |" for step, seconds in steps.items()]
    lines += [f"| **total** (scoring twice: without and with explanations) | **{total:.1f}** |", "",
              "| file | bytes |", "|---|---|"]
    lines += [f"| {name} | {size:,} |" for name, size in sizes.items()]
    (RESULTS / "report_dev_timing.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
