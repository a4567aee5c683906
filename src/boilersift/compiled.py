"""What the install compiled (``hatch_build.py``) with the machine's C compiler:

* ``loops``: the loops of ``_compiled.pyx`` (the tree walk, the word hashing, the content words,
  the line shapes, the scans for sentence ends, dates and phrases, the character classes), or None where they could not
  be built; their callers then compute the same in numpy and Python, slower. Setting it to None
  does that everywhere;
* the HTML segmenter: ``blocks/html.py`` compiled as it is (typed by ``blocks/html.pxd``), which
  Python imports in place of its source. :func:`from_source` loads it from the source, as an
  install without a C compiler runs it;
* ``blocks/_libxml2.pyx``, which hands libxml2's parse events to the segmenter without lxml's
  Python layer; ``blocks.html._libxml2`` is None where it could not be built (no C compiler, no
  ``dlfcn.h``), and the segmenter gets the same events through lxml's parser target, slower, as
  it also does where lxml's libxml2 is of another version than the one it was built for.

The tests compare both ways; ``experiments/bench_speed.py`` times both.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

try:
    from . import _compiled as loops
except ImportError:  # pragma: no cover - an install without a C compiler
    loops = None


def from_source(module: ModuleType) -> ModuleType:
    """A fresh copy of `module` run from its Python source, even where the install compiled it."""
    source = Path(module.__file__).with_name(module.__name__.rpartition(".")[2] + ".py")
    spec = importlib.util.spec_from_file_location(f"{module.__name__}_from_source", source)
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    return copy
