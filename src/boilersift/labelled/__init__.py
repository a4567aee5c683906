"""Labelled pages: the training format, (HTML, gold) pages, gold alignment, the site split."""
