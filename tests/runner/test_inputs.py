"""Reading inputs (boilersift.runner.sources) and rendering outputs (boilersift.output), in-process.

The CLI tests check the same contract end to end; these pin the details cheaply.
"""

import contextlib
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from boilersift import BoilersiftError, output
from boilersift.blocks.decode import decode, decode_html
from boilersift.output import TSV_HEADER, atomic_writer, format_results, open_atomic
from boilersift.pipeline import LineResult
from boilersift.runner.limits import Limits
from boilersift.runner.sources import Source, expand_inputs, read_source

# (case id, bytes, encoding, expected text)
DECODE_OK = [
    ("plain UTF-8", "Café\n".encode("utf-8"), "utf-8", "Café\n"),
    ("UTF-8 with BOM", "\ufeffCafé\n".encode("utf-8"), "utf-8", "Café\n"),
    ("encoding spelled utf8", "\ufeffCafé".encode("utf-8"), "UTF8", "Café"),
    ("encoding spelled utf_8", "\ufeffCafé".encode("utf-8"), "utf_8", "Café"),
    ("cp1252 when asked", "Café".encode("cp1252"), "cp1252", "Café"),
    ("UTF-16 with BOM (NUL bytes allowed)", "Café\n".encode("utf-16"), "utf-16", "Café\n"),
    ("CRLF kept for the segmenter", b"a\r\nb\r\n", "utf-8", "a\r\nb\r\n"),
]


@pytest.mark.parametrize("data, encoding, expected", [c[1:] for c in DECODE_OK], ids=[c[0] for c in DECODE_OK])
def test_decode(data, encoding, expected):
    assert decode(data, "x.txt", encoding) == expected


# (case id, bytes, encoding, exact message)
DECODE_ERRORS = [
    ("empty", b"", "utf-8", "x.txt: empty input"),
    ("white space only", b" \n\t\r\n", "utf-8", "x.txt: empty input"),
    ("BOM and no-break spaces only", "\ufeff \u00a0\n".encode("utf-8"), "utf-8", "x.txt: empty input"),
    ("NUL bytes", b"PK\x03\x04\x00\x00", "utf-8", "x.txt: binary data (NUL bytes), not a text scrape"),
    ("invalid UTF-8", "Café".encode("cp1252"), "utf-8",
     "x.txt: not valid utf-8 at byte 3; pass --encoding (e.g. cp1252)"),
    ("unknown encoding", b"abc", "klingon", "unknown encoding 'klingon'"),
]


@pytest.mark.parametrize("data, encoding, message", [c[1:] for c in DECODE_ERRORS], ids=[c[0] for c in DECODE_ERRORS])
def test_decode_errors(data, encoding, message):
    with pytest.raises(BoilersiftError) as info:
        decode(data, "x.txt", encoding)
    assert str(info.value) == message


def test_read_source_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("word " * 100, encoding="utf-8")
    assert read_source(Source(str(path))).startswith("word")
    with pytest.raises(BoilersiftError, match="larger than the limit of 100 bytes"):
        read_source(Source(str(path)), limits=Limits(max_bytes=100))


def test_read_source_directory_is_an_error(tmp_path):
    with pytest.raises(BoilersiftError, match=f"^{tmp_path}: not a regular file"):
        read_source(Source(str(tmp_path)))


def test_expand_inputs(tmp_path):
    (tmp_path / "b" / "c").mkdir(parents=True)
    for name in ["a.txt", "b/z.md", "b/c/y", ".hidden", "b/.hidden.txt"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x", encoding="utf-8")
    single = tmp_path / "a.txt"
    items = list(expand_inputs([str(tmp_path), str(single), str(tmp_path / "nope"), "-"]))
    # Walked top-down (a directory's files before its subdirectories), names sorted, dot-files skipped.
    assert items[:3] == [Source(str(tmp_path / "a.txt"), Path("a.txt")),
                         Source(str(tmp_path / "b" / "z.md"), Path("b/z.md")),
                         Source(str(tmp_path / "b" / "c" / "y"), Path("b/c/y"))]
    assert items[3] == Source(str(single), Path("a.txt"))
    assert isinstance(items[4], BoilersiftError) and str(items[4]) == f"{tmp_path / 'nope'}: no such file or directory"
    assert items[5] == Source("-")
    assert list(expand_inputs([])) == [Source("-")]


RESULTS = [LineResult("Home", 1, 0.1234567, False), LineResult("Das ist gut.\tja", 3, 0.9, True)]


@pytest.mark.parametrize("fmt, source, expected", [
    ("text", None, "Das ist gut.\tja\n"),
    ("tsv", None, "1\tnoise\t0.1235\tHome\n3\tcontent\t0.9000\tDas ist gut.\tja\n"),
    ("jsonl", None, '{"line_no": 1, "label": "noise", "probability": 0.1235, "text": "Home"}\n'
                    '{"line_no": 3, "label": "content", "probability": 0.9, "text": "Das ist gut.\\tja"}\n'),
    ("jsonl", "a.txt", '{"source": "a.txt", "line_no": 1, "label": "noise", "probability": 0.1235, "text": "Home"}\n'
                       '{"source": "a.txt", "line_no": 3, "label": "content", "probability": 0.9, '
                       '"text": "Das ist gut.\\tja"}\n'),
])
def test_format_results(fmt, source, expected):
    assert format_results(RESULTS, fmt, source) == expected


def test_format_results_nothing():
    assert [format_results([], fmt) for fmt in ("text", "jsonl", "tsv")] == ["", "", ""]
    with pytest.raises(ValueError):
        format_results(RESULTS, "xml")


def test_tsv_header_matches_the_columns():
    assert TSV_HEADER.rstrip("\n").split("\t") == ["line_no", "label", "probability", "text"]


def test_jsonl_is_unicode_not_escaped():
    line = format_results([LineResult("中文", 1, 1.0, True)], "jsonl")
    assert "中文" in line and json.loads(line)["text"] == "中文"


def test_atomic_writer(tmp_path):
    target = tmp_path / "deep" / "out.txt"
    with atomic_writer(target) as handle:
        handle.write("done")
    assert target.read_text(encoding="utf-8") == "done"
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as handle:
            handle.write("half")
            raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "done"  # the old file survives a failed write
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]  # no temporary files left


def test_atomic_writer_gives_normal_permissions(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_writer(target) as handle:
        handle.write("x")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "kill"])
def test_signal_while_opening_leaves_no_temporary_file(tmp_path, monkeypatch, signum):
    """A stop that lands between creating the temporary file and the stack owning it is
    held until the stack can discard it (a stray .tmp once failed a resumed batch)."""
    real = output.tempfile.mkstemp

    def mkstemp_then_stop(*args, **kwargs):
        made = real(*args, **kwargs)
        other = threading.Thread(target=time.sleep, args=(0.5,))  # as a BLAS thread may take the signal
        other.start()
        signal.pthread_kill(other.ident, signum)
        other.join()
        return made

    def stop_like_the_cli(signum, frame):  # `kill` stops as Ctrl-C does (cli._terminate)
        raise KeyboardInterrupt

    monkeypatch.setattr(output.tempfile, "mkstemp", mkstemp_then_stop)
    previous = signal.signal(signal.SIGTERM, stop_like_the_cli)
    try:
        with pytest.raises(KeyboardInterrupt), contextlib.ExitStack() as stack:
            open_atomic(stack, tmp_path / "out.txt")
            pytest.fail("the held signal was not delivered")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert list(tmp_path.iterdir()) == []


def test_open_atomic_leaves_a_handler_installed_from_c_alone(tmp_path, monkeypatch):
    """Python cannot put back a handler installed from C (``getsignal`` gives None; ``signal.signal``
    refuses None): such a signal is not held, and opening the output neither fails nor replaces it."""
    real = signal.getsignal
    monkeypatch.setattr(output.signal, "getsignal", lambda signum: None if signum == signal.SIGTERM else real(signum))
    replaced = []
    set_handler = signal.signal
    monkeypatch.setattr(output.signal, "signal", lambda signum, handler: replaced.append(signum) or set_handler(
        signum, handler))
    with contextlib.ExitStack() as stack:
        open_atomic(stack, tmp_path / "out.txt").write("x")
    assert (tmp_path / "out.txt").read_text() == "x"
    assert signal.SIGTERM not in replaced and signal.SIGINT in replaced


@pytest.mark.parametrize(("data", "http_charset", "expected"), [
    ('<meta charset="gbk"><p>中文</p>'.encode("gbk"), None, "中文"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=shift_jis"><p>日本語'.encode("shift_jis"),
     None, "日本語"),
    ("<p>café</p>".encode("utf-16"), None, "café"),  # byte-order mark
    ("<p>café</p>".encode("latin-1"), "iso-8859-1", "café"),  # HTTP header charset
    ("<p>café</p>".encode("cp1252"), None, "café"),  # undeclared, not UTF-8: cp1252
    ("<p>café</p>".encode("utf-8"), None, "café"),  # undeclared, valid UTF-8
])
def test_decode_html_finds_the_encoding(data: bytes, http_charset: str | None, expected: str) -> None:
    assert expected in decode_html(data, "page.html", http_charset)


def test_decode_html_rejects_empty_pages() -> None:
    with pytest.raises(BoilersiftError, match="page.html: empty input"):
        decode_html(b" \n ", "page.html")
