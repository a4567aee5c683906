"""Scale paths: JSON Lines, WARC, --jobs, Hugging Face datasets and Dask.
On every path each input ends as exactly one output or one recorded error."""

import json

import pytest
from conftest import GOOD_TEXT, HTML_PAGE, SAMPLE_TXT, run, warc_bytes

SAMPLE = SAMPLE_TXT.read_text(encoding="utf-8")
RECORDS = [
    {"id": "a", "text": SAMPLE, "url": "https://example.com/a", "lang": "en"},
    {"id": "b", "text": GOOD_TEXT, "nested": {"keep": [1, 2]}},
    {"id": "empty", "text": "   "},
    {"id": "no-text", "title": "no text field"},
    {"id": "c", "html": HTML_PAGE.format("An HTML page in a record, with a real sentence.")},
]

pytestmark = pytest.mark.slow


def write_jsonl(path, records, broken_line=True):
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    if broken_line:
        lines.insert(2, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def check_records(records_out, errors):
    """Three good records out (fields passed through) and three errors: six lines in."""
    assert [r["id"] for r in records_out] == ["a", "b", "c"]
    assert records_out[0]["url"] == "https://example.com/a" and records_out[0]["lang"] == "en"
    assert records_out[1]["nested"] == {"keep": [1, 2]}
    for r in records_out:
        assert len(r["lines"]) == len(r["labels"]) == len(r["probabilities"]) > 0
        assert r["clean_text"] == "\n".join(t for t, lab in zip(r["lines"], r["labels"]) if lab == "content")
    assert "text" not in records_out[0] and "html" not in records_out[2]
    assert len(errors) == 3


@pytest.mark.parametrize("jobs", ["1", "2"])  # with 2, records are decoded in the workers
def test_jsonl_in_and_out(tmp_path, jobs):
    path = write_jsonl(tmp_path / "pages.jsonl", RECORDS)
    proc = run("predict", path, "-o", tmp_path / "out.jsonl", "--no-progress", "--jobs", jobs)
    assert proc.returncode == 1
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    errors = [json.loads(line) for line in (tmp_path / "out.jsonl.errors.jsonl").read_text().splitlines()]
    check_records(out, errors)
    assert [e["id"] for e in errors] == [f"{path}:3", f"{path}:4", f"{path}:5"]
    assert [e["error"] for e in errors][0].startswith("not valid JSON")


@pytest.mark.parametrize("line, meta", [
    ('{"text": "x", "id": 123456789012345678901234567890}', {"id": 123456789012345678901234567890}),
    ('{"text": "x", "n": 1.5, "tags": ["\\u00e9", null]}', {"n": 1.5, "tags": ["\u00e9", None]}),
])
def test_jsonl_fields_pass_through_exactly(tmp_path, line, meta):
    """Passed-through fields come out as they went in (orjson, tried for speed, turns
    integers beyond 64 bits into floats)."""
    path = tmp_path / "r.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    proc = run("predict", path, "--threshold", "0")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert {k: v for k, v in record.items() if k in meta} == meta


def test_jsonl_field_option(tmp_path):
    path = write_jsonl(tmp_path / "pages.jsonl", [{"body": GOOD_TEXT, "n": 1}], broken_line=False)
    proc = run("predict", path, "--field", "body", "--threshold", "0")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["n"] == 1 and record["lines"] == [line for line in GOOD_TEXT.splitlines() if line]


@pytest.mark.parametrize("fields, read_as", [
    ({"markdown": "A [wrapped](https://example.com/x)\nparagraph."}, ["A wrapped paragraph."]),  # Markdown
    ({"text": "A [wrapped](https://example.com/x)\nparagraph.", "markdown": "#"},  # text first: lines as given
     ["A [wrapped](https://example.com/x)", "paragraph."]),
])
def test_jsonl_field_named_markdown_is_read_as_markdown(tmp_path, fields, read_as):
    path = write_jsonl(tmp_path / "pages.jsonl", [fields], broken_line=False)
    proc = run("predict", path, "--threshold", "0")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["lines"] == read_as


def test_warc_to_jsonl_stdout(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc_bytes(4))
    proc = run("predict", path, "--output-format", "jsonl", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["url"] for r in records] == [f"https://example.com/{i}" for i in range(4)]
    assert len({r["warc_record_id"] for r in records}) == 4
    assert "boilersift: 1 WARC records skipped (not HTML responses)" in proc.stderr


def test_jobs_give_the_same_output_in_the_same_order(tmp_path):
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    for i in range(12):
        (in_dir / f"p{i:02}.txt").write_text(f"Page {i} of twelve, a sentence.\n\n{GOOD_TEXT}", encoding="utf-8")
    (in_dir / "p05.txt").write_bytes(b"")  # a failure in the middle keeps its place
    one = run("predict", in_dir, "--jobs", "1", "--output-format", "jsonl", "--no-progress")
    two = run("predict", in_dir, "--jobs", "2", "--output-format", "jsonl", "--no-progress")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and one.stderr == two.stderr
    assert len({json.loads(line)["source"] for line in two.stdout.splitlines()}) == 11


def test_progress_bar_shows_pages_per_second(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD_TEXT, encoding="utf-8")
    proc = run("predict", tmp_path / "a.txt", tmp_path / "b.txt", "--jobs", "1")
    assert proc.returncode == 0
    assert "page/s" in proc.stderr and "predict: 100%" not in proc.stderr  # tqdm, no total: a rate


# -- Hugging Face datasets ----------------------------------------------------------------

@pytest.fixture(scope="module")
def dataset():
    datasets = pytest.importorskip("datasets")
    return datasets.Dataset.from_list([{"id": "a", "text": SAMPLE}, {"id": "b", "text": GOOD_TEXT},
                                       {"id": "empty", "text": ""}, {"id": "none", "text": None}])


@pytest.mark.parametrize("num_proc", [None, 2])
def test_classify_dataset(dataset, num_proc):
    from boilersift.runner.hf import classify_dataset

    out = classify_dataset(dataset, num_proc=num_proc, batch_size=2)
    assert len(out) == len(dataset)  # no row dropped: failures have an error
    assert out["id"] == ["a", "b", "empty", "none"]
    assert out["error"][:2] == [None, None] and all(out["error"][2:])
    assert out["lines"][1] == [line for line in GOOD_TEXT.splitlines() if line]
    assert len(out["labels"][0]) == len(out["probabilities"][0]) == len(out["lines"][0])
    assert out["page_type"][0] == "article" and out["page_type"][2:] == [None, None]  # the kind, as predict tells it


def test_classify_dataset_reads_a_markdown_column_as_markdown():
    datasets = pytest.importorskip("datasets")
    from boilersift.runner.hf import classify_dataset

    rows = datasets.Dataset.from_list([{"markdown": "A [wrapped](https://example.com/x)\nparagraph."}])
    assert classify_dataset(rows, column="markdown")["lines"] == [["A wrapped paragraph."]]


@pytest.mark.parametrize("kind", ["parquet", "save_to_disk"])
def test_cli_reads_datasets(dataset, tmp_path, kind):
    if kind == "parquet":
        path = tmp_path / "pages.parquet"
        dataset.to_parquet(str(path))
    else:
        path = tmp_path / "saved"
        dataset.save_to_disk(str(path))
    out_dir = tmp_path / "out"
    proc = run("predict", path, "--output-dir", out_dir, "--no-progress")
    assert proc.returncode == 1
    name = "pages.jsonl" if kind == "parquet" else "saved.jsonl"
    records = [json.loads(line) for line in (out_dir / name).read_text().splitlines()]
    errors = (out_dir / "boilersift-errors.jsonl").read_text().splitlines()
    assert [r["id"] for r in records] == ["a", "b"] and len(errors) == 2


# -- Dask ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


def test_dask_one_output_per_input(dask_client, tmp_path):
    from boilersift.runner.dask_executor import predict_on_dask
    from boilersift.runner.options import PredictOptions
    from boilersift.runner.sinks import ErrorLog

    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    (in_dir / "sub").mkdir(parents=True)
    (in_dir / "a.txt").write_text(SAMPLE, encoding="utf-8")
    (in_dir / "sub" / "b.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (in_dir / "empty.txt").write_bytes(b"")
    write_jsonl(in_dir / "pages.jsonl", RECORDS)
    with ErrorLog(out_dir / "errors.jsonl") as errors:
        summary = predict_on_dask(dask_client, [str(in_dir), str(tmp_path / "missing")], out_dir,
                                  PredictOptions(), errors)
    entries = [json.loads(line) for line in (out_dir / "errors.jsonl").read_text().splitlines()]
    assert sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*")
                  if p.is_file()) == ["a.txt", "errors.jsonl", "pages.jsonl", "sub/b.txt"]
    assert summary.outputs == 2 + 3 and summary.failed == len(entries) == 1 + 3 + 1
    check_records([json.loads(line) for line in (out_dir / "pages.jsonl").read_text().splitlines()],
                  [e for e in entries if e["input"].endswith("pages.jsonl")])
    assert (out_dir / "a.txt").read_text(encoding="utf-8") == run("predict", in_dir / "a.txt").stdout


def test_dask_from_the_command_line(dask_client, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(GOOD_TEXT, encoding="utf-8")
    address = dask_client.scheduler.address
    proc = run("predict", tmp_path / "in", "--output-dir", tmp_path / "out", "--executor", "dask",
               "--scheduler", address, "--threshold", "0")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "a.txt").read_text() == "".join(f"{x}\n" for x in GOOD_TEXT.splitlines() if x)
