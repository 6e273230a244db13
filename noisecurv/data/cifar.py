"""CIFAR-10/100, python version: pickled batches, from the tarball or its extracted folder.

Each batch is a dict (bytes keys; `pickle.load(f, encoding='bytes')`) whose
`data` holds (N, 3072) uint8 rows in CHW order (1024 red, 1024 green, 1024
blue values, each 32x32 row-major); CIFAR-10 stores `labels`, CIFAR-100
`fine_labels` and `coarse_labels`. The pickles are read only from the official
distribution: unpickling runs code, so never point this at untrusted files.
"""

from __future__ import annotations

import dataclasses
import pathlib
import pickle
import tarfile

import numpy as np

from noisecurv.data.files import cached_by_files, file_stamp


@dataclasses.dataclass(frozen=True)
class CifarLayout:
  folder: str  # the extracted folder's name
  tarball: str
  members: dict[str, tuple[str, ...]]  # split -> batch files
  label_keys: dict[str, str]  # our label name -> key in the batch dict
  url: str


CIFAR10 = CifarLayout(
    folder="cifar-10-batches-py",
    tarball="cifar-10-python.tar.gz",
    members={"train": tuple(f"data_batch_{i}" for i in range(1, 6)), "test": ("test_batch",)},
    label_keys={"label": "labels"},
    url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
)
CIFAR100 = CifarLayout(
    folder="cifar-100-python",
    tarball="cifar-100-python.tar.gz",
    members={"train": ("train",), "test": ("test",)},
    label_keys={"label": "fine_labels", "coarse_label": "coarse_labels"},
    url="https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
)
LAYOUTS = {"cifar10": CIFAR10, "cifar100": CIFAR100}


def decode_rows(rows: np.ndarray) -> np.ndarray:
  """(N, 3072) CHW rows -> (N, 32, 32, 3) NHWC uint8."""
  rows = np.asarray(rows, np.uint8)
  if rows.ndim != 2 or rows.shape[1] != 3072:
    raise ValueError(f"CIFAR rows must be (N, 3072), got {rows.shape}")
  return np.ascontiguousarray(rows.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))


def _field(batch: dict, key: str):
  # The official pickles come from Python 2, so their keys are bytes under encoding='bytes'.
  if key.encode() in batch:
    return batch[key.encode()]
  return batch[key]


def _splits_from_batches(batches: dict[str, list[dict]], layout: CifarLayout) -> dict:
  out = {}
  for split, dicts in batches.items():
    d = {"image": decode_rows(np.concatenate([np.asarray(_field(b, "data")) for b in dicts]))}
    for name, key in layout.label_keys.items():
      d[name] = np.concatenate([np.asarray(_field(b, key)) for b in dicts]).astype(np.int32)
    if any(d[name].shape[0] != d["image"].shape[0] for name in layout.label_keys):
      raise ValueError(f"CIFAR {split}: label and image counts differ")
    out[split] = d
  return out


@cached_by_files(maxsize=4)
def _read_folder(stamp, name: str) -> dict:
  layout = LAYOUTS[name]
  paths = {pathlib.Path(p).name: p for p, _, _ in stamp}
  batches = {}
  for split, members in layout.members.items():
    batches[split] = []
    for m in members:
      with open(paths[m], "rb") as f:
        batches[split].append(pickle.load(f, encoding="bytes"))
  return _splits_from_batches(batches, layout)


@cached_by_files(maxsize=4)
def _read_tarball(stamp, name: str) -> dict:
  layout = LAYOUTS[name]
  batches = {split: [] for split in layout.members}
  with tarfile.open(stamp[0][0], "r:gz") as tar:
    for split, members in layout.members.items():
      for m in members:
        try:
          f = tar.extractfile(f"{layout.folder}/{m}")
        except KeyError as e:
          raise ValueError(f"{stamp[0][0]} has no member {layout.folder}/{m}") from e
        if f is None:
          raise ValueError(f"{stamp[0][0]}: {layout.folder}/{m} is not a file")
        batches[split].append(pickle.load(f, encoding="bytes"))
  return _splits_from_batches(batches, layout)


def missing_files(folder: pathlib.Path, name: str) -> list[str] | None:
  """None when the folder holds a complete extracted folder or the tarball, else what is missing."""
  layout = LAYOUTS[name]
  ext = folder / layout.folder
  if ext.is_dir():
    missing = [f"{layout.folder}/{m}" for ms in layout.members.values() for m in ms
               if not (ext / m).is_file()]
    return missing or None
  if (folder / layout.tarball).is_file():
    return None
  return [f"{layout.folder}/ or {layout.tarball}"]


def read_cifar(folder: pathlib.Path, name: str) -> dict[str, dict[str, np.ndarray]]:
  """{'train'|'test': {'image': (N, 32, 32, 3) uint8, 'label': (N,) int32[, 'coarse_label']}}.

  Reads the extracted folder when present, else the tarball (without
  extracting it to disk). `name` is 'cifar10' or 'cifar100'; call `missing_files` first.
  """
  layout = LAYOUTS[name]
  ext = folder / layout.folder
  if ext.is_dir():
    members = [ext / m for ms in layout.members.values() for m in ms]
    return _read_folder(file_stamp(*members), name)
  return _read_tarball(file_stamp(folder / layout.tarball), name)
