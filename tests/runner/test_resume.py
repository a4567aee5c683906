"""Nothing lost (issue 5.4): a batch killed midway leaves only complete outputs, and
``--resume`` finishes it without duplicates or changes to the finished outputs."""

import signal
import subprocess
import time

import pytest
from conftest import SAMPLE_TXT, boilersift_command, outputs, run

SAMPLE = SAMPLE_TXT.read_text(encoding="utf-8")
# Enough work (seconds) that the stop, sent once 3 outputs exist, lands midway with margin.
N_INPUTS = 200
PAGE = "\n\n".join([SAMPLE] * 3)


@pytest.fixture
def in_dir(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    for i in range(N_INPUTS):  # different pages, so a swapped output would show
        (root / f"page{i:03}.txt").write_text(f"Page number {i} of the batch.\n\n" + PAGE, encoding="utf-8")
    return root


def _as_in_a_terminal() -> None:
    """Ctrl-C reaches a command run in a terminal. A test run started in the
    background (`cmd &`, nohup) inherits SIGINT ignored, and Python then never
    raises KeyboardInterrupt, so give the batch the terminal's default back."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_and_stop(in_dir, out_dir, how: int) -> subprocess.CompletedProcess:
    """Run a batch and stop it with signal `how` once a few outputs exist."""
    proc = subprocess.Popen(boilersift_command() + ["predict", str(in_dir), "--output-dir", str(out_dir),
                                                    "--no-progress", "--jobs", "1", "--threshold", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_as_in_a_terminal)
    deadline = time.monotonic() + 240
    while len(list(out_dir.glob("page*.txt"))) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(how)
    stdout, stderr = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM], ids=["kill -9", "Ctrl-C", "kill"])
def test_interrupted_batch_resumes(in_dir, tmp_path, how):
    out_dir = tmp_path / "out"
    stopped = start_and_stop(in_dir, out_dir, how)
    done = {p.name: p.read_text(encoding="utf-8") for p in out_dir.glob("page*.txt")}
    assert 3 <= len(done) < N_INPUTS, "the batch was not stopped midway"
    if how != signal.SIGKILL:  # stopped cleanly: exit 130 and no temporary files
        assert stopped.returncode == 130, stopped.stderr
        assert "Traceback" not in stopped.stderr
        assert outputs(out_dir) == sorted(done)
    resumed = run("predict", in_dir, "--output-dir", out_dir, "--no-progress", "--resume", "--threshold", "0")
    assert resumed.returncode == 0, resumed.stderr
    assert f"boilersift: {len(done)} inputs already done (--resume)" in resumed.stderr
    assert outputs(out_dir) == [f"page{i:03}.txt" for i in range(N_INPUTS)]  # no leftovers, no duplicates
    last = f"page{N_INPUTS - 1:03}.txt"
    fresh = run("predict", in_dir / last, "--threshold", "0").stdout
    assert (out_dir / last).read_text(encoding="utf-8") == fresh
    for name, text in done.items():  # finished outputs are complete and untouched (threshold 0: every line)
        assert (out_dir / name).read_text(encoding="utf-8") == text
        assert text.startswith(f"Page number {int(name[4:7])} of the batch.")
