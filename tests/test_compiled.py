"""The compiled loops (src/boilersift/_compiled.pyx) compute what their numpy and Python twins
compute, to the bit: the tree walk, the word stage's scores, the content words, the line
shapes, the scans for sentence ends, dates and lexicon phrases. The twins are
what an install without a C compiler runs (`boilersift.compiled.loops` None). The compiled
HTML segmenter (blocks/html.py itself) gives what its source gives, and the same whether
libxml2's parse events reach it straight (blocks/_libxml2.pyx) or through lxml's parser target."""

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import SMALL_LABELED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

from boilersift import compiled
from boilersift.blocks import html
from boilersift.features.featurize import (
    _char_class_counts,
    _line_shapes,
    _scans,
    content_word_ids,
    featurize,
    topic_overlap,
)
from boilersift.labelled.data import load_pages
from boilersift.model.predictors import HashedWords
from boilersift.training.estimators import N_HASH_FEATURES, export_pass


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """Real lines, edge cases, and lines of code points from every plane's usual ranges: letters,
    digits, numerics ("½", "Ⅻ"), combining marks, "_", punctuation, spaces, CJK, emoji and a
    lone surrogate."""
    random = np.random.default_rng(0)
    pool = [*"abcXYZ_019 \t-.,'’", "½", "Ⅻ", "٣", "é", "\u0301", "İ", "ǅ", "ß", "中", "文", "🙂", "\U00010400",
            "\ud800", "\u00a0", "\u2009", "ـ", "\u200d", "the", " and ", "Россия", "российский"]
    made = ["".join(random.choice(pool, size=random.integers(0, 60))) for _ in range(400)]
    edges = ["", "   ", "the the the the", "Ünïcödé wörds, 中文 字符 and emoji 🙂 🙂", "a " * 500,
             "İstanbul ǅemal", "x" * 5000 + " y", "Russia Russian Russians russia"]
    real = [b.text for page in load_pages([SMALL_LABELED])[:20] for b in page.blocks]
    return edges + made + real


def both_ways(compute, monkeypatch):
    """`compute()` with the compiled loops, then without them."""
    fast = compute()
    monkeypatch.setattr(compiled, "loops", None)
    return fast, compute()


def test_the_install_compiled_the_loops_and_the_segmenter():
    """`pip install .` builds them (hatch_build.py) on a machine with a C compiler, as this one has;
    a build that failed would only warn, and predicting would be slower. In a source checkout each
    is newer than its source: after an edit, `python hatch_build.py` compiles it again."""
    from lxml import etree

    assert compiled.loops is not None
    assert html._libxml2 is not None and html._libxml2.load(etree.__file__, etree.LIBXML_VERSION)
    assert not html.__file__.endswith(".py")
    for module, sources in ((compiled.loops, ["_compiled.pyx"]), (html, ["html.py", "html.pxd"]),
                            (html._libxml2, ["_libxml2.pyx", "html.pxd"])):
        built = Path(module.__file__)
        if (built.parents[2 if module is compiled.loops else 3] / "hatch_build.py").exists():  # src/ of a checkout
            stale = [name for name in sources if (built.parent / name).stat().st_mtime > built.stat().st_mtime]
            assert not stale, f"{', '.join(stale)} changed since {built.name} was built: run python hatch_build.py"


def test_word_buckets_are_the_hashed_words(texts, monkeypatch):
    """The page-type stage's words: each lower-cased word's bucket, compiled as in Python."""
    from boilersift.model.predictors import WORD, hashed_buckets

    pages = texts + ["\n".join(texts)]
    for n_features in (1, 4096, N_HASH_FEATURES):
        expected = [hashed_buckets(WORD.findall(text.lower()), n_features).tolist() for text in pages]
        assert [compiled.loops.word_buckets(text, n_features).tolist() for text in pages] == expected


HTML_SNIPPETS = [
    "<p>Hello <b>wor</b>ld, <a href='/x'>a link</a><a href='/y'>another</a></p><div>next<br>line</div>",
    "<pre>code  with\n  spaces <b>bold</b></pre><p>after</p><pre><pre>nested</pre> still</pre>",
    "<ol start='3'><li>three<ul><li>bullet</li></ul></li><li>four</li></ol><table><tr><td colspan=2>a</td>"
    "<td>b</td></tr><tr><th>c</th></tr></table>",
    "<div class='comments' hidden><p>hidden</p></div><div style='display:none'>gone?</div>"
    "<nav role='navigation'><a href=/>Home</a> | <a>News</a></nav><script>var x;</script><p aria-hidden='true'>x</p>",
    "<title>unclosed<body><p>body text</p>", "<a href='/long'>a link <p>across</p> blocks</a>", "plain text",
    "<div>" * 3000 + "deep" + "</div>" * 3000,
    # What the parse events carry: entities, NULs, CDATA, comments and processing instructions,
    # repeated and unquoted attributes, made-up and long names, a second <html>, markup after it.
    "<p class=a class=b id=x ID=y HREF=z>&amp; &nbsp;&#x1F642; &bogus; \x00nul</p><![CDATA[cd]]><!-- c --><?pi x?>",
    "<my-element data-x=1>custom</my-element><" + "a" * 40 + " class=comment>long name</" + "a" * 40 + ">",
    "<html><body><p>one</body></html><html><p>after the end</p>", "<é>accented tag</é><p title=\"ü\">ü</p>",
    "<textarea>unclosed <p>text", "<svg><p>in svg</p></svg><math>m</math>tail", "", "   ", "<p>" + "word " * 200_000,
]


def segmented(module, page: str) -> object:
    """The blocks of `page`, or the error it gives."""
    try:
        return module.segment_html(page)
    except Exception as exc:  # noqa: BLE001 - compared, whatever it is
        return type(exc), str(exc)


def test_the_segmenter_is_the_same(monkeypatch):
    """The compiled segmenter gives the blocks its source gives, with all they record (DomInfo), and
    so does each with libxml2's events through lxml's parser target instead of straight."""
    from conftest import GATE_HTML

    with gzip.open(GATE_HTML, "rt", encoding="utf-8") as handle:
        pages = [json.loads(line)["html"] for line in handle] + HTML_SNIPPETS + ["\ud800<p>a lone surrogate"]
    source = compiled.from_source(html)
    assert not source.__file__ == html.__file__
    straight = [(segmented(html, page), segmented(source, page)) for page in pages]
    monkeypatch.setattr(html, "_libxml2", None)
    monkeypatch.setattr(source, "_libxml2", None)
    for page, (fast, from_source) in zip(pages, straight):
        assert fast == from_source == segmented(html, page) == segmented(source, page)


# Markup made of pieces that parse in different ways: tags of each kind the segmenter tells
# apart, attributes it reads and others, entities, raw-text elements left open, stray "<" and "&".
MARKUP = st.lists(st.sampled_from([
    "<p>", "</p>", "<div class='comment hidden-xs'>", "</div>", "<a href='/x' id=a>", "</a>", "<br>", "<b>", "</b>",
    "<ol start=2>", "<li>", "</ol>", "<table>", "<td colspan=3>", "<pre>", "</pre>", "<script>", "</script>",
    "<pre class='lang-js'>", "<code class='x language-py'>", "</code>",
    "<title>", "<textarea>", "<!--", "-->", "<![CDATA[", "]]>", "<?x?>", "<html>", "<body>", "</html>", "&amp;",
    "&#0;", "&bogus", "<", ">", "&", "\x00", "\ufffd", " ", "\n", "word", "Wört", "中文", "🙂", "<x-y z=1>",
    "<svg>", "<p style='display:none' hidden aria-hidden=true role=navigation itemprop=author>",
]), max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKUP | st.text(max_size=200))
def test_the_parse_events_are_the_same_either_way(page):
    """libxml2's events handed over straight and through lxml's parser target give the same
    blocks, or the same error, on any markup."""
    straight = segmented(html, page)
    saved, html._libxml2 = html._libxml2, None
    try:
        assert segmented(html, page) == straight
    finally:
        html._libxml2 = saved


@pytest.mark.parametrize("make", [
    lambda: HistGradientBoostingClassifier(max_iter=30, max_leaf_nodes=31, random_state=0),
    lambda: RandomForestClassifier(n_estimators=10, random_state=0),
], ids=["boosted trees", "forest"])
def test_the_tree_walk_reaches_the_same_leaves(make, monkeypatch):
    random = np.random.default_rng(0)
    X = random.normal(size=(600, 5))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    X[random.random(X.shape) < 0.15] = np.nan  # missing values go where each node learned
    trees = export_pass(make().fit(X, y))
    X_new = np.where(random.random(X.shape) < 0.15, np.nan, random.normal(size=X.shape))
    with pytest.raises(ValueError, match="fitted on 5 columns"):
        trees.leaves(X_new[:, :4])  # the compiled walk reads no column past the checked ones
    fast, slow = both_ways(lambda: (trees.leaves(X_new), trees.predict_proba(X_new)), monkeypatch)
    assert np.array_equal(fast[0], slow[0])
    assert np.array_equal(fast[1], slow[1])  # boosted: the leaves' values summed as the walk goes, to the bit


def test_the_word_scores_are_the_same(texts, monkeypatch):
    """Same words (runs of what `\\w` matches, after lower-casing), same buckets, same sums."""
    words = HashedWords(np.random.default_rng(0).normal(size=N_HASH_FEATURES), -0.25)
    fast, slow = both_ways(lambda: words.decision_function(texts), monkeypatch)
    assert np.array_equal(fast, slow)


def _words_by_row(rows: np.ndarray, ids: np.ndarray) -> list[tuple[int, ...]]:
    """The rows of each word id: the same for both ways, whatever numbers they give the words."""
    return sorted(tuple(sorted(rows[ids == word].tolist())) for word in np.unique(ids))


def test_the_content_words_are_the_same(texts, monkeypatch):
    pages = [texts[:300], [], texts[300:310], texts[310:]]  # ids are numbered per page
    (fast_rows, fast_ids), (slow_rows, slow_ids) = both_ways(lambda: content_word_ids(pages), monkeypatch)
    assert np.array_equal(np.sort(fast_rows), np.sort(slow_rows))
    starts = np.cumsum([0] + [len(page) for page in pages])
    for start, end in zip(starts[:-1], starts[1:]):
        fast, slow = (fast_rows >= start) & (fast_rows < end), (slow_rows >= start) & (slow_rows < end)
        assert _words_by_row(fast_rows[fast], fast_ids[fast]) == _words_by_row(slow_rows[slow], slow_ids[slow])
    scores = np.random.default_rng(1).random(len(texts))
    page_rows, page_ids = fast_rows[fast_rows < 300], fast_ids[fast_rows < 300]
    slow_page = slow_rows < 300
    assert np.array_equal(topic_overlap(page_rows, page_ids, scores[:300]),
                          topic_overlap(slow_rows[slow_page], slow_ids[slow_page], scores[:300]))


def test_the_line_shapes_are_the_same(texts, monkeypatch):
    lines = [t for t in texts if t]
    lows = [t.lower() for t in lines]
    fast, slow = both_ways(lambda: _line_shapes(lines, lows), monkeypatch)
    assert np.array_equal(fast, slow)


def test_the_character_classes_are_the_same(texts, monkeypatch):
    # Lines with text, as blocks have (numpy's reduceat counts an empty line as its neighbour), and
    # no lone surrogate, which numpy's way cannot encode.
    lines = [t for t in texts if t and "\ud800" not in t]
    every = [chr(code) for code in range(1, 0x10400) if not 0xD800 <= code < 0xE000]  # the whole BMP, and more
    lines += ["".join(every[start:start + 500]) for start in range(0, len(every), 500)]
    fast, slow = both_ways(lambda: _char_class_counts(lines), monkeypatch)
    assert np.array_equal(fast, slow)
    assert (slow.sum(axis=0) > 0).all()  # every class met


def test_the_scans_are_the_same(texts, monkeypatch):
    """Sentence ends, dates and times, lexicon phrases: lines made of pieces that match the regular
    expressions, almost match them, or sit next to them ("home" in "homepage", "2024" in "20245")."""
    random = np.random.default_rng(2)
    pool = [*"ab1_ .:/-!?。！？\t", "\u00a0", "٣", "١٢:٣٠", "é", "中", "19", "20", "2024", "12:30", "1:05", "123:45",
            "2024-01-02", "2024-1-02", "1/2/2024", "01.02.24", "1.2.3", "12/31/99999", "Home", "home", "homepage",
            "log in", "Login", "share", "Share this", "広告", "首页", "read more", "All rights reserved", "©"]
    made = ["".join(random.choice(pool, size=random.integers(1, 12))) for _ in range(3000)]
    lines = [t for t in texts if t] + made
    lows = [t.lower() for t in lines]
    fast, slow = both_ways(lambda: _scans(lines, lows), monkeypatch)
    assert all(np.array_equal(a, b) for a, b in zip(fast, slow))
    assert all(column.any() for column in (slow[0], slow[1], slow[2][:, -1]))  # each scan found something


@pytest.mark.parametrize("dom", [False, True], ids=["text", "html"])
def test_the_features_of_real_pages_are_the_same(dom, monkeypatch):
    from conftest import GATE_HTML

    from boilersift import Model

    if dom:
        with gzip.open(GATE_HTML, "rt", encoding="utf-8") as handle:
            html = [json.loads(line)["html"] for line in handle][:8]
        pages = [Model.load(input_format="html").html_blocks(page) for page in html]
    else:
        pages = [page.blocks for page in load_pages([SMALL_LABELED])[:8]]
    fast, slow = both_ways(lambda: [featurize(page, dom) for page in pages], monkeypatch)
    assert all(np.array_equal(a, b) for a, b in zip(fast, slow))
