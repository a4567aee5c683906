"""The `boilersift` console script, run as users run it (a subprocess).

Error contract: a problem with the input, data or model exits non-zero with ONE
line on stderr, starting with "boilersift: error:", and never a traceback. In a
batch, a bad input is reported and skipped: the others still get their outputs,
and the exit code is 1.
"""

import functools
import json
import os
import re
import signal

import pytest
from conftest import (
    GATE_HTML,
    GOLD_PAGES,
    GOOD_TEXT,
    SAMPLE_TXT,
    SMALL_LABELED,
    assert_one_line_error,
    outputs,
    run,
    stderr_text,
)

from boilersift import cli
from boilersift.labelled.data import load_pages, page_from_record, read_jsonl
from boilersift.model.bundle import MODEL_FILE
from boilersift.output import TSV_HEADER
from boilersift.pipeline import Model

SAMPLE = SAMPLE_TXT.read_text(encoding="utf-8")
SAMPLE_LINES = [line.strip() for line in SAMPLE.splitlines() if line.strip()]



# -- help and version ---------------------------------------------------------------

@pytest.mark.parametrize("command", [[], ["predict"], ["label"], ["train"], ["evaluate"]])
def test_help(command):
    proc = run(*command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: boilersift")
    assert proc.stderr == ""


def test_train_help_states_the_augmentation_defaults():
    from boilersift.training.config import (
        RELATED_RATE,
        START_RATE,
        TAIL_SHARE,
        WIDGET_RATE,
    )

    text = " ".join(run("train", "--help").stdout.split())
    for flag, value in [("--widget-rate", WIDGET_RATE), ("--start-rate", START_RATE),
                        ("--related-rate", RELATED_RATE), ("--tail-share", TAIL_SHARE)]:
        help_text = text.split(flag, 2)[-1].split(" --")[0]  # the flag's own help, after the usage line
        assert float(re.search(r"\(default ([\d.]+)", help_text).group(1)) == value, flag


def test_version():
    import boilersift

    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"boilersift {boilersift.__version__} (compiled loops)"


@pytest.mark.parametrize("args", [[], ["predict", "--output-format", "xml", str(SAMPLE_TXT)]])
def test_usage_errors_exit_2(args):
    proc = run(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


# -- predict on the sample -------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_tsv():
    proc = run("predict", SAMPLE_TXT, "--output-format", "tsv")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def sample_text():
    proc = run("predict", SAMPLE_TXT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_predict_text(sample_tsv, sample_text):
    kept = [row.split("\t", 3)[3] for row in sample_tsv.splitlines()[1:] if row.split("\t")[1] == "content"]
    assert sample_text.splitlines() == kept
    assert kept, "the default model keeps nothing of the sample"
    assert set(kept) <= set(SAMPLE_LINES)


def test_predict_tsv(sample_tsv):
    assert sample_tsv.startswith(TSV_HEADER)
    rows = [row.split("\t") for row in sample_tsv.splitlines()[1:]]
    assert [row[3] for row in rows] == SAMPLE_LINES
    raw = SAMPLE.splitlines()
    for line_no, label, probability, text in rows:
        assert raw[int(line_no) - 1].strip() == text
        assert label in ("content", "noise")
        assert 0.0 <= float(probability) <= 1.0


def test_predict_jsonl(sample_tsv):
    proc = run("predict", SAMPLE_TXT, "--output-format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["text"] for r in records] == SAMPLE_LINES
    assert all(set(r) == {"page_type", "line_no", "label", "probability", "text"} for r in records)
    assert len({r["page_type"] for r in records}) == 1  # the kind of the page, on each of its lines
    tsv_rows = [row.split("\t") for row in sample_tsv.splitlines()[1:]]
    assert [r["label"] for r in records] == [row[1] for row in tsv_rows]


@pytest.mark.parametrize("threshold, expected", [("0", SAMPLE_LINES), ("1.01", [])])
def test_predict_threshold(threshold, expected):
    proc = run("predict", SAMPLE_TXT, "--threshold", threshold)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == expected


@pytest.mark.parametrize("favor, shift, extra", [
    ("precision", 0.1, []), ("recall", -0.1, []), ("recall", -0.1, ["--threshold", "0.5"]),
], ids=["precision", "recall", "recall from --threshold"])
def test_predict_favor_moves_the_threshold(sample_text, favor, shift, extra):
    threshold = float(extra[1]) if extra else Model.load().threshold  # the shipped text model's
    favored = run("predict", SAMPLE_TXT, "--favor", favor, *extra)
    moved = run("predict", SAMPLE_TXT, "--threshold", f"{threshold + shift:.2f}")
    assert favored.returncode == moved.returncode == 0, favored.stderr + moved.stderr
    assert favored.stdout == moved.stdout
    assert extra or favored.stdout != sample_text


@pytest.mark.parametrize("args", [[], ["-"]])
def test_predict_stdin(sample_text, args):
    proc = run("predict", *args, input=SAMPLE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == sample_text


def test_predict_stdin_crlf_and_bom():
    proc = run("predict", "--threshold", "0", input=("\ufeff" + GOOD_TEXT.replace("\n", "\r\n")).encode("utf-8"))
    assert proc.returncode == 0, stderr_text(proc)
    assert proc.stdout.decode("utf-8").splitlines() == [line for line in GOOD_TEXT.splitlines() if line]


MARKDOWN = "[Home](/) | [News](/news)\n\nThe bridge reopened on Monday\nafter repairs, the council said.\n"
MARKDOWN_BLOCKS = [("Home | News", 1), ("The bridge reopened on Monday after repairs, the council said.", 3)]


@pytest.mark.parametrize("how", ["an .md file", "stdin"])
def test_predict_markdown(tmp_path, how):
    # Read by its paragraphs, without link targets; line numbers point into the scrape.
    page = tmp_path / "page.md"
    page.write_text(MARKDOWN, encoding="utf-8")
    args = [page] if how == "an .md file" else ["--input-format", "markdown"]
    proc = run("predict", *args, "--threshold", "0", "--output-format", "jsonl",
               input=None if how == "an .md file" else MARKDOWN)
    assert proc.returncode == 0, proc.stderr
    lines = [(r["text"], r["line_no"]) for r in map(json.loads, proc.stdout.splitlines())]
    assert lines == MARKDOWN_BLOCKS


def test_predict_output_file(sample_text, tmp_path):
    out = tmp_path / "out" / "result.txt"
    proc = run("predict", SAMPLE_TXT, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert out.read_text(encoding="utf-8") == sample_text


# -- batches -----------------------------------------------------------------------

@pytest.fixture
def in_dir(tmp_path):
    root = tmp_path / "in"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text(SAMPLE, encoding="utf-8")
    (root / "b.html.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (root / "c.scrape").write_text(GOOD_TEXT, encoding="utf-8")
    (root / "sub" / "d.log").write_text(SAMPLE, encoding="utf-8")
    (root / "sub" / "deeper" / "e").write_text(GOOD_TEXT, encoding="utf-8")
    (root / ".hidden.txt").write_text(GOOD_TEXT, encoding="utf-8")
    return root


EXPECTED_OUTPUTS = ["a.txt", "b.html.txt", "c.txt", "sub/d.txt", "sub/deeper/e.txt"]


def test_batch_output_dir(sample_text, in_dir, tmp_path):
    out_dir = tmp_path / "out"
    proc = run("predict", in_dir, "--output-dir", out_dir, "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert outputs(out_dir) == sorted(EXPECTED_OUTPUTS)
    assert (out_dir / "a.txt").read_text(encoding="utf-8") == sample_text
    assert (out_dir / "sub" / "d.txt").read_text(encoding="utf-8") == sample_text


@pytest.mark.parametrize("fmt, suffix", [("jsonl", ".jsonl"), ("tsv", ".tsv")])
def test_batch_output_dir_formats(in_dir, tmp_path, fmt, suffix):
    out_dir = tmp_path / "out"
    proc = run("predict", in_dir, "--output-dir", out_dir, "--output-format", fmt, "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert outputs(out_dir) == sorted(name.rsplit(".", 1)[0] + suffix for name in EXPECTED_OUTPUTS)
    text = (out_dir / f"a{suffix}").read_text(encoding="utf-8")
    if fmt == "tsv":
        assert text.startswith(TSV_HEADER) and len(text.splitlines()) == len(SAMPLE_LINES) + 1
    else:
        assert len([json.loads(line) for line in text.splitlines()]) == len(SAMPLE_LINES)


def test_batch_to_stdout_names_the_sources(tmp_path):
    (tmp_path / "one.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "two.txt").write_text(SAMPLE, encoding="utf-8")
    proc = run("predict", tmp_path / "one.txt", tmp_path / "two.txt", "--output-format", "jsonl", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    sources = [json.loads(line)["source"] for line in proc.stdout.splitlines()]
    assert sources.count(str(tmp_path / "one.txt")) == 3
    assert sources.count(str(tmp_path / "two.txt")) == len(SAMPLE_LINES)


def test_batch_with_bad_files(in_dir, tmp_path):
    (in_dir / "empty.txt").write_bytes(b"")
    (in_dir / "sub" / "binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    out_dir = tmp_path / "out"
    proc = run("predict", in_dir, tmp_path / "missing.txt", "--output-dir", out_dir, "--no-progress")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    # the good files all got outputs; the bad ones are listed in the errors file
    assert outputs(out_dir) == sorted(EXPECTED_OUTPUTS + ["boilersift-errors.jsonl"])
    failed = [
        (str(in_dir / "empty.txt"), "empty input"),
        (str(in_dir / "sub" / "binary.bin"), "binary data (NUL bytes), not a text scrape"),
        (str(tmp_path / "missing.txt"), "no such file or directory"),
    ]
    errors = proc.stderr.splitlines()
    assert [line for line in errors if line.startswith("boilersift: error: ")] == [
        f"boilersift: error: {name}: {reason}" for name, reason in failed]
    entries = [json.loads(line) for line in (out_dir / "boilersift-errors.jsonl").read_text().splitlines()]
    assert [(e["input"], e["error"]) for e in entries] == failed
    assert errors[-1] == f"boilersift: 3 of 8 inputs failed; list in {out_dir / 'boilersift-errors.jsonl'}"


def test_batch_output_name_collision_is_an_error_not_an_overwrite(tmp_path):
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    in_dir.mkdir()
    (in_dir / "page.md").write_text(SAMPLE, encoding="utf-8")
    (in_dir / "page.txt").write_text(GOOD_TEXT, encoding="utf-8")
    proc = run("predict", in_dir, "--output-dir", out_dir, "--no-progress")
    assert proc.returncode == 1
    assert outputs(out_dir) == ["boilersift-errors.jsonl", "page.txt"]
    taken = f"{in_dir / 'page.txt'}: output {out_dir / 'page.txt'} is already taken by {in_dir / 'page.md'}"
    assert taken in proc.stderr
    assert "Traceback" not in proc.stderr


# -- bad inputs: one line on stderr, no traceback ------------------------------------------

# (case id, file content or None for a missing path, a fragment of the message)
BAD_INPUTS = [
    ("empty file", b"", "empty input"),
    ("whitespace-only file", b" \n\t\r\n  \n", "empty input"),
    ("binary file", b"GIF89a\x00\x01\x00\x00\xff", "binary data (NUL bytes)"),
    ("no encoding fits", bytes(range(0x80, 0x100)) * 8, "not valid utf-8 at byte 0, nor in any encoding detected"),
    ("missing path", None, "no such file or directory"),
]


@pytest.mark.parametrize("content, fragment", [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input(tmp_path, content, fragment):
    path = tmp_path / "input.txt"
    if content is not None:
        path.write_bytes(content)
    proc = run("predict", path)
    line = assert_one_line_error(proc, fragment, str(path))
    assert proc.returncode == 1, line
    assert proc.stdout == ""


def test_a_url_is_no_input_and_says_what_to_do():
    proc = run("predict", "https://example.com/page")
    assert_one_line_error(proc, "https://example.com/page: a URL: boilersift reads files, stdin and crawls (WARC); "
                                "save the page first (curl -o page.html URL)")
    assert proc.returncode == 1


def test_bad_stdin():
    proc = run("predict", input=b"")
    assert_one_line_error(proc, "<stdin>: empty input")


def test_other_encoding_with_flag(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\u00e9 au lait is served with a croissant, as usual.\n".encode("cp1252"))
    proc = run("predict", path, "--encoding", "cp1252", "--threshold", "0")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Caf\u00e9 au lait is served with a croissant, as usual.\n"


def test_unknown_encoding(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    assert_one_line_error(run("predict", path, "--encoding", "no-such-codec"), "unknown encoding")


def test_corrupt_model_bundle(bundle_copy):
    data = bytearray((bundle_copy / MODEL_FILE).read_bytes())
    data[100] ^= 0xFF
    (bundle_copy / MODEL_FILE).write_bytes(bytes(data))
    proc = run("predict", SAMPLE_TXT, "--model", bundle_copy)
    assert_one_line_error(proc, f"model {bundle_copy}", "checksum mismatch")
    assert proc.stdout == ""


def test_model_file_not_arrays(bundle_copy):
    import hashlib

    garbage = b"not an array file at all"
    (bundle_copy / MODEL_FILE).write_bytes(garbage)
    manifest = json.loads((bundle_copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["model_sha256"] = hashlib.sha256(garbage).hexdigest()
    (bundle_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert_one_line_error(run("predict", SAMPLE_TXT, "--model", bundle_copy),
                          "model.npz is not a file of numeric arrays")


@pytest.mark.parametrize("make", ["empty dir", "missing dir", "file"])
def test_model_not_a_bundle(tmp_path, make):
    path = tmp_path / "model"
    if make == "empty dir":
        path.mkdir()
        (path / "readme.txt").write_text("not a model", encoding="utf-8")
    elif make == "file":
        path.write_bytes(b"x")
    proc = run("predict", SAMPLE_TXT, "--model", path)
    assert_one_line_error(proc, f"model {path}")


def test_kill_stops_like_ctrl_c_and_a_forked_worker_dies_quietly():
    """`kill` raises KeyboardInterrupt in the process that set the handler (it then removes its
    temporary outputs); a pool worker forked from it, which `Pool.terminate()` signals, dies as
    by default instead of printing a KeyboardInterrupt traceback."""
    handler = functools.partial(cli._terminate, os.getpid())
    child = os.fork()
    if child == 0:  # the worker: must never return into pytest
        try:
            handler(signal.SIGTERM, None)
        finally:
            os._exit(1)
    _, status = os.waitpid(child, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
    with pytest.raises(KeyboardInterrupt):
        handler(signal.SIGTERM, None)


# -- evaluate, label, train ----------------------------------------------------------------

def test_evaluate(tmp_path):
    out_dir = tmp_path / "report"
    proc = run("evaluate", SMALL_LABELED, "--output-dir", out_dir)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["pr_curve.png", "report.html", "report.json", "report.md"]
    report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    assert set(report["systems"]) == {"boilersift", "c4_rules", "keep_all"}
    assert report["data"]["pages"] == 12
    assert report["systems"]["keep_all"]["word"]["recall"] == pytest.approx(1.0)
    assert (out_dir / "report.md").read_text(encoding="utf-8").startswith("# boilersift evaluation")
    assert (out_dir / "pr_curve.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "boilersift: word F1" in proc.stdout


def test_evaluate_no_pages(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert_one_line_error(run("evaluate", empty, "--output-dir", tmp_path / "r"), "no pages to evaluate")


def test_evaluate_bad_json(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "lines": ["x"], "labels": [1]}\n{not json\n', encoding="utf-8")
    assert_one_line_error(run("evaluate", bad, "--output-dir", tmp_path / "r"), f"{bad}:2: not valid JSON")


def test_label(tmp_path):
    out = tmp_path / "labeled.jsonl.gz"
    proc = run("label", GOLD_PAGES, "-o", out, "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    records = list(read_jsonl(out))
    assert len(records) == 6  # 3 pages x 2 styles
    assert sorted(r["id"] for r in records) == sorted(
        f"{page}#{style}" for page in ("handwritten-en-1", "handwritten-de-1", "handwritten-zh-1")
        for style in ("nodes", "blocks"))
    for record in records:
        assert {"id", "lines", "labels", "site", "style", "source", "gold"} <= set(record)
        page = page_from_record(record)
        assert len(page.labels) == len(record["lines"])
        assert 1 in page.labels and 0 in page.labels
    nodes = next(r for r in records if r["id"] == "handwritten-en-1#nodes")
    labels = dict(zip(nodes["lines"], nodes["labels"]))
    assert labels["Jane Doe"] == "content" and labels["No comments yet..."] == "noise" and labels["Home"] == "noise"


def die_labelling(args):
    """Like cli._label_one, but the worker process dies, as one the system kills for memory."""
    os._exit(1)


def test_label_reports_a_dead_worker_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "_label_one", die_labelling)  # forked workers inherit it
    out = tmp_path / "labeled.jsonl.gz"
    handler = signal.getsignal(signal.SIGTERM)  # main() installs its own, in this process
    try:
        assert cli.main(["label", str(GOLD_PAGES), "-o", str(out), "--jobs", "2"]) == 1
    finally:
        signal.signal(signal.SIGTERM, handler)
    err = capsys.readouterr().err.strip()
    assert err.startswith("boilersift: error: a labelling process died") and "\n" not in err
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file


def test_label_rejects_training_format(tmp_path):
    proc = run("label", SMALL_LABELED, "-o", tmp_path / "x.jsonl", "--jobs", "1")
    assert_one_line_error(proc, f"{SMALL_LABELED}:1: no 'html' and 'gold' fields")
    assert not (tmp_path / "x.jsonl").exists()


def test_label_unknown_style(tmp_path):
    proc = run("label", GOLD_PAGES, "-o", tmp_path / "x.jsonl", "--styles", "pixels")
    assert_one_line_error(proc, "unknown style(s)", "pixels", "choose from nodes, blocks")


@pytest.mark.parametrize("extra, second_pass, seed", [
    ([], True, 0), (["--no-second-pass"], False, 0), (["--seed", "3"], True, 3)])
def test_train(tmp_path, extra, second_pass, seed):
    bundle = tmp_path / "model"
    proc = run("train", SMALL_LABELED, "-o", bundle, "--estimator", "hgb", *extra)
    assert proc.returncode == 0, proc.stderr
    assert "saved model to" in proc.stderr
    model = Model.load(bundle)
    assert model.manifest["estimator_params"]["second_pass"] is second_pass
    assert model.manifest["split"]["seed"] == seed
    assert model.manifest["training_data"]["pages"] == model.manifest["split"]["fit_pages"]
    assert "dev_metrics" in model.manifest
    predicted = run("predict", SAMPLE_TXT, "--model", bundle, "--output-format", "tsv")
    assert predicted.returncode == 0, predicted.stderr
    assert len(predicted.stdout.splitlines()) == len(SAMPLE_LINES) + 1


def test_train_html_model(tmp_path):
    """An HTML model learns from (HTML, gold) pages segmented on their DOM, with the
    smaller boosting passes and no text augmentation by default."""
    bundle = tmp_path / "html-model"
    # the gate's pages are all on dev sites of fold 0: hold out fold 1 instead
    proc = run("train", GATE_HTML, "--input-format", "html", "--dev-fold", "1", "-o", bundle)
    assert proc.returncode == 0, proc.stderr
    model = Model.load(bundle)
    assert model.input_format == "html" and model.manifest["feature_schema_version"].startswith("html")
    assert model.manifest["estimator"] == "hgb-small"
    assert (model.manifest["split"]["widget_rate"], model.manifest["split"]["start_rate"]) == (0.0, 0.0)
    page = tmp_path / "page.html"
    page.write_text(next(read_jsonl(GATE_HTML))["html"], encoding="utf-8")
    predicted = run("predict", page, "--model", bundle, "--output-format", "tsv")
    assert predicted.returncode == 0, predicted.stderr
    assert predicted.stdout.startswith(TSV_HEADER) and "\tcontent\t" in predicted.stdout


def test_train_html_model_refuses_text_augmentation(tmp_path):
    proc = run("train", GATE_HTML, "--input-format", "html", "--start-rate", "0.2", "-o", tmp_path / "m")
    assert_one_line_error(proc, "augmentation splices text lines")


def test_train_no_pages(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert_one_line_error(run("train", empty, "-o", tmp_path / "m"), "no pages in the training data")


def test_train_everything_held_out(tmp_path):
    proc = run("train", SMALL_LABELED, "-o", tmp_path / "m", "--dev-percent", "100")
    assert_one_line_error(proc, "no training pages left")


def test_train_missing_data(tmp_path):
    proc = run("train", tmp_path / "missing.jsonl", "-o", tmp_path / "m")
    assert_one_line_error(proc, "missing.jsonl: cannot read")


# -- one label vocabulary: predict's output, corrected, is training data ----------------


def test_corrected_record_output_is_training_data(tmp_path):
    pages = tmp_path / "pages.jsonl"
    pages.write_text(json.dumps({"id": "p1", "url": "https://example.org/a", "text": GOOD_TEXT}) + "\n",
                     encoding="utf-8")
    proc = run("predict", pages, "-o", tmp_path / "predicted.jsonl")
    assert proc.returncode == 0, proc.stderr
    record = json.loads((tmp_path / "predicted.jsonl").read_text(encoding="utf-8"))
    assert set(record["labels"]) <= {"content", "noise"}
    record["labels"][0] = "content" if record["labels"][0] == "noise" else "noise"  # a correction by hand
    (tmp_path / "corrected.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    [page] = load_pages([tmp_path / "corrected.jsonl"])
    assert page.texts == record["lines"]
    assert page.labels == [int(label == "content") for label in record["labels"]]
    assert page.id == "p1" and page.meta["url"] == "https://example.org/a"
    assert page.meta["page_type"] == record["page_type"]  # the kind of page too, correctable by hand


def test_corrected_line_output_is_training_data(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(GOOD_TEXT, encoding="utf-8")
    second.write_text("Home\nAbout us\n" + GOOD_TEXT, encoding="utf-8")
    proc = run("predict", first, second, "--output-format", "jsonl", "-o", tmp_path / "lines.jsonl")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in (tmp_path / "lines.jsonl").read_text(encoding="utf-8").splitlines()]
    pages = load_pages([tmp_path / "lines.jsonl"])
    assert [p.id for p in pages] == [str(first), str(second)]
    assert [len(p.blocks) for p in pages] == [sum(r["source"] == str(f) for r in lines) for f in (first, second)]
    assert [y for p in pages for y in p.labels] == [int(r["label"] == "content") for r in lines]
    assert [p.meta["page_type"] for p in pages] == [next(r["page_type"] for r in lines if r["source"] == str(f))
                                                    for f in (first, second)]
