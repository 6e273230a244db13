"""IDX files (MNIST, Fashion-MNIST): a big-endian header, then raw row-major data, usually gzipped.

Header: two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C
int32, 0x0D float32, 0x0E float64), the number of dimensions, then one
big-endian uint32 per dimension. Images are `0x00000803` (N, 28, 28) uint8,
labels `0x00000801` (N,) uint8.
"""

from __future__ import annotations

import gzip
import math
import pathlib
import struct

import numpy as np

from noisecurv.data.files import cached_by_files, file_stamp

_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_MAGIC = b"\x1f\x8b"

# (images, labels) file names of the official distribution, per split.
MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


def parse_idx(buf: bytes) -> np.ndarray:
  """The array stored in the (uncompressed) bytes of one IDX file, in native byte order."""
  if len(buf) < 4 or buf[0] != 0 or buf[1] != 0 or buf[2] not in _TYPES:
    raise ValueError("not an IDX file: the magic number must be 0x0000TTDD with a known type TT")
  ndim = buf[3]
  header = 4 + 4 * ndim
  if len(buf) < header:
    raise ValueError(f"IDX header truncated: {ndim} dimensions need {header} bytes")
  shape = struct.unpack(f">{ndim}I", buf[4:header])
  dtype = np.dtype(_TYPES[buf[2]])
  count = math.prod(shape)
  if len(buf) - header != count * dtype.itemsize:
    raise ValueError(f"IDX payload of {len(buf) - header} bytes does not match shape {shape} "
                     f"of {dtype.name}")
  arr = np.frombuffer(buf, dtype, count, header).reshape(shape)
  return arr if dtype.itemsize == 1 else arr.astype(dtype.newbyteorder("="))


@cached_by_files()
def _read_idx(stamp) -> np.ndarray:
  path = stamp[0][0]
  with open(path, "rb") as f:
    buf = f.read()
  if buf[:2] == _GZIP_MAGIC:
    buf = gzip.decompress(buf)
  return parse_idx(buf)


def read_idx(path: str | pathlib.Path) -> np.ndarray:
  """Reads an IDX file, gzipped or not (decided by its first bytes); cached, read-only."""
  return _read_idx(file_stamp(pathlib.Path(path)))


def find_idx(folder: pathlib.Path, name: str) -> pathlib.Path | None:
  """`folder/name`, or the same file decompressed (without `.gz`), or None."""
  for candidate in (folder / name, folder / name.removesuffix(".gz")):
    if candidate.is_file():
      return candidate
  return None


def read_mnist_split(images: pathlib.Path, labels: pathlib.Path) -> dict[str, np.ndarray]:
  """{'image': (N, H, W, 1) uint8, 'label': (N,) int32} from one pair of IDX files."""
  x, y = read_idx(images), read_idx(labels)
  if x.ndim != 3 or x.dtype != np.uint8:
    raise ValueError(f"{images}: expected (N, H, W) uint8 images, got {x.shape} {x.dtype}")
  if y.ndim != 1 or y.shape[0] != x.shape[0]:
    raise ValueError(f"{labels}: expected ({x.shape[0]},) labels, got {y.shape}")
  return {"image": x[..., None], "label": y.astype(np.int32)}
