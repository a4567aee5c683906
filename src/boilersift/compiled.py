"""The loops compiled at install (``_compiled.pyx``, built by ``hatch_build.py``): the tree walk, the
word hashing, the content words, the line shapes, the scans for sentence ends, dates and phrases.
`loops` is None where they could not be built (no C compiler); their callers then compute the same
in numpy and Python, slower. Setting it to None does that
everywhere (the tests compare both ways; ``experiments/bench_speed.py`` times both)."""

try:
    from . import _compiled as loops
except ImportError:  # pragma: no cover - an install without a C compiler
    loops = None
