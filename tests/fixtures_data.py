"""Writers of tiny datasets in the official file formats, and data-config helpers, for tests."""

from __future__ import annotations

import gzip
import io
import pathlib
import pickle
import struct
import tarfile

import numpy as np

import noisecurv.data  # noqa: F401  (registers the datasets)
from noisecurv import configlib, registry
from noisecurv.data import cifar


def data_cfg(name: str, **overrides):
  """The data section `configlib.base(data=name)` builds, with `overrides` applied.

  Built from the dataset's schema and `configlib.data_common()` as `base` does,
  without importing the rest of the package.
  """
  cfg = registry.DATASETS.get(name).schema()
  cfg.name = name
  for k, v in configlib.data_common().items():
    if k not in cfg:
      cfg[k] = v
  for k, v in overrides.items():
    cfg[k] = v
  return cfg


def images(rng: np.random.Generator, n: int, h: int, w: int, c: int | None = None) -> np.ndarray:
  shape = (n, h, w) if c is None else (n, h, w, c)
  return rng.integers(0, 256, size=shape, dtype=np.uint8)


def idx_bytes(arr: np.ndarray) -> bytes:
  """IDX encoding: 0, 0, type code, ndim, big-endian uint32 dims, big-endian data."""
  codes = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(np.int16): 0x0B,
           np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D, np.dtype(np.float64): 0x0E}
  head = bytes([0, 0, codes[arr.dtype], arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
  return head + arr.astype(arr.dtype.newbyteorder(">")).tobytes()


def write_idx(path: pathlib.Path, arr: np.ndarray, compress: bool = True) -> pathlib.Path:
  data = idx_bytes(arr)
  path.write_bytes(gzip.compress(data) if compress else data)
  return path


def write_mnist(folder: pathlib.Path, x_tr, y_tr, x_te, y_te) -> pathlib.Path:
  """The four official `*-idx?-ubyte.gz` files of MNIST / Fashion-MNIST."""
  folder.mkdir(parents=True, exist_ok=True)
  write_idx(folder / "train-images-idx3-ubyte.gz", x_tr)
  write_idx(folder / "train-labels-idx1-ubyte.gz", y_tr.astype(np.uint8))
  write_idx(folder / "t10k-images-idx3-ubyte.gz", x_te)
  write_idx(folder / "t10k-labels-idx1-ubyte.gz", y_te.astype(np.uint8))
  return folder


def cifar_rows(x: np.ndarray) -> np.ndarray:
  """(N, 32, 32, 3) -> (N, 3072) rows in CHW order, as the official pickles store them."""
  return x.transpose(0, 3, 1, 2).reshape(len(x), 3072)


def _pickle_bytes(d: dict) -> bytes:
  # Bytes keys and latin-1 free content, as Python 2 pickles read with encoding='bytes'.
  return pickle.dumps(d, protocol=2)


def write_cifar(folder: pathlib.Path, name: str, splits: dict[str, dict[str, np.ndarray]],
                tarball: bool) -> pathlib.Path:
  """CIFAR python-version batches (extracted folder or tarball) of tfds-style `splits`.

  CIFAR-10: the train split is cut into the 5 data batches (in order).
  """
  layout = cifar.LAYOUTS[name]
  blobs = {}
  for split, members in layout.members.items():
    x = splits[split]["image"]
    parts = np.array_split(np.arange(len(x)), len(members))
    for m, idx in zip(members, parts):
      d = {b"batch_label": m.encode(), b"data": cifar_rows(x[idx]),
           b"filenames": [f"img_{i}.png".encode() for i in idx]}
      for ours, key in layout.label_keys.items():
        d[key.encode()] = [int(v) for v in splits[split][ours][idx]]
      blobs[m] = _pickle_bytes(d)
  folder.mkdir(parents=True, exist_ok=True)
  if tarball:
    with tarfile.open(folder / layout.tarball, "w:gz") as tar:
      for m, b in blobs.items():
        info = tarfile.TarInfo(f"{layout.folder}/{m}")
        info.size = len(b)
        tar.addfile(info, io.BytesIO(b))
  else:
    (folder / layout.folder).mkdir(exist_ok=True)
    for m, b in blobs.items():
      (folder / layout.folder / m).write_bytes(b)
  return folder


def write_svhn(folder: pathlib.Path, splits: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
  """`<split>_32x32.mat` with X (32, 32, 3, N) uint8 and y (N, 1) stored labels 1..10."""
  from scipy.io import savemat

  folder.mkdir(parents=True, exist_ok=True)
  for split, (x, y_stored) in splits.items():
    savemat(folder / f"{split}_32x32.mat",
            {"X": np.moveaxis(x, 0, 3), "y": y_stored.reshape(-1, 1).astype(np.uint8)})
