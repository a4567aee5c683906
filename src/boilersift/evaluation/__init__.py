"""Scoring models on labelled pages: metrics, baselines, reports."""
