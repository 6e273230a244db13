"""SVHN cropped digits: `train_32x32.mat`, `test_32x32.mat`, `extra_32x32.mat` (MATLAB v5).

Each file holds `X`, (32, 32, 3, N) uint8, and `y`, (N, 1) with values 1..10,
where 10 stands for the digit 0. We return the digit, y % 10, as
tensorflow-datasets' `svhn_cropped` and torchvision do.
"""

from __future__ import annotations

import pathlib

import numpy as np

from noisecurv.data.files import cached_by_files, file_stamp

SVHN_FILES = {"train": "train_32x32.mat", "test": "test_32x32.mat", "extra": "extra_32x32.mat"}
SVHN_URL = "http://ufldl.stanford.edu/housenumbers/"


@cached_by_files(maxsize=3)
def _read_mat(stamp) -> dict[str, np.ndarray]:
  from scipy.io import loadmat  # scipy is slow to import; only SVHN needs it

  path = stamp[0][0]
  m = loadmat(path)
  x, y = np.asarray(m["X"]), np.asarray(m["y"]).reshape(-1)
  if x.ndim != 4 or x.shape[:3] != (32, 32, 3) or x.shape[3] != y.shape[0]:
    raise ValueError(f"{path}: expected X (32, 32, 3, N) and y (N, 1), got {x.shape}, {y.shape}")
  if y.size and (y.min() < 1 or y.max() > 10):
    raise ValueError(f"{path}: labels must lie in 1..10, got {y.min()}..{y.max()}")
  image = np.ascontiguousarray(np.moveaxis(x, 3, 0).astype(np.uint8, copy=False))
  return {"image": image, "label": (y.astype(np.int32) % 10)}


def read_svhn_split(path: pathlib.Path) -> dict[str, np.ndarray]:
  """{'image': (N, 32, 32, 3) uint8, 'label': (N,) int32 digit 0..9} from one .mat file; cached."""
  return _read_mat(file_stamp(path))
