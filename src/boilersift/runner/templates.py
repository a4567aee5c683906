"""The file of site templates that ``boilersift templates`` gathers from many WARC or record files
(:func:`.batch.gather_site_templates`) and ``predict --templates`` reads instead of a first pass over
each input.

``predict --by-site`` finds a site's template only among the pages of one input, and reads
every input twice. A crawl split into many files has a site's pages in several of them, and a
crawl run on many machines cannot share a first pass: the file carries the templates to every
run (local, Dask, the datatrove step). It holds plain arrays (``numpy.savez``, read without
pickle), 8 bytes a template line.
"""

from __future__ import annotations

import functools
import zipfile
from pathlib import Path

import numpy as np

from ..errors import BoilersiftError
from ..output import atomic_writer
from ..sites import TemplateTable

FORMAT_VERSION = 2  # 2 added `input_formats`; a file of version 1 fits pages of any kind
ARRAYS = {1: ("format_version", "min_pages", "sites", "offsets", "keys"),
          2: ("format_version", "min_pages", "sites", "offsets", "keys", "input_formats")}


def save_templates(table: TemplateTable, path: str | Path) -> Path:
    """Write `table` to `path` (replaced atomically)."""
    with atomic_writer(path, binary=True) as handle:
        np.savez_compressed(handle, format_version=FORMAT_VERSION, min_pages=table.min_pages, sites=table.sites,
                            offsets=table.offsets, keys=table.keys,
                            input_formats=np.array(table.input_formats, dtype="U4"))
    return Path(path)


def load_templates(path: str | Path) -> TemplateTable:
    """The table of a file :func:`save_templates` wrote, loaded once per process (again if the
    file changed since)."""
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        raise BoilersiftError(f"{path}: no such templates file") from None
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, size: int) -> TemplateTable:
    try:
        with np.load(path, allow_pickle=False) as data:
            if "format_version" not in data.files:
                raise ValueError(f"arrays {', '.join(sorted(data.files))}")
            version = int(data["format_version"])
            if version not in ARRAYS:
                raise ValueError(f"format {version}, this boilersift reads {', '.join(map(str, ARRAYS))}")
            if sorted(data.files) != sorted(ARRAYS[version]):
                raise ValueError(f"arrays {', '.join(sorted(data.files))}")
            formats = tuple(str(f) for f in data["input_formats"]) if version >= 2 else ()
            return TemplateTable(data["sites"], data["offsets"].astype(np.int64), data["keys"].astype(np.int64),
                                 int(data["min_pages"]), formats, path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise BoilersiftError(f"{path}: not a file of 'boilersift templates' ({exc})") from None
