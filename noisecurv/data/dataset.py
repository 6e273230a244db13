"""The Dataset container and the load pipeline (raw loader -> preprocessing)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from noisecurv import registry


@dataclasses.dataclass
class Dataset:
  """Arrays of one experiment's data (numpy, host memory).

  x_*: (N, ...) float32; y_*: (N,) int32 class labels, or (N, k) float32 targets
  when `num_classes == 0` (regression). `noisy_mask[i]` is True where training
  label i was replaced by label corruption; `y_train_clean` keeps the originals.
  """

  name: str
  x_train: np.ndarray
  y_train: np.ndarray
  x_test: np.ndarray
  y_test: np.ndarray
  num_classes: int
  x_val: np.ndarray | None = None
  y_val: np.ndarray | None = None
  noisy_mask: np.ndarray | None = None
  y_train_clean: np.ndarray | None = None
  meta: dict[str, Any] = dataclasses.field(default_factory=dict)

  @property
  def input_shape(self) -> tuple[int, ...]:
    return tuple(self.x_train.shape[1:])

  @property
  def n_train(self) -> int:
    return int(self.x_train.shape[0])


def load(cfg, seed: int = 0) -> Dataset:
  """Loads `cfg.name` with its registered loader, then applies preprocessing.

  `cfg` is a config's data section (the dataset's keys and the generic ones of
  `configlib.data_common`); `seed` is folded with `cfg.seed` into every random
  choice (generated data, subsets, label corruption).
  """
  from noisecurv.data.files import DatasetNotFoundError
  from noisecurv.data.preprocess import preprocess

  entry = registry.DATASETS.get(cfg.name)
  try:
    raw = entry.fn(cfg, seed)
  except DatasetNotFoundError:
    if cfg.get("standin", "none") != "fixture":
      raise
    from noisecurv.data.formats import standin_dir

    cfg = cfg.copy_and_resolve_references()
    cfg.data_dir = str(standin_dir(cfg.name))
    raw = entry.fn(cfg, seed)
    raw.meta["standin"] = True
  return preprocess(raw, cfg, seed)


def probe_subset(x: np.ndarray, y: np.ndarray, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
  """A fixed subset of n examples (all when n <= 0 or n >= N), chosen by seed."""
  if n <= 0 or n >= x.shape[0]:
    return x, y
  idx = np.sort(np.random.default_rng(seed).choice(x.shape[0], n, replace=False))
  return x[idx], y[idx]
