"""Smoke runs of the batch benchmarks in experiments/ (tiny sizes; no timings checked)."""

import json
import subprocess
import sys

from conftest import ROOT


def test_mixed_inputs_benchmark_accounts_for_every_input(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "experiments" / "bench_mixed.py"), "--n", "80",
                           "--output-dir", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "mixed_inputs.json").read_text())
    assert result["every_input_once"] and result["outputs"] + result["errors"] == 80
    assert result["exit_code"] == 1 and not result["traceback"]
    assert (tmp_path / "mixed_inputs.md").read_text().startswith("# 80 mixed inputs")

