"""Preprocessing of raw splits into the arrays an experiment trains on (pure numpy).

Order of operations (`preprocess`), each step on every split that exists:

1. subsets: `n_train` examples of the training split and `n_test` of the test
   split, the first ones (`subset='first'`) or a seeded random choice. Random
   subsets are the first n of one seeded permutation, so a smaller subset is
   contained in a larger one with the same seeds; indices are kept in file order.
2. validation split: the last `n_val` examples of the training subset.
3. cast to float32.
4. `greyscale`: ITU-R 601 luma, keeping a channel axis of 1.
5. `resize` to a side length: area averaging for integer downsampling factors,
   antialiased linear otherwise (`noisecurv.data.image_ops`).
6. `pad_to` a side length with zeros (before normalisation, so the border is
   black in the raw pixel scale, as for `fmnist32`).
7. `normalize`: 'standard' (per-channel z-score, statistics of the training
   split only; per feature for (N, d) inputs), 'pixel' (per-pixel z-score from
   the training split, Thomas et al. 2020), 'unit' (x/255), 'pm1'
   ((x − 127.5)/127.5) or 'none'.
8. `flatten` to (N, H·W·C).
9. label corruption of the training split (`label_noise`,
   `label_noise_force_wrong`); validation and test labels stay clean.

Random choices use separate streams per purpose, seeded by (data seed, run
seed, purpose), so the training subset does not change with `n_test` and the
corrupted labels do not change with the subset rule.
"""

from __future__ import annotations

import math

import numpy as np

from noisecurv.data import image_ops
from noisecurv.data.dataset import Dataset

NORMALIZATIONS = ("standard", "pixel", "unit", "pm1", "none")
# Purposes of the random streams.
_TRAIN_SUBSET, _TEST_SUBSET, _CORRUPTION = 1, 2, 3


def stream(cfg, seed: int, purpose: int) -> np.random.Generator:
  return np.random.default_rng([int(cfg.seed), int(seed), purpose])


def subset_indices(n_total: int, n: int | None, how: str, rng: np.random.Generator,
                   what: str = "n") -> np.ndarray | None:
  """Sorted indices of an n-subset of n_total examples; None for all of them."""
  if n is None or n == n_total:
    return None
  if not 0 <= n <= n_total:
    raise ValueError(f"data.{what}={n} but the split has {n_total} examples")
  if how == "first":
    return np.arange(n)
  if how == "random":
    return np.sort(rng.permutation(n_total)[:n])
  raise ValueError(f"data.subset {how!r} not in ('random', 'first')")


def corrupt_labels(y: np.ndarray, fraction: float, num_classes: int, rng: np.random.Generator,
                   force_wrong: bool = False) -> tuple[np.ndarray, np.ndarray]:
  """Replaces round(fraction·N) labels at positions chosen uniformly without replacement.

  A replaced label is uniform over the `num_classes` classes, so it keeps its
  old value with probability 1/num_classes; with `force_wrong` it is uniform
  over the other num_classes − 1 classes. Returns (new labels, mask), where
  mask[i] is True where label i was replaced (whether or not it changed).
  """
  if not 0.0 <= fraction <= 1.0:
    raise ValueError(f"label noise fraction must lie in [0, 1], got {fraction}")
  n = y.shape[0]
  k = int(round(fraction * n))
  mask = np.zeros(n, bool)
  y2 = y.copy()
  if k == 0:
    return y2, mask
  if force_wrong and num_classes < 2:
    raise ValueError("label_noise_force_wrong needs at least 2 classes")
  idx = rng.choice(n, k, replace=False)
  mask[idx] = True
  if force_wrong:
    y2[idx] = (y[idx] + rng.integers(1, num_classes, size=k)) % num_classes
  else:
    y2[idx] = rng.integers(0, num_classes, size=k)
  return y2, mask


def normalize(how: str, x_train: np.ndarray, *others: np.ndarray | None) -> list:
  """[x_train, *others] normalised with statistics of x_train only (see the module docstring)."""
  xs = [x_train, *others]
  if how == "none":
    return xs
  if how == "unit":
    return _each(lambda x: x / np.float32(255.0), xs)
  if how == "pm1":
    return _each(lambda x: (x - np.float32(127.5)) / np.float32(127.5), xs)
  if how == "standard":
    axes = tuple(range(x_train.ndim - 1))
  elif how == "pixel":
    axes = (0,)
  else:
    raise ValueError(f"data.normalize {how!r} not in {NORMALIZATIONS}")
  mu = x_train.mean(axis=axes, keepdims=True, dtype=np.float64).astype(np.float32)
  centred = x_train - mu
  # Two-pass variance with float64 accumulation; einsum avoids a float64 copy of the data.
  letters = "abcdefgh"[:x_train.ndim]
  kept = "".join(c for i, c in enumerate(letters) if i not in axes)
  count = math.prod(x_train.shape[i] for i in axes)
  var = np.einsum(f"{letters},{letters}->{kept}", centred, centred, dtype=np.float64) / count
  sd = np.sqrt(var).reshape(mu.shape)
  sd = np.where(sd > 1e-8, sd, 1.0)  # constant features (e.g. MNIST's corners) stay at 0
  inv = (1.0 / sd).astype(np.float32)
  centred *= inv
  return [centred, *_each(lambda x: (x - mu) * inv, list(others))]


def _each(fn, xs: list) -> list:
  return [None if x is None else fn(x) for x in xs]


def preprocess(raw: Dataset, cfg, seed: int) -> Dataset:
  """Raw Dataset -> preprocessed Dataset, in the order of the module docstring.

  Outputs are new arrays (never views of the raw ones, which may be cached):
  x float32; y int32 labels, or float32 targets when `num_classes == 0`.
  """
  tr = subset_indices(len(raw.y_train), cfg.n_train, cfg.subset,
                      stream(cfg, seed, _TRAIN_SUBSET), "n_train")
  te = subset_indices(len(raw.y_test), cfg.n_test, cfg.subset,
                      stream(cfg, seed, _TEST_SUBSET), "n_test")
  x_tr, y_tr = (raw.x_train, raw.y_train) if tr is None else (raw.x_train[tr], raw.y_train[tr])
  x_te, y_te = (raw.x_test, raw.y_test) if te is None else (raw.x_test[te], raw.y_test[te])
  x_va = y_va = None
  if cfg.n_val:
    if not 0 < cfg.n_val < len(y_tr):
      raise ValueError(f"data.n_val={cfg.n_val} must lie in (0, {len(y_tr)}), the training size")
    x_va, y_va = x_tr[-cfg.n_val:], y_tr[-cfg.n_val:]
    x_tr, y_tr = x_tr[:-cfg.n_val], y_tr[:-cfg.n_val]

  # A copy even for float32 inputs: outputs never share memory with the raw, cached arrays.
  xs = _each(lambda x: np.array(x, np.float32), [x_tr, x_te, x_va])
  if cfg.greyscale:
    xs = _each(image_ops.greyscale, xs)
  if cfg.resize is not None:
    xs = _each(lambda x: image_ops.resize(x, cfg.resize), xs)
  if cfg.pad_to is not None:
    xs = _each(lambda x: image_ops.pad_to(x, cfg.pad_to), xs)
  xs = normalize(cfg.normalize, *xs)
  if cfg.flatten:
    xs = _each(lambda x: x.reshape(len(x), -1), xs)
  x_tr, x_te, x_va = xs

  y_dtype = np.float32 if raw.num_classes == 0 else np.int32
  y_tr, y_te, y_va = _each(lambda y: np.asarray(y).astype(y_dtype, copy=True), [y_tr, y_te, y_va])
  y_clean, mask = y_tr.copy(), np.zeros(len(y_tr), bool)  # y_train may be changed in place
  if cfg.label_noise:
    if raw.num_classes == 0:
      raise ValueError("data.label_noise needs a classification dataset")
    y_tr, mask = corrupt_labels(y_clean, cfg.label_noise, raw.num_classes,
                                stream(cfg, seed, _CORRUPTION), cfg.label_noise_force_wrong)
  return Dataset(raw.name, x_tr, y_tr, x_te, y_te, raw.num_classes, x_va, y_va, mask, y_clean,
                 dict(raw.meta))
