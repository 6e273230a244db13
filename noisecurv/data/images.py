"""Image datasets read from their official files (`data.loader='files'`) or tensorflow-datasets.

Both loaders produce tensorflow-datasets-style splits, `{split: {'image':
(N, H, W, C) uint8, 'label': (N,) int, ...}}`, and one pure function,
`assemble`, maps them to a raw `Dataset` (labels int32, the dataset's options
applied). Preprocessing happens afterwards in `noisecurv.data.preprocess`.

| name | folder | official files | classes |
|---|---|---|---|
| mnist | mnist/ | {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz | 10 |
| fashion_mnist | fashion_mnist/ | same names as MNIST | 10 |
| cifar10 | cifar10/ | cifar-10-batches-py/ or cifar-10-python.tar.gz | 10 |
| cifar100 | cifar100/ | cifar-100-python/ or cifar-100-python.tar.gz | 100 fine / 20 coarse |
| svhn | svhn/ | train_32x32.mat, test_32x32.mat (extra_32x32.mat) | 10 |

`fmnist32` (Jastrzębski et al. 2017's substitute for CIFAR) is `fashion_mnist`
with `data.pad_to=32`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from noisecurv.data import cifar, idx, svhn
from noisecurv.data.dataset import Dataset
from noisecurv.data.files import dataset_folder, not_found
from noisecurv.registry import DATASETS


@dataclasses.dataclass(frozen=True)
class ImageSource:
  folder: str  # below the data directory
  tfds_name: str
  url: str  # where the official files are published


SOURCES = {
    "mnist": ImageSource("mnist", "mnist", "http://yann.lecun.com/exdb/mnist/"),
    "fashion_mnist": ImageSource("fashion_mnist", "fashion_mnist",
                                 "https://github.com/zalandoresearch/fashion-mnist"),
    "cifar10": ImageSource("cifar10", "cifar10", cifar.CIFAR10.url),
    "cifar100": ImageSource("cifar100", "cifar100", cifar.CIFAR100.url),
    "svhn": ImageSource("svhn", "svhn_cropped",
                        f"{svhn.SVHN_URL}train_32x32.mat and test_32x32.mat "
                        f"(extra_32x32.mat for data.extra=True)"),
}


class TfdsUnavailableError(ImportError):
  """`data.loader='tfds'` was asked for, but tensorflow-datasets cannot be imported."""


def _splits(name: str, cfg) -> tuple[str, ...]:
  return ("train", "test", "extra") if name == "svhn" and cfg.extra else ("train", "test")


# ---------------------------------------------------------------------------
# The two loaders


def read_files(name: str, cfg) -> tuple[dict[str, dict[str, np.ndarray]], str]:
  """The official files of `name` as tfds-style splits, and the folder they came from."""
  src = SOURCES[name]
  folder, origin = dataset_folder(cfg, src.folder)
  splits = _splits(name, cfg)
  if name in ("mnist", "fashion_mnist"):
    expected = [f for s in splits for f in idx.MNIST_FILES[s]]
    found = {f: idx.find_idx(folder, f) for f in expected}
    missing = [f for f, p in found.items() if p is None]
    if missing:
      raise not_found(name, folder, origin, expected, missing, src.url)
    out = {s: idx.read_mnist_split(*(found[f] for f in idx.MNIST_FILES[s])) for s in splits}
  elif name in ("cifar10", "cifar100"):
    layout = cifar.LAYOUTS[name]
    missing = cifar.missing_files(folder, name)
    if missing:
      members = ", ".join(m for ms in layout.members.values() for m in ms)
      expected = [f"the extracted folder {layout.folder}/ ({members}) or the tarball "
                  f"{layout.tarball}"]
      raise not_found(name, folder, origin, expected, missing, src.url)
    out = cifar.read_cifar(folder, name)
  elif name == "svhn":
    expected = [svhn.SVHN_FILES[s] for s in splits]
    missing = [f for f in expected if not (folder / f).is_file()]
    if missing:
      raise not_found(name, folder, origin, expected, missing, src.url)
    out = {s: svhn.read_svhn_split(folder / svhn.SVHN_FILES[s]) for s in splits}
  else:
    raise KeyError(f"no official files known for dataset {name!r}")
  return out, str(folder)


def read_tfds(name: str, cfg) -> tuple[dict[str, dict[str, np.ndarray]], str]:
  """`tfds.load(..., batch_size=-1)` of the same dataset as numpy splits.

  tensorflow-datasets keeps its own data directory ($TFDS_DATA_DIR, by default
  ~/tensorflow_datasets) and downloads there when online. Its example order is
  not the order of the official files, so 'first' subsets differ between loaders.
  """
  try:
    import tensorflow_datasets as tfds
  except ImportError as e:
    raise TfdsUnavailableError(
        f"data.loader='tfds' needs tensorflow-datasets, which is not installed "
        f"(pip install 'noisecurv[tfds]'); or use data.loader='files' with the official "
        f"{name} files in <data dir>/{SOURCES[name].folder}/") from e
  tfds_name = SOURCES[name].tfds_name
  splits = _splits(name, cfg)
  arrays = tfds.as_numpy(tfds.load(tfds_name, split=list(splits), batch_size=-1))
  return dict(zip(splits, arrays)), f"tfds:{tfds_name}"


# ---------------------------------------------------------------------------
# The mapping to a Dataset (pure)


def assemble(name: str, splits: Mapping[str, Mapping[str, np.ndarray]], cfg,
             source: str = "") -> Dataset:
  """tfds-style splits of dataset `name` -> raw Dataset, applying the dataset's options.

  `splits[s]` has 'image' (N, H, W[, C]) uint8 and 'label' (N,) ints (the digit
  0..9 for SVHN; the fine label for CIFAR-100, with 'coarse_label' beside it).
  Options: CIFAR-100 `label_mode` 'fine' | 'coarse'; SVHN `extra` (append the
  extra split to the training split), `split` 'standard' | 'swapped' (train on
  the official test split and test on the official train split, as Zhu et al.
  2019's code does) and `label_map` 'mod10' (class = digit) | 'minus_one'
  (class = stored label − 1, so digit 0 is class 9, also Zhu et al.'s code).
  """
  label_key, num_classes = "label", 10
  if name == "cifar100":
    if cfg.label_mode not in ("fine", "coarse"):
      raise ValueError(f"data.label_mode {cfg.label_mode!r} not in ('fine', 'coarse')")
    label_key, num_classes = ("label", 100) if cfg.label_mode == "fine" else ("coarse_label", 20)

  def xy(split):
    d = splits[split]
    x, y = np.asarray(d["image"]), np.asarray(d[label_key])
    if x.ndim == 3:
      x = x[..., None]
    if x.ndim != 4 or x.dtype != np.uint8 or y.shape != (x.shape[0],):
      raise ValueError(f"{name} {split}: expected (N, H, W, C) uint8 images and (N,) labels, "
                       f"got {x.shape} {x.dtype} and {y.shape}")
    return x, y.astype(np.int32)

  (x_tr, y_tr), (x_te, y_te) = xy("train"), xy("test")
  meta = {"source": source}
  if name == "svhn":
    if cfg.split not in ("standard", "swapped"):
      raise ValueError(f"data.split {cfg.split!r} not in ('standard', 'swapped')")
    if cfg.label_map not in ("mod10", "minus_one"):
      raise ValueError(f"data.label_map {cfg.label_map!r} not in ('mod10', 'minus_one')")
    if cfg.extra:
      if cfg.split == "swapped":
        raise ValueError("data.extra=True adds to the official train split, which "
                         "data.split='swapped' uses as the test split; use one or the other")
      x_ex, y_ex = xy("extra")
      x_tr, y_tr = np.concatenate([x_tr, x_ex]), np.concatenate([y_tr, y_ex])
    if cfg.split == "swapped":
      (x_tr, y_tr), (x_te, y_te) = (x_te, y_te), (x_tr, y_tr)
    if cfg.label_map == "minus_one":
      y_tr, y_te = (y_tr - 1) % 10, (y_te - 1) % 10
    meta.update(split=cfg.split, extra=bool(cfg.extra), label_map=cfg.label_map)
  for y in (y_tr, y_te):
    if y.size and (y.min() < 0 or y.max() >= num_classes):
      raise ValueError(f"{name}: labels must lie in 0..{num_classes - 1}, got {y.min()}..{y.max()}")
  return Dataset(name, x_tr, y_tr, x_te, y_te, num_classes, meta=meta)


def load_images(name: str, cfg) -> Dataset:
  """Reads `name` with `cfg.loader` ('files' | 'tfds') and assembles the raw Dataset."""
  if cfg.loader == "files":
    splits, source = read_files(name, cfg)
  elif cfg.loader == "tfds":
    splits, source = read_tfds(name, cfg)
  else:
    raise ValueError(f"data.loader {cfg.loader!r} not in ('files', 'tfds')")
  return assemble(name, splits, cfg, source)


# ---------------------------------------------------------------------------
# Registrations


@DATASETS.register("mnist")
def mnist(cfg, seed: int) -> Dataset:
  """MNIST: 60,000 train / 10,000 test, (N, 28, 28, 1) uint8, 10 classes."""
  return load_images("mnist", cfg)


@DATASETS.register("fashion_mnist")
def fashion_mnist(cfg, seed: int) -> Dataset:
  """Fashion-MNIST: 60,000 / 10,000, (N, 28, 28, 1) uint8, 10 classes (`pad_to=32`: fmnist32)."""
  return load_images("fashion_mnist", cfg)


@DATASETS.register("cifar10")
def cifar10(cfg, seed: int) -> Dataset:
  """CIFAR-10: 50,000 / 10,000, (N, 32, 32, 3) uint8, 10 classes."""
  return load_images("cifar10", cfg)


@DATASETS.register("cifar100", label_mode="fine")
def cifar100(cfg, seed: int) -> Dataset:
  """CIFAR-100: 50,000 / 10,000, (N, 32, 32, 3) uint8; label_mode 'fine' (100) | 'coarse' (20)."""
  return load_images("cifar100", cfg)


@DATASETS.register("svhn", split="standard", extra=False, label_map="mod10")
def svhn_cropped(cfg, seed: int) -> Dataset:
  """SVHN cropped digits: 73,257 train / 26,032 test (531,131 extra), (N, 32, 32, 3) uint8.

  split 'standard' | 'swapped' (Zhu et al. 2019 train on the official test
  split); label_map 'mod10' (class = digit) | 'minus_one' (Zhu et al.'s code).
  """
  return load_images("svhn", cfg)
