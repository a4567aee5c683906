"""The Python entry points for many documents (boilersift.classify_many, classify_warc,
classify_jsonl) give what `predict` gives, one result per document, failures included."""

import json
import pickle
import subprocess
import sys
import time

import pytest
from conftest import GOOD_TEXT, HTML_PAGE, SAMPLE_TXT, run, warc_bytes

import boilersift
from boilersift import Model, classify_jsonl, classify_many, classify_warc
from boilersift.errors import InputError, Problem
from boilersift.runner.limits import Limits

RECORDS = [
    {"id": "a", "text": SAMPLE_TXT.read_text(encoding="utf-8"), "url": "https://example.com/a"},
    {"id": "empty", "text": "   "},
    {"id": "no-page", "title": "no text or html field"},
    {"id": "c", "html": HTML_PAGE.format("An HTML page in a record, with a real sentence."), "lang": "en"},
]


def predicted(tmp_path, path) -> tuple[list[dict], list[dict]]:
    """The records and the errors `boilersift predict PATH -o OUT.jsonl` writes."""
    out = tmp_path / "predicted.jsonl"
    run("predict", path, "-o", out, "--jobs", "1", "--no-progress")
    errors = tmp_path / "predicted.jsonl.errors.jsonl"
    return ([json.loads(line) for line in out.read_text().splitlines()],
            [json.loads(line) for line in errors.read_text().splitlines()] if errors.exists() else [])


def test_classify_warc_gives_what_predict_gives(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(warc_bytes(3))
    pages = list(classify_warc(warc))
    records, errors = predicted(tmp_path, warc)
    assert not errors and len(pages) == 3  # the image record is skipped
    assert [(p.id, p.meta["url"], p.text) for p in pages] == \
        [(r["warc_record_id"], r["url"], r["clean_text"]) for r in records]
    assert [[line.label for line in p.lines] for p in pages] == [r["labels"] for r in records]


PAGE_TYPES = {"article", "collection", "documentation", "forum", "listing", "product", "service"}


def test_classify_jsonl_gives_what_predict_gives_and_a_result_for_every_line(tmp_path):
    path = tmp_path / "pages.jsonl"
    lines = [json.dumps(r) for r in RECORDS]
    lines.insert(1, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pages = list(classify_jsonl(path))
    records, errors = predicted(tmp_path, path)
    assert [p.id for p in pages] == [f"{path}:{n}" for n in range(1, 6)]
    good = [p for p in pages if p.error is None]
    assert [(p.meta, p.text, p.page_type) for p in good] == \
        [({k: v for k, v in r.items() if k not in ("clean_text", "lines", "labels", "probabilities", "page_type")},
          r["clean_text"], r["page_type"]) for r in records]
    assert all(p.page_type in PAGE_TYPES for p in good)
    assert [p.meta["id"] for p in good] == ["a", "c"] and good[1].lines[0].tag  # the html field is an HTML page
    assert [(p.id, p.problem.problem, p.reason) for p in pages if p.error] == \
        [(e["id"], e["error"], "input") for e in errors]
    assert all(p.error == f"{p.id}: {p.problem.problem}" for p in pages if p.error)


def test_classify_many_classifies_each_page_as_one_page_alone(default_html_model):
    pages = [("a", HTML_PAGE.format("The bridge reopened on Monday after six months of repairs.")),
             ("empty", ""),
             ("latin-1", "<html><head><meta charset='iso-8859-1'></head><body><p>Caf\xe9 au lait, a sentence "
                         "long enough to be prose.</p></body></html>".encode("latin-1")),
             ("undeclared", "<html><body><p>Caf\xe9 cr\xe8me, d\xe9j\xe0 vu: a sentence long enough to be "
                            "prose.</p></body></html>".encode("cp1252"))]
    results = list(classify_many(iter(pages), default_html_model))
    assert [r.id for r in results] == ["a", "empty", "latin-1", "undeclared"]
    assert results[0].lines == default_html_model.classify_html(pages[0][1]) and results[0].encoding is None
    assert results[1].error == "empty: no HTML content" and results[1].reason == "input" and not results[1].lines
    assert "Café au lait" in results[2].text and results[2].encoding is None  # declared, not detected
    assert "Café crème, déjà vu" in results[3].text and results[3].encoding == "cp1252"


def test_classify_many_uses_the_model_it_is_given(default_model):
    scrape = [("scrape", GOOD_TEXT)]
    (default,) = classify_many(scrape, input_format="text")
    assert default.lines == default_model.classify(GOOD_TEXT)
    everything = Model(default_model.classifier, threshold=0.0)
    (result,) = classify_many(scrape, everything, input_format="text")
    assert all(line.is_content for line in result.lines) and not all(line.is_content for line in default.lines)


def test_classify_many_reads_markdown_as_the_model_does(default_model):
    markdown = "[Home](/)\n\n" + GOOD_TEXT.replace("Monday after", "Monday\nafter")  # a wrapped line
    (result,) = classify_many([("page", markdown)], input_format="markdown")
    assert result.lines == default_model.classify_markdown(markdown)
    assert [line.text for line in result.lines][:2] == ["Home", "Home"] and "Monday after" in result.lines[2].text


def sample_as_markdown(extra: str) -> str:
    """The canonical sample's article as a Markdown scrape, `extra` after it, then a list of links."""
    lines = SAMPLE_TXT.read_text(encoding="utf-8").split("\n")
    return "\n\n".join([f"# {lines[1]}", *lines[3:16], *lines[27:29], extra, "## Related Articles",
                        "- [US reaffirms support to India in fight against terror](https://example.com/a)"]) + "\n"


def test_on_an_article_a_markdown_block_all_in_links_is_noise(default_model):
    """A teaser whose text is all one link reads as prose to the text model (0.98 here); the
    Markdown tells it is a link, and the decisions drop it (decide.ALL_LINK), in every entry point."""
    teaser = ("Russia and the United States swapped prisoners in Abu Dhabi last year, and the Kremlin said on "
              "Monday that it hoped talks on a further exchange would resume after the summer.")
    markdown = sample_as_markdown(f"[{teaser}](https://example.com/d)")
    lines = default_model.classify_markdown(markdown)
    assert [(line.is_content, line.probability > 0.9) for line in lines if line.text == teaser] == [(False, True)]
    assert sum(line.is_content for line in lines) == 16  # the headline and the article's 15 lines
    (result,) = classify_many([("page", markdown)], input_format="markdown")
    assert result.lines == lines and result.page_type == "article"
    inline = sample_as_markdown(f"{teaser[:40]} [{teaser[40:]}](https://example.com/d)")  # partly linked: kept
    assert [line.is_content for line in default_model.classify_markdown(inline) if teaser[:40] in line.text] == [True]


def test_a_page_result_gives_its_content_as_markdown():
    markdown = "# The bridge\n\nThe bridge reopened on Monday after six months of repairs.\n\n- [first](/a)\n- second\n"
    (result,) = classify_many([("page", markdown)], input_format="markdown", threshold=0.0)
    assert result.markdown(links=True) == markdown + "\n"
    assert result.markdown() == markdown.replace("[first](/a)", "first") + "\n"


def test_a_page_over_its_time_budget_fails_as_a_timeout(default_html_model, slow_on_marker):
    pages = [("slow", HTML_PAGE.format("SLOW, a sentence long enough.")), ("quick", HTML_PAGE.format("Quick one."))]
    started = time.monotonic()
    slow, quick = classify_many(pages, default_html_model, limits=Limits(time_limit=0.5))
    assert time.monotonic() - started < 4
    assert slow.reason == "timeout" and slow.error == "slow: took longer than the time limit of 0.5 s (--time-limit)"
    assert quick.error is None and quick.text


def test_a_problem_keeps_its_parts_through_pickling():
    """Failures travel back from --jobs worker processes and Dask tasks."""
    problem = pickle.loads(pickle.dumps(Problem("page.html", "took too long", "timeout")))
    assert problem == Problem("page.html", "took too long", "timeout")
    assert problem.message == "page.html: took too long"


def test_a_problem_names_its_document_once():
    """An error about the document itself loses its name (the problem goes next to the id in
    the errors file); one about something else, or nothing, is kept whole."""
    assert Problem.of(InputError("a.html", "empty input"), "a.html") == Problem("a.html", "empty input", "input")
    taken = Problem.of(InputError("x.warc", "output x.jsonl is already taken"), "<urn:1>")
    assert taken.problem == "x.warc: output x.jsonl is already taken"
    assert taken.message == "<urn:1>: x.warc: output x.jsonl is already taken"


@pytest.mark.parametrize("call, fragment", [
    (lambda tmp_path: classify_warc(tmp_path / "missing.warc.gz"), "missing.warc.gz: no such file"),
    (lambda tmp_path: classify_jsonl(tmp_path), "not a file"),
    (lambda tmp_path: classify_many([], input_format="auto"), "choose \"text\", \"markdown\" or \"html\""),
    (lambda tmp_path: classify_jsonl(SAMPLE_TXT, input_format="xml"), "choose from auto, text, markdown, html"),
])
def test_bad_arguments_raise_an_input_error_at_once(tmp_path, call, fragment):
    with pytest.raises(InputError, match=fragment):
        call(tmp_path)


def test_the_entry_points_are_exported_lazily():
    assert boilersift.classify_dataset.__module__ == "boilersift.runner.hf"
    code = ("import sys; from boilersift import Model; "
            "print(any(m.startswith('boilersift.runner') for m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"
