"""Features -> probabilities: the three stages, their arrays, bundles on disk, explanations."""
