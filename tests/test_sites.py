"""The lines a site repeats on its pages, decided together, are its template (boilersift.sites)."""

import dataclasses
import pickle

import numpy as np
import pytest
from conftest import SITE_MENU as MENU
from conftest import SITE_PROSE as PROSE
from conftest import SITE_STORIES as STORIES
from conftest import SITE_TEASER as TEASER
from conftest import site_page as page

from boilersift import Model
from boilersift.blocks.text import segment_lines
from boilersift.decide import TEXT_DECISIONS, decide
from boilersift.errors import BoilersiftError
from boilersift.runner.templates import load_templates, save_templates
from boilersift.sites import (
    SiteTemplates,
    TemplateTable,
    line_key,
    normal,
    page_lines,
    page_templates,
    site_of_url,
    template_lines,
    template_mask,
)


@pytest.mark.parametrize("sites, min_pages, expected", [
    (["a.com", "a.com", "a.com"], 2, {"a.com": {MENU, PROSE, TEASER}}),
    (["a.com", "a.com", "b.com"], 2, {"a.com": {MENU, PROSE, TEASER}, "b.com": set()}),
    (["a.com", "a.com", "a.com"], 4, {"a.com": set()}),
    (["a.com", None, "b.com"], 2, {"a.com": set(), "b.com": set()}),  # None: a page of no known site
])
def test_template_lines_are_those_on_enough_pages_of_the_site(sites, min_pages, expected):
    found = template_lines([page(s) for s in STORIES], sites, min_pages)
    assert found == {site: frozenset(map(line_key, lines)) for site, lines in expected.items()}


def test_copies_of_a_page_count_once():
    # the same article under three addresses shares every line, yet none of them is a template;
    # another article of the site makes the lines all four share a template
    copies = [page(STORIES[0])] * 3
    assert template_lines(copies, ["a.com"] * 3) == {"a.com": frozenset()}
    template = frozenset(map(line_key, [MENU, PROSE, TEASER]))
    assert template_lines([*copies, page(STORIES[1])], ["a.com"] * 4) == {"a.com": template}


def test_lines_compare_without_case_and_punctuation():
    assert normal("Most READ -- today!") == normal("most read today") == "most read today"
    assert line_key("Most READ -- today!") == line_key("most read today") != line_key("most read")


def test_gathered_a_page_at_a_time_as_all_at_once():
    pages, sites = [page(s) for s in STORIES] + [page(STORIES[0], "Extra")], ["a.com", "b.com", "a.com", "a.com"]
    gathered = SiteTemplates(2)
    for texts, site in zip(pages, sites):
        gathered.add(site, page_lines(texts))
    # the last page is a copy of the first (the same prose): its new line counts once, with the first's
    assert gathered.templates() == template_lines(pages, sites) == {"a.com": frozenset(map(line_key, page(STORIES[0]))
                                                                                     ) - {line_key(STORIES[0])},
                                                                    "b.com": frozenset()}


def test_page_templates_off_reads_no_page():
    def pages():
        raise AssertionError("read")
        yield

    assert page_templates(pages(), min_pages=0) == {}


@pytest.mark.parametrize("url, site", [
    ("https://www.Example.com/news/1.html", "example.com"),
    ("http://blog.example.com:8080/a?b=c", "blog.example.com"),
    ("example.com/no-scheme", None),  # no host to tell
    ("http://[::1", None),  # malformed
    ("", None),
    (None, None),
])
def test_site_of_url(url, site):
    assert site_of_url(url) == site


def test_a_paragraph_of_running_prose_is_never_template():
    texts = page(STORIES[0])
    template = frozenset(map(line_key, [MENU, PROSE, TEASER]))
    assert template_mask(texts, template).tolist() == [True, False, False, True]


def test_decide_drops_the_template_lines_it_would_keep():
    texts = page(STORIES[0])
    everything = np.ones(len(texts))
    mask = np.array([True, False, False, True])
    assert decide(texts, everything, 0.5, TEXT_DECISIONS).keep.all()
    assert decide(texts, everything, 0.5, TEXT_DECISIONS, template=mask).keep.tolist() == [False, True, True, False]


@pytest.fixture(scope="module")
def model():
    return Model.load()


def kept(results):
    return [[line.text for line in lines if line.is_content] for lines in results]


def test_pages_of_one_site_decided_together_lose_their_template(model):
    pages = [segment_lines(page(s)) for s in STORIES]
    alone = kept(model.classify_pages(pages, threshold=0.0))  # every line kept
    assert alone == [page(s) for s in STORIES]
    together = kept(model.classify_pages(pages, threshold=0.0, sites=["a.com"] * 3))
    assert together == [[s, PROSE] for s in STORIES]
    apart = kept(model.classify_pages(pages, threshold=0.0, sites=["a.com", "b.com", "c.com"]))
    assert apart == alone


def test_template_pages_zero_turns_it_off(model):
    pages = [segment_lines(page(s)) for s in STORIES]
    off = Model(model.classifier, model.threshold, model.manifest,
                dataclasses.replace(model.decisions, template_pages=0))
    assert kept(off.classify_pages(pages, threshold=0.0, sites=["a.com"] * 3)) == [page(s) for s in STORIES]


def test_one_site_or_template_per_page(model):
    pages = [segment_lines(page(s)) for s in STORIES]
    with pytest.raises(ValueError, match="2 sites for 3 pages"):
        model.classify_pages(pages, sites=["a.com", "b.com"])
    with pytest.raises(ValueError, match="1 templates for 3 pages"):
        model.verdicts(pages, templates=[None])
    with pytest.raises(ValueError, match="not both"):
        model.verdicts(pages, sites=["a.com"] * 3, templates=[None] * 3)


def test_templates_gathered_beforehand_are_the_sites(model):
    pages = [segment_lines(page(s)) for s in STORIES]
    templates = template_lines([page(s) for s in STORIES], ["a.com"] * 3)["a.com"]
    assert model.verdicts(pages, threshold=0.0, templates=[templates] * 3) == \
        model.verdicts(pages, threshold=0.0, sites=["a.com"] * 3)


TEMPLATES = {"b.org": frozenset({line_key(MENU), -5}), "a.com": frozenset({line_key(TEASER)}), "empty.net": frozenset()}


def test_a_template_table_holds_each_sites_template_as_arrays():
    table = TemplateTable.of(TEMPLATES, min_pages=3)
    assert list(table.sites) == ["a.com", "b.org"] and len(table) == 2 and table.min_pages == 3  # none kept no lines
    assert {site: table.get(site) for site in ("a.com", "b.org")} == {s: TEMPLATES[s] for s in ("a.com", "b.org")}
    assert [table.get(site) for site in (None, "empty.net", "c.com", "0.com", "zz.com")] == [None] * 5
    assert pickle.loads(pickle.dumps(table)).get("b.org") == TEMPLATES["b.org"]
    assert TemplateTable.of({}).get("a.com") is None


@pytest.mark.parametrize("sites, offsets, message", [
    (["a.com"], [0, 3], "offsets"),
    (["b.com", "a.com"], [0, 1, 2], "sorted order"),
    (["a.com", "a.com"], [0, 1, 2], "each once"),
    ([1, 2], [0, 1, 2], "names"),
])
def test_a_template_table_needs_sorted_sites_and_offsets_that_bound_their_keys(sites, offsets, message):
    with pytest.raises(ValueError, match=message):
        TemplateTable(np.array(sites), np.array(offsets), np.array([1, 2], dtype=np.int64), 2)


def test_a_templates_file_reads_back_as_written(tmp_path):
    path = save_templates(TemplateTable.of(TEMPLATES, 3, {"html"}), tmp_path / "sites.npz")
    table = load_templates(path)
    assert table.min_pages == 3 and table.input_formats == ("html",)
    assert [table.get(s) for s in ("a.com", "b.org")] == [TEMPLATES["a.com"], TEMPLATES["b.org"]]
    assert pickle.loads(pickle.dumps(table)).input_formats == ("html",)


@pytest.mark.parametrize("input_formats, fits_html, fits_text", [
    ((), True, True),  # a file of format 1, which did not record the kind: any
    (("html",), True, False),
    (("text",), False, True),
    (("html", "text"), True, True),
])
def test_a_table_fits_the_kind_of_lines_it_was_read_from(input_formats, fits_html, fits_text):
    table = TemplateTable.of(TEMPLATES, 3, input_formats)
    assert (table.fits("html"), table.fits("text")) == (fits_html, fits_text)
    for kind, fits in (("html", fits_html), ("text", fits_text)):
        if fits:
            assert table.require(kind) is table
        else:
            with pytest.raises(BoilersiftError, match=f"holds templates of .* lines, and the model reads {kind}"):
                table.require(kind)


def test_a_templates_file_of_format_1_fits_any_model(tmp_path):
    path = tmp_path / "sites.npz"
    table = TemplateTable.of(TEMPLATES, 3)
    np.savez(path, format_version=1, min_pages=3, sites=table.sites, offsets=table.offsets, keys=table.keys)
    loaded = load_templates(path)
    assert loaded.input_formats == () and loaded.get("a.com") == TEMPLATES["a.com"]


@pytest.mark.parametrize("content, message", [
    (None, "no such templates file"),
    (b"not a zip", "not a file of 'boilersift templates'"),
    ({"keys": np.zeros(2)}, "arrays keys"),
    ({"format_version": 9, "min_pages": 2, "sites": np.array(["a"]), "offsets": np.array([0, 0]),
      "keys": np.zeros(0, dtype=np.int64)}, "format 9, this boilersift reads 1, 2"),
    ({"format_version": 2, "min_pages": 2, "sites": np.array(["a"]), "offsets": np.array([0, 0]),
      "keys": np.zeros(0, dtype=np.int64)}, "arrays"),  # no input_formats
    ({"format_version": 2, "min_pages": 2, "sites": np.array(["a"]), "offsets": np.array([0, 0]),
      "keys": np.zeros(0, dtype=np.int64), "input_formats": np.array(["pdf"])}, "unknown input formats pdf"),
    ({"format_version": 1, "min_pages": 2, "sites": np.array(["a"]), "offsets": np.array([0, 5]),
      "keys": np.zeros(0, dtype=np.int64)}, "offsets"),
    ({"format_version": 1, "min_pages": 2, "sites": np.array([{}]), "offsets": np.array([0, 0]),
      "keys": np.zeros(0, dtype=np.int64)}, "pickle"),
])
def test_a_broken_templates_file_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "sites.npz"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        np.savez(path, **content)
    with pytest.raises(BoilersiftError, match=message):
        load_templates(path)
