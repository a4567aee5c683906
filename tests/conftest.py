"""Shared fixtures. The tests only read files shipped in the repository
(``tests/fixtures/``, ``data/news_page_scrape.*``, ``models/text-default/``),
never ``data/labeled/`` or ``../shared/``: CI and users have neither."""

from __future__ import annotations

import os

# HistGradientBoosting runs OpenMP per tree; on a busy 2-core machine the thread
# barriers made it ~40x slower (measured: 60 gate pages 38 s vs 1 s). Prediction
# is single-threaded by the model itself; this keeps fitting the tiny test models
# predictable too, and the CLI subprocesses inherit it. A user's setting wins.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import io  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_TXT = ROOT / "data" / "news_page_scrape.txt"
SAMPLE_JSONL = ROOT / "data" / "news_page_scrape.jsonl"
SMALL_LABELED = FIXTURES / "small_labeled.jsonl"
GATE_DEV = FIXTURES / "gate_dev.jsonl.gz"
GATE_HTML = FIXTURES / "gate_html.jsonl.gz"
GOLD_PAGES = FIXTURES / "gold_pages.jsonl"

# Helpers the test modules share (no test module imports another).
GOOD_TEXT = "Home\n\nThe bridge reopened on Monday after six months of repairs, the council said.\n\nShare this\n"
HTML_PAGE = "<html><body><nav>Home | News</nav><p>{}</p><footer>Contact</footer></body></html>"
# Pages of one site (boilersift.sites): a menu, a teaser and a notice in running prose on every page.
SITE_PROSE = ("Our newsletter brings you the day's most important stories every morning, and you can simply leave "
              "it at any time.")
SITE_MENU, SITE_TEASER = "Home | News | Sport", "Celebrity stuns in red dress at the gala: see the pictures"
SITE_STORIES = [f"The town's {word} reopened on Monday after repairs that took most of the year, and the first "
                f"visitors, {n} of them before noon, said it had been worth the wait." for n, word in
                enumerate(["bridge", "museum", "pool"])]


def site_page(story: str, *extra: str) -> list[str]:
    """The lines of a page of the site around `story`."""
    return [SITE_MENU, story, SITE_PROSE, SITE_TEASER, *extra]


GOLD_PAGES_BY_ID = {json.loads(line)["id"]: json.loads(line)
                    for line in GOLD_PAGES.read_text(encoding="utf-8").splitlines()}


def run(*args, input: bytes | str | None = None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(boilersift_command() + [str(a) for a in args], input=input, capture_output=True,
                          text=not isinstance(input, bytes), cwd=cwd, timeout=300)


def stderr_text(proc) -> str:
    return proc.stderr.decode("utf-8", "replace") if isinstance(proc.stderr, bytes) else proc.stderr


def assert_one_line_error(proc, *fragments: str) -> str:
    err = stderr_text(proc)
    assert proc.returncode != 0, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("boilersift: error: "), err
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def outputs(out_dir):
    return sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*") if p.is_file())


def warc_bytes(pages: int) -> bytes:
    """A gzipped WARC: `pages` HTML responses and one image response."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for i in range(pages + 1):
        kind = "image/png" if i == pages else "text/html; charset=utf-8"
        body = b"\x89PNG" if i == pages else HTML_PAGE.format(f"Story {i}: the bridge reopened on Monday.").encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://example.com/{i}", "response",
                                                      payload=io.BytesIO(body), http_headers=headers))
    return buffer.getvalue()


# The estimator for the tiny models the tests train (a few seconds on 12 pages).
TEST_ESTIMATOR = "hgb"


def boilersift_command() -> list[str]:
    """The installed console script next to this Python, else the module."""
    script = Path(sys.executable).parent / ("boilersift.exe" if os.name == "nt" else "boilersift")
    if script.exists():
        return [str(script)]
    found = shutil.which("boilersift")
    return [found] if found else [sys.executable, "-m", "boilersift.cli"]


@pytest.fixture(scope="session")
def default_model():
    from boilersift import Model

    return Model.load()


@pytest.fixture(scope="session")
def default_html_model():
    from boilersift import Model

    return Model.load(input_format="html")


@pytest.fixture(scope="session")
def small_pages():
    from boilersift.labelled.data import load_pages

    return load_pages([SMALL_LABELED])


@pytest.fixture(scope="session")
def tiny_model(small_pages):
    """A model trained on the 12 small pages (no dev split; the tune split calibrates it and
    picks the threshold)."""
    from boilersift.training.train import train_model

    return train_model(small_pages, estimator=TEST_ESTIMATOR, dev_percent=0)


@pytest.fixture(scope="session")
def tiny_bundle(tiny_model, tmp_path_factory) -> Path:
    """The tiny model saved as a bundle directory. Treat as read-only: copy it
    (see `bundle_copy`) before changing anything."""
    return tiny_model.save(tmp_path_factory.mktemp("bundles") / "tiny")


@pytest.fixture
def bundle_copy(tiny_bundle, tmp_path) -> Path:
    """A private, writable copy of the tiny bundle."""
    return Path(shutil.copytree(tiny_bundle, tmp_path / "bundle"))


@pytest.fixture
def slow_on_marker(monkeypatch):
    """`Model.html_blocks` takes 5 s on a page that says SLOW: a page over its time budget."""
    from boilersift import Model

    original = Model.html_blocks

    def slow(self, html, name="<html>"):
        if "SLOW" in html:
            time.sleep(5)
        return original(self, html, name)

    monkeypatch.setattr(Model, "html_blocks", slow)
