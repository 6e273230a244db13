"""Writing datasets in their official file formats, and stand-ins for missing datasets.

The writers produce the exact layouts the loaders read (gzip IDX for MNIST and
Fashion-MNIST, python pickles (folder or tarball) for CIFAR, `.mat` for SVHN);
the tests use them to check the loaders, and `standin_dir` uses them to build a
small stand-in dataset when the real files are missing and a smoke config asks
for one (`data.standin = "fixture"`). A stand-in is never silent: it prints a
warning and the dataset's meta says `standin: True`.
"""

from __future__ import annotations

import gzip
import io
import pathlib
import pickle
import struct
import sys
import tarfile
import tempfile

import numpy as np

from noisecurv.data import cifar


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


# ---------------------------------------------------------------------------
# Stand-ins: official shapes and formats, random learnable content

SHAPES = {"mnist": (28, 28, None, 10), "fashion_mnist": (28, 28, None, 10),
          "cifar10": (32, 32, 3, 10), "cifar100": (32, 32, 3, 100), "svhn": (32, 32, 3, 10)}


def _learnable(rng, n, h, w, c, k):
  """Noise images whose class sets the brightness of one of k horizontal bands."""
  y = rng.integers(0, k, size=n)
  x = rng.integers(0, 96, size=(n, h, w) + ((c,) if c else ()), dtype=np.uint8)
  band = max(h // k, 1)
  for i in range(n):
    r0 = (y[i] * band) % h
    x[i, r0:r0 + band] = np.minimum(255, x[i, r0:r0 + band].astype(np.int32) + 150)
  return x, y


def standin_dir(name: str, n_train: int = 512, n_test: int = 256, seed: int = 0) -> pathlib.Path:
  """A data directory holding a small stand-in of `name` in its official format."""
  h, w, c, k = SHAPES[name]
  root = pathlib.Path(tempfile.gettempdir()) / f"noisecurv-standin-{n_train}-{n_test}-{seed}"
  folder = root / name
  if not (folder / ".complete").exists():
    rng = np.random.default_rng(seed)
    x_tr, y_tr = _learnable(rng, n_train, h, w, c, k)
    x_te, y_te = _learnable(rng, n_test, h, w, c, k)
    if name in ("mnist", "fashion_mnist"):
      write_mnist(folder, x_tr, y_tr, x_te, y_te)
    elif name in ("cifar10", "cifar100"):
      splits = {"train": {"image": x_tr, "label": y_tr}, "test": {"image": x_te, "label": y_te}}
      if name == "cifar100":
        for s in splits.values():
          s["coarse_label"] = s["label"] // 5
      write_cifar(folder, name, splits, tarball=False)
    else:
      stored = lambda y: np.where(y == 0, 10, y)  # SVHN stores digit 0 as 10
      write_svhn(folder, {"train": (x_tr, stored(y_tr)), "test": (x_te, stored(y_te))})
    (folder / ".complete").write_text("stand-in\n")
  print(f"[noisecurv] WARNING: dataset {name!r} not found; using a {n_train}/{n_test}-example "
        f"random stand-in in the official format ({folder}). Results on it say nothing about "
        f"{name}.", file=sys.stderr, flush=True)
  return root
