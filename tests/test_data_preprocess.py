"""Preprocessing steps against brute-force loops (float64), and the order of the pipeline."""

from __future__ import annotations

import numpy as np
import pytest

from noisecurv.data import Dataset, corrupt_labels, image_ops
from noisecurv.data.preprocess import preprocess, subset_indices
from tests import fixtures_data as fx


def cfg(**kw):
  # The generic keys only matter here; 'digits' declares no others that preprocessing reads.
  kw.setdefault("normalize", "none")
  return fx.data_cfg("digits", **kw)


def raw_images(n_tr=12, n_te=5, h=6, w=6, c=3, seed=0, read_only=False) -> Dataset:
  rng = np.random.default_rng(seed)
  d = Dataset("toy", fx.images(rng, n_tr, h, w, c), rng.integers(0, 4, n_tr).astype(np.int32),
              fx.images(rng, n_te, h, w, c), rng.integers(0, 4, n_te).astype(np.int32), 4)
  if read_only:
    for a in (d.x_train, d.y_train, d.x_test, d.y_test):
      a.flags.writeable = False
  return d


# ---------------------------------------------------------------------------
# Image operations


def loop_greyscale(x):
  n, h, w, _ = x.shape
  out = np.zeros((n, h, w, 1))
  for i in range(n):
    for a in range(h):
      for b in range(w):
        r, g, bl = (float(v) for v in x[i, a, b])
        out[i, a, b, 0] = 0.299 * r + 0.587 * g + 0.114 * bl
  return out


def test_greyscale_is_itu601_luma():
  x = raw_images(n_tr=2, h=3, w=4).x_train.astype(np.float32)
  np.testing.assert_allclose(image_ops.greyscale(x), loop_greyscale(x), rtol=1e-6, atol=1e-4)
  one = x[..., :1]
  assert image_ops.greyscale(one) is one
  with pytest.raises(ValueError, match="1 or 3 channels"):
    image_ops.greyscale(x[..., :2])


def loop_block_mean(x, f_h, f_w):
  n, h, w, c = x.shape
  out = np.zeros((n, h // f_h, w // f_w, c))
  for i in range(n):
    for a in range(h // f_h):
      for b in range(w // f_w):
        for k in range(c):
          out[i, a, b, k] = np.mean(x[i, a * f_h:(a + 1) * f_h, b * f_w:(b + 1) * f_w, k],
                                    dtype=np.float64)
  return out


def test_integer_downsampling_is_block_averaging():
  rng = np.random.default_rng(1)
  x = rng.uniform(0, 255, (2, 28, 28, 1)).astype(np.float32)
  np.testing.assert_allclose(image_ops.resize(x, 7), loop_block_mean(x, 4, 4), rtol=1e-6)
  r = rng.uniform(0, 255, (1, 12, 8, 2)).astype(np.float32)  # 12->4 (3x), 8->4 (2x)
  np.testing.assert_allclose(image_ops.resize(r, 4), loop_block_mean(r, 3, 2), rtol=1e-6)


@pytest.fixture(scope="module")
def jax_resize():
  import jax

  def f(x, side, method):
    shape = (x.shape[0], side, side, x.shape[3])
    return np.asarray(jax.image.resize(x, shape, method, antialias=True))

  return f


@pytest.mark.parametrize("n_in,n_out", [(32, 7), (10, 4), (5, 7), (12, 6)])
def test_resize_matches_jax_image_resize(jax_resize, n_in, n_out):
  # jax.image.resize is the reference: 'area' for integer downsampling, else
  # antialiased 'linear' (plain bilinear when upsampling), which the spec of
  # Thomas et al. (2020) names for 32 -> 7.
  x = np.random.default_rng(2).uniform(0, 255, (2, n_in, n_in, 3)).astype(np.float32)
  method = "area" if n_in % n_out == 0 else "linear"
  # float32 on values up to 255: a few ulps of 255 is ~1e-4.
  np.testing.assert_allclose(image_ops.resize(x, n_out), jax_resize(x, n_out, method), atol=1e-3)


@pytest.mark.parametrize("n_in,n_out", [(32, 7), (5, 7), (12, 3), (9, 9)])
def test_resize_weights_are_averages(n_in, n_out):
  w = image_ops.resize_weights(n_in, n_out)
  assert w.shape == (n_out, n_in) and (w >= 0).all()
  np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-12)  # constants stay constant


def loop_pad(x, side):
  n, h, w, c = x.shape
  out = np.zeros((n, side, side, c))
  top, left = (side - h) // 2, (side - w) // 2
  for a in range(h):
    for b in range(w):
      out[:, top + a, left + b, :] = x[:, a, b, :]
  return out


@pytest.mark.parametrize("h,side", [(28, 32), (5, 8), (4, 4)])
def test_pad_to_centres_with_zeros(h, side):
  x = np.random.default_rng(3).uniform(1, 2, (2, h, h, 1)).astype(np.float32)
  np.testing.assert_array_equal(image_ops.pad_to(x, side), loop_pad(x, side))
  with pytest.raises(ValueError, match="smaller"):
    image_ops.pad_to(x, h - 1)


def test_image_steps_need_images():
  flat = Dataset("flat", np.ones((4, 3)), np.zeros(4, np.int32), np.ones((2, 3)),
                 np.zeros(2, np.int32), 2)
  for key, val in (("greyscale", True), ("resize", 2), ("pad_to", 5)):
    with pytest.raises(ValueError, match=f"data.{key} needs images"):
      preprocess(flat, cfg(**{key: val}), 0)


# ---------------------------------------------------------------------------
# Normalisation


def loop_channel_stats(x):
  c = x.shape[-1]
  vals = [x[..., k].astype(np.float64).ravel() for k in range(c)]
  return np.array([v.mean() for v in vals]), np.array([v.std() for v in vals])


def test_standard_uses_training_statistics_per_channel():
  d = raw_images(n_tr=20, n_te=6, c=3)
  d.x_train[..., 2] = 9  # a constant channel is centred, not divided by zero
  out = preprocess(d, cfg(normalize="standard"), 0)
  mu, sd = loop_channel_stats(d.x_train)
  sd = np.where(sd > 1e-8, sd, 1.0)
  np.testing.assert_allclose(out.x_train, (d.x_train - mu) / sd, rtol=1e-5, atol=1e-5)
  np.testing.assert_allclose(out.x_test, (d.x_test - mu) / sd, rtol=1e-5, atol=1e-5)
  assert np.isfinite(out.x_train).all() and out.x_train.dtype == np.float32


def test_pixel_unit_pm1():
  d = raw_images(n_tr=20, n_te=6, c=1)
  x, xt = d.x_train.astype(np.float64), d.x_test.astype(np.float64)
  out = preprocess(d, cfg(normalize="pixel"), 0)
  mu, sd = x.mean(axis=0), x.std(axis=0)
  np.testing.assert_allclose(out.x_test, (xt - mu) / sd, rtol=1e-5, atol=1e-5)
  np.testing.assert_allclose(preprocess(d, cfg(normalize="unit"), 0).x_train, x / 255, rtol=1e-6)
  np.testing.assert_allclose(preprocess(d, cfg(normalize="pm1"), 0).x_test, (xt - 127.5) / 127.5,
                             rtol=1e-6, atol=1e-7)
  with pytest.raises(ValueError, match="data.normalize"):
    preprocess(d, cfg(normalize="l2"), 0)


# ---------------------------------------------------------------------------
# Subsets, validation split


def test_random_subsets_are_nested_sorted_and_seeded():
  small = subset_indices(100, 10, "random", np.random.default_rng(5))
  large = subset_indices(100, 40, "random", np.random.default_rng(5))
  assert set(small) <= set(large) and (np.diff(large) > 0).all()
  other = subset_indices(100, 40, "random", np.random.default_rng(6))
  assert not np.array_equal(large, other)
  np.testing.assert_array_equal(subset_indices(100, 3, "first", None), [0, 1, 2])
  assert subset_indices(100, None, "random", None) is None
  with pytest.raises(ValueError, match="n_train=101"):
    subset_indices(100, 101, "random", np.random.default_rng(0), "n_train")


def test_subset_and_validation_split_through_preprocess():
  d = raw_images(n_tr=12, n_te=5)
  a = preprocess(d, cfg(n_train=8, n_test=3, n_val=3), 0)
  b = preprocess(d, cfg(n_train=8, n_test=5, n_val=3), 0)
  np.testing.assert_array_equal(a.x_train, b.x_train)  # the train subset ignores n_test
  assert (len(a.x_train), len(a.x_val), len(a.x_test)) == (5, 3, 3)
  idx = subset_indices(12, 8, "random", np.random.default_rng([0, 0, 1]))
  np.testing.assert_array_equal(a.x_val, d.x_train[idx[-3:]])  # the last n_val of the subset
  np.testing.assert_array_equal(a.y_train, d.y_train[idx[:-3]])
  first = preprocess(d, cfg(n_train=4, subset="first"), 0)
  np.testing.assert_array_equal(first.x_train, d.x_train[:4])
  with pytest.raises(ValueError, match="n_val"):
    preprocess(d, cfg(n_train=4, n_val=4), 0)


# ---------------------------------------------------------------------------
# Label corruption


def test_corrupted_labels_mask_and_clean_copy():
  d = raw_images(n_tr=40, n_te=5)
  clean = preprocess(d, cfg(n_train=30), 0)
  noisy = preprocess(d, cfg(n_train=30, label_noise=0.2), 0)
  np.testing.assert_array_equal(noisy.x_train, clean.x_train)
  np.testing.assert_array_equal(noisy.y_train_clean, clean.y_train)
  assert noisy.noisy_mask.sum() == 6  # round(0.2 * 30)
  out = ~noisy.noisy_mask
  np.testing.assert_array_equal(noisy.y_train[out], clean.y_train[out])
  np.testing.assert_array_equal(noisy.y_test, clean.y_test)  # test labels stay clean
  assert not clean.noisy_mask.any()
  wrong = preprocess(d, cfg(n_train=30, label_noise=0.5, label_noise_force_wrong=True), 0)
  m = wrong.noisy_mask
  assert m.sum() == 15 and (wrong.y_train[m] != wrong.y_train_clean[m]).all()


def test_corruption_distribution():
  # 10,000 replaced labels out of 20,000 with k = 10. Uniform replacement keeps
  # the old label w.p. 1/10: SE of that fraction = sqrt(.09/1e4) = 0.003, so
  # 0.015 is 5 SE. Each class gets 1,000 ± 30 (SE) replaced labels: 150 = 5 SE.
  y = np.random.default_rng(7).integers(0, 10, 20000).astype(np.int32)
  y2, m = corrupt_labels(y, 0.5, 10, np.random.default_rng(8))
  assert m.sum() == 10000
  assert abs(np.mean(y2[m] == y[m]) - 0.1) < 0.015
  assert np.abs(np.bincount(y2[m], minlength=10) - 1000).max() < 150
  # force_wrong: the shift y2 - y is uniform over 1..9 (1,111 each, SE 31).
  y3, m3 = corrupt_labels(y, 0.5, 10, np.random.default_rng(8), force_wrong=True)
  shifts = np.bincount((y3[m3] - y[m3]) % 10, minlength=10)
  assert shifts[0] == 0 and np.abs(shifts[1:] - 10000 / 9).max() < 160
  y4, _ = corrupt_labels(np.zeros(10, np.int32), 1.0, 2, np.random.default_rng(0), True)
  np.testing.assert_array_equal(y4, 1)
  with pytest.raises(ValueError, match=r"\[0, 1\]"):
    corrupt_labels(y, 1.5, 10, np.random.default_rng(0))


def test_regression_targets_pass_through_and_reject_label_noise():
  d = Dataset("reg", np.ones((6, 2)), np.arange(6.0)[:, None], np.ones((2, 2)),
              np.zeros((2, 1)), 0)
  out = preprocess(d, cfg(), 0)
  assert out.y_train.dtype == np.float32 and out.y_train.shape == (6, 1)
  with pytest.raises(ValueError, match="classification"):
    preprocess(d, cfg(label_noise=0.1), 0)


# ---------------------------------------------------------------------------
# The whole pipeline


def test_pipeline_order_against_brute_force():
  d = raw_images(n_tr=8, n_te=3, h=10, w=10, c=3, seed=9)
  c = cfg(n_train=6, n_val=2, subset="first", greyscale=True, resize=5, pad_to=7,
          normalize="standard", flatten=True)
  out = preprocess(d, c, 0)

  def steps(x):  # greyscale -> 2x2 block means -> pad 5 -> 7
    return loop_pad(loop_block_mean(loop_greyscale(x), 2, 2), 7)

  tr, va, te = steps(d.x_train[:4]), steps(d.x_train[4:6]), steps(d.x_test)
  mu, sd = tr.mean(), tr.std()  # one channel: statistics over the training split only
  for got, want in ((out.x_train, tr), (out.x_val, va), (out.x_test, te)):
    assert got.shape == (len(want), 49) and got.dtype == np.float32
    np.testing.assert_allclose(got, ((want - mu) / sd).reshape(len(want), -1),
                               rtol=1e-5, atol=1e-5)


def test_fmnist32_padding_and_outputs_are_fresh_arrays():
  d = raw_images(n_tr=3, n_te=2, h=28, w=28, c=1, read_only=True)
  out = preprocess(d, cfg(pad_to=32), 0)
  assert out.x_train.shape == (3, 32, 32, 1) and out.input_shape == (32, 32, 1)
  assert not out.x_train[:, :2].any() and not out.x_train[:, :, -2:].any()
  np.testing.assert_array_equal(out.x_train[:, 2:30, 2:30], d.x_train)
  plain = preprocess(d, cfg(), 0)
  for got, src in ((plain.x_train, d.x_train), (plain.y_train, d.y_train),
                   (plain.y_test, d.y_test), (plain.y_train_clean, d.y_train)):
    assert got.flags.writeable and not np.shares_memory(got, src)
  assert not np.shares_memory(plain.y_train, plain.y_train_clean)
