"""Everything `predict` prints for the shipped models, as files, to show a change keeps outputs byte-identical.

Writes into OUT_DIR: the bundled sample scrape as text and JSON Lines, every text page of the
text quality gate (tests/fixtures/gate_dev.jsonl.gz) and every HTML page of the HTML gate
(gate_html.jsonl.gz) through `boilersift predict --output-format jsonl` (labels and
probabilities of every line or block), the same with `--explain`, and the `evaluate` metrics
of both gates. Run it before and after a change and compare with `diff -r BEFORE AFTER`
(results: experiments/results/bundle_conversion.md).

    python experiments/snapshot_outputs.py /tmp/before
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE = ROOT / "data" / "news_page_scrape.txt"


def boilersift(*args: str, cwd: Path, stdout: str | None = None) -> None:
    """Run the CLI in `cwd`, so that the paths it prints are the same wherever OUT_DIR is."""
    command = [sys.executable, "-m", "boilersift.cli", *args]
    with open(cwd / stdout, "wb") if stdout else open("/dev/null", "wb") as out:
        code = subprocess.run(command, stdout=out, stderr=subprocess.DEVNULL, cwd=cwd).returncode
    if code not in (0, 1):  # 1: some inputs failed (a gate page with no text); recorded in the errors file
        raise SystemExit(f"boilersift {' '.join(args)}: exit code {code}")


def pages_as_files(fixture: Path, folder: Path, html: bool) -> None:
    """Each gate page as a file: its HTML, or its lines joined into a text scrape."""
    folder.mkdir(parents=True)
    with gzip.open(fixture, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            page = json.loads(line)
            if html:
                (folder / f"{number:03d}.html").write_text(page["html"], encoding="utf-8")
            else:
                (folder / f"{number:03d}.txt").write_text("\n".join(page["lines"]) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    out = parser.parse_args().out_dir
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    boilersift("predict", str(SAMPLE), cwd=out, stdout="sample.txt")
    boilersift("predict", str(SAMPLE), "--output-format", "jsonl", cwd=out, stdout="sample.jsonl")
    boilersift("predict", str(SAMPLE), "--output-format", "jsonl", "--explain", cwd=out, stdout="sample.explain.jsonl")
    inputs = out / "inputs"
    for name, fixture, html in (("text_gate", FIXTURES / "gate_dev.jsonl.gz", False),
                                ("html_gate", FIXTURES / "gate_html.jsonl.gz", True)):
        pages_as_files(fixture, inputs / name, html)
        pages = f"inputs/{name}"
        boilersift("predict", pages, "--output-dir", name, "--output-format", "jsonl", "--jobs", "2", cwd=out)
        boilersift("predict", pages, "--output-dir", f"{name}_explain", "--output-format", "jsonl",
                   "--explain", "3", "--jobs", "2", cwd=out)
        model = [] if not html else ["--model", str(ROOT / "models" / "html-default")]
        boilersift("evaluate", str(fixture), *model, "--output-dir", f"{name}_evaluate", cwd=out)
        report = json.loads((out / f"{name}_evaluate" / "report.json").read_text(encoding="utf-8"))
        report.pop("timing", None)
        shutil.rmtree(out / f"{name}_evaluate")
        (out / f"{name}_metrics.json").write_text(json.dumps(report["systems"], indent=1, sort_keys=True) + "\n")
    shutil.rmtree(inputs)


if __name__ == "__main__":
    main()
