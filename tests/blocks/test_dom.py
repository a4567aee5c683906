"""HTML segmentation: blocks at block-level boundaries, with their DOM context."""

from __future__ import annotations

import numpy as np
import pytest

from boilersift import BoilersiftError
from boilersift.blocks.decode import decode_html
from boilersift.blocks.html import SIGNALS, segment_html
from boilersift.features.featurize import (
    DOM_NAMES,
    SHARED_NAMES,
    feature_names,
    featurize,
)


def texts(html: str) -> list[str]:
    return [b.text for b in segment_html(html)]


def signals(block) -> set[str]:
    return {name for i, name in enumerate(SIGNALS) if block.dom.signals >> i & 1}


@pytest.mark.parametrize(("html", "expected"), [
    # inline links and emphasis stay inside their sentence
    ("<p>Trade <a href=/a>Donald <b>Trump</b></a>'s criticism of <i>NATO</i>.</p>",
     ["Trade Donald Trump's criticism of NATO."]),
    # adjacent links are separate words; a link inside a word is not split off
    ("<div><a>Home</a><a>News</a> <a>Sport</a></div>", ["Home News Sport"]),
    ("<p>The <a>Kreml</a>'s <b>W</b>ord</p>", ["The Kreml's Word"]),
    # so are adjacent spans (laid out apart by CSS), but not inside CJK text
    ("<h4><span><span>amount</span></span><span>integer</span></h4>", ["amount integer"]),
    ("<p>一波波<span>接續性</span>低溫</p>", ["一波波接續性低溫"]),
    # content libxml2's tree builder would misplace into <head> is kept
    ("<html><head><title>T</title><p>body text before body</p></head><body><p>b</p></body></html>",
     ["body text before body", "b"]),
    # <br> and nested blocks split
    ("<div>one<br>two<div>three</div>four</div>", ["one", "two", "three", "four"]),
    # lists and tables: one block per item / cell
    ("<ul><li>a</li><li>b <a>c</a></li></ul>", ["a", "b c"]),
    ("<table><tr><th>h</th><td>1</td></tr><tr><td>2</td></tr></table>", ["h", "1", "2"]),
    # invisible content and comments are dropped, the text after them kept
    ("<p>x<script>var a = 1;</script> y<!-- note --> z</p><style>p {}</style><template>t</template>",
     ["x y z"]),
    # white space collapses; empty blocks vanish
    ("<p>  many \n\t spaces  </p><p> </p><div></div>", ["many spaces"]),
    # malformed markup: unclosed tags, stray end tags, a missing <html>
    ("<p>first<p>second</span><div>third", ["first", "second", "third"]),
    ("<body><p>a <b>bold <i>both</b> italic</i></p>", ["a bold both italic"]),
    # text outside any element, and an XML declaration lxml would refuse in a str
    ("plain text", ["plain text"]),
    ('<?xml version="1.0" encoding="utf-8"?><html><body><p>xhtml</p></body></html>', ["xhtml"]),
    # <head> (with its title) is not the page; <noscript> is, as scrapers see it
    ("<html><head><title>T</title></head><body><noscript>ns</noscript><p>b</p></body></html>", ["ns", "b"]),
    # ... but a <noscript> saved by a browser that ran scripts holds escaped markup, whose tags are no text
    ('<p>a</p><noscript>&lt;div&gt;&lt;img width=1 src="/p?a=1&amp;amp;b=2"&gt;&lt;/div&gt;</noscript><p>b</p>',
     ["a", "b"]),
    ('<noscript>Enable JavaScript to see the &lt;a href="/c"&gt;comments.&lt;/a&gt;</noscript>',
     ["Enable JavaScript to see the comments."]),
    # escaped markup elsewhere is text (a tutorial's example); so is a "<" that opens no tag
    ("<p>Write &lt;b&gt;bold&lt;/b&gt;</p><noscript>if a &lt; b</noscript>", ["Write <b>bold</b>", "if a < b"]),
    # the parser reads <noembed> and <noframes> as raw text, markup and all: their tags are no text either
    ("<p>a</p><noembed><p>A <b>plugin</b>'s fallback.</p></noembed><p>b</p>", ["a", "A plugin's fallback.", "b"]),
    ("<frameset><frame src=a.html><noframes><body><p>The site without frames.</p></body></noframes></frameset>",
     ["The site without frames."]),
])
def test_segmentation(html: str, expected: list[str]) -> None:
    assert texts(html) == expected


def test_blocks_know_their_dom() -> None:
    html = ("<body><nav class='main-menu'><ul><li><a href='/'>Home</a></li></ul></nav>"
            "<article class='post-content'><h2>Title</h2><p>Text with <a href='x'>a link</a>.</p></article>"
            "<div id='comments'><p>No comments yet</p></div><footer>(c) 2024</footer></body>")
    home, title, text, comments, footer = segment_html(html)
    assert (home.dom.tag, home.dom.link_chars) == ("li", 4)
    assert {"nav", "list", "link", "cls_nav"} <= signals(home)
    assert title.dom.tag == "h2" and {"article", "heading", "cls_content"} <= signals(title)
    assert text.dom.link_chars == len("a link") and "link" in signals(text)
    assert "cls_comment" in signals(comments) and "footer" in signals(footer)
    assert text.dom.path.endswith("article.post-content > p")
    assert [b.index for b in (home, title, text, comments, footer)] == [0, 1, 2, 3, 4]
    assert title.dom.container == text.dom.container != comments.dom.container


def test_inline_ancestors_count_for_the_text_inside_them() -> None:
    (block,) = segment_html("<p>Posted <span class='byline'>by Ann</span> today</p>")
    assert "cls_meta" in signals(block)


@pytest.mark.parametrize("attributes, signal", [
    ("hidden", "hidden"), ("aria-hidden='true'", "hidden"), ("style='display: none'", "hidden"),
    ("style='color: red; visibility:hidden'", "hidden"),
    ("class='sr-only'", "cls_hidden"), ("class='hidden-xs'", "cls_hidden"),  # a class only says it may be
])
def test_hidden_elements_are_flagged(attributes: str, signal: str) -> None:
    (block,) = segment_html(f"<div {attributes}><p>skip link</p></div>")
    assert signal in signals(block)
    assert {"hidden", "cls_hidden"} - {signal} & signals(block) == set()


@pytest.mark.parametrize("html", ["", "   ", "<!-- only a comment -->"])
def test_empty_pages_are_errors(html: str) -> None:
    with pytest.raises(BoilersiftError, match="page.html: no HTML content"):
        segment_html(html, "page.html")


def test_nesting_beyond_libxml2s_tree_limit_loses_nothing() -> None:
    # libxml2 builds no tree deeper than 256 levels; its event stream has no such limit.
    html = "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "<p>after</p>"
    blocks = segment_html(html, "page.html")
    assert [(b.text, b.dom.depth) for b in blocks] == [("deep", 100_002), ("after", 3)]


def test_deep_but_legal_nesting_is_linear() -> None:
    html = "<div>" * 200 + "".join(f"<p>line {i}</p>" for i in range(20_000)) + "</div>" * 200
    blocks = segment_html(html)
    assert len(blocks) == 20_000 and blocks[-1].dom.depth == 203  # html, body, 200 divs, p


@pytest.mark.parametrize(("encoding", "declared"), [("cp1252", "windows-1252"), ("gbk", "gbk"),
                                                    ("shift_jis", "shift_jis")])
def test_non_utf8_bytes(encoding: str, declared: str) -> None:
    text = {"cp1252": "Café “quotes”", "gbk": "中文内容", "shift_jis": "日本語のテキスト"}[encoding]
    data = f'<html><head><meta charset="{declared}"></head><body><p>{text}</p></body></html>'.encode(encoding)
    assert texts(decode_html(data, "page.html")) == [text]


def test_dom_features_follow_the_shared_features() -> None:
    assert feature_names("html")[:len(SHARED_NAMES)] == SHARED_NAMES
    assert feature_names("html")[len(SHARED_NAMES):] == DOM_NAMES
    assert feature_names("text")[:len(SHARED_NAMES)] == SHARED_NAMES
    assert len(set(feature_names("html"))) == len(feature_names("html"))


def dom_row(html: str, index: int) -> dict[str, float]:
    X = featurize(segment_html(html), dom=True)
    assert X.shape[1] == len(feature_names("html")) and np.isfinite(X).all()
    return dict(zip(DOM_NAMES, X[index, len(SHARED_NAMES):]))


def test_dom_feature_values() -> None:
    html = ("<body><ul><li><a href=/>Home</a></li><li><a href=/n>News</a></li></ul>"
            "<article><h1>Big news</h1><p>Some words and <a href=x>link</a> here.</p><p>More text.</p></article>"
            "</body>")
    home = dom_row(html, 0)
    assert home["link_density"] == 1.0 and home["all_link"] == 1.0 and home["tag_li"] == 1.0
    assert home["in_list"] == 1.0 and home["log_container_blocks"] == pytest.approx(np.log1p(2))
    headline, paragraph = dom_row(html, 2), dom_row(html, 3)
    assert headline["heading_level"] == 1.0 and headline["in_article"] == 1.0
    assert paragraph["link_density"] == pytest.approx(4 / len("Some words and link here."))
    assert paragraph["in_largest_container"] == 1.0 and home["in_largest_container"] == 0.0
    assert paragraph["container_share"] == pytest.approx(
        len("Big newsSome words and link here.More text.") / len("HomeNewsBig newsSome words and link here.More text."))


CARDS = ("<body><article><p>The council said the bridge reopened on Monday after repairs.</p>"
         "<p>Traffic is back to normal.</p></article><div class=more>"
         + "".join(f"<div class=card><a href=/{i}>Story {i}</a><p>Summary of story {i}.</p></div>" for i in range(4))
         + "</div><div id=comments><p>Great post!</p></div></body>")


def test_blocks_at_the_same_place_in_the_markup() -> None:
    """Four teaser cards repeat one path; the article's paragraphs share another."""
    paragraph, summary = dom_row(CARDS, 0), dom_row(CARDS, 3)
    assert paragraph["log_path_blocks"] == pytest.approx(np.log1p(2))
    assert summary["log_path_blocks"] == pytest.approx(np.log1p(4))
    words = [len(t.split()) for t in texts(CARDS)]
    assert summary["path_word_share"] == pytest.approx(4 * 4 / sum(words))
    assert summary["path_link_density"] == 0.0 and dom_row(CARDS, 2)["path_link_density"] == 1.0
    assert summary["path_mean_log_words"] == pytest.approx(np.log1p(4))


def test_first_pass_scores_averaged_over_the_same_place() -> None:
    from boilersift.features.featurize import DOM_PASS_NAMES, dom_score_context, markup_keys

    blocks = segment_html(CARDS)
    scores = np.linspace(0.0, 1.0, len(blocks))
    context = dom_score_context(markup_keys([blocks]), scores)
    assert context.shape == (len(blocks), len(DOM_PASS_NAMES))
    summaries = [i for i, b in enumerate(blocks) if b.text.startswith("Summary")]
    assert np.allclose(context[summaries, 0], scores[summaries].mean())  # the same path
    assert context[0, 1] == pytest.approx(scores[:2].mean())  # the article's container
    assert dom_score_context(markup_keys([]), np.zeros(0)).shape == (0, len(DOM_PASS_NAMES))
    twice = dom_score_context(markup_keys([blocks, blocks]), np.concatenate([scores, scores + 1]))
    assert np.allclose(twice[:len(blocks)], context) and np.allclose(twice[len(blocks):], context + 1)


def test_text_blocks_cannot_get_dom_features() -> None:
    from boilersift.blocks.text import segment_text

    with pytest.raises(ValueError, match="HTML features need blocks from dom.segment_html"):
        featurize(segment_text("a line\nanother"), dom=True)


# -- markup that would make the parser lose the body ---------------------------------

ARTICLE_BODY = ("<body><nav>Home</nav><p>The council said the bridge reopened on Monday.</p>"
                "<p>Traffic is back to normal.</p></body></html>")
ARTICLE_TEXTS = ["Home", "The council said the bridge reopened on Monday.", "Traffic is back to normal."]


@pytest.mark.parametrize("head", [
    "<html><head><title>The bridge</head>",                       # an unclosed <title>
    "<html><head><title>The bridge",                              # ... and no </head>
    "<html><head><TITLE lang=en>The bridge</head>",               # any case, with attributes
    "<html><head><script>var shown = 1;</head>",                  # an unclosed <script>
    "<html><head><script>a()</script><script>if (a < b) go()</head>",  # the second of two
    "<html><head><style>p { color: red }</head>",                 # an unclosed <style>
    "<html><head><title>The bridge</title></head>",               # well formed: unchanged
    "<html>",                                                     # no <head>
])
def test_unclosed_raw_text_elements_do_not_swallow_the_page(head):
    assert texts(head + ARTICLE_BODY) == ARTICLE_TEXTS


def test_an_unclosed_textarea_in_the_page_keeps_what_follows():
    html = ("<html><body><p>The council said the bridge reopened on Monday.</p><form><textarea>Your comment"
            "<p>Traffic is back to normal.</p></body></html>")
    assert texts(html) == ["The council said the bridge reopened on Monday.", "Traffic is back to normal."]


def test_no_body_element():
    assert texts("<html><head><title>T</title></head><p>A paragraph without a body element.</p></html>") == [
        "A paragraph without a body element."]


def test_raw_text_that_is_closed_is_left_alone():
    from boilersift.blocks.html import close_raw_text

    html = "<script>if (a < b) { s = '<div>'; }</script><p>Text.</p><textarea>a <b> c</textarea>"
    assert close_raw_text(html) is html


def test_ancestors_are_the_open_block_elements() -> None:
    """Outermost first, ending at the block's own element; its container is the one before."""
    blocks = segment_html("<div><section><p>in a paragraph</p>after it</section></div>")
    paragraph, after = (b.dom for b in blocks)
    assert paragraph.ancestors[-2] == paragraph.container and after.ancestors == paragraph.ancestors[:-1]
    assert len(set(paragraph.ancestors)) == len(paragraph.ancestors)


def _paragraph(words: int) -> str:
    return "<p>" + ", ".join(["the council said the bridge reopened"] * words) + ".</p>"


REGION = ("<body><div id=nav><a href=/>Home</a> <a href=/n>News</a> <a href=/s>Sport</a></div>"
          "<div id=main><div class=story>" + _paragraph(8) * 3 + "</div>"
          "<div class=second>" + _paragraph(6) * 2 + "</div>"
          "<div class=note><p>A short note beside the story, one line.</p></div></div>"
          "<aside><p>Sidebar text long enough to count as a paragraph here.</p></aside></body>")


def test_main_region_is_readabilitys_best_candidate() -> None:
    """The story's paragraphs score most for their parent; a sibling that scores a fifth of it
    or more (and at least 10) joins it, a short note and the sidebar do not."""
    blocks = segment_html(REGION)
    rows = [dom_row(REGION, i) for i in range(len(blocks))]
    story, second = rows[1], rows[4]
    note, sidebar, menu = rows[6], rows[7], rows[0]
    assert story["in_main_region"] == 1.0 and story["ancestor_score_ratio"] == 1.0
    assert second["in_main_region"] == 0.0 and second["in_main_or_sibling"] == 1.0
    assert 0.2 < second["ancestor_score_ratio"] < 1.0
    for row in (note, sidebar, menu):
        assert row["in_main_region"] == row["in_main_or_sibling"] == 0.0
    assert menu["ancestor_score_ratio"] < 0.1
    # each story paragraph: 1 + 7 commas + 3 (over 300 characters); the story holds three
    assert story["log_main_score"] == pytest.approx(np.log1p(3 * 11.0)) == menu["log_main_score"]


def test_without_paragraphs_the_whole_page_is_the_main_region() -> None:
    """As readability falls back to the whole body: nothing scores, so the outermost element wins."""
    html = "<ul><li><a href=/>Home</a></li><li><a href=/n>News</a></li></ul>"
    for i in range(2):
        row = dom_row(html, i)
        assert row["in_main_region"] == row["in_main_or_sibling"] == 1.0
        assert row["log_main_score"] == row["ancestor_score_ratio"] == 0.0
