"""Generated datasets: Gauss-k, the 2-D toys, linear regression (shapes, laws, determinism)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from noisecurv import registry
from noisecurv.data import load, toys
from noisecurv.data.synthetic import balanced_labels
from tests import fixtures_data as fx

GENERATED = ["blobs", "gauss_k", "separable2d", "zhu_toy2d", "linreg"]


def raw(name, run_seed=0, **kw):
  return registry.DATASETS.get(name).fn(fx.data_cfg(name, **kw), run_seed)


@pytest.mark.parametrize("name", GENERATED)
def test_pure_function_of_config_and_seed(name):
  a, b, c, e = raw(name), raw(name), raw(name, run_seed=1), raw(name, seed=1)
  for x, y in ((a.x_train, b.x_train), (a.y_train, b.y_train), (a.x_test, b.x_test)):
    np.testing.assert_array_equal(x, y)
  assert not np.array_equal(a.x_train, c.x_train)  # the run seed
  assert not np.array_equal(a.x_train, e.x_train)  # the data seed
  assert a.x_train.dtype == np.float32


def test_schemas_validate_and_generated_sets_are_not_normalised():
  from noisecurv import configlib

  for name in GENERATED + ["mnist", "fashion_mnist", "cifar10", "cifar100", "svhn"]:
    configlib.validate(configlib.base(data=name))
  for name in GENERATED[1:]:
    assert configlib.base(data=name).data.normalize == "none"


# ---------------------------------------------------------------------------
# Gauss-k (Li et al. 2019)


def test_balanced_labels_have_make_blobs_class_sizes():
  # sklearn.make_blobs deals n points to k centers as n // k each, then one more to each
  # of the first n % k centers; dealt here one point at a time.
  for n, k in ((100, 10), (7, 3), (100, 2), (5, 5), (3, 4)):
    sizes = [n // k] * k
    for c in range(n % k):
      sizes[c] += 1
    y = balanced_labels(n, k, np.random.default_rng(0))
    assert y.dtype == np.int32 and len(y) == n
    np.testing.assert_array_equal(np.bincount(y, minlength=k), sizes)
  assert not np.array_equal(balanced_labels(100, 10, np.random.default_rng(0)),
                            np.repeat(np.arange(10), 10))  # shuffled


def test_gauss_k_law():
  d = raw("gauss_k")
  assert d.x_train.shape == (100, 50) and d.x_test.shape == (1000, 50) and d.num_classes == 10
  np.testing.assert_array_equal(np.bincount(d.y_train), np.full(10, 10))
  centers = np.asarray(d.meta["centers"])
  assert centers.shape == (10, 50) and np.abs(centers).max() <= 10.0
  for x, y in ((d.x_train, d.y_train), (d.x_test, d.y_test)):
    resid = x - centers[y]
    # N(0, I) residuals: with >= 5,000 entries the SE of the std is <= 0.01 and of the
    # mean <= 0.015; tolerances are 5 SE.
    assert abs(resid.std() - 1.0) < 0.05 and abs(resid.mean()) < 0.07
    # Centers ~80 apart against noise of norm ~7: every point is nearest its own center.
    nearest = np.argmin(((x[:, None, :] - centers[None]) ** 2).sum(-1), axis=1)
    np.testing.assert_array_equal(nearest, y)
  # The spread of U(-10, 10) centers: variance 100/3 (500 draws, SE 1.3).
  assert abs(centers.var() - 100 / 3) < 6.5


@pytest.mark.parametrize("k,noise,count", [(10, 0.15, 15), (2, 0.2, 20)])
def test_gauss_k_paper_corruption_levels(k, noise, count):
  d = load(fx.data_cfg("gauss_k", num_classes=k, label_noise=noise), 0)
  assert d.noisy_mask.sum() == count and d.y_train.max() < k
  np.testing.assert_array_equal(d.x_train, raw("gauss_k", num_classes=k).x_train)


# ---------------------------------------------------------------------------
# 2-D toys (Zhu et al. 2019)


def test_separable2d_rule_and_box():
  d = raw("separable2d")
  assert d.x_train.shape == (1000, 2) and d.num_classes == 2
  for x, y in ((d.x_train, d.y_train), (d.x_test, d.y_test)):
    assert np.abs(x).max() <= 2.0
    for (x1, x2), label in zip(x, y):
      assert label == (1 if x1 >= x2 else 0)
  # U(-2, 2): SE of the mean 1.155/sqrt(1000) = 0.037, of the class share 0.016; 4-5 SE.
  assert np.abs(d.x_train.mean(0)).max() < 0.15 and abs(d.y_train.mean() - 0.5) < 0.08


def test_zhu_toy2d_covariance():
  np.testing.assert_allclose(toys.zhu_toy2d_cov(0.01, (10.0, 1.0), 45.0),
                             1e-4 * np.array([[5.5, -4.5], [-4.5, 5.5]]), rtol=1e-12)
  d = raw("zhu_toy2d")
  assert d.x_train.shape == (100, 2) and d.num_classes == 0
  np.testing.assert_array_equal(d.y_train, np.zeros((100, 1), np.float32))
  big = raw("zhu_toy2d", n=200_000).x_train.astype(np.float64)
  # Undo x = 0.01 (z * sqrt(axis_var)) K: z = x K^T / (0.01 sqrt(axis_var)) must be N(0, I).
  z = big @ toys.rotation(45.0).T / (0.01 * np.sqrt([10.0, 1.0]))
  # 200k draws: SE of each covariance entry <= sqrt(2/2e5) = 0.003; 0.015 is 5 SE.
  np.testing.assert_allclose(np.cov(z.T), np.eye(2), atol=0.015)
  assert np.abs(z.mean(0)).max() < 0.012


# ---------------------------------------------------------------------------
# Linear regression (Wen et al. 2019 W1; Jastrzębski et al. 2017 E0b)


def test_linreg_wen2019_defaults():
  d = raw("linreg", n=100_000)
  assert d.x_train.shape == (100_000, 2) and d.y_train.shape == (100_000, 1)
  assert d.y_train.dtype == np.float32 and d.num_classes == 0
  x, y = d.x_train.astype(np.float64), d.y_train[:, 0].astype(np.float64)
  w = np.linalg.lstsq(x, y, rcond=None)[0]
  # OLS SE <= 0.5/sqrt(1e5 * 0.2) = 0.0035 (smallest eigenvalue of the input covariance 0.2).
  np.testing.assert_allclose(w, [0.25, 0.15], atol=0.02)
  assert abs((y - x @ w).std() - 0.5) < 0.01
  np.testing.assert_allclose(np.cov(x.T), [[1.0, 0.8], [0.8, 1.0]], atol=0.02)
  assert d.meta["w_star"] == [0.25, 0.15] and d.meta["noise_std"] == 0.5


def test_linreg_jastrzebski2017_logspaced():
  d = raw("linreg", dim=20, n=50_000, input_cov="logspaced", noise_std=1.0, w_star=())
  h = np.logspace(-1, 0, 20)
  np.testing.assert_allclose(np.diag(d.meta["input_cov"]), h, rtol=1e-12)
  x = d.x_train.astype(np.float64)
  # Relative SE of a sample variance with 50k draws is sqrt(2/5e4) = 0.0063; 4% is > 6 SE.
  np.testing.assert_allclose(x.var(0), h, rtol=0.04)
  w = np.asarray(d.meta["w_star"])
  resid = d.y_train[:, 0] - x @ w
  assert abs(resid.std() - 1.0) < 0.02 and w.shape == (20,)
  np.testing.assert_array_equal(w, raw("linreg", dim=20, input_cov="logspaced",
                                       w_star=()).meta["w_star"])
  with pytest.raises(ValueError, match="dim is 3"):
    raw("linreg", dim=3)
  assert math.isclose(d.meta["input_cov"][0][0], 0.1)
