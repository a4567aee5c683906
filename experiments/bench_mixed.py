"""10,000 mixed good and bad inputs through `boilersift predict` (issue 5 target).

Writes N inputs into a temporary directory, about 60% good text scrapes, 15% good
HTML pages and 25% hostile (empty, white space only, binary, NUL bytes, invalid
UTF-8, truncated gzip, HTML nested too deep, over --max-blocks), runs
``boilersift predict IN --output-dir OUT --jobs J`` once as a subprocess and
checks that every input is accounted for: outputs + errors file entries = inputs,
each input exactly once, no traceback, exit code 1 (some failed).

Rerun (about 2 minutes on 2 cores)::

    .venv/bin/python experiments/bench_mixed.py            # 10,000 inputs, --jobs 2
    .venv/bin/python experiments/bench_mixed.py --n 500    # smoke run

Writes ``mixed_inputs.json`` and ``mixed_inputs.md`` into --output-dir
(default experiments/results).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("the council said bridge reopened monday after six months repairs residents welcomed news "
         "traffic officials expect delays weekend works continue spring budget").split()


def good_text(rng: random.Random) -> str:
    body = [" ".join(rng.choices(WORDS, k=rng.randint(12, 40))).capitalize() + "." for _ in range(rng.randint(2, 8))]
    return "\n\n".join(["Home | News | Sport", *body, "Share this", "Privacy Policy"]) + "\n"


def make_inputs(root: Path, n: int, seed: int = 0) -> dict[str, str]:
    """Write n inputs; returns name -> kind."""
    rng = random.Random(seed)
    kinds = ["text"] * 60 + ["html"] * 15 + ["empty", "blank", "binary", "nul", "cp1252", "gz-truncated",
                                              "deep-html", "many-lines"] * 3 + ["gz"]
    made = {}
    for i in range(n):
        kind = rng.choice(kinds)
        name = f"{i:05}-{kind}" + {"html": ".html", "deep-html": ".html", "gz": ".txt.gz",
                                    "gz-truncated": ".txt.gz"}.get(kind, ".txt")
        text = good_text(rng)
        data = {
            "text": text.encode(),
            "html": ("<html><body><nav>Home</nav>" + "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
                     + "</body></html>").encode(),
            "empty": b"", "blank": b" \n\t\n", "binary": bytes(rng.randrange(256) for _ in range(200)) + b"\x00",
            "nul": text.encode() + b"\x00" + text.encode(), "cp1252": ("Caf\u00e9 " + text).encode("cp1252"),
            "gz": gzip.compress(text.encode()), "gz-truncated": gzip.compress(text.encode())[:-10],
            "deep-html": b"<div>" * 5000 + b"text" + b"</div>" * 5000,
            "many-lines": b"line\n" * 2001,
        }[kind]
        (root / name).write_bytes(data)
        made[name] = kind
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--output-dir", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-mixed-"))
    try:
        in_dir, out_dir = work / "in", work / "out"
        in_dir.mkdir()
        made = make_inputs(in_dir, args.n)
        command = [str(Path(sys.executable).parent / "boilersift"), "predict", str(in_dir), "--output-dir",
                   str(out_dir), "--jobs", str(args.jobs), "--no-progress", "--max-blocks", "2000"]
        start = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        errors = [json.loads(line) for line in (out_dir / "boilersift-errors.jsonl").read_text().splitlines()]
        outputs = [p for p in out_dir.iterdir() if p.name != "boilersift-errors.jsonl"]
        failed_names = [Path(e["input"]).name for e in errors]
        output_names = [p.name.split(".")[0] for p in outputs]
        accounted = sorted(failed_names + [next(n for n in made if n.startswith(o)) for o in output_names])
        by_kind: dict[str, dict[str, int]] = {}
        for name, kind in made.items():
            slot = by_kind.setdefault(kind, {"inputs": 0, "errors": 0})
            slot["inputs"] += 1
            slot["errors"] += name in failed_names
        result = {
            "command": " ".join(["boilersift", *command[1:]]).replace(str(work), "$TMP"),
            "inputs": args.n, "outputs": len(outputs), "errors": len(errors),
            "every_input_once": accounted == sorted(made), "exit_code": proc.returncode,
            "traceback": "Traceback" in proc.stderr, "seconds": round(seconds, 1),
            "inputs_per_s": round(args.n / seconds, 1), "by_kind": by_kind,
            "summary_line": proc.stderr.splitlines()[-1].replace(str(work), "$TMP"),
            "peak_rss_children_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "mixed_inputs.json").write_text(json.dumps(result, indent=2) + "\n")
    rows = "\n".join(f"| {k} | {v['inputs']} | {v['errors']} |" for k, v in sorted(result["by_kind"].items()))
    (args.output_dir / "mixed_inputs.md").write_text(
        f"# {args.n} mixed inputs\n\n`{result['command']}` (`experiments/bench_mixed.py`)\n\n"
        f"- outputs {result['outputs']} + errors {result['errors']} = {result['outputs'] + result['errors']} "
        f"of {args.n} inputs; every input exactly once: **{result['every_input_once']}**\n"
        f"- exit code {result['exit_code']}, traceback: {result['traceback']}; {result['seconds']} s "
        f"({result['inputs_per_s']} inputs/s, --jobs {args.jobs})\n"
        f"- last stderr line: `{result['summary_line']}`\n\n| kind | inputs | errors |\n|---|---|---|\n{rows}\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
