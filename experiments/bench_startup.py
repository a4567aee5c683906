"""Start-up of a one-file `boilersift predict`: this checkout against a git revision, in one run.

Times the whole command (process start to exit) on the bundled text sample and on a small HTML
page, and `python -c "from boilersift import Model"`, taking turns between the two code bases
(`--runs` each, median reported), with the same Python and packages; the baseline revision is
checked out in a temporary git worktree and run from its source (PYTHONPATH). Also counts the modules each
one-file predict imports.

    python experiments/bench_startup.py --baseline af0342a
Results: experiments/results/startup.md
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "news_page_scrape.txt"
HTML = "<html><head><title>A page</title></head><body><nav><a href='/'>Home</a></nav><article><h1>A headline" \
       "</h1><p>The first paragraph of the article, long enough to be prose.</p></article></body></html>"
COUNT_IMPORTS = ("import sys; from boilersift.cli import main; code = main(sys.argv[1:]); "
                 "print(len(sys.modules), sorted({m.split('.')[0] for m in sys.modules} & "
                 "{'sklearn', 'scipy', 'joblib', 'pandas', 'datasets', 'matplotlib', 'bs4', 'html_text'}), "
                 "file=sys.stderr)")


def run(src: Path, args: list[str]) -> float:
    """Seconds of `boilersift ARGS` (or of `python -c CODE` for ["-c", CODE])."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, *args] if args[0] == "-c" else [sys.executable, "-m", "boilersift.cli", *args]
    began = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def imports(src: Path, args: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run([sys.executable, "-c", COUNT_IMPORTS, *args], env=env, check=True,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return proc.stderr.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="af0342a", help="git revision to compare with")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--output-dir", type=Path, default=ROOT / "experiments" / "results")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(HTML, encoding="utf-8")
        worktree = Path(tmp) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(worktree), args.baseline], cwd=ROOT, check=True)
        try:
            code = {"baseline": worktree / "src", "this checkout": ROOT / "src"}
            commands = {"text": ["predict", str(SAMPLE)], "html": ["predict", str(page)],
                        "import Model": ["-c", "from boilersift import Model"]}
            times = {(c, k): [] for c in code for k in commands}
            for name, src in code.items():  # warm the file cache and the .pyc files
                for kind, command in commands.items():
                    run(src, command)
            for _ in range(args.runs):
                for kind, command in commands.items():
                    for name, src in code.items():
                        times[name, kind].append(run(src, command))
            modules = {(c, k): imports(code[c], commands[k]) if commands[k][0] != "-c" else ""
                       for c in code for k in commands}
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=True)
    rows = [{"code": c, "input": k, "median_s": round(statistics.median(t), 3), "min_s": round(min(t), 3),
             "runs": [round(x, 3) for x in t], "modules_and_heavy_imports": modules[c, k]}
            for (c, k), t in times.items()]
    args.output_dir.mkdir(parents=True, exist_ok=True)
    payload = {"baseline": args.baseline, "rows": rows}
    (args.output_dir / "startup.json").write_text(json.dumps(payload, indent=1) + "\n")
    lines = [f"# One-file `boilersift predict`: start to exit (baseline {args.baseline}, {args.runs} runs each, "
             "taking turns)", "", "| code | input | median s | min s | modules loaded, heavy packages among them |",
             "|---|---|---|---|---|"]
    lines += [f"| {r['code']} | {r['input']} | {r['median_s']:.3f} | {r['min_s']:.3f} | "
              f"{r['modules_and_heavy_imports']} |" for r in rows]
    for kind in commands:
        ratio = statistics.median(times["this checkout", kind]) / statistics.median(times["baseline", kind])
        lines.append(f"\n{kind}: this checkout takes {ratio:.2f} of the baseline's time.")
    (args.output_dir / "startup.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
