"""zhu2019 probes against float64 brute force: Σ̂_sgd from a loop of per-example gradients, a
dense jax.hessian, numpy eigendecompositions."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree

from noisecurv import configlib, losses
from noisecurv.data import Dataset
from noisecurv.models import build
from noisecurv.probes.base import ProbeContext
from noisecurv.registry import PROBES

N = 24


@pytest.fixture(scope="module")
def setup():
  import noisecurv.programs  # noqa: F401  (registers the probes)

  rng = np.random.default_rng(0)
  x = rng.standard_normal((N, 3)).astype(np.float32)
  y = (np.arange(N) % 3).astype(np.int32)
  data = Dataset("tiny", x, y, x, y, 3)
  from noisecurv.registry import MODELS

  # Registered defaults first so that keys added to the mlp schema later keep this test valid.
  mcfg = ml_collections.ConfigDict({**MODELS.get("mlp").defaults, "name": "mlp", **PROBES_MODEL})
  model = build(mcfg, num_classes=3, input_shape=(3,))
  params, _ = model.init(jax.random.key(1), jnp.asarray(x[:1]))
  ctx = ProbeContext(model, losses.get("softmax_cross_entropy"), jnp.asarray(x), jnp.asarray(y),
                     "train", "eval", data)
  return ctx, params, x, y, model


PROBES_MODEL = dict(name="mlp", hidden=(4,), activation="tanh", bn=False, dropout=0.0,
                    init="default", ghost_size=0)


def _probe(kind, **kw):
  cfg = ml_collections.ConfigDict(dict(configlib.PROBE_COMMON, seed=0))
  cfg.update(PROBES.get(kind).defaults)
  cfg.update(kw)
  return cfg


def _brute(setup):
  """float64: S = sample covariance of per-example gradients (= Σ̂ of N minibatches of 1), H."""
  ctx, params, x, y, model = setup
  with jax.enable_x64(True):
    p64 = jax.tree.map(lambda a: jnp.asarray(a, jnp.float64), params)
    flat, unravel = ravel_pytree(p64)
    lik = losses.get("softmax_cross_entropy")
    loss = lambda t, xs, ys: jnp.mean(lik.loss(model.apply(unravel(t), {}, xs, train=False)[0],
                                               ys))
    x64 = jnp.asarray(x, jnp.float64)
    grad = jax.jit(jax.grad(loss))
    g = np.stack([np.asarray(grad(flat, x64[i:i + 1], y[i:i + 1])) for i in range(N)])
    h = np.asarray(jax.hessian(loss)(flat, x64, y))
    full = np.asarray(grad(flat, x64, y))
  a = g - g.mean(0)
  return a.T @ a / (N - 1), h, full


@pytest.mark.parametrize("tr_h", ["dense", "hutchinson"])
def test_sgd_noise_matches_float64(setup, tr_h):
  ctx, params, *_ = setup
  # N minibatches of 1: Σ̂ is the per-example sample covariance whatever the permutation.
  cfg = _probe("zhu2019.sgd_noise", num_minibatches=N, minibatch_size=1, tr_h=tr_h,
               num_probes=4000, lanczos_steps=40, hvp_batch=500)
  fn = PROBES.get("zhu2019.sgd_noise").fn(ctx, cfg)[0]
  out = {k: float(v) for k, v in jax.jit(fn)(params, {}, jax.random.key(7)).items()}
  s, h, full = _brute(setup)
  d = s.shape[0]
  lam, vec = np.linalg.eigh(h)
  u1 = vec[:, -1]
  assert out["grad_norm"] == pytest.approx(np.linalg.norm(full), rel=1e-4)
  assert out["tr_sigma"] == pytest.approx(np.trace(s), rel=1e-4)
  assert out["tr_h_sigma"] == pytest.approx(np.sum(h * s), rel=1e-3)
  assert out["lambda_max"] == pytest.approx(lam[-1], rel=1e-3)
  assert out["u1_sigma_u1"] == pytest.approx(u1 @ s @ u1, rel=1e-3)
  # Hutchinson with 4,000 Rademacher probes: relative SE ≈ ‖H‖_F·√(2/P)/Tr H ≈ 1%; 5% is
  # ≈ 5 SE. The dense path is exact.
  tol = 1e-4 if tr_h == "dense" else 0.05
  assert out["tr_h"] == pytest.approx(np.trace(h), rel=tol)
  iso = np.trace(h) * np.trace(s) / d
  assert out["tr_h_sigma_iso"] == pytest.approx(iso, rel=tol)
  a_hat = (u1 @ s @ u1) * np.trace(h) / (lam[-1] * np.trace(s))
  assert out["a_hat"] == pytest.approx(a_hat, rel=tol + 2e-3)
  assert out["a_hat_iso"] == pytest.approx(np.trace(h) / (lam[-1] * d), rel=tol + 2e-3)


def test_sgd_noise_without_curvature_and_minibatch_scaling(setup):
  ctx, params, *_ = setup
  # 6 disjoint minibatches of 4 (all 24 examples): Tr Σ̂ = ‖A‖²/5 of the minibatch means.
  cfg = _probe("zhu2019.sgd_noise", num_minibatches=6, minibatch_size=4, curvature=False,
               fresh_key=False, seed=3)
  fn = PROBES.get("zhu2019.sgd_noise").fn(ctx, cfg)[0]
  out = jax.jit(fn)(params, {}, jax.random.key(0))
  assert set(out) == {"loss", "grad_norm", "tr_sigma", "noise_norm", "noise_to_grad"}
  from noisecurv.noise.sigma_sgd import minibatch_indices

  k_rows = jax.random.split(jax.random.PRNGKey(3), 3)[0]
  idx = np.asarray(minibatch_indices(k_rows, N, 6, 4))
  _, _, x, y, model = setup
  lik = losses.get("softmax_cross_entropy")

  def batch_grad(rows):
    def loss(p):
      logits = model.apply(p, {}, jnp.asarray(x[rows]), train=False)[0]
      return jnp.mean(lik.loss(logits, jnp.asarray(y[rows])))
    return np.asarray(ravel_pytree(jax.grad(loss)(params))[0])

  gb = np.stack([batch_grad(i) for i in idx], 0).astype(np.float64)
  a = gb - gb.mean(0)
  assert float(out["tr_sigma"]) == pytest.approx(np.sum(a * a) / 5, rel=1e-4)
  assert float(out["noise_to_grad"]) == pytest.approx(
      float(out["noise_norm"]) / float(out["grad_norm"]), rel=1e-6)


def test_hessian_spectrum_dense_and_lanczos(setup):
  ctx, params, *_ = setup
  _, h, _ = _brute(setup)
  want = np.sort(np.linalg.eigvalsh(h))[::-1]
  d = h.shape[0]
  for method, kw in (("dense", {}), ("dense", {"float64": True}),
                     ("lanczos", {"lanczos_steps": d})):
    cfg = _probe("zhu2019.hessian_spectrum", method=method, top=5, **kw)
    out = jax.jit(PROBES.get("zhu2019.hessian_spectrum").fn(ctx, cfg)[0])(params, {},
                                                                           jax.random.key(0))
    np.testing.assert_allclose(np.asarray(out["eigvals"]), want[:5], rtol=1e-3,
                               atol=1e-5 * abs(want[0]))
    if method == "dense":
      assert float(out["trace"]) == pytest.approx(np.trace(h), rel=1e-4)


def test_snapshot_is_the_raveled_parameters(setup):
  ctx, params, *_ = setup
  cfg = _probe("zhu2019.snapshot")
  out = PROBES.get("zhu2019.snapshot").fn(ctx, cfg)[0](params, {}, None)
  np.testing.assert_array_equal(np.asarray(out["params"]), np.asarray(ravel_pytree(params)[0]))
