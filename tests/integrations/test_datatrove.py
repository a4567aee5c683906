"""The datatrove step: a WarcReader -> BoilersiftExtractor -> JsonlWriter pipeline gives the texts
`boilersift predict` gives on the same WARC, and every HTML record comes out or is counted as
dropped, by reason."""

import gzip
import io
import json
import time
from pathlib import Path

import pytest

pytest.importorskip("datatrove")

from conftest import GOLD_PAGES_BY_ID, HTML_PAGE, SITE_PROSE, SITE_STORIES, run, site_page
from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import WarcReader
from datatrove.pipeline.writers import JsonlWriter

from boilersift import Model
from boilersift.decide import DecisionConfig
from boilersift.errors import BoilersiftError, InputError
from boilersift.integrations.datatrove import BoilersiftExtractor
from boilersift.runner.worker import bundle_for, cached_model

SCRIPTS_ONLY = "<html><head><script>var a = 1;</script></head><body></body></html>"  # no text to classify
NAV_PAGE = ("<html><body><nav><ul>" + "".join(f"<li><a href='/{i}'>Section {i}</a></li>" for i in range(8))
            + "</ul></nav><footer>Copyright 2024 Example Inc.</footer></body></html>")


def write_warc(path: Path, pages: list[str]) -> None:
    """A WARC of HTML responses, then an image response (no HTML record: neither path counts it)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        bodies = [(page.encode(), "text/html; charset=utf-8") for page in pages] + [(b"\x89PNG\r\n", "image/png")]
        for i, (body, kind) in enumerate(bodies):
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            # The payload type, as in Common Crawl's WARCs: else WarcReader guesses it with libmagic.
            writer.write_record(writer.create_warc_record(
                f"https://example.com/{i}", "response", payload=io.BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Identified-Payload-Type": kind.split(";")[0]}))


def step_stats(logging_dir: Path) -> dict[str, int]:
    """The boilersift step's counters from the run's stats.json."""
    step = next(s for s in json.loads((logging_dir / "stats.json").read_text()) if "boilersift" in s["name"])
    return {name: value if isinstance(value, int) else value["total"] for name, value in step["stats"].items()}


def test_pipeline_gives_what_predict_gives_and_accounts_for_every_record(tmp_path):
    pages = [page["html"] for page in GOLD_PAGES_BY_ID.values()]
    pages += [HTML_PAGE.format(f"Story {i}: the harbour bridge reopened on Monday after repairs.") for i in range(2)]
    pages += [SCRIPTS_ONLY, NAV_PAGE]
    (tmp_path / "crawl").mkdir()
    warc = tmp_path / "crawl" / "crawl.warc.gz"
    write_warc(warc, pages)

    LocalPipelineExecutor([WarcReader(str(tmp_path / "crawl")), BoilersiftExtractor(block_labels=True),
                           JsonlWriter(str(tmp_path / "out"))], tasks=1, workers=1,
                          logging_dir=str(tmp_path / "logs")).run()
    with gzip.open(tmp_path / "out" / "00000.jsonl.gz", "rt", encoding="utf-8") as handle:
        out = {doc["id"]: doc for doc in map(json.loads, handle)}

    proc = run("predict", warc, "-o", tmp_path / "predicted.jsonl", "--jobs", "1", "--no-progress")
    assert proc.returncode == 1, proc.stderr  # the scripts-only page fails
    records = [json.loads(line) for line in (tmp_path / "predicted.jsonl").read_text().splitlines()]
    predicted = {r["warc_record_id"]: r["clean_text"] for r in records}
    page_types = {r["warc_record_id"]: r.get("page_type") for r in records}
    failed = [json.loads(line) for line in (tmp_path / "predicted.jsonl.errors.jsonl").read_text().splitlines()]
    assert [e["error"] for e in failed] == ["no text to classify"]

    assert {doc_id: doc["text"] for doc_id, doc in out.items()} == {i: t for i, t in predicted.items() if t}
    stats = step_stats(tmp_path / "logs")
    assert stats["total"] == len(pages) == len(predicted) + len(failed)
    assert stats["forwarded"] == len(out)
    assert stats["dropped"] == stats.get("dropped_input", 0) + stats.get("dropped_no_content", 0) \
        == len(pages) - len(out)
    assert stats["dropped_input"] == 1 and stats.get("dropped_no_content", 0) == sum(not t for t in predicted.values())
    for doc in out.values():
        meta = doc["metadata"]
        assert meta["boilersift_kept"] == sum(meta["boilersift_labels"]) == len(doc["text"].splitlines())
        assert meta["boilersift_blocks"] == len(meta["boilersift_labels"]) and meta["url"].startswith("https://")
        assert meta.get("boilersift_page_type") == page_types[doc["id"]]


def documents(*texts: str) -> list[Document]:
    return [Document(text=text, id=f"doc{i}") for i, text in enumerate(texts)]


def test_a_page_over_its_time_budget_is_dropped_as_a_timeout(slow_on_marker):
    step = BoilersiftExtractor(timeout=0.5)
    started = time.monotonic()
    kept = list(step.run(iter(documents(HTML_PAGE.format("SLOW page, long enough to be a sentence."),
                                        HTML_PAGE.format("A quick page, long enough to be a sentence.")))))
    assert time.monotonic() - started < 4
    assert [doc.id for doc in kept] == ["doc1"] and "quick page" in kept[0].text
    assert step.stats["dropped_timeout"].total == 1 and step.stats["forwarded"].total == 1


def test_a_page_with_no_content_is_dropped_and_counted(monkeypatch):
    # Nothing reaches the threshold, and the page is too large to be kept whole; with the main
    # region decision off (a bundle may turn it off), no block is content.
    monkeypatch.setattr(cached_model(bundle_for("html")), "decisions", DecisionConfig(main_region=False))
    step = BoilersiftExtractor(threshold=1.5)
    assert list(step.run(iter(documents(NAV_PAGE)))) == []
    assert step.stats["dropped_no_content"].total == step.stats["dropped"].total == 1


def test_extract_gives_the_content_of_one_page_or_raises():
    step = BoilersiftExtractor()
    page = HTML_PAGE.format("The harbour bridge reopened on Monday after six months of repairs.")
    expected = [r.text for r in Model.load(input_format="html").classify_html(page) if r.is_content]
    assert step.extract(page).splitlines() == expected and "harbour bridge" in step.extract(page)
    with pytest.raises(InputError, match="no text to classify"):
        step.extract(SCRIPTS_ONLY)


def test_markdown_output_keeps_the_structure_predict_writes(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(GOLD_PAGES_BY_ID["handwritten-en-1"]["html"], encoding="utf-8")
    for links in (False, True):
        step = BoilersiftExtractor(output_format="markdown", markdown_links=links)
        (doc,) = step.run(iter(documents(page.read_text(encoding="utf-8"))))
        predicted = run("predict", page, "--output-format", "markdown", *(["--markdown-links"] if links else []))
        assert doc.text == predicted.stdout.rstrip("\n") + "\n\n" == step.extract(page.read_text(encoding="utf-8"))
        assert "# Harbour bridge reopens after repairs\n\n" in doc.text and ("](" in doc.text) == links


@pytest.mark.parametrize("options", [{"output_format": "html"}, {"markdown_links": True}])
def test_an_output_format_it_cannot_write_is_refused(options):
    with pytest.raises(ValueError, match="output_format"):
        BoilersiftExtractor(**options)


def test_a_templates_file_drops_each_pages_sites_template(tmp_path):
    from boilersift import gather_templates, save_templates

    pages = ["<html><body>" + "".join(f"<p>{line}</p>" for line in site_page(story)) + "</body></html>"
             for story in SITE_STORIES]
    records = tmp_path / "pages.jsonl"
    records.write_text("".join(json.dumps({"url": f"https://a.com/{n}", "html": page}) + "\n"
                               for n, page in enumerate(pages)))
    sites = save_templates(gather_templates([records]), tmp_path / "sites.npz")
    docs = [Document(text=page, id=f"doc{n}", metadata={"url": f"https://a.com/{n}"}) for n, page in enumerate(pages)]
    docs.append(Document(text=pages[0], id="no-url"))
    kept = list(BoilersiftExtractor(threshold=0.0, templates=str(sites)).run(iter(docs)))
    assert [doc.text.splitlines() for doc in kept] == [[story, SITE_PROSE] for story in SITE_STORIES] + \
        [site_page(SITE_STORIES[0])]
    with pytest.raises(BoilersiftError, match="no such templates file"):
        list(BoilersiftExtractor(templates=str(tmp_path / "none.npz")).run(iter(docs)))
