"""Reading and writing the data formats: labelled scrapes and (HTML, gold) pages.

The **training format** is JSON Lines (optionally gzip-compressed), one page per line::

    {"id": "page-1", "lines": ["Home", "The article ..."], "labels": ["noise", "content"]}

plus optional metadata (``source``, ``page_type``, ``lang``, ``url``, ``site``,
``style``, ``gold``); labels may also be 0 (noise) and 1 (content). It is what
``boilersift label`` writes, what users write by hand, and what ``predict`` writes for
record inputs (so a corrected prediction is training data); ``predict``'s JSON Lines of
single lines (``line_no``, ``label``, ``text``, in a batch ``source``) are read as one
page per source. ``datasets.load_dataset("json", data_files=...)`` reads it too.

The **gold format** is the one of ``../shared/datasets/``: ``{"id", "html", "gold", ...}``.
:func:`label_record` turns one such page into a labelled scrape.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..blocks.page import page_blocks
from ..blocks.text import Block, script_lines, segment_text
from ..decide import LABELS
from ..errors import BoilersiftError, InputError
from ..output import atomic_writer
from ..sites import site_of_url
from .labels import align_labels

METADATA_FIELDS = ("source", "page_type", "lang", "url", "site", "style")


@dataclass
class LabeledPage:
    """One page as the model sees it: its blocks, their labels, and where it came from."""

    id: str
    blocks: list[Block]
    labels: list[int]
    meta: dict[str, str | None] = field(default_factory=dict)
    gold: str | None = None  # the gold text, when known (else the content lines)

    @property
    def texts(self) -> list[str]:
        return [b.text for b in self.blocks]

    @property
    def gold_text(self) -> str:
        if self.gold is not None:
            return self.gold
        return "\n".join(b.text for b, y in zip(self.blocks, self.labels) if y)

    def to_record(self) -> dict:
        record = {"id": self.id, "lines": [b.text for b in self.blocks], "labels": [LABELS[y] for y in self.labels]}
        record.update({k: v for k, v in self.meta.items() if v is not None})
        if self.gold is not None:
            record["gold"] = self.gold
        return record


def read_jsonl(path: str | Path) -> Iterator[dict]:
    """Records of a JSON Lines file, plain or gzip-compressed, with errors naming the line."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BoilersiftError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
                if not isinstance(record, dict):
                    raise BoilersiftError(f"{path}:{number}: expected a JSON object per line")
                yield record
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read ({exc})") from None


def write_jsonl(records: Iterable[dict], path: str | Path) -> int:
    """Write records atomically (temporary file, then rename); returns how many."""
    n = 0
    with atomic_writer(path, binary=str(path).endswith(".gz")) as handle:
        stream = gzip.open(handle, "wt", encoding="utf-8") if str(path).endswith(".gz") else handle
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
        if stream is not handle:
            stream.close()
    return n


def site_of(record: dict) -> str:
    """The site a page belongs to, for splitting train/dev by site, never by line."""
    if record.get("site"):
        return str(record["site"])
    url = record.get("url")
    if url:
        return site_of_url(url) or str(url).removeprefix("www.")
    match = re.match(r"fundus-[a-z]+-([A-Za-z]+)", str(record.get("id", "")))
    if match:  # fundus ids name the publisher: fundus-at-DerStandard_2024_05_03.html.gz
        return f"fundus:{match.group(1)}"
    return str(record.get("id"))


def _site_percentile(site: str) -> int:
    digest = hashlib.sha256(site.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % 100


def is_dev_site(site: str, dev_percent: int = 20, fold: int = 0) -> bool:
    """Stable train/dev assignment by a hash of the site: the same site is always on
    the same side, whatever else is in the data. Fold k holds out the k-th block of
    `dev_percent` of the sites (fold 0, the default, is the shipped models' dev
    split); folds 0 .. 100 / dev_percent - 1 cross-validate by site."""
    return fold * dev_percent <= _site_percentile(site) < (fold + 1) * dev_percent


def site_fold(site: str, dev_percent: int = 20) -> int:
    """The fold whose dev split holds `site` (see :func:`is_dev_site`)."""
    return _site_percentile(site) // dev_percent


def _label_value(label: object, where: str) -> int:
    """0 (noise) or 1 (content), from a label of :data:`decide.LABELS` or its class number."""
    if label in LABELS:
        return LABELS.index(label)
    if label in (0, 1) and not isinstance(label, float):
        return int(label)
    raise InputError(where, f"labels must be {LABELS[0]!r} or {LABELS[1]!r} (or 0 and 1), not {label!r}")


def page_from_record(record: dict, where: str = "record") -> LabeledPage:
    """A LabeledPage from one record of the training format, validated."""
    lines, labels = record.get("lines"), record.get("labels")
    if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
        raise InputError(where, "'lines' must be a list of strings")
    if not isinstance(labels, list) or len(labels) != len(lines):
        raise InputError(where, "'labels' must be a list as long as 'lines'")
    kept = [(line, label) for line, label in zip(lines, labels) if line.strip()]
    kept = [pair for pair, script in zip(kept, script_lines([line for line, _ in kept])) if not script]  # as predict
    label_values = [_label_value(label, where) for _, label in kept]
    blocks = segment_text("\n".join(line for line, _ in kept))
    meta = {k: record.get(k) for k in METADATA_FIELDS}
    meta["site"] = site_of(record)
    return LabeledPage(str(record.get("id", where)), blocks, label_values, meta, record.get("gold"))


def label_record(record: dict, style: str) -> LabeledPage:
    """Segment an (HTML, gold) page (see :func:`page_blocks`) and label its blocks by alignment."""
    blocks = page_blocks(record["html"], style)
    labels = align_labels([b.text for b in blocks], record.get("gold") or "")
    meta = {k: record.get(k) for k in METADATA_FIELDS}
    meta.update(site=site_of(record), style=style)
    return LabeledPage(f"{record['id']}#{style}", blocks, labels, meta, record.get("gold") or "")


def is_gold_record(record: dict) -> bool:
    return "html" in record and "gold" in record


def is_line_record(record: dict) -> bool:
    """One line of predict's JSON Lines output (``line_no``, ``label``, ``text``)."""
    return "line_no" in record and "label" in record and "text" in record and "lines" not in record


def _line_pages(numbered: Iterable[tuple[int, dict]], path: str | Path) -> Iterator[LabeledPage]:
    """Consecutive line records as pages, one per ``source`` (the file, when there is none)."""
    for source, group in itertools.groupby(numbered, key=lambda item: item[1].get("source", str(path))):
        group = list(group)
        first = group[0][1]
        record = {"id": source, "lines": [r["text"] for _, r in group], "labels": [r["label"] for _, r in group],
                  **({"page_type": first["page_type"]} if "page_type" in first else {})}
        yield page_from_record(record, f"{path}:{group[0][0]}")


def load_pages(paths: Iterable[str | Path], styles: Iterable[str] = ("nodes",)) -> list[LabeledPage]:
    """Pages from training-format files, predict's JSON Lines and/or (HTML, gold) files;
    gold pages are rendered and labelled in each of `styles`."""
    styles = list(styles)
    pages: list[LabeledPage] = []
    for path in paths:
        numbered = enumerate(read_jsonl(path), start=1)
        for lines, group in itertools.groupby(numbered, key=lambda item: is_line_record(item[1])):
            if lines:
                pages.extend(_line_pages(group, path))
                continue
            for number, record in group:
                if is_gold_record(record):
                    pages.extend(label_record(record, style) for style in styles)
                else:
                    pages.append(page_from_record(record, f"{path}:{number}"))
    return pages


def fingerprint(pages: list[LabeledPage]) -> dict:
    """What a model was trained on: counts and a hash of every line and label."""
    digest = hashlib.sha256()
    for page in pages:
        digest.update(page.id.encode("utf-8"))
        for block, label in zip(page.blocks, page.labels):
            digest.update(f"{label}\t{block.text}\n".encode("utf-8"))
    sources: dict[str, int] = {}
    for page in pages:
        source = page.meta.get("source") or "unknown"
        sources[source] = sources.get(source, 0) + 1
    return {
        "sha256": digest.hexdigest(),
        "pages": len(pages),
        "lines": sum(len(p.blocks) for p in pages),
        "content_lines": sum(sum(p.labels) for p in pages),
        "pages_per_source": sources,
    }
