"""Datasets generated or bundled in memory (no files): sklearn digits, Gaussian blobs."""

from __future__ import annotations

import numpy as np

from noisecurv.data.dataset import Dataset
from noisecurv.registry import DATASETS


@DATASETS.register("digits", test_fraction=0.25)
def digits(cfg, seed: int) -> Dataset:
  """scikit-learn's bundled 8x8 digits (1,797 images, 10 classes), as (N, 8, 8, 1) in [0, 16]."""
  from sklearn.datasets import load_digits

  d = load_digits()
  x = d.images.astype(np.float32)[..., None]
  y = d.target.astype(np.int32)
  rng = np.random.default_rng(0)  # the split is part of the dataset, not of the run
  perm = rng.permutation(len(y))
  n_test = int(round(cfg.test_fraction * len(y)))
  te, tr = perm[:n_test], perm[n_test:]
  return Dataset("digits", x[tr], y[tr], x[te], y[te], 10, meta={"source": "sklearn"})


@DATASETS.register("blobs", num_classes=3, dim=2, n=300, n_test_synthetic=300, cluster_std=1.0,
                   center_box=10.0)
def blobs(cfg, seed: int) -> Dataset:
  """Isotropic Gaussian blobs as sklearn.make_blobs: centers ~ U(±center_box)^dim."""
  rng = np.random.default_rng([int(cfg.seed), int(seed), 11])
  centers = rng.uniform(-cfg.center_box, cfg.center_box, size=(cfg.num_classes, cfg.dim))

  def draw(n):
    y = rng.integers(0, cfg.num_classes, size=n).astype(np.int32)
    x = centers[y] + cfg.cluster_std * rng.standard_normal((n, cfg.dim))
    return x.astype(np.float32), y

  x_tr, y_tr = draw(cfg.n)
  x_te, y_te = draw(cfg.n_test_synthetic)
  return Dataset("blobs", x_tr, y_tr, x_te, y_te, cfg.num_classes,
                 meta={"centers": centers.tolist()})
