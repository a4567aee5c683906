"""Hostile inputs: every one has a documented outcome, none stops the
batch, and every input ends as exactly one output or one recorded error.

One batch run holds them all next to good inputs, so this also checks that good
inputs in the same batch are still processed.
"""

import gzip
import json
import os
import socket

import pytest
from conftest import (
    GOOD_TEXT,
    HTML_PAGE,
    SAMPLE_TXT,
    assert_one_line_error,
    outputs,
    run,
    warc_bytes,
)

pytestmark = pytest.mark.slow

SAMPLE = SAMPLE_TXT.read_text(encoding="utf-8")
ROOT = os.geteuid() == 0  # root reads files whatever their mode


# name -> (bytes, expected: "ok" or a fragment of the error). Paths are relative to the input directory.
HOSTILE = {
    "good.txt": (SAMPLE.encode(), "ok"),
    "page.html": (HTML_PAGE.format("A real paragraph of the article, long enough to read.").encode(), "ok"),
    "empty.txt": (b"", "empty input"),
    "whitespace.txt": (b" \n\t\r\n \xc2\xa0\n", "empty input"),
    "binary.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data (NUL bytes)"),
    "nul-late.txt": (GOOD_TEXT.encode() * 500 + b"\x00" + GOOD_TEXT.encode(), "binary data (NUL bytes)"),
    "cp1252-text.txt": ("Café au lait\n".encode("cp1252"), "ok"),  # detected
    "undetectable.txt": (bytes(range(0x80, 0x100)) * 8, "not valid utf-8 at byte 0, nor in any encoding detected"),
    "cp1252.html": ("<p>Café au lait, à la française.</p>".encode("cp1252"), "ok"),
    "gbk.html": ('<meta charset="gbk"><p>中文新闻报道的正文内容。</p>'.encode("gbk"), "ok"),
    "shift-jis.html": ('<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">'
                       '<p>日本語の記事の本文です。</p>'.encode("shift_jis"), "ok"),
    "utf16-bom.txt": (GOOD_TEXT.encode("utf-16"), "ok"),
    "million-lines.txt": (b"a short line\n" * 1_000_000, "over the limit of 100000 (--max-blocks"),
    "deep.html": (b"<div>" * 100_000 + b"deep text" + b"</div>" * 100_000, "ok"),
    "unclosed.html": (b"<html><body><p>An unclosed paragraph about the bridge<div><span>and more text", "ok"),
    "truncated.txt.gz": (gzip.compress(SAMPLE.encode())[:-40], "truncated gzip file"),
    "truncated.warc.gz": (warc_bytes(3)[:-60], "truncated gzip file"),
    "crawl.warc.gz": (warc_bytes(3), "ok"),
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    in_dir, out_dir = root / "in", root / "out"
    (in_dir / "unreadable").mkdir(parents=True)
    for name, (data, _) in HOSTILE.items():
        (in_dir / name).write_bytes(data)
    (in_dir / "unreadable" / "secret.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (in_dir / "unreadable" / "secret.txt").chmod(0)
    os.symlink("loop", in_dir / "loop")  # a symbolic link to itself
    os.symlink("..", in_dir / "unreadable" / "up")  # a directory loop: not followed
    os.symlink("nowhere", in_dir / "dangling")
    os.mkfifo(in_dir / "fifo")  # opening it would block for ever
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(in_dir / "socket"))
    proc = run("predict", in_dir, root / "does-not-exist.txt", "--output-dir", out_dir, "--no-progress",
               "--jobs", "2")
    sock.close()
    errors = [json.loads(line) for line in (out_dir / "boilersift-errors.jsonl").read_text().splitlines()]
    return in_dir, out_dir, proc, errors


def test_hostile_batch_exit_code_and_no_traceback(hostile_run):
    _, _, proc, _ = hostile_run
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input(hostile_run, name):
    in_dir, out_dir, _, errors = hostile_run
    expected = HOSTILE[name][1]
    reasons = [e["error"] for e in errors if e["input"] == str(in_dir / name)]
    if expected == "ok":
        assert reasons == []
        assert any(p.stem == name.split(".")[0] for p in out_dir.iterdir()), outputs(out_dir)
    else:
        assert len(reasons) == 1 and expected in reasons[0], reasons


@pytest.mark.parametrize("name, fragment", [
    ("loop", "Too many levels of symbolic links"), ("dangling", "No such file or directory"),
    ("fifo", "not a regular file"), ("socket", "not a regular file"),
])
def test_special_files(hostile_run, name, fragment):
    in_dir, _, _, errors = hostile_run
    assert [e["error"] for e in errors if e["input"] == str(in_dir / name)] == [f"cannot read ({fragment})"] \
        if fragment[0].isupper() else [fragment]


def test_unreadable_file(hostile_run):
    in_dir, out_dir, _, errors = hostile_run
    reasons = [e["error"] for e in errors if e["input"] == str(in_dir / "unreadable" / "secret.txt")]
    assert reasons == ([] if ROOT else ["cannot read (Permission denied)"])


def test_missing_path(hostile_run):
    _, _, _, errors = hostile_run
    assert [e["error"] for e in errors if e["input"].endswith("does-not-exist.txt")] == ["no such file or directory"]


def test_warc_records_and_truncated_warc(hostile_run):
    in_dir, out_dir, proc, errors = hostile_run
    records = [json.loads(line) for line in (out_dir / "crawl.jsonl").read_text().splitlines()]
    assert [r["url"] for r in records] == [f"https://example.com/{i}" for i in range(3)]
    assert all(r["warc_record_id"].startswith("<urn:uuid:") and "Story" in r["clean_text"] + " ".join(r["lines"])
               for r in records)
    truncated = (out_dir / "truncated.jsonl").read_text().splitlines()  # the complete records before the cut
    assert 0 <= len(truncated) < 3
    assert "WARC records skipped (not HTML responses)" in proc.stderr


def test_every_input_accounted_for(hostile_run):
    """outputs + errors = inputs, counting a WARC's HTML responses as inputs."""
    in_dir, out_dir, proc, errors = hostile_run
    files = [p for p in out_dir.rglob("*") if p.is_file() and p.name != "boilersift-errors.jsonl"]
    warc_pages = sum(len(p.read_text().splitlines()) for p in files if p.suffix == ".jsonl")
    file_outputs = len([p for p in files if p.suffix != ".jsonl"])
    summary = proc.stderr.splitlines()[-1]
    assert summary == f"boilersift: {len(errors)} of {file_outputs + warc_pages + len(errors)} inputs failed; " \
                      f"list in {out_dir / 'boilersift-errors.jsonl'}"
    assert len({e["id"] for e in errors}) == len(errors)  # no input reported twice


@pytest.mark.parametrize("flags", [[], ["--encoding", "gbk"]], ids=["detected", "with flag"])
def test_legacy_text_encoding(tmp_path, flags):
    path = tmp_path / "gbk.txt"
    path.write_bytes("中文新闻报道的正文内容，桥梁在周一重新开放。\n".encode("gbk"))
    proc = run("predict", path, *flags, "--threshold", "0")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "中文新闻报道的正文内容，桥梁在周一重新开放。\n"


def test_fifty_megabyte_line_hits_the_time_limit(tmp_path):
    path = tmp_path / "one-line.txt"
    path.write_bytes(b"word " * 10_000_000)  # 50 MB, no line break
    proc = run("predict", path, "--time-limit", "1")
    assert_one_line_error(proc, str(path), "took longer than the time limit of 1 s (--time-limit)")


def test_over_the_byte_limit_is_an_error_or_truncated(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    assert_one_line_error(run("predict", path, "--max-bytes", "1000"), "larger than the limit of 1000 bytes")
    proc = run("predict", path, "--max-bytes", "1000", "--truncate", "--output-format", "tsv")
    assert proc.returncode == 0, proc.stderr
    assert f"boilersift: warning: {path}: truncated to the limits" in proc.stderr
    kept = [row.split("\t", 3)[3] for row in proc.stdout.splitlines()[1:]]
    assert kept and "\n".join(kept) in SAMPLE[:1000]


def test_block_limit_truncates_when_asked(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("".join(f"line {i}\n" for i in range(50)), encoding="utf-8")
    assert_one_line_error(run("predict", path, "--max-blocks", "10"), "50 blocks, over the limit of 10")
    proc = run("predict", path, "--max-blocks", "10", "--truncate", "--output-format", "tsv")
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 11


def test_all_inputs_fail_writes_no_output_file(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out.txt"
    proc = run("predict", tmp_path / "empty.txt", "-o", out)
    assert_one_line_error(proc, "empty input")
    assert not out.exists()
    assert [json.loads(line)["error"] for line in open(f"{out}.errors.jsonl")] == ["empty input"]


def test_a_directory_with_one_file_is_a_batch(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "only.txt").write_text(GOOD_TEXT, encoding="utf-8")
    proc = run("predict", tmp_path / "in", "--output-format", "jsonl", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert {json.loads(line)["source"] for line in proc.stdout.splitlines()} == {str(tmp_path / "in" / "only.txt")}


@pytest.mark.parametrize("args", [["--resume"], ["--jobs", "0"], ["--time-limit", "-1"], ["--input-format", "pdf"]])
def test_usage_errors(args):
    proc = run("predict", SAMPLE_TXT, *args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_debug_shows_the_traceback(tmp_path):
    proc = run("--debug", "predict", SAMPLE_TXT, "--model", tmp_path / "missing")
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "not a bundle directory" in proc.stderr


def test_inputs_are_never_overwritten(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(GOOD_TEXT, encoding="utf-8")
    proc = run("predict", tmp_path, "--output-dir", tmp_path, "--no-progress")
    assert proc.returncode == 1
    assert page.read_text(encoding="utf-8") == GOOD_TEXT
    assert "would overwrite the input" in proc.stderr


