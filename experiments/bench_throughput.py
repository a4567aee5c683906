"""Predict throughput of the default model on one core, featurisation included.

What is measured:

1. **In process**: the dev-site pages of ../shared/datasets/*.jsonl.gz
   (``data.is_dev_site(data.site_of(record), 20)``) are rendered in the "nodes"
   style outside the timed region (pages whose rendering is blank are skipped);
   then ``Model.classify(text)`` (segmentation + features + predict_proba) runs
   over all of them. Reported: lines/s (non-empty lines, i.e. blocks classified)
   and pages/s, the median of ``--repeats`` (3) timed passes after one warm-up page
   (wall clock; the process CPU time is reported too, as lines per CPU-second,
   which is less sensitive to other processes competing for the core).
2. **CLI end to end**: the same scrapes are written to a directory as NAME.txt and
   ``boilersift predict DIR --output-dir OUT`` runs as a subprocess, timed with the
   wall clock (median of the same number of runs), so process start-up, model
   loading and file I/O show up. A run on one tiny file gives the fixed start-up cost.

One core: OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS are set to 1
before numpy and scikit-learn are imported, and the process (and so the CLI
subprocess, which inherits it) is pinned to CPU 0 with ``os.sched_setaffinity``
where available. Other load on the machine still affects the numbers: the load
average is recorded. Target (issue): at least 20,000 lines/s on one core.

Rerun (about 1-2 minutes)::

    /work/venv/bin/python experiments/bench_throughput.py
    /work/venv/bin/python experiments/bench_throughput.py --limit 30 --output-dir /tmp/smoke

Writes ``throughput.json`` and ``throughput.md`` into ``--output-dir``
(default: experiments/results next to this script).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy/sklearn are imported
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {0})

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shlex  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from tqdm import tqdm  # noqa: E402

from boilersift import Model, segment_text  # noqa: E402
from boilersift.blocks.render import STYLES  # noqa: E402
from boilersift.labelled.data import is_dev_site, read_jsonl, site_of  # noqa: E402

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"  # ../shared/datasets
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_LINES_PER_S = 20_000


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict:
    return {"cpu": cpu_model(), "logical_cpus": os.cpu_count(),
            "affinity": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "load_average_1_5_15": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
            "python": platform.python_version(), "numpy": np.__version__, "scikit-learn": sklearn.__version__,
            "platform": platform.platform()}


def rendered_dev_pages(datasets: Path, dev_percent: int, limit: int | None) -> list[str]:
    """'nodes' renderings of the dev-site pages, blank ones left out."""
    texts: list[str] = []
    for path in sorted(datasets.glob("*.jsonl.gz")):
        for record in read_jsonl(path):
            if not is_dev_site(site_of(record), dev_percent):
                continue
            text = STYLES["nodes"](record["html"])
            if text.strip():
                texts.append(text)
            if limit is not None and len(texts) >= limit:
                return texts
    return texts


def bench_in_process(model: Model, texts: list[str], repeats: int) -> dict:
    lines = sum(len(segment_text(t)) for t in texts)
    model.classify(texts[0])  # warm-up
    seconds, cpu_seconds = [], []
    for _ in tqdm(range(repeats), desc="in-process passes", unit="pass"):
        start, cpu_start = time.perf_counter(), time.process_time()
        for text in texts:
            model.classify(text)
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu_start)
    median = statistics.median(seconds)
    return {"pages": len(texts), "lines": lines, "seconds": seconds, "median_seconds": median,
            "cpu_seconds": cpu_seconds, "lines_per_cpu_s": lines / statistics.median(cpu_seconds),
            "lines_per_s": lines / median, "pages_per_s": len(texts) / median,
            "ms_per_page": 1000 * median / len(texts), "meets_target": lines / median >= TARGET_LINES_PER_S}


def run_cli(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} exited {proc.returncode}: {proc.stderr[-500:]}")
    return elapsed


def bench_cli(texts: list[str], lines: int, repeats: int) -> dict:
    exe = shutil.which("boilersift", path=str(Path(sys.executable).parent)) or shutil.which("boilersift")
    if exe is None:
        raise RuntimeError("boilersift executable not found")
    with tempfile.TemporaryDirectory(prefix="bench_throughput_") as tmp:
        in_dir, tiny = Path(tmp) / "in", Path(tmp) / "tiny.txt"
        in_dir.mkdir()
        for i, text in enumerate(texts):
            (in_dir / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        tiny.write_text("Home\nA single sentence of content.\n", encoding="utf-8")
        cmd = [exe, "predict", str(in_dir), "--output-dir", str(Path(tmp) / "out")]
        tiny_cmd = [exe, "predict", str(tiny), "-o", str(Path(tmp) / "tiny.out")]
        seconds = [run_cli(cmd) for _ in tqdm(range(repeats), desc="CLI runs", unit="run")]
        startup = [run_cli(tiny_cmd) for _ in range(repeats)]
        outputs = len(list((Path(tmp) / "out").glob("*.txt")))
    median = statistics.median(seconds)
    return {"command": shlex.join([exe, "predict", "DIR", "--output-dir", "OUT"]), "files": len(texts),
            "outputs_written": outputs, "seconds": seconds, "median_seconds": median,
            "lines_per_s": lines / median, "pages_per_s": len(texts) / median,
            "startup_one_tiny_file_seconds": statistics.median(startup)}


def markdown(report: dict) -> str:
    meta, ip, cli, m = report["meta"], report["in_process"], report["cli"], report["machine"]
    return "\n".join([
        "# boilersift predict throughput, one core", "",
        f"- command: `{meta['command']}`", f"- date: {meta['date']}",
        f"- model: threshold {meta['threshold']}, training-data sha256 `{meta['training_data_sha256']}`",
        f"- machine: {m['cpu']}; {m['logical_cpus']} logical CPUs, pinned to {m['affinity']}; "
        f"load average {m['load_average_1_5_15']}; Python {m['python']}, numpy {m['numpy']}, "
        f"scikit-learn {m['scikit-learn']}",
        f"- data: {ip['pages']} dev-site pages rendered in 'nodes' style (rendering not timed), "
        f"{ip['lines']} non-empty lines", "",
        "| measurement | median s | lines/s | pages/s | ms/page |", "|---|---|---|---|---|",
        f"| `Model.classify` in process (median of {len(ip['seconds'])}) | {ip['median_seconds']:.2f} | "
        f"{ip['lines_per_s']:,.0f} | {ip['pages_per_s']:.1f} | {ip['ms_per_page']:.2f} |",
        f"| CLI `{cli['command']}` (wall clock, median of {len(cli['seconds'])}) | {cli['median_seconds']:.2f} | "
        f"{cli['lines_per_s']:,.0f} | {cli['pages_per_s']:.1f} | {1000 * cli['median_seconds'] / cli['files']:.2f} |",
        "", f"In-process lines per CPU-second (process_time, less sensitive to other load): "
        f"{ip['lines_per_cpu_s']:,.0f}; per-pass wall seconds: {', '.join(f'{x:.2f}' for x in ip['seconds'])}.",
        f"Load average before / after: {m['load_average_1_5_15']} / {report['load_average_after']}.",
        "", f"CLI fixed cost (start-up + model load, one tiny file): {cli['startup_one_tiny_file_seconds']:.2f} s.",
        f"Target: {TARGET_LINES_PER_S:,} lines/s on one core -> "
        f"{'met' if ip['meets_target'] else 'NOT met'} in process ({ip['lines_per_s']:,.0f} lines/s).", ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N dev pages (smoke run)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output-dir", type=Path, default=RESULTS)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    args = parser.parse_args(argv)

    machine = machine_info()  # load average before the benchmark
    model = Model.load()
    dev_percent = int(model.manifest.get("split", {}).get("dev_percent", 20))
    texts = rendered_dev_pages(args.datasets, dev_percent, args.limit)
    in_process = bench_in_process(model, texts, args.repeats)
    cli = bench_cli(texts, in_process["lines"], args.repeats)
    report = {
        "meta": {"command": shlex.join([Path(sys.executable).as_posix(), *sys.argv]),
                 "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "threshold": model.threshold,
                 "training_data_sha256": model.manifest.get("training_data", {}).get("sha256"),
                 "dev_percent": dev_percent, "limit": args.limit, "target_lines_per_s": TARGET_LINES_PER_S},
        "machine": machine, "in_process": in_process, "cli": cli,
        "load_average_after": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "throughput.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (args.output_dir / "throughput.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
