"""Datasets generated or bundled in memory (no files): sklearn digits, Gaussian blobs, Gauss-k."""

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


def balanced_labels(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
  """(n,) int32 with n//k of each class (the first n % k classes one more), shuffled.

  The class sizes of sklearn.make_blobs(n_samples=n, centers=k).
  """
  counts = np.full(k, n // k)
  counts[: n % k] += 1
  return rng.permutation(np.repeat(np.arange(k, dtype=np.int32), counts))


@DATASETS.register("gauss_k", num_classes=10, dim=50, n=100, n_test_synthetic=1000,
                   cluster_std=1.0, center_box=10.0, normalize="none")
def gauss_k(cfg, seed: int) -> Dataset:
  """Gauss-k of Li et al. (2019, App. A.1): k classes, each an isotropic Gaussian in `dim` dims.

  The paper: "equal number of points is randomly sampled from k Gaussian
  distributions N(μ_k, I) with μ_k generated uniformly between −10 and 10 in
  each dimension (the default setting provided by sklearn)", d = 50, n = 100,
  k ∈ {2, 10}. So, as sklearn.make_blobs(n, dim, centers=k, cluster_std,
  center_box=(−b, b)) with its own random stream: centers μ_c ~ U(−b, b)^dim,
  class sizes n//k (+1 for the first n % k classes), x = μ_y + cluster_std·z,
  z ~ N(0, I), examples in random order. The test split draws
  `n_test_synthetic` balanced points around the same centers (its size is not
  in the paper). Inputs are not normalised (normalize='none').

  Label corruption is the generic `data.label_noise` (the paper uses 0%/20% for
  k = 2 and 0%/15% for k = 10). The paper says the fraction r is taken "for
  each class"; with 10 points per class, 15% is not a whole number per class, so
  round(r·n) positions are corrupted uniformly over the whole training set,
  which gives each class the fraction r in expectation.
  """
  k, d = cfg.num_classes, cfg.dim
  if k < 1 or d < 1:
    raise ValueError(f"gauss_k needs num_classes >= 1 and dim >= 1, got {k}, {d}")
  centers_ss, train_ss, test_ss = np.random.SeedSequence([int(cfg.seed), int(seed), 13]).spawn(3)
  centers = np.random.default_rng(centers_ss).uniform(-cfg.center_box, cfg.center_box, (k, d))

  def draw(n, ss):
    rng = np.random.default_rng(ss)
    y = balanced_labels(n, k, rng)
    x = centers[y] + cfg.cluster_std * rng.standard_normal((n, d))
    return x.astype(np.float32), y

  x_tr, y_tr = draw(cfg.n, train_ss)
  x_te, y_te = draw(cfg.n_test_synthetic, test_ss)
  return Dataset("gauss_k", x_tr, y_tr, x_te, y_te, k, meta={"centers": centers.tolist()})
