"""Fitting models: the scikit-learn estimators and their export, augmentation, training, old bundles."""
