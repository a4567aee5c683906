"""HTML input end to end: the shipped HTML model through the CLI and the Python API."""

from __future__ import annotations

import json

import pytest
from conftest import GOLD_PAGES_BY_ID, assert_one_line_error, run

from boilersift.model.bundle import default_bundle_path

ARTICLE = GOLD_PAGES_BY_ID["handwritten-en-1"]  # navigation, headline, an inline link, a comment box, a footer


@pytest.fixture(scope="module")
def html_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "article.html"
    path.write_text(ARTICLE["html"], encoding="utf-8")
    return path


def test_the_html_model_is_shipped(default_html_model):
    assert default_html_model.input_format == "html"
    assert default_html_model.manifest["feature_schema_version"] == "html-3"
    assert (default_bundle_path("html") / "manifest.json").is_file()


def test_python_api_keeps_the_article(default_html_model):
    results = default_html_model.classify_html(ARTICLE["html"])
    kept = [r.text for r in results if r.is_content]
    assert "Mayor Jane Doe said the work had finished two weeks ahead of schedule and under budget." in kept
    dropped = [r.text for r in results if not r.is_content]
    assert "No comments yet..." in dropped and "Copyright 2024 Example News. All rights reserved." in dropped
    assert all(r.tag and r.path for r in results)


def test_bytes_in_a_declared_encoding(default_html_model):
    html = ARTICLE["html"].replace("<head>", '<head><meta charset="windows-1252">').replace("Mayor", "Maire Ça")
    results = default_html_model.classify_html(html.encode("cp1252"))
    assert any(r.text.startswith("Maire Ça Jane Doe") for r in results)


def test_predict_html_file_uses_the_html_model(html_file):
    proc = run("predict", html_file)
    assert proc.returncode == 0, proc.stderr
    assert "The harbour bridge reopened on Monday after six months of repairs, the city council said." in proc.stdout
    assert "No comments yet" not in proc.stdout


def test_predict_markdown_keeps_headings(html_file):
    proc = run("predict", html_file, "--output-format", "markdown")
    assert proc.returncode == 0, proc.stderr
    assert "# Harbour bridge reopens after repairs\n\n" in proc.stdout


def test_predict_jsonl_has_every_block_with_its_location(html_file):
    proc = run("predict", html_file, "--output-format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert {r["tag"] for r in rows} == {"nav", "h1", "h3", "p"}
    assert all({"text", "label", "probability", "tag", "path", "line_no"} <= set(r) for r in rows)
    assert any(r["label"] == "noise" for r in rows) and any(r["label"] == "content" for r in rows)


def test_stdin_with_input_format_html():
    proc = run("predict", "--input-format", "html", input=ARTICLE["html"])
    assert proc.returncode == 0, proc.stderr
    assert "Traffic is expected to return to normal levels" in proc.stdout
    assert "Home" not in proc.stdout.splitlines()


def test_batch_contract_holds_for_html(tmp_path):
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    (in_dir / "sub").mkdir(parents=True)
    (in_dir / "a.html").write_text(ARTICLE["html"], encoding="utf-8")
    (in_dir / "sub" / "b.htm").write_text(GOLD_PAGES_BY_ID["handwritten-de-1"]["html"], encoding="utf-8")
    (in_dir / "c.txt").write_text("Home\n\nA plain text scrape line that is long enough to be prose here.\n",
                                  encoding="utf-8")
    proc = run("predict", in_dir, "--output-dir", out_dir, "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*")) == [
        "a.txt", "c.txt", "sub", "sub/b.txt"]
    assert "Der Wochenmarkt findet ab dem kommenden Samstag" in (out_dir / "sub" / "b.txt").read_text(encoding="utf-8")


def test_html_that_cannot_be_classified_is_a_one_line_error(tmp_path):
    page = tmp_path / "scripts.html"
    page.write_text("<html><body><script>var x = 1;</script></body></html>", encoding="utf-8")
    assert_one_line_error(run("predict", page), "scripts.html", "no text to classify")


def test_explain_html_blocks(html_file):
    proc = run("predict", html_file, "--output-format", "jsonl", "--explain", "3")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert all(len(r["reasons"]) <= 3 and r["tag"] for r in rows)
    features = {reason["feature"] for r in rows for reason in r["reasons"]}
    assert features & {"link_density", "in_nav", "in_article", "heading_level", "in_heading", "all_link"}, features


def test_a_page_with_an_unclosed_title_is_classified(tmp_path):
    """libxml2 reads the rest of the page as the title's text; the segmenter closes it first."""
    assert ARTICLE["html"].count("</title>") == 1
    page = tmp_path / "old.html"
    page.write_text(ARTICLE["html"].replace("</title>", ""), encoding="utf-8")
    proc = run("predict", page)
    assert proc.returncode == 0, proc.stderr
    assert "Mayor Jane Doe said the work had finished two weeks ahead of schedule and under budget." in proc.stdout


THREADED = ("<html><body><article><h1>Bridge reopens after repairs</h1>"
            "<p>The council said the bridge reopened on Monday after three months of repairs to its deck.</p>"
            "<p>Traffic was back to normal by the evening rush hour, a spokesman for the council said.</p></article>"
            "<section id='comments'><h3>Comments</h3>"
            "<div class='comment'><p>Finally! I drove over it this morning and it is much smoother than before.</p>"
            "<a href='#reply'>Reply</a></div></section></body></html>")
COMMENT = "Finally! I drove over it this morning and it is much smoother than before."


DECK = "The council said the bridge reopened on Monday after three months of repairs to its deck."
HEADLINE, BYLINE, DATELINE = "Harbour bridge reopens after repairs", "By Jane Doe", "Published June 3, 2024, 14:07"
BYLINED = (f"<html><body><nav><a href='/'>Home</a></nav><article><h1>{HEADLINE}</h1>"
           f"<p class='byline'>{BYLINE}</p><p class='date'>{DATELINE}</p>"
           "<p>The harbour bridge reopened on Monday after six months of repairs, the city council said in a "
           "statement on Monday evening.</p><p>Traffic is expected to return to normal levels by the end of the "
           "week, according to the transport office, which will keep a ferry running until then.</p>"
           "</article></body></html>")


# (page, option, its value, lines in the output, lines not in it)
@pytest.mark.parametrize("page, option, value, kept, dropped", [
    (THREADED, "--comments", "exclude", [DECK], [COMMENT, "Reply"]),
    (THREADED, "--comments", "include", [DECK, COMMENT], ["Reply"]),
    (BYLINED, "--bylines", "exclude", [HEADLINE], [BYLINE, DATELINE]),
    (BYLINED, "--bylines", "include", [HEADLINE, BYLINE, DATELINE], []),
], ids=["comments excluded", "comments included", "bylines excluded", "bylines included"])
def test_decision_flags(tmp_path, page, option, value, kept, dropped):
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    proc = run("predict", str(path), option, value)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert all(line in lines for line in kept) and not any(line in lines for line in dropped), lines


@pytest.mark.parametrize("option", ["--comments", "--bylines", "--favor"])
def test_decision_flags_are_checked(option):
    proc = run("predict", "-", option, "maybe", input="x")
    assert proc.returncode == 2 and f"argument {option}: invalid choice: 'maybe'" in proc.stderr
