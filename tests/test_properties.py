"""Property-based tests (issue 5.6): segmentation, features and the input parsers
take any text or bytes and give a result of consistent shape, deterministically,
raising nothing but BoilersiftError. A short fuzzing run: examples are capped so
CI stays fast."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boilersift import BoilersiftError
from boilersift.blocks.decode import decode, decode_html, repair_mojibake
from boilersift.blocks.markdown import read_markdown
from boilersift.blocks.render import render_blocks
from boilersift.blocks.text import segment_lines, segment_text
from boilersift.features.featurize import N_FEATURES, featurize
from boilersift.runner.documents import Document, Failure, SourceEnd, decoded, documents
from boilersift.runner.options import PredictOptions
from boilersift.runner.sources import Source

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=400) | st.text(
    alphabet="ab \t\n\r\x0b\x0c\x1c\u2028\u3000中.!?|-", max_size=200)


@FUZZ
@given(texts)
def test_segment_any_text(text):
    blocks = segment_text(text)
    assert blocks == segment_text(text)  # deterministic
    assert [b.index for b in blocks] == list(range(len(blocks)))
    assert all(b.text and b.text == b.text.strip() for b in blocks)
    assert [b.line_no for b in blocks] == sorted({b.line_no for b in blocks})
    lines = repair_mojibake(text, lines=True).splitlines()  # as segment_text repairs: line by line
    assert all(lines[b.line_no - 1].strip() == b.text for b in blocks)
    assert segment_lines(lines) == blocks


# Markdown made of the syntax that could trip its reader: raw HTML, tables, fences, code, line ends
markdown = st.lists(st.sampled_from(["<div>", "</div>", "<p>", "<br>", "<!--", "-->", "<script>", "<svg>", "&amp;",
                                     "<a href='>'>", "<![CDATA[", "| a |", "---", "```", "    ", "* ", "# ", "\n",
                                     "\n\n", "\r", "\x0c", "\x1e", "\x00"]) | texts, max_size=30).map("".join)


@FUZZ
@given(markdown)
def test_read_any_markdown(text):
    blocks, infos = read_markdown(text)
    assert len(infos) == len(blocks) and [b.index for b in blocks] == list(range(len(blocks)))
    assert all(b.text and b.text == b.text.strip() for b in blocks)
    lines = [b.line_no for b in blocks]  # in order, each a line of the scrape (the parser counts only \n)
    assert lines == sorted(lines) and all(1 <= line <= text.count("\n") + text.count("\r") + 1 for line in lines)


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_utf8_read_as_latin1_always_comes_back(text):
    assert repair_mojibake(text.encode("utf-8").decode("latin-1")) == text


@FUZZ
@given(texts)
def test_features_any_text(text):
    blocks = segment_text(text)
    X = featurize(blocks)
    assert X.shape == (len(blocks), N_FEATURES)
    assert np.isfinite(X).all()
    assert np.array_equal(X, featurize(blocks))


@FUZZ
@given(st.binary(max_size=400), st.sampled_from([None, "utf-8", "cp1252", "utf-16", "gbk"]))
def test_decode_any_bytes(data, encoding):
    try:
        text = decode(data, "x", encoding)
    except BoilersiftError as exc:
        assert str(exc).startswith("x: ")
    else:
        assert text.strip() and text == decode(data, "x", encoding)


@FUZZ
@given(st.binary(max_size=400) | texts.map(lambda t: f"<html><body><p>{t}</p><div>{t}".encode()))
def test_html_parsers_any_bytes(data):
    try:
        html = decode_html(data, "x")
    except BoilersiftError:
        return
    assert render_blocks(html) == render_blocks(html)
    assert isinstance(render_blocks(html), str)


@FUZZ
@given(data=st.binary(max_size=600), name=st.sampled_from(["x.jsonl", "x.warc", "x.jsonl.gz", "x.warc.gz"]))
def test_record_readers_any_bytes(tmp_path_factory, data, name):
    """Any bytes in a JSON Lines or WARC file: records (decoded: documents or failures) or
    failures, then the end; no exception."""
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    items = [decoded(item, PredictOptions()) for item in documents([Source(str(path))], PredictOptions())]
    assert isinstance(items[-1], SourceEnd)
    assert all(isinstance(item, (Document, Failure)) for item in items[:-1])


@FUZZ
@given(st.lists(st.fixed_dictionaries({"text": texts}, optional={"id": st.integers(), "url": st.text(max_size=20)}),
                max_size=5))
def test_jsonl_records_pass_through(tmp_path_factory, records):
    import json

    path = tmp_path_factory.mktemp("fuzz") / "x.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    items = [decoded(item, PredictOptions()) for item in documents([Source(str(path))], PredictOptions())]
    docs = [item for item in items if isinstance(item, Document)]
    assert len(docs) == len(records)
    for doc, record in zip(docs, records):
        assert doc.content == record["text"]
        assert doc.meta == {k: v for k, v in record.items() if k != "text"}
