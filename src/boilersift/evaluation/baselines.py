"""Simple line rules the model is measured against in every evaluation."""

from __future__ import annotations

from typing import Callable

C4_TERMINAL = (".", "!", "?", '"', "'", "”", "’", "。", "！", "？")


def c4_rule(line: str) -> int:
    """C4's line filter: keep lines ending in terminal punctuation with at least 3 words."""
    line = line.strip()
    return int(line.endswith(C4_TERMINAL) and len(line.split()) >= 3)


def keep_all(line: str) -> int:
    """Keep everything: the recall ceiling and the score of doing nothing."""
    return 1


BASELINES: dict[str, Callable[[str], int]] = {"c4_rules": c4_rule, "keep_all": keep_all}
