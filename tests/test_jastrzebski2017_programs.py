"""jastrzebski2017: derived training settings (schedules of η and S), BN recalibration for
the interpolations, and the summary statistics of the claims, against brute-force twins."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from noisecurv import configlib, losses
from noisecurv.models import build
from noisecurv.papers.jastrzebski2017 import derive, interpolation, stats
from noisecurv.runner.engine import plan_segments
from noisecurv.runner.launch import load_config_file
from noisecurv.runner.schedules import multiplier

FIG1 = "configs/jastrzebski2017/fig1_cyclic_lr_vs_bs_vgg11.py"
SIZES = (44_800, 5_000)  # fmnist32 / CIFAR split of the paper-scale configs


def _derived(**experiment):
  c = load_config_file(FIG1, "data=fmnist32")
  for k, v in experiment.items():
    c.experiment[k] = v
  return derive.derived_config(c, SIZES)


def _lr_over_bs(d, epoch: float) -> float:
  lr = d.optimizer.lr * float(multiplier(d.optimizer.schedule, epoch, d.train.epochs))
  s = round(d.train.batch_size * float(multiplier(d.train.batch_size_schedule, epoch,
                                                   d.train.epochs)))
  return lr / s


def test_clr_and_cbs_follow_the_spec_square_wave_in_phase():
  clr, cbs = _derived(schedule="clr"), _derived(schedule="cbs")
  p = 10
  for e in range(0, 40):
    high = (e % p) < p / 2  # spec §2.7: high-noise phase first
    want_clr = (0.005 if high else 0.001) / 128
    want_cbs = 0.005 / (128 if high else 640)
    assert _lr_over_bs(clr, e + 0.5) == pytest.approx(want_clr, rel=1e-6)
    assert _lr_over_bs(cbs, e + 0.5) == pytest.approx(want_cbs, rel=1e-6)
  # one compiled program per batch size: CBS alternates two segment sizes
  assert {b for *_, b in plan_segments(cbs, SIZES[0], cbs.train.batch_size)} == {128, 640}


def test_beta_rescaling_and_training_fraction():
  d = _derived(lr_mult=4.0, batch_mult=4.0, n_train_fraction=0.25)
  assert d.optimizer.lr == pytest.approx(0.02)
  assert d.train.batch_size == 512
  assert d.data.n_train == round(0.25 * SIZES[0]) + SIZES[1]
  assert d.program == "train"
  configlib.validate(d)


def test_step_bs_keeps_the_step_lr_ratio_and_caps_s():
  e = dict(schedule="step_bs", step_epochs=(60.0, 100.0, 140.0), step_factor=0.1,
           bs_cap_fraction=0.1)
  d_bs = _derived(**e)
  d_lr = _derived(**{**e, "schedule": "step_lr"})
  for epoch in (0.5, 59.5, 60.5, 99.5, 100.5, 150.0):
    assert _lr_over_bs(d_bs, epoch) == pytest.approx(_lr_over_bs(d_lr, epoch), rel=1e-5)
  # S = 128 · 10ᵏ capped at N/10 = 4480: 128, 1280, 4480 (η takes the remaining 1280/4480)
  s_mult, lr_mult = derive.batch_multipliers(_cfg_e(e), SIZES[0], 128)
  np.testing.assert_allclose(s_mult, [1, 10, 35, 35])
  np.testing.assert_allclose(np.array(lr_mult) / np.array(s_mult), [1, 0.1, 0.01, 0.001])


def _cfg_e(e):
  c = load_config_file(FIG1, "data=fmnist32")
  for k, v in e.items():
    c.experiment[k] = v
  return c.experiment


def test_unknown_schedule_and_oversized_batch_raise():
  with pytest.raises(ValueError):
    _derived(schedule="warm")
  with pytest.raises(ValueError):
    _derived(batch_mult=400.0)


# -- BN recalibration ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def bn_net():
  c = configlib.base(data="digits", model="mlp")
  c.model.hidden = (6,)
  c.model.bn = True
  model = build(c.model, num_classes=3, input_shape=(5,))
  x = jax.random.normal(jax.random.key(0), (4, 8, 5)) * 2.0 + 1.0
  params, state = model.init(jax.random.key(1), x[0])
  return model, params, state, x


def test_recalibration_pools_exact_batch_moments(bn_net):
  model, params, state, x = bn_net
  st = interpolation.recalibrate(model, params, state, x)
  # twin: with one BN layer the pooled statistics are those of the whole set as one batch
  # (biased variance), read directly from the first layer's pre-activations
  whole = jnp.reshape(x, (-1, 5))
  dense = params[sorted(k for k in params if "Dense" in k)[0]]
  with jax.enable_x64(True):
    h = np.asarray(whole, np.float64) @ np.asarray(dense["kernel"], np.float64) \
        + np.asarray(dense["bias"], np.float64)
  leaves = jax.tree.leaves_with_path(st)
  got = {jax.tree_util.keystr(p): np.asarray(v) for p, v in leaves}
  mean = next(v for k, v in got.items() if "mean" in k)
  var = next(v for k, v in got.items() if "var" in k)
  np.testing.assert_allclose(mean, h.mean(0), rtol=1e-4, atol=1e-5)
  np.testing.assert_allclose(var, h.var(0), rtol=1e-4, atol=1e-5)


def test_interpolation_curve_endpoints_and_no_bn_passthrough(bn_net):
  model, params, state, x = bn_net
  other = jax.tree.map(lambda a: a * 0.5, params)
  y = jnp.arange(8) % 3
  sets = {"train": (x[0], y)}
  fn = interpolation.curve_fn(model, losses.get("softmax_cross_entropy"), eval_batch=8)
  out = fn(params, other, state, jnp.array([0.0, 1.0]), x, sets)
  for k, p in enumerate((params, other)):
    st = interpolation.recalibrate(model, p, state, x)
    logits = model.apply(p, st, x[0], train=False)[0]
    want = float(jnp.mean(losses.get("softmax_cross_entropy").loss(logits, y)))
    assert float(out["train"]["loss"][k]) == pytest.approx(want, rel=1e-5)
  assert interpolation.recalibrate(model, params, {}, x) == {}


# -- summary statistics --------------------------------------------------------------------

def test_outward_width_of_a_parabola():
  alphas = np.linspace(-1, 2, 301)
  k_a, k_b = 2.0, 8.0  # L = k_a α² left of 0, k_b (α − 1)² right of 1, flat between
  loss = np.where(alphas < 0, k_a * alphas**2, np.where(alphas > 1, k_b * (alphas - 1) ** 2, 0))
  for delta in (0.1, 0.5, 1.0):
    assert stats.outward_width(alphas, loss, "A", delta) == pytest.approx(np.sqrt(delta / k_a),
                                                                           abs=2e-3)
    assert stats.outward_width(alphas, loss, "B", delta) == pytest.approx(np.sqrt(delta / k_b),
                                                                           abs=2e-3)
  assert stats.outward_width(alphas, loss, "A", 10.0) == np.inf


def test_diagonals_distances_and_beta_star():
  lrs, bss = np.array([0.1, 0.05, 0.1, 0.2]), np.array([100, 50, 200, 200])
  vals = np.array([0.9, 0.88, 0.8, 0.85])
  sp = stats.diagonal_spreads(lrs / bss, vals)
  # 0.1/100 = 0.05/50 = 0.2/200 form one diagonal; 0.1/200 is alone (no spread)
  assert list(sp) == [pytest.approx(1e-3)]
  assert list(sp.values()) == [pytest.approx(0.05)]
  grid = stats.common_grid(np.array([0.5, 1, 2, 3]), np.array([1, 2, 3, 4.0]))
  np.testing.assert_array_equal(grid, [1, 2, 3])
  a = stats.on_grid(np.array([0, 2.0]), np.array([0, 4.0]), grid)
  np.testing.assert_allclose(a, [2, 4, 4])
  assert stats.curve_distance([1, 2], [2, 4]) == pytest.approx(1.5)
  assert stats.beta_star([1, 2, 4, 8], [0, 0.5, 2.0, 3.0], [False] * 4, 1.5) == 4
  assert stats.beta_star([1, 2, 4], [0, 0.5, 0.1], [False, True, False], 1.5) == 2
  assert stats.beta_star([1, 2], [0, 0.1], [False, False], 1.5) == np.inf
  rho, _ = stats.spearman([1, 2, 3, 4, np.nan], [4, 3, 2, 1, 0])
  assert rho == pytest.approx(-1.0)
