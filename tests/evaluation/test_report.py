"""The HTML evaluation report: every number from report.json, self-contained, and
loading in a real browser (headless Chromium) without console errors."""

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from urllib.parse import unquote

import numpy as np
import pytest
from conftest import GATE_DEV, run

from boilersift.evaluation.evaluate import evaluate
from boilersift.evaluation.report import write_report
from boilersift.labelled.data import load_pages

NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?![\w.])")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class ReportParser(HTMLParser):
    """Collects the report's numbers with their full data-path, its data strings, and
    the rest of its visible text."""

    VOID = {"meta", "img", "br", "input", "hr", "link"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[str], str | None]] = []  # (tag, path segments, class)
        self.numbers: list[tuple[list[str], str]] = []
        self.raw: list[str] = []
        self.other_text: list[str] = []
        self.images: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.links += [attrs[k] for k in ("src", "href") if attrs.get(k)]
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if tag in self.VOID:
            return
        path = [unquote(p) for p in attrs["data-path"].split(".")] if attrs.get("data-path") else []
        self.stack.append((tag, path, attrs.get("class")))

    def handle_endtag(self, tag):
        if tag not in self.VOID:
            assert self.stack and self.stack[-1][0] == tag, f"unbalanced </{tag}>"
            self.stack.pop()

    def handle_data(self, data):
        if not self.stack or self.stack[-1][0] in ("script", "style"):
            return
        cls = self.stack[-1][2]
        if cls == "num":
            self.numbers.append(([p for _, path, _ in self.stack for p in path], data))
        elif cls == "raw":
            self.raw.append(data)
        else:
            self.other_text.append(data)


def resolve(report, path: list[str]):
    value = report
    for key in path:
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


def json_strings(value) -> set[str]:
    if isinstance(value, dict):
        return set(map(str, value)) | {s for v in value.values() for s in json_strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in json_strings(v)}
    return {value} if isinstance(value, str) else set()


@pytest.fixture(scope="module")
def gate_pages():
    # Without the two 10,000-line webmainbench pages, to keep the explanations quick.
    return [p for p in load_pages([GATE_DEV]) if p.meta["source"] != "webmainbench"]


@pytest.fixture(scope="module")
def written(default_model, tiny_model, gate_pages, tmp_path_factory):
    """A report comparing the default model with the tiny test model, written to disk."""
    report, curve = evaluate({"default": default_model, "tiny": tiny_model}, gate_pages, explain=True)
    out_dir = tmp_path_factory.mktemp("report")
    write_report(report, curve, out_dir)
    return parse_written(out_dir)


def parse_written(out_dir):
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    parser = ReportParser()
    parser.feed(html)
    parser.close()
    return json.loads((out_dir / "report.json").read_text(encoding="utf-8")), html, parser, out_dir


def assert_numbers_from_json(report, parser):
    for path, text in parser.numbers:
        value = resolve(report, path)
        assert isinstance(value, (int, float)) and not isinstance(value, bool), path
        if isinstance(value, int):
            assert text == str(value), (path, text, value)
        else:
            digits = len(text.partition(".")[2])
            assert digits >= 2 and float(text) == pytest.approx(value, abs=0.5 * 10**-digits + 1e-9), \
                (path, text, value)


def test_every_number_comes_from_the_json(written):
    report, _, parser, _ = written
    assert len(parser.numbers) > 1000
    assert_numbers_from_json(report, parser)


def test_no_number_outside_the_json(written):
    report, _, parser, _ = written
    strays = [t.strip() for t in parser.other_text if NUMBER.search(t)]
    assert strays == []
    strings = json_strings(report)
    assert all(text in strings for text in parser.raw)


def test_report_sections(written):
    report, html, parser, _ = written
    headline = report["systems"]["default"]["word"]["f1"]
    assert f'data-path="systems.default.word.f1">{headline:.3f}<' in html
    for section in ("overall", "compare", "groups", "confusion", "plots", "features", "errors"):
        assert f'<section id="{section}">' in html
    for heading in ("Word F1 per source", "Word F1 per page type", "Word F1 per language", "Word F1 per scrape style"):
        assert heading in html
    assert len(parser.images) == 4 and all(src.startswith("data:image/png;base64,") for src in parser.images)
    assert not [link for link in parser.links if not link.startswith(("#", "data:"))]  # nothing to fetch
    assert html.count("<details data-path=\"worst_pages.") == len(report["worst_pages"]) > 0
    for outcome in ("kept", "dropped", "lost", "leaked"):
        assert f'<tr class="{outcome}"' in html


def test_report_json_parts(written, gate_pages):
    report = written[0]
    assert list(report["systems"]) == ["default", "tiny", "c4_rules", "keep_all"]
    confusion = report["systems"]["default"]["confusion"]
    assert sum(confusion.values()) == report["data"]["lines"]
    assert confusion["content_kept"] + confusion["content_dropped"] == report["data"]["content_lines"]
    assert "per_lang" in report["systems"]["default"]
    bins = report["calibration"]["bins"]
    assert sum(b["lines"] for b in bins) == report["data"]["lines"]
    (comparison,) = report["comparisons"]
    assert comparison["reference"] == "default" and comparison["other"] == "tiny"
    assert comparison["pages_better"] + comparison["pages_worse"] + comparison["pages_same"] == len(gate_pages)
    changes = [abs(d["change"]) for d in comparison["largest_differences"]]
    assert changes == sorted(changes, reverse=True)
    worst = report["worst_pages"]
    f1 = [p["word"]["f1"] for p in worst]
    assert f1 == sorted(f1) and f1[0] == pytest.approx(min(report["systems"]["default"]["page_word_f1"]), abs=1e-4)
    line = worst[0]["lines"][0]
    assert set(line) == {"line_no", "gold", "predicted", "probability", "reasons", "text"}
    assert 0 < len(report["feature_importance"]["features"]) <= 25


def test_names_with_dots_and_no_explanations(tiny_model, small_pages, tmp_path):
    report, curve = evaluate({"v1.2": tiny_model, "50%": tiny_model}, small_pages)
    write_report(report, curve, tmp_path)
    report, html, parser, _ = parse_written(tmp_path)
    assert_numbers_from_json(report, parser)
    assert any(path[:2] == ["systems", "v1.2"] for path, _ in parser.numbers)
    assert html.count("Not computed") == 2  # no error browser, no feature importance


def test_shown_lines_of_a_long_page():
    from boilersift.evaluation.evaluate import _shown_lines

    errors = np.zeros(1000, dtype=bool)
    errors[[100, 998]] = True
    assert _shown_lines(errors).tolist() == [98, 99, 100, 101, 102, 996, 997, 998, 999]
    assert _shown_lines(errors[:50]).tolist() == list(range(50))  # a short page: every line
    assert len(_shown_lines(np.ones(1000, dtype=bool))) == 400


def test_report_size_and_markdown(written):
    _, html, _, out_dir = written
    assert len(html.encode("utf-8")) < 10_000_000
    markdown = (out_dir / "report.md").read_text(encoding="utf-8")
    assert "## tiny against default" in markdown and "## Word F1 per lang" in markdown


def test_evaluate_two_models_on_the_command_line(tiny_bundle, tmp_path):
    from conftest import SMALL_LABELED

    proc = run("evaluate", SMALL_LABELED, "--model", tiny_bundle, "--model", tiny_bundle,
               "--output-dir", tmp_path / "r")
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert list(report["systems"])[:2] == ["tiny", "tiny-2"]
    assert report["comparisons"][0]["pages_same"] == report["data"]["pages"]  # the same model twice
    assert "tiny-2: word F1" in proc.stdout


# -- in a real browser -------------------------------------------------------------------

def chromium(url: str, user_data, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={user_data}", "--enable-logging=stderr", "--v=0", *args, url],
        capture_output=True, text=True, timeout=120)


def browser_problems(proc: subprocess.CompletedProcess) -> list[str]:
    """Console messages (the report writes none) and errors its window.onerror caught."""
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    caught = re.search(r'<pre id="js-errors"[^>]*>(.*?)</pre>', proc.stdout, re.S)
    return console + ([caught.group(1)] if caught is None or caught.group(1).strip() else [])


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's chromium package)")


@needs_chromium
def test_browser_check_catches_errors(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text('<html><head><script>window.onerror = function (m) { document.getElementById("js-errors")'
                    '.textContent += m; };</script></head><body><pre id="js-errors" hidden></pre>'
                    '<script>undefinedFunction();</script></body></html>', encoding="utf-8")
    proc = chromium(page.as_uri(), tmp_path / "profile", "--dump-dom")
    assert any("undefinedFunction" in problem for problem in browser_problems(proc))


@needs_chromium
def test_report_in_chromium(written, tmp_path):
    _, _, _, out_dir = written
    url = (out_dir / "report.html").as_uri()
    proc = chromium(url, tmp_path / "profile", "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert browser_problems(proc) == []
    dom = proc.stdout
    assert 'data-ready="yes"' in dom  # the report's script ran to its end
    assert 'data-plots-drawn="all"' in dom  # every plot decoded to an image with a width
    assert dom.count("<img") == 4 and dom.count('<table class="sortable"') >= 8
    shot = tmp_path / "report.png"
    proc = chromium(url, tmp_path / "profile2", f"--screenshot={shot}", "--window-size=1300,2400")
    assert proc.returncode == 0 and shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
