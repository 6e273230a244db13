"""Image datasets read from official-format files: IDX, CIFAR pickles, SVHN .mat, tfds mapping."""

from __future__ import annotations

import importlib.util
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from noisecurv import registry
from noisecurv.data import DatasetNotFoundError, TfdsUnavailableError, files, idx, images, load
from tests import fixtures_data as fx


def raw(name, cfg):
  return registry.DATASETS.get(name).fn(cfg, 0)


# ---------------------------------------------------------------------------
# IDX


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("compress", [True, False])
def test_idx_round_trip(tmp_path, dtype, compress):
  arr = (np.arange(2 * 3 * 5) - 7).reshape(2, 3, 5).astype(dtype)
  out = idx.read_idx(fx.write_idx(tmp_path / "a.idx", arr, compress))
  assert out.dtype == np.dtype(dtype) and out.dtype.isnative
  np.testing.assert_array_equal(out, arr)


def test_idx_header_is_big_endian():
  # 0x00000803, then 2 and 3 as big-endian uint32: the documented MNIST image header.
  buf = bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1]) + bytes([7, 9])
  np.testing.assert_array_equal(idx.parse_idx(buf), np.array([7, 9], np.uint8).reshape(2, 1, 1))


def test_idx_rejects_bad_files():
  good = fx.idx_bytes(np.zeros((2, 3), np.uint8))
  with pytest.raises(ValueError, match="magic"):
    idx.parse_idx(b"\x01" + good[1:])
  with pytest.raises(ValueError, match="does not match"):
    idx.parse_idx(good[:-1])


def test_idx_cache_returns_frozen_array_and_sees_rewrites(tmp_path):
  p = fx.write_idx(tmp_path / "a.gz", np.arange(6, dtype=np.uint8))
  a = idx.read_idx(p)
  assert idx.read_idx(p) is a  # decoded once per file version
  assert not a.flags.writeable
  fx.write_idx(p, np.arange(7, dtype=np.uint8))
  assert idx.read_idx(p).shape == (7,)


# ---------------------------------------------------------------------------
# MNIST / Fashion-MNIST


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_mnist_files_read_back_exactly(tmp_path, name):
  rng = np.random.default_rng(0)
  x_tr, x_te = fx.images(rng, 5, 28, 28), fx.images(rng, 3, 28, 28)
  y_tr, y_te = rng.integers(0, 10, 5), rng.integers(0, 10, 3)
  fx.write_mnist(tmp_path / name, x_tr, y_tr, x_te, y_te)
  cfg = fx.data_cfg(name, data_dir=str(tmp_path), normalize="none")
  d = raw(name, cfg)
  assert d.x_train.shape == (5, 28, 28, 1) and d.x_train.dtype == np.uint8
  assert d.y_train.dtype == np.int32 and d.num_classes == 10
  np.testing.assert_array_equal(d.x_train[..., 0], x_tr)
  np.testing.assert_array_equal(d.x_test[..., 0], x_te)
  np.testing.assert_array_equal(d.y_train, y_tr)
  np.testing.assert_array_equal(d.y_test, y_te)
  ds = load(cfg, 0)
  assert ds.x_train.dtype == np.float32
  np.testing.assert_array_equal(ds.x_train[..., 0], x_tr.astype(np.float32))


def test_mnist_reads_decompressed_files_too(tmp_path):
  x, y = np.full((2, 28, 28), 3, np.uint8), np.array([1, 2], np.uint8)
  (tmp_path / "mnist").mkdir()
  for f, a in zip(idx.MNIST_FILES["train"] + idx.MNIST_FILES["test"], [x, y, x, y]):
    fx.write_idx(tmp_path / "mnist" / f.removesuffix(".gz"), a, compress=False)
  d = raw("mnist", fx.data_cfg("mnist", data_dir=str(tmp_path)))
  np.testing.assert_array_equal(d.y_test, [1, 2])


# ---------------------------------------------------------------------------
# CIFAR


def _cifar_splits(rng, n_train, n_test, fine=100, coarse=20):
  return {s: {"image": fx.images(rng, n, 32, 32, 3), "label": rng.integers(0, fine, n),
              "coarse_label": rng.integers(0, coarse, n)}
          for s, n in (("train", n_train), ("test", n_test))}


@pytest.mark.parametrize("tarball", [False, True])
def test_cifar10_reads_chw_rows_into_nhwc(tmp_path, tarball):
  rng = np.random.default_rng(1)
  splits = _cifar_splits(rng, 10, 3, fine=10)
  fx.write_cifar(tmp_path / "cifar10", "cifar10", splits, tarball)
  d = raw("cifar10", fx.data_cfg("cifar10", data_dir=str(tmp_path)))
  assert d.x_train.shape == (10, 32, 32, 3) and d.x_train.dtype == np.uint8
  np.testing.assert_array_equal(d.x_train, splits["train"]["image"])
  np.testing.assert_array_equal(d.y_train, splits["train"]["label"])
  np.testing.assert_array_equal(d.x_test, splits["test"]["image"])
  np.testing.assert_array_equal(d.y_test, splits["test"]["label"])
  # Brute force on the stored rows: value (h, w) of channel c is row[c·1024 + h·32 + w].
  rows = fx.cifar_rows(splits["test"]["image"])
  for n in range(3):
    for c in range(3):
      for h in range(0, 32, 5):
        for w in range(0, 32, 3):
          assert d.x_test[n, h, w, c] == rows[n, c * 1024 + h * 32 + w]


@pytest.mark.parametrize("mode,key,k", [("fine", "label", 100), ("coarse", "coarse_label", 20)])
def test_cifar100_label_modes(tmp_path, mode, key, k):
  rng = np.random.default_rng(2)
  splits = _cifar_splits(rng, 4, 2)
  fx.write_cifar(tmp_path / "cifar100", "cifar100", splits, tarball=False)
  d = raw("cifar100", fx.data_cfg("cifar100", data_dir=str(tmp_path), label_mode=mode))
  assert d.num_classes == k
  np.testing.assert_array_equal(d.x_train, splits["train"]["image"])
  np.testing.assert_array_equal(d.y_train, splits["train"][key])
  np.testing.assert_array_equal(d.y_test, splits["test"][key])


# ---------------------------------------------------------------------------
# SVHN


@pytest.fixture(scope="module")
def svhn_dir(tmp_path_factory):
  rng = np.random.default_rng(3)
  root = tmp_path_factory.mktemp("data")
  splits = {s: (fx.images(rng, n, 32, 32, 3), np.array(labels))
            for s, n, labels in (("train", 4, [10, 1, 5, 10]), ("test", 3, [9, 10, 2]),
                                 ("extra", 2, [3, 10]))}
  fx.write_svhn(root / "svhn", splits)
  return root, splits


def test_svhn_standard_split_and_digit_labels(svhn_dir):
  root, splits = svhn_dir
  d = raw("svhn", fx.data_cfg("svhn", data_dir=str(root)))
  x, y = splits["train"]
  assert d.x_train.shape == (4, 32, 32, 3) and d.x_train.dtype == np.uint8
  np.testing.assert_array_equal(d.x_train, x)
  np.testing.assert_array_equal(d.y_train, [0, 1, 5, 0])  # stored 10 is the digit 0
  np.testing.assert_array_equal(d.y_test, [9, 0, 2])
  stored = np.moveaxis(x, 0, 3)  # the .mat layout, X[h, w, c, n]
  for n, h, w, c in [(0, 0, 0, 0), (1, 31, 2, 1), (3, 7, 30, 2)]:
    assert d.x_train[n, h, w, c] == stored[h, w, c, n]


def test_svhn_swapped_extra_and_minus_one(svhn_dir):
  root, splits = svhn_dir
  d = raw("svhn", fx.data_cfg("svhn", data_dir=str(root), split="swapped", label_map="minus_one"))
  np.testing.assert_array_equal(d.x_train, splits["test"][0])  # trains on the official test split
  np.testing.assert_array_equal(d.x_test, splits["train"][0])
  np.testing.assert_array_equal(d.y_train, [8, 9, 1])  # stored label − 1; digit 0 (10) -> 9
  e = raw("svhn", fx.data_cfg("svhn", data_dir=str(root), extra=True))
  np.testing.assert_array_equal(e.x_train, np.concatenate([splits["train"][0], splits["extra"][0]]))
  np.testing.assert_array_equal(e.y_train, [0, 1, 5, 0, 3, 0])
  with pytest.raises(ValueError, match="swapped"):
    raw("svhn", fx.data_cfg("svhn", data_dir=str(root), split="swapped", extra=True))


# ---------------------------------------------------------------------------
# Missing data, data directory


@pytest.mark.parametrize("name,must_name", [
    ("mnist", ["train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]),
    ("fashion_mnist", ["train-labels-idx1-ubyte.gz", "zalandoresearch"]),
    ("cifar10", ["cifar-10-batches-py", "cifar-10-python.tar.gz",
                 "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"]),
    ("cifar100", ["cifar-100-python", "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"]),
    ("svhn", ["train_32x32.mat", "test_32x32.mat", "http://ufldl.stanford.edu/housenumbers/"]),
])
def test_missing_dataset_error_says_what_where_and_how(tmp_path, name, must_name):
  cfg = fx.data_cfg(name, data_dir=str(tmp_path))
  with pytest.raises(DatasetNotFoundError) as info:
    load(cfg, 0)
  assert isinstance(info.value, FileNotFoundError)
  msg = str(info.value)
  folder = images.SOURCES[name].folder
  for s in [repr(name), str(tmp_path / folder), "data.data_dir", "NOISECURV_DATA_DIR", *must_name]:
    assert s in msg, (s, msg)


def test_missing_single_file_is_named(tmp_path):
  x, y = np.zeros((1, 28, 28), np.uint8), np.zeros(1)
  fx.write_mnist(tmp_path / "mnist", x, y, x, y)
  (tmp_path / "mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
  with pytest.raises(DatasetNotFoundError, match="missing: t10k-labels-idx1-ubyte.gz"):
    load(fx.data_cfg("mnist", data_dir=str(tmp_path)), 0)


def test_data_dir_resolution_order(tmp_path, monkeypatch):
  monkeypatch.delenv(files.ENV_VAR, raising=False)
  repo_root = pathlib.Path(__file__).resolve().parents[1]
  assert files.data_root(None) == (repo_root.parent / "shared" / "datasets", files.data_root()[1])
  monkeypatch.setenv(files.ENV_VAR, str(tmp_path / "env"))
  assert files.data_root(None)[0] == tmp_path / "env"
  assert files.data_root(str(tmp_path / "cfg"))[0] == tmp_path / "cfg"  # the config wins


def test_env_var_points_the_loader(tmp_path, monkeypatch):
  x, y = np.full((2, 28, 28), 7, np.uint8), np.array([3, 4])
  fx.write_mnist(tmp_path / "mnist", x, y, x, y)
  monkeypatch.setenv(files.ENV_VAR, str(tmp_path))
  np.testing.assert_array_equal(raw("mnist", fx.data_cfg("mnist")).y_train, [3, 4])


# ---------------------------------------------------------------------------
# tensorflow-datasets


@pytest.mark.skipif(importlib.util.find_spec("tensorflow_datasets") is not None,
                    reason="tensorflow-datasets is installed; this checks the error without it")
def test_tfds_loader_without_tfds_says_so():
  with pytest.raises(TfdsUnavailableError, match="tensorflow-datasets") as info:
    load(fx.data_cfg("mnist", loader="tfds"), 0)
  assert isinstance(info.value, ImportError)


def test_unknown_loader_is_rejected():
  with pytest.raises(ValueError, match="data.loader"):
    load(fx.data_cfg("mnist", loader="torchvision"), 0)


def test_assemble_maps_tfds_style_dicts():
  rng = np.random.default_rng(4)
  x = fx.images(rng, 3, 28, 28, 1)
  fake = {"train": {"image": x, "label": np.array([1, 2, 3], np.int64)},
          "test": {"image": x[:2, ..., 0], "label": np.array([0, 9], np.int64)}}
  d = images.assemble("mnist", fake, fx.data_cfg("mnist"), "tfds:mnist")
  assert d.y_train.dtype == np.int32 and d.x_test.shape == (2, 28, 28, 1)
  np.testing.assert_array_equal(d.x_train, x)
  assert d.meta["source"] == "tfds:mnist"

  c100 = {s: {"image": fx.images(rng, 2, 32, 32, 3), "label": np.array([99, 0]),
              "coarse_label": np.array([19, 3]), "id": np.array([b"a", b"b"])}
          for s in ("train", "test")}
  d = images.assemble("cifar100", c100, fx.data_cfg("cifar100", label_mode="coarse"))
  assert d.num_classes == 20
  np.testing.assert_array_equal(d.y_train, [19, 3])

  digits = {s: {"image": fx.images(rng, 3, 32, 32, 3), "label": np.array([0, 1, 9])}
            for s in ("train", "test", "extra")}
  d = images.assemble("svhn", digits,
                      fx.data_cfg("svhn", split="swapped", label_map="minus_one"))
  np.testing.assert_array_equal(d.x_train, digits["test"]["image"])
  np.testing.assert_array_equal(d.y_train, [9, 0, 8])  # digit 0 -> class 9, 1 -> 0

  with pytest.raises(ValueError, match="labels must lie"):
    images.assemble("mnist", {s: {"image": x, "label": np.array([0, 1, 10])} for s in fake},
                    fx.data_cfg("mnist"))


# ---------------------------------------------------------------------------
# The real files (when the shared dataset folder exists)

SHARED = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
# First labels and mean pixel values (0..255) from shared/datasets/README.md.
REAL = {"mnist": ([5, 0, 4, 1, 9, 2, 1, 3, 1, 4], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9], 33.32),
        "fashion_mnist": ([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], None, 72.94)}


@pytest.mark.datasets
@pytest.mark.parametrize("name", sorted(REAL))
def test_real_mnist_files(name):
  if not (SHARED / name).is_dir():
    pytest.skip(f"{SHARED / name} is absent (the shared offline datasets are not on this machine)")
  first_train, first_test, mean = REAL[name]
  d = raw(name, fx.data_cfg(name, data_dir=str(SHARED)))
  assert d.x_train.shape == (60000, 28, 28, 1) and d.x_test.shape == (10000, 28, 28, 1)
  assert d.x_train.dtype == np.uint8 and d.y_train.dtype == np.int32
  np.testing.assert_array_equal(d.y_train[:10], first_train)
  if first_test:
    np.testing.assert_array_equal(d.y_test[:10], first_test)
  # The README gives the mean to 2 decimals.
  assert abs(d.x_train.mean(dtype=np.float64) - mean) < 0.005
  counts = np.bincount(d.y_train, minlength=10)
  if name == "mnist":
    np.testing.assert_array_equal(
        counts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
  else:
    np.testing.assert_array_equal(counts, np.full(10, 6000))


def test_data_package_does_not_import_jax():
  # Datasets stay host numpy; the runner moves them to the device.
  code = "import sys, noisecurv.data; sys.exit('jax' in sys.modules)"
  root = pathlib.Path(__file__).resolve().parents[1]
  assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


def test_standin_replaces_missing_files_only_when_asked(tmp_path, capsys):
  for name, shape in (("mnist", (28, 28, 1)), ("cifar10", (32, 32, 3)), ("svhn", (32, 32, 3))):
    cfg = fx.data_cfg(name, data_dir=str(tmp_path / "empty"), normalize="unit")
    with pytest.raises(DatasetNotFoundError):
      load(cfg)
    cfg.standin = "fixture"
    d = load(cfg)
    assert d.meta["standin"] is True
    assert d.x_train.shape[1:] == shape and d.y_train.max() < 10
    assert "stand-in" in capsys.readouterr().err
