"""Throughput on 1 and 2 cores, next to trafilatura and resiliparse, and peak memory
for a 100 MB and a 1 GB input (issue 4).

1. **Throughput**: the first ``--pages`` dev-site pages of ../shared/datasets
   (``data.is_dev_site``), ``--repeat`` times over (a crawl is long; start-up is
   paid once), are written as JSON Lines twice: their HTML (field ``html``) and
   their ``nodes`` rendering (field ``text``). ``boilersift predict FILE -o OUT
   --jobs J`` runs as a subprocess for J = 1 and 2, timed with the wall clock
   (process start-up and model loading, about 0.3 s, included; the run on a
   one-page file is reported as the fixed cost). Lines are the blocks classified
   (from the output records).
2. **In process**, on one core, on the same HTML pages (HTML ``str`` in, content
   out, parsing included): ``trafilatura.extract(html)``, resiliparse's
   ``extract_plain_text(html, main_content=True)``, and boilersift's shipped HTML
   model (``Model.classify_pages`` on 8 pages per call, as ``predict`` runs it, and
   ``Model.classify_html`` one page per call), taking turns over ``--rounds`` rounds
   (median reported). The like-for-like speed comparison; the CLI runs of 1. add JSON
   Lines decoding and start-up.
3. **Memory**: JSON Lines text inputs of ``--rss-sizes`` MB, made by repeating the
   text pages, go through ``predict --jobs 2 --output-format text``; the resident
   set of the whole process tree (parent and workers, summed) is sampled every
   0.2 s with psutil, and its peak reported.

Rerun::

    .venv/bin/python experiments/bench_scale.py                       # all (the 1 GB run takes long)
    .venv/bin/python experiments/bench_scale.py --rss-sizes 100       # skip the 1 GB input
    .venv/bin/python experiments/bench_scale.py --memory-only --rss-sizes 1024   # -> scale_memory.json
    .venv/bin/python experiments/bench_scale.py --memory-only --by-site --rss-sizes 100,1024   # predict --by-site
    .venv/bin/python experiments/bench_scale.py --pages 20 --repeat 1 --rounds 1 --rss-sizes 5 --output-dir /tmp/smoke

Writes ``scale.json`` and ``scale.md`` into --output-dir (default experiments/results).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from boilersift.blocks.render import STYLES
from boilersift.labelled.data import is_dev_site, read_jsonl, site_of

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
EXE = str(Path(sys.executable).parent / "boilersift")


def dev_pages(limit: int) -> list[dict]:
    pages = []
    for path in sorted(DATASETS.glob("*.jsonl.gz")):
        for record in read_jsonl(path):
            if is_dev_site(site_of(record), 20):
                text = STYLES["nodes"](record["html"])
                if text.strip():
                    pages.append({"id": record.get("id"), "html": record["html"], "text": text})
            if len(pages) >= limit:
                return pages
    return pages


def write_jsonl(path: Path, records) -> int:
    size = 0
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            size += handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return size


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_tree(command: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds and peak summed RSS (MB) of a command and its children; the CPU
    seconds they used are in the returned process's `cpu_seconds`."""
    start, cpu = time.perf_counter(), children_cpu()
    proc = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                        env={**os.environ, "OMP_NUM_THREADS": "1"})
    peak, done_event = 0, threading.Event()

    def sample() -> None:  # in a thread, so that the end of the run is seen at once, not at the next sample
        nonlocal peak
        while True:  # a sample at once, as a short run may end before the first 0.2 s
            try:
                tree = [proc, *proc.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            if done_event.wait(0.2):
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = proc.stderr.read()
    proc.wait()
    seconds = time.perf_counter() - start
    done_event.set()
    sampler.join()
    done = subprocess.CompletedProcess(command, proc.returncode, "", stderr)
    done.cpu_seconds = children_cpu() - cpu
    return seconds, peak / 2**20, done


def throughput(pages: list[dict], tmp: Path, repeat: int) -> dict:
    results = {}
    tiny = tmp / "tiny.jsonl"
    write_jsonl(tiny, [{"text": "Home\nOne sentence of content here.\n"}])
    startup, _, _ = run_tree([EXE, "predict", str(tiny), "-o", str(tmp / "tiny.out"), "--jobs", "1"])
    results["startup_seconds"] = round(startup, 2)
    for field in ("text", "html"):
        path = tmp / f"{field}.jsonl"
        write_jsonl(path, ({"id": f"{p['id']}#{r}", field: p[field]} for r in range(repeat) for p in pages))
        for jobs in (1, 2):
            out = tmp / f"{field}-{jobs}.jsonl"
            seconds, rss, proc = run_tree([EXE, "predict", str(path), "-o", str(out), "--jobs", str(jobs),
                                           "--no-progress"])
            records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
            lines = sum(len(r["lines"]) for r in records)
            results[f"{field}_jobs{jobs}"] = {
                "pages": len(records), "errors": len(pages) * repeat - len(records), "lines": lines,
                "seconds": round(seconds, 2), "pages_per_s": round(len(records) / seconds, 1),
                "lines_per_s": round(lines / seconds), "peak_rss_mb": round(rss),
                "lines_per_s_without_startup": round(lines / max(seconds - startup, 1e-9)),
                "cpu_seconds": round(proc.cpu_seconds, 2), "lines_per_cpu_s": round(lines / proc.cpu_seconds)}
        one, two = results[f"{field}_jobs1"], results[f"{field}_jobs2"]
        results[f"{field}_speedup_2_cores"] = round(one["seconds"] / two["seconds"], 2)
        results[f"{field}_speedup_2_cores_without_startup"] = round(
            (one["seconds"] - startup) / max(two["seconds"] - startup, 1e-9), 2)
    return results


def in_process(pages: list[dict], rounds: int) -> dict:
    """HTML str in, content out, in this process on one core: the other extractors, and
    boilersift the way ``predict`` classifies (8 pages per model call) and one page per call.
    The systems take turns over `rounds` rounds, so that a change in the machine's speed
    during the run (seen here: trafilatura 22.5 to 28.7 pages/s between runs) hits all of
    them alike; each system's median round is reported, and the median of the per-round
    ratios to trafilatura."""
    import trafilatura
    from resiliparse.extract.html2text import extract_plain_text

    from boilersift import Model
    from boilersift.runner.batch import CHUNK_SIZE

    model = Model.load(input_format="html")

    def boilersift_chunks(htmls: list[str]) -> None:
        model.classify_pages([model.html_blocks(html) for html in htmls])

    systems = (("trafilatura", trafilatura.extract, 1),
               ("resiliparse", lambda html: extract_plain_text(html, main_content=True), 1),
               ("boilersift, 8 pages per call", boilersift_chunks, CHUNK_SIZE),
               ("boilersift, 1 page per call", model.classify_html, 1))
    htmls = [page["html"] for page in pages]
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in systems}
    for _ in range(rounds):
        for name, extract, chunk in systems:
            start = time.process_time(), time.perf_counter()
            for i in range(0, len(htmls), chunk):
                extract(htmls[i] if chunk == 1 else htmls[i:i + chunk])
            timings[name].append((time.perf_counter() - start[1], time.process_time() - start[0]))
    out = {}
    for name, runs in timings.items():
        wall, cpu = statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)
        out[name] = {"pages_per_s": round(len(pages) / wall, 1), "pages_per_cpu_s": round(len(pages) / cpu, 1),
                     "rounds_pages_per_s": [round(len(pages) / w, 1) for w, _ in runs],
                     "vs_trafilatura": round(statistics.median(
                         t / w for (w, _), (t, _) in zip(runs, timings["trafilatura"])), 2)}
    return out


def memory(pages: list[dict], sizes_mb: list[int], tmp: Path, by_site: bool = False) -> dict:
    out = {}
    for size in sizes_mb:
        path = tmp / f"big-{size}.jsonl"

        def records():
            written, n = 0, 0
            while written < size * 2**20:
                page = pages[n % len(pages)]
                record = {"id": f"{n}", "text": page["text"]}
                if by_site:  # 1,000 sites; a paragraph of its own makes every record a page of its own, no copy
                    record.update(url=f"https://site{n % 1000}.example/{n}", text=f"{page['text']}\nThis is record "
                                  f"{n} of the benchmark, a paragraph that no other record holds, so that it is a "
                                  "page of its own and not a copy of another.")
                written += len(json.dumps(record, ensure_ascii=False).encode()) + 1
                n += 1
                yield record

        actual = write_jsonl(path, records())
        seconds, rss, proc = run_tree([EXE, "predict", str(path), "-o", str(tmp / "big.out"), "--jobs", "2",
                                       "--output-format", "text", "--no-progress", *(["--by-site"] * by_site)])
        out[f"{size}MB"] = {"input_mb": round(path.stat().st_size / 2**20, 1), "characters": actual,
                            "seconds": round(seconds, 1), "peak_rss_mb": round(rss), "exit_code": proc.returncode}
        path.unlink()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=400, help="dev pages (default 400: all of them)")
    parser.add_argument("--repeat", type=int, default=3, help="times over the pages in the throughput runs")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of the in-process comparison, the systems taking turns (default 3)")
    parser.add_argument("--rss-sizes", type=lambda s: [int(x) for x in s.split(",") if x], default=[100, 1024])
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--memory-only", action="store_true", help="only the memory runs (writes scale_memory.*)")
    parser.add_argument("--by-site", action="store_true",
                        help="with --memory-only: every record a distinct page of one of 1,000 sites, predict "
                             "--by-site (writes scale_memory_by_site.json)")
    args = parser.parse_args()
    pages = dev_pages(args.pages)
    if args.memory_only:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            result = {"command": " ".join(sys.argv), "load_average": os.getloadavg(),
                      "memory": memory(pages, args.rss_sizes, Path(tmp), args.by_site),
                      "load_average_after": os.getloadavg()}
        args.output_dir.mkdir(parents=True, exist_ok=True)
        name = "scale_memory_by_site.json" if args.by_site else "scale_memory.json"
        (args.output_dir / name).write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
        return
    result = {"command": " ".join(sys.argv), "cpus": os.cpu_count(), "load_average": os.getloadavg(),
              "pages": len(pages), "repeat": args.repeat}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        result["boilersift"] = throughput(pages, Path(tmp), args.repeat)
        result["in_process_1_core"] = in_process(pages, args.rounds)
        result["memory"] = memory(pages, args.rss_sizes, Path(tmp))
    result["load_average_after"] = os.getloadavg()
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "scale.json").write_text(json.dumps(result, indent=2) + "\n")
    b = result["boilersift"]
    rows = [f"| boilersift {f}, {j} core{'s' * (j > 1)} | {b[f'{f}_jobs{j}']['pages_per_s']} | "
            f"{b[f'{f}_jobs{j}']['lines_per_s']} | {b[f'{f}_jobs{j}']['lines_per_s_without_startup']} | "
            f"{b[f'{f}_jobs{j}']['lines_per_cpu_s']} |"
            for f in ("text", "html") for j in (1, 2)]
    rows += [f"| {name} (HTML, in process, 1 core, median of {args.rounds} rounds) | {v['pages_per_s']} | | | |"
             for name, v in result["in_process_1_core"].items()]
    inproc = result["in_process_1_core"]
    trafilatura = inproc["trafilatura"]["pages_per_s"]
    mem = "\n".join(f"| {k} | {v['input_mb']} | {v['seconds']} | {v['peak_rss_mb']} |"
                    for k, v in result["memory"].items())
    (args.output_dir / "scale.md").write_text(
        f"# Throughput and memory\n\n`{result['command']}`; {len(pages)} dev pages x {args.repeat} through "
        f"predict, {args.rounds} rounds in process, the systems taking turns; {result['cpus']} CPUs, "
        f"load average before {[round(x, 2) for x in result['load_average']]}, after "
        f"{[round(x, 2) for x in result['load_average_after']]}.\n\n"
        "| system | pages/s | lines/s | lines/s without start-up | lines per CPU-second |\n|---|---|---|---|---|\n"
        + "\n".join(rows) +
        f"\n\nStart-up (one-page input): {b['startup_seconds']} s. 2 cores vs 1: text "
        f"{b['text_speedup_2_cores']}x, HTML {b['html_speedup_2_cores']}x (wall clock, start-up included; "
        f"without start-up text {b['text_speedup_2_cores_without_startup']}x, HTML "
        f"{b['html_speedup_2_cores_without_startup']}x). HTML on one core vs trafilatura, both in process: "
        f"{inproc['boilersift, 8 pages per call']['vs_trafilatura']:.2f}x at 8 pages per call, "
        f"{inproc['boilersift, 1 page per call']['vs_trafilatura']:.2f}x at one (median of the per-round "
        f"ratios); through the CLI "
        f"(JSON Lines decoding and start-up included) vs trafilatura in process: "
        f"{b['html_jobs1']['pages_per_s'] / trafilatura:.2f}x.\n\n"
        "| input | MB | seconds | peak RSS of the process tree (MB) |\n|---|---|---|---|\n" + mem + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
