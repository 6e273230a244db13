"""Preprocessing of raw splits: subsets, label corruption, validation split, normalisation."""

from __future__ import annotations

import numpy as np

from noisecurv.data.dataset import Dataset


def _subset(x, y, n, how, rng):
  if n is None or n >= x.shape[0]:
    return x, y
  if how == "first":
    idx = np.arange(n)
  else:
    idx = np.sort(rng.choice(x.shape[0], n, replace=False))
  return x[idx], y[idx]


def corrupt_labels(y: np.ndarray, fraction: float, num_classes: int, rng: np.random.Generator,
                   force_wrong: bool = False) -> tuple[np.ndarray, np.ndarray]:
  """Replaces round(fraction·N) labels, chosen at random, by uniform random classes.

  Returns (new labels, mask of replaced positions). With `force_wrong` the new
  label always differs from the old one.
  """
  n = y.shape[0]
  k = int(round(fraction * n))
  mask = np.zeros(n, bool)
  if k == 0:
    return y.copy(), mask
  idx = rng.choice(n, k, replace=False)
  mask[idx] = True
  y2 = y.copy()
  if force_wrong:
    shift = rng.integers(1, num_classes, size=k)
    y2[idx] = (y[idx] + shift) % num_classes
  else:
    y2[idx] = rng.integers(0, num_classes, size=k)
  return y2, mask


def preprocess(raw: Dataset, cfg, seed: int) -> Dataset:
  rng = np.random.default_rng([int(cfg.seed), int(seed), 7])
  x_tr, y_tr = _subset(raw.x_train, raw.y_train, cfg.n_train, cfg.subset, rng)
  x_te, y_te = _subset(raw.x_test, raw.y_test, cfg.n_test, cfg.subset, rng)
  x_va = y_va = None
  if cfg.n_val:
    x_va, y_va = x_tr[-cfg.n_val:], y_tr[-cfg.n_val:]
    x_tr, y_tr = x_tr[:-cfg.n_val], y_tr[:-cfg.n_val]
  x_tr, x_te = x_tr.astype(np.float32), x_te.astype(np.float32)
  if x_va is not None:
    x_va = x_va.astype(np.float32)
  x_tr, x_te, x_va = _normalize(cfg.normalize, x_tr, x_te, x_va)
  if cfg.flatten:
    x_tr, x_te = x_tr.reshape(len(x_tr), -1), x_te.reshape(len(x_te), -1)
    if x_va is not None:
      x_va = x_va.reshape(len(x_va), -1)
  mask = np.zeros(len(y_tr), bool)
  y_clean = y_tr
  if cfg.label_noise:
    if raw.num_classes == 0:
      raise ValueError("data.label_noise needs a classification dataset")
    y_tr, mask = corrupt_labels(y_tr, cfg.label_noise, raw.num_classes, rng,
                                cfg.label_noise_force_wrong)
  return Dataset(raw.name, x_tr, y_tr, x_te, y_te, raw.num_classes, x_va, y_va, mask, y_clean,
                 dict(raw.meta))


def _normalize(how, x_tr, x_te, x_va):
  if how == "none":
    return x_tr, x_te, x_va
  if how == "standard":
    axes = tuple(range(x_tr.ndim - 1)) if x_tr.ndim > 2 else (0,)
    mu = x_tr.mean(axis=axes, keepdims=True)
    sd = x_tr.std(axis=axes, keepdims=True)
    sd = np.where(sd > 1e-8, sd, 1.0)
    f = lambda x: None if x is None else ((x - mu) / sd).astype(np.float32)
    return f(x_tr), f(x_te), f(x_va)
  if how == "unit":
    f = lambda x: None if x is None else (x / 255.0).astype(np.float32)
    return f(x_tr), f(x_te), f(x_va)
  if how == "pm1":
    f = lambda x: None if x is None else ((x - 127.5) / 127.5).astype(np.float32)
    return f(x_tr), f(x_te), f(x_va)
  raise ValueError(f"data.normalize {how!r} not in ('standard', 'unit', 'pm1', 'none')")
