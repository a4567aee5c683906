"""predict --by-site: the pages of a site in one WARC or record input lose their site's template
(boilersift.sites), on one core or several, from the command or from Python; pages without an
address, and records that fail, are decided and reported as without it."""

import dataclasses
import json
import os

import pytest
from conftest import SITE_PROSE, SITE_STORIES, assert_one_line_error, run, site_page, warc_bytes

from boilersift import Model, classify_dataset, classify_jsonl, classify_warc
from boilersift.blocks.text import segment_text
from boilersift.errors import InputError
from boilersift.evaluation.evaluate import evaluate
from boilersift.evaluation.report import markdown
from boilersift.labelled.data import LabeledPage
from boilersift.runner import batch
from boilersift.runner.options import PredictOptions
from boilersift.runner.sources import Source

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
