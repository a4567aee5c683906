"""Blocks -> features: the one feature module train, evaluate and predict share, and its lexicon."""
