"""The loops compiled at install (``_compiled.pyx``, built by ``hatch_build.py``): the tree walk, the
word hashing, the content words. `loops` is None where they could not be built (no C compiler);
their callers then compute the same in numpy and Python, slower. Setting it to None does that
everywhere (the tests compare both ways; ``experiments/bench_speed.py`` times both)."""

from __future__ import annotations

from types import ModuleType

try:
    from . import _compiled as loops_module
except ImportError:  # pragma: no cover - an install without a C compiler
    loops_module = None

loops: ModuleType | None = loops_module
