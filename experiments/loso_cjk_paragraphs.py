"""A paragraph of running prose in Chinese and Japanese: how many of their characters
(``decide.PARAGRAPH_CHARACTERS``) count as long, leave one source out, HTML and text models.

A paragraph (``decide.is_paragraph``) is a long line ending a sentence: 20 white-space separated
words, which a line written without spaces never has. So a Chinese or Japanese paragraph got
neither the text models' paragraph margin nor the passages' smoothing. Every page of the nine
sources, scored by the model that never saw its source (as in ``loso_paragraph_margin.py``), is
decided with each count (none: the words alone), all else as shipped; then the count is chosen on
the other eight sources and scored on the ninth. Word F1 (character F1 on unspaced languages),
mean over pages.

    python experiments/loso_cjk_paragraphs.py --loso-models DIR/html-* --loso-text-models TDIR/text-*

Writes ``loso_cjk_paragraphs.json`` and ``.md`` into --output-dir.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

from loso_decisions import kept_text  # noqa: E402
from loso_paragraph_margin import (  # noqa: E402
    fold_arguments,
    held_out_folds,
    rows_per_set,
    sweep_rows,
    write_fold_report,
)

from boilersift import decide  # noqa: E402
from boilersift.decide import DecisionConfig  # noqa: E402

COUNTS = (None, 30, 40, 60, 80, 100, 150)  # None: no line is long by its characters


def count_rows(pages: list, config: DecisionConfig, label: str) -> dict[str, dict]:
    """Each count's scores on `pages`, and the count chosen on the other sources for each."""
    shipped, outputs = decide.PARAGRAPH_CHARACTERS, {}
    try:
        for count in COUNTS:
            decide.PARAGRAPH_CHARACTERS = count if count is not None else float("inf")
            outputs[count] = [kept_text(p, config) for p in pages]
    finally:
        decide.PARAGRAPH_CHARACTERS = shipped
    return sweep_rows(pages, outputs, label, "characters", shipped)


def main(argv: list[str] | None = None) -> int:
    args = fold_arguments(__doc__.split("\n\n")[0]).parse_args(argv)
    folds = html, _, text = held_out_folds(args)
    write_fold_report("loso_cjk_paragraphs", "A Chinese or Japanese paragraph by its characters, leave one source out",
                      args, argv, folds, rows_per_set(count_rows, html, text))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
