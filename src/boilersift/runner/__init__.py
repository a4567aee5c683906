"""Inputs -> documents -> classified outputs: sources, limits, workers, batches, sinks, Dask, datasets."""
