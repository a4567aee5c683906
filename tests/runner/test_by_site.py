"""predict --by-site: the pages of a site in one WARC or record input lose their site's template
(boilersift.sites), on one core or several, from the command or from Python; pages without an
address, and records that fail, are decided and reported as without it."""

import dataclasses
import json
import os
from pathlib import Path

import pytest
from conftest import SITE_PROSE, SITE_STORIES, assert_one_line_error, run, site_page, warc_bytes

from boilersift import Model, classify_dataset, classify_jsonl, classify_warc
from boilersift.blocks.text import segment_text
from boilersift.errors import BoilersiftError, InputError
from boilersift.evaluation.evaluate import evaluate
from boilersift.evaluation.report import markdown
from boilersift.labelled.data import LabeledPage
from boilersift.model.bundle import default_bundle_path
from boilersift.runner import batch
from boilersift.runner.documents import Document
from boilersift.runner.options import PredictOptions
from boilersift.runner.sources import Source
from boilersift.runner.worker import with_site_template

RECORDS = [
    *({"id": f"a{n}", "url": f"https://www.a.com/{n}", "text": "\n".join(site_page(story))}
      for n, story in enumerate(SITE_STORIES)),
    {"id": "b", "url": "https://b.com/1", "text": "\n".join(site_page(SITE_STORIES[0]))},  # its site's only page
    {"id": "no-url", "text": "\n".join(site_page(SITE_STORIES[1]))},
]
TEMPLATE_DROPPED = [[story, SITE_PROSE] for story in SITE_STORIES]  # a.com's pages, at threshold 0
EVERY_LINE = [site_page(SITE_STORIES[0]), site_page(SITE_STORIES[1])]  # b.com's page, the page without a URL


@pytest.fixture
def pages(tmp_path):
    path = tmp_path / "pages.jsonl"
    lines = [json.dumps(r) for r in RECORDS]
    path.write_text("\n".join([*lines[:2], "{not json", *lines[2:]]) + "\n")
    return path


def kept(records: list[dict]) -> list[list[str]]:
    return [[line for line, label in zip(r["lines"], r["labels"]) if label == "content"] for r in records]


def predict(tmp_path, *args) -> tuple[list[dict], list[dict]]:
    out = tmp_path / "out.jsonl"
    proc = run("predict", *args, "-o", out, "--threshold", "0", "--no-progress")
    errors = tmp_path / "out.jsonl.errors.jsonl"
    assert proc.returncode == (1 if errors.exists() else 0), proc.stderr
    return ([json.loads(line) for line in out.read_text().splitlines()],
            [json.loads(line) for line in errors.read_text().splitlines()] if errors.exists() else [])


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_pages_of_a_site_lose_its_template(tmp_path, pages, jobs):
    records, errors = predict(tmp_path, pages, "--by-site", "--jobs", jobs)
    assert kept(records) == TEMPLATE_DROPPED + EVERY_LINE
    assert [e["id"] for e in errors] == [f"{pages}:3"]  # the line that is no record fails, as without --by-site
    alone, _ = predict(tmp_path, pages, "--jobs", jobs)
    assert kept(alone) == [site_page(story) for story in SITE_STORIES] + EVERY_LINE


@pytest.mark.parametrize("kind", ["parquet", "save_to_disk"])
def test_dataset_rows_by_the_host_of_their_url(tmp_path, kind):
    import datasets

    rows = datasets.Dataset.from_list([{"url": r.get("url"), "text": r["text"]} for r in RECORDS])
    path = tmp_path / ("pages.parquet" if kind == "parquet" else "saved")
    if kind == "parquet":
        rows.to_parquet(str(path))
    else:
        rows.save_to_disk(str(path))
    records, errors = predict(tmp_path, path, "--by-site")
    assert not errors and kept(records) == TEMPLATE_DROPPED + EVERY_LINE


@pytest.mark.parametrize("num_proc", [None, 2])
def test_a_datasets_rows_by_the_host_of_their_url(num_proc):
    import datasets

    rows = datasets.Dataset.from_list([{"url": r.get("url"), "text": r["text"]} for r in RECORDS])
    done = classify_dataset(rows, threshold=0.0, by_site=True, num_proc=num_proc, batch_size=2)
    assert [[line for line, label in zip(r["lines"], r["labels"]) if label == "content"] for r in done] == \
        TEMPLATE_DROPPED + EVERY_LINE
    with pytest.raises(InputError, match="no 'url' column"):
        classify_dataset(rows.remove_columns("url"), by_site=True)


def test_with_reasons_too(tmp_path, pages):
    records, _ = predict(tmp_path, pages, "--by-site", "--explain", "2", "--output-format", "jsonl")
    assert kept(records) == TEMPLATE_DROPPED + EVERY_LINE


def test_warc_responses_by_the_host_of_their_url(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(warc_bytes(3))  # three pages of example.com: a menu, a story, a footer
    records, _ = predict(tmp_path, warc, "--by-site")
    assert [r["clean_text"] for r in records] == [f"Story {n}: the bridge reopened on Monday." for n in range(3)]
    api = [page.text for page in classify_warc(warc, threshold=0.0, by_site=True)]
    assert api == [r["clean_text"] for r in records]


def test_python_api_gives_what_predict_gives(tmp_path, pages):
    records, _ = predict(tmp_path, pages, "--by-site")
    results = [r for r in classify_jsonl(pages, threshold=0.0, by_site=True) if r.problem is None]
    assert [[line.text for line in r.lines if line.is_content] for r in results] == kept(records)


@pytest.mark.parametrize("template_pages, expected", [(3, TEMPLATE_DROPPED), (4, [site_page(s) for s in SITE_STORIES])])
def test_a_models_own_decisions_say_on_how_many_pages(pages, template_pages, expected):
    model = Model.load()
    model.decisions = dataclasses.replace(model.decisions, template_pages=template_pages)  # a.com has three pages
    results = [r for r in classify_jsonl(pages, model=model, threshold=0.0, by_site=True) if r.problem is None]
    assert [[line.text for line in r.lines if line.is_content] for r in results][:3] == expected


def test_says_how_many_pages_had_a_template(tmp_path, pages):
    out = tmp_path / "out.jsonl"
    assert "3 pages decided with their site's template" in run("predict", pages, "-o", out, "--by-site").stderr
    no_urls = tmp_path / "no-urls.jsonl"
    no_urls.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in RECORDS))
    proc = run("predict", no_urls, "-o", out, "--by-site")
    assert proc.returncode == 0 and "each page was decided alone" in proc.stderr


def test_evaluate_decides_the_pages_of_a_site_together():
    pages = [LabeledPage(r["id"], segment_text(r["text"]), [0, 1, 1, 0], {"url": r.get("url"), "style": "nodes"})
             for r in RECORDS]
    model = Model.load()
    alone, _ = evaluate(model, pages, threshold=0.0)
    together, _ = evaluate(model, pages, threshold=0.0, by_site=True)
    assert together["data"]["by_site"] == 3 and "by_site" not in alone["data"]  # a.com's pages
    assert together["systems"]["boilersift"]["line"]["precision"] > alone["systems"]["boilersift"]["line"]["precision"]
    assert "3 had their site's template" in markdown(together)


def test_evaluate_takes_the_templates_gathered_beforehand(tmp_path, pages):
    from boilersift import gather_templates

    labelled = [LabeledPage(r["id"], segment_text(r["text"]), [0, 1, 1, 0], {"url": r.get("url"), "style": "nodes"})
                for r in RECORDS]
    model = Model.load()
    together, _ = evaluate(model, labelled, threshold=0.0, by_site=True)
    given, _ = evaluate(model, labelled, threshold=0.0, site_templates=gather_templates([pages]))
    assert given["systems"] == together["systems"] and given["data"]["by_site"] == 3
    with pytest.raises(ValueError, match="site_templates"):
        evaluate(model, labelled, by_site=True, site_templates=gather_templates([pages]))
    data = tmp_path / "labelled.jsonl"
    data.write_text("".join(json.dumps(page.to_record()) + "\n" for page in labelled))
    proc = run("evaluate", data, "--output-dir", tmp_path / "report", "--templates", gather(tmp_path, pages))
    assert proc.returncode == 0, proc.stderr
    assert "3 had their site's template" in (tmp_path / "report" / "report.md").read_text()


def test_stdin_is_read_once(pages):
    assert_one_line_error(run("predict", "--by-site", input=pages.read_text()), "--by-site", "not stdin")


def dying(item, options):
    os._exit(1)


def test_a_worker_that_dies_reading_the_sites_costs_only_the_templates(pages, monkeypatch, capsys):
    source, options = Source(str(pages)), PredictOptions(by_site=True)
    assert set(batch.site_templates(source, "jsonl", options, jobs=2)) == {f"{pages}:{n}" for n in (1, 2, 4)}  # a.com's
    monkeypatch.setattr(batch, "site_lines", dying)
    assert batch.site_templates(source, "jsonl", options, jobs=2) == {}
    assert "its pages are decided alone" in capsys.readouterr().err


# --templates: the templates gathered beforehand by `boilersift templates`, from any inputs.

def split(tmp_path, pages) -> tuple:
    """`pages`' records in two files: a.com's first page with the page without a URL, and the rest."""
    lines = [json.dumps(r) for r in RECORDS]
    first, rest = tmp_path / "first.jsonl", tmp_path / "rest.jsonl"
    first.write_text("\n".join([lines[0], lines[4]]) + "\n")
    rest.write_text("\n".join(lines[1:4]) + "\n")
    return first, rest


def gather(tmp_path, *inputs) -> str:
    path = tmp_path / "sites.npz"
    proc = run("templates", *inputs, "-o", path, "--no-progress")
    assert proc.returncode == ("{not json" in "".join(Path(p).read_text() for p in inputs if Path(p).is_file())), \
        proc.stderr  # `pages` has a line that is no record
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_templates_gathered_from_the_input_give_what_by_site_gives(tmp_path, pages, jobs):
    sites = gather(tmp_path, pages)
    with_file, errors = predict(tmp_path, pages, "--templates", sites, "--jobs", jobs)
    assert (with_file, errors) == predict(tmp_path, pages, "--by-site", "--jobs", jobs)


def test_templates_come_from_the_pages_of_every_input(tmp_path, pages):
    first, rest = split(tmp_path, pages)
    sites = gather(tmp_path, first, rest)
    stderr = run("templates", first, rest, "-o", sites, "--no-progress").stderr
    assert "the templates of 1 site (" in stderr and " text lines) to " in stderr
    assert "from 4 pages with a URL" in stderr
    records, _ = predict(tmp_path, first, "--templates", sites)
    assert kept(records) == [TEMPLATE_DROPPED[0], site_page(SITE_STORIES[1])]  # a.com's page; the page without a URL
    alone, _ = predict(tmp_path, first, "--by-site")  # --by-site sees a.com's one page in this input
    assert kept(alone) == [site_page(SITE_STORIES[0]), site_page(SITE_STORIES[1])]
    out = tmp_path / "out.jsonl"
    assert "1 pages decided with their site's template" in run("predict", first, "-o", out, "--templates", sites).stderr


def test_a_directory_of_crawl_files_and_other_files(tmp_path, pages):
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    for path in split(tmp_path, pages):
        path.rename(crawl / path.name)
    (crawl / "crawl.cdx").write_text("an index, no pages\n")
    sites = gather(tmp_path, crawl)
    records, _ = predict(tmp_path, crawl / "first.jsonl", "--templates", sites)
    assert kept(records)[0] == TEMPLATE_DROPPED[0]
    assert_one_line_error(run("templates", crawl / "crawl.cdx", "-o", sites), "crawl.cdx", "WARC or record files")


def test_a_warc_on_a_dask_cluster(tmp_path):
    pytest.importorskip("dask.distributed")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "crawl.warc.gz").write_bytes(warc_bytes(3))
    sites = gather(tmp_path, tmp_path / "in")
    proc = run("predict", tmp_path / "in", "--output-dir", tmp_path / "out", "--executor", "dask", "--templates", sites,
               "--threshold", "0")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in (tmp_path / "out" / "crawl.jsonl").read_text().splitlines()]
    assert [r["clean_text"] for r in records] == [f"Story {n}: the bridge reopened on Monday." for n in range(3)]


def test_sites_without_a_template_in_the_file(tmp_path, pages):
    no_urls = tmp_path / "no-urls.jsonl"
    no_urls.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in RECORDS))
    sites = gather(tmp_path, pages)
    proc = run("predict", no_urls, "-o", tmp_path / "out.jsonl", "--templates", sites)
    assert proc.returncode == 0 and "has no template of these pages' sites" in proc.stderr


@pytest.mark.parametrize("args, fragments", [
    (["predict", "{pages}", "--templates", "{tmp}/none.npz"], ["none.npz", "no such templates file"]),
    (["predict", "{pages}", "--templates", "{pages}"], ["not a file of 'boilersift templates'"]),
    (["templates", "{tmp}/page.txt", "-o", "{tmp}/sites.npz"], ["page.txt", "WARC or record files"]),
    (["templates", "-", "-o", "{tmp}/sites.npz"], ["WARC or record files"]),
    (["templates", "{tmp}/empty", "-o", "{tmp}/sites.npz"], ["no WARC or record files in", "empty"]),
])
def test_a_missing_or_wrong_file_is_one_clear_error(tmp_path, pages, args, fragments):
    (tmp_path / "page.txt").write_text("a scrape\n")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "crawl.cdx").write_text("an index, no pages\n")
    proc = run(*[a.format(pages=pages, tmp=tmp_path) for a in args])
    assert_one_line_error(proc, *fragments)
    assert not (tmp_path / "sites.npz").exists()


def test_templates_of_text_lines_do_not_fit_an_html_model(tmp_path, pages):
    from boilersift import gather_templates

    sites = gather(tmp_path, pages)
    html_model = default_bundle_path("html")
    proc = run("predict", pages, "--model", html_model, "--templates", sites, "-o", tmp_path / "out.jsonl")
    assert_one_line_error(proc, "sites.npz holds templates of text lines, and the model reads html",
                          "gather them with this --model or --input-format")
    assert not (tmp_path / "out.jsonl").exists()
    table = gather_templates([pages])
    assert table.input_formats == ("text",)
    with pytest.raises(BoilersiftError, match="the table holds templates of text lines"):
        classify_jsonl(pages, model=html_model, templates=table)
    with pytest.raises(BoilersiftError, match="sites.npz holds templates of text lines"):
        classify_jsonl(pages, input_format="html", templates=sites)
    labelled = [LabeledPage("a", segment_text(RECORDS[0]["text"]), [0, 1, 1, 0], {"url": RECORDS[0]["url"]})]
    with pytest.raises(BoilersiftError, match="the model reads html"):
        evaluate(Model.load(html_model), labelled, site_templates=table)
    data = tmp_path / "labelled.jsonl"
    data.write_text(json.dumps(labelled[0].to_record()) + "\n")
    proc = run("evaluate", data, "--model", html_model, "--templates", sites, "--output-dir", tmp_path / "report")
    assert_one_line_error(proc, "sites.npz holds templates of text lines, and the model reads html")


def test_a_text_model_on_html_pages_gathers_text_lines(tmp_path):
    from boilersift import gather_templates

    (tmp_path / "crawl.warc.gz").write_bytes(warc_bytes(3))
    text_model, html_model = default_bundle_path("text"), default_bundle_path("html")
    assert gather_templates([tmp_path / "crawl.warc.gz"], text_model).input_formats == ("text",)
    assert gather_templates([tmp_path / "crawl.warc.gz"]).input_formats == ("html",)
    sites = tmp_path / "sites.npz"
    assert run("templates", tmp_path / "crawl.warc.gz", "--model", text_model, "-o", sites).returncode == 0
    proc = run("predict", tmp_path / "crawl.warc.gz", "--model", text_model, "--templates", sites,
               "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 0 and "3 pages decided with their site's template" in proc.stderr, proc.stderr
    assert_one_line_error(run("predict", tmp_path / "crawl.warc.gz", "--model", html_model, "--templates", sites),
                          "holds templates of text lines, and the model reads html")


def test_without_a_model_each_page_gets_a_template_that_fits_its_model(tmp_path, pages):
    from boilersift import gather_templates

    options = PredictOptions(templates=gather_templates([pages]))
    text, html = (Document("a", Source("<pages>"), kind, "page", {"url": RECORDS[0]["url"]})
                  for kind in ("text", "html"))
    assert with_site_template(text, options).template is not None
    assert with_site_template(html, options) is html  # the HTML model's blocks are no text lines


def test_by_site_or_templates_not_both(tmp_path, pages):
    proc = run("predict", pages, "--by-site", "--templates", gather(tmp_path, pages))
    assert proc.returncode == 2 and "not allowed with" in proc.stderr


def test_a_record_that_cannot_be_read_is_counted(tmp_path, pages):
    proc = run("templates", pages, "-o", tmp_path / "sites.npz", "--no-progress")
    assert proc.returncode == 1 and f"{pages}:3: not valid JSON" in proc.stderr  # the line that is no record
    assert "1 records or inputs could not be read" in proc.stderr and (tmp_path / "sites.npz").exists()


def test_python_api_takes_the_table_or_its_file(tmp_path, pages):
    from boilersift import classify_many, gather_templates, save_templates

    first, rest = split(tmp_path, pages)
    table = gather_templates([first, rest])
    path = save_templates(table, tmp_path / "sites.npz")
    for templates in (table, path, str(path)):
        results = list(classify_jsonl(first, threshold=0.0, templates=templates))
        assert [[line.text for line in r.lines if line.is_content] for r in results][0] == TEMPLATE_DROPPED[0]
    page = RECORDS[0]
    (result,) = classify_many([(page["id"], page["text"], page["url"])], input_format="text", threshold=0.0,
                              templates=table)
    assert [line.text for line in result.lines if line.is_content] == TEMPLATE_DROPPED[0]
    by_site = [r.text for r in classify_jsonl(pages, threshold=0.0, by_site=True)]
    assert [r.text for r in classify_jsonl(pages, threshold=0.0, templates=gather_templates([pages]))] == by_site
    with pytest.raises(ValueError, match="not both"):
        classify_jsonl(pages, by_site=True, templates=table)
    (tmp_path / "page.txt").write_text("a scrape\n")
    with pytest.raises(InputError, match="page.txt: templates come from WARC or record files"):
        gather_templates([tmp_path / "page.txt"])
    with pytest.raises(InputError, match="no such file"):
        gather_templates([tmp_path / "nothing.jsonl"])


@pytest.mark.parametrize("num_proc", [None, 2])
def test_a_datasets_rows_with_templates(tmp_path, pages, num_proc):
    import datasets

    from boilersift import gather_templates

    rows = datasets.Dataset.from_list([{"url": r.get("url"), "text": r["text"]} for r in RECORDS])
    done = classify_dataset(rows, threshold=0.0, templates=gather_templates([pages]), num_proc=num_proc, batch_size=2)
    assert [[line for line, label in zip(r["lines"], r["labels"]) if label == "content"] for r in done] == \
        TEMPLATE_DROPPED + EVERY_LINE
    with pytest.raises(InputError, match="no 'url' column"):
        classify_dataset(rows.remove_columns("url"), templates=gather_templates([pages]))
