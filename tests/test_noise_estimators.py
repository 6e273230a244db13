"""The pieces behind the noise kinds against brute-force twins: Σ_sgd estimators (minibatch and
per-example), the top-k factor, K-FAC factors of a conv layer, and the state/config helpers."""

from __future__ import annotations

import math

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from jax.flatten_util import ravel_pytree
from test_noise_problem import (
  LIK,
  N,
  batch_grads64,
  covariance_error,
  fast_jit,
  per_example_grads64,
  problem,
)

from noisecurv.noise import NoiseContext, make_config, resolve_stop, set_key, set_scale
from noisecurv.noise.gld import top_k_factor
from noisecurv.noise.kfac import kfac_factors
from noisecurv.noise.sigma_sgd import SigmaEstimator, minibatch_indices
from noisecurv.registry import NOISES

KEY = jax.random.PRNGKey(11)


def test_minibatch_indices_disjoint_or_without_replacement():
  idx = np.asarray(fast_jit(lambda k: minibatch_indices(k, 48, 6, 8))(KEY))
  assert idx.shape == (6, 8) and len(set(idx.ravel())) == 48
  idx = np.asarray(fast_jit(lambda k: minibatch_indices(k, 10, 4, 6))(KEY))  # 24 > 10
  assert idx.shape == (4, 6) and all(len(set(r)) == 6 for r in idx) and idx.max() < 10


def _minibatch_rows64(idx):
  """(B, d) float64 minibatch-mean gradients, a Python loop over the minibatches."""
  pr = problem()
  g = per_example_grads64(np.asarray(pr.x), np.asarray(pr.y))
  return np.stack([g[row].mean(0) for row in np.asarray(idx)])


@pytest.mark.parametrize("chunk", [0, 3])  # all minibatches at once; a scan over 2 chunks
def test_minibatch_estimator_matches_loop(chunk):
  est = SigmaEstimator("minibatch", 6, 4, chunk)
  idx, idx_sample = fast_jit(lambda k: (minibatch_indices(k, N, 6, 4),
                                        minibatch_indices(jax.random.split(k)[0], N, 6, 4)))(KEY)
  rows = _minibatch_rows64(idx)
  sigma = np.cov(rows, rowvar=False, ddof=1)
  w = 1 / 5
  mean, var, a, eps = _estimates(est, KEY)
  np.testing.assert_allclose(mean, rows.mean(0), atol=1e-6)
  np.testing.assert_allclose(var, np.diag(sigma), rtol=1e-4, atol=1e-9)
  np.testing.assert_allclose(w * np.asarray(a, np.float64).T @ np.asarray(a, np.float64), sigma,
                             rtol=1e-4, atol=1e-8)
  # One draw is Aᵀc, c = √w·(z − z̄), with minibatches and z from the two halves of its key.
  _, k_z = jax.random.split(KEY)
  rows = _minibatch_rows64(idx_sample)
  z = np.asarray(jax.random.normal(k_z, (6,), jnp.float32), np.float64)
  expected = (rows - rows.mean(0)).T @ ((z - z.mean()) / math.sqrt(5))
  np.testing.assert_allclose(eps, expected, rtol=1e-4, atol=1e-6)


def _estimates(est, key):
  """(ḡ, diag Σ̂, rows A, one sample) of `est` on the problem, one compiled program."""
  pr = problem()

  def program(k):
    ctx = pr.context()
    mean, var = est.moments(pr.params, ctx, k)
    return mean, var, est.rows(pr.params, ctx, k)[0], est.sample(pr.params, ctx, k)

  return fast_jit(program)(key)


def test_per_example_estimator_matches_loop():
  est = SigmaEstimator("per_example", 2, 5, 0)
  g = batch_grads64()
  sigma = np.cov(g, rowvar=False, ddof=1) / 5
  mean, var, _, eps = _estimates(est, KEY)
  np.testing.assert_allclose(mean, g.mean(0), atol=1e-6)
  np.testing.assert_allclose(var, np.diag(sigma), rtol=1e-4, atol=1e-9)
  _, k_z = jax.random.split(KEY)
  z = np.asarray(jax.random.normal(k_z, (g.shape[0],), jnp.float32), np.float64)
  expected = (g - g.mean(0)).T @ ((z - z.mean()) / math.sqrt((g.shape[0] - 1) * 5))
  np.testing.assert_allclose(eps, expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("rows", [5, 30])  # Gram (R < d) and primal (R ≥ d) branches
def test_top_k_factor_is_the_top_of_the_spectrum(rows):
  rng = np.random.default_rng(rows)
  a = rng.standard_normal((rows, 12)) * np.linspace(3, 0.1, 12)
  a -= a.mean(0)
  w = 1 / (rows - 1)
  gamma, f = top_k_factor(jnp.asarray(a, jnp.float32), w, 3)
  lam, vecs = np.linalg.eigh(w * a.T @ a)
  lam, vecs = lam[::-1][:3], vecs[:, ::-1][:, :3]
  np.testing.assert_allclose(gamma, lam, rtol=1e-4)
  f = np.asarray(f, np.float64)
  np.testing.assert_allclose(f.T @ f, (vecs * lam) @ vecs.T, atol=1e-4 * lam[0])


# ---------------------------------------------------------------------------
# K-FAC on a conv layer (KFC): A over im2col patches, G averaged over positions


class ConvTiny(nn.Module):
  @nn.compact
  def __call__(self, x):
    z = nn.Conv(2, (3, 3), padding="VALID")(x)
    return nn.Dense(3)(nn.relu(z).reshape(x.shape[0], -1))


def _conv_problem():
  rng = np.random.default_rng(5)
  x = rng.standard_normal((16, 5, 5, 1)).astype(np.float32)
  y = rng.integers(0, 3, 16).astype(np.int32)
  params = fast_jit(ConvTiny().init)(jax.random.PRNGKey(2), x[:1])["params"]

  def apply(p, xb):
    return ConvTiny().apply({"params": p}, xb)

  def ple(p, xb, yb):
    return LIK.loss(apply(p, xb), yb)

  def ctx():
    return NoiseContext(lambda p, xb, yb: jnp.mean(ple(p, xb, yb)), ple, apply, LIK,
                        (jnp.asarray(x), jnp.asarray(y)), (jnp.asarray(x), jnp.asarray(y)),
                        jnp.float32(0.1), jnp.int32(0))

  return params, x, y, ctx


def _conv_kfac64(params, x, y):
  """A (10, 10) over (kh, kw, cin | 1) patches in kernel order and G (2, 2), float64 loops."""
  conv = nn.Conv(2, (3, 3), padding="VALID")
  z = np.asarray(fast_jit(conv.apply)({"params": params["Conv_0"]}, x), np.float64)
  wd = np.asarray(params["Dense_0"]["kernel"], np.float64)
  bd = np.asarray(params["Dense_0"]["bias"], np.float64)
  with jax.enable_x64(True):
    head = lambda zz: LIK.loss(jax.nn.relu(zz).reshape(zz.shape[0], -1) @ wd + bd, y)
    delta = np.asarray(fast_jit(jax.grad(lambda zz: jnp.sum(head(zz))))(z))  # ∂ℓᵢ/∂z (M,3,3,2)
  m, a, g = x.shape[0], np.zeros((10, 10)), np.zeros((2, 2))
  for i in range(m):
    for r in range(3):
      for c in range(3):
        patch = np.append(x[i, r:r + 3, c:c + 3, :].reshape(-1), 1.0)
        a += np.outer(patch, patch) / m
        g += np.outer(delta[i, r, c], delta[i, r, c]) / (m * 9)
  return a, g


def test_kfac_conv_noise_covariance_matches_kfc():
  """lb_kfac's conv block: Cov = c²·A⊗G in the flax kernel layout (kh, kw, cin, cout)."""
  params, x, y, ctx = _conv_problem()
  a, g = _conv_kfac64(params, x, y)
  tx = NOISES.get("lb_kfac").fn(make_config("lb_kfac", small_batch=4), seed=0)
  grads = jax.tree.map(jnp.zeros_like, params)
  state = tx.init(params)

  def program(keys):
    with jax.default_matmul_precision("highest"):
      _, a_k, g_k = kfac_factors(params, ctx())["Conv_0"]

    def one(key):
      out, _ = tx.update(grads, state._replace(key=key), params, noise_ctx=ctx())
      return jnp.concatenate([out["Conv_0"]["bias"], out["Conv_0"]["kernel"].reshape(-1)])

    return jnp.trace(a_k), g_k, jax.vmap(one)(keys)

  tr_a, g_k, samples = fast_jit(program)(jax.random.split(KEY, 20_000))
  np.testing.assert_allclose(tr_a, np.trace(a), rtol=1e-5)  # patch order differs from kernel's
  np.testing.assert_allclose(g_k, g, rtol=1e-4, atol=1e-9)
  samples = np.asarray(samples, np.float64)
  # ravel: bias (cout) then kernel row-major over (kh, kw, cin, cout); kron index = a_idx·2 + o
  order = [9 * 2 + o for o in range(2)] + list(range(18))
  target = (1 / 4 - 1 / 16) * np.kron(a, g)[np.ix_(order, order)]
  err, rms = covariance_error(samples, target)
  assert err < 4 * rms and err < 0.05, (err, rms)


# ---------------------------------------------------------------------------
# Config and state helpers


def test_make_config_keeps_registry_defaults():
  cfg = make_config("gld_leading", trace=0.5, k=3)
  assert cfg.trace == 0.5 and cfg.k == 3
  assert make_config("gld_leading").trace is None
  with pytest.raises(KeyError):
    make_config("gld_leading", sigma=1.0)


def test_resolve_stop_fraction():
  cfg = make_config("lb_diag", stop_fraction=0.25)
  out = resolve_stop(cfg, 200)
  assert out.stop_step == 50 and out.stop_fraction is None
  assert cfg.stop_step is None and cfg.stop_fraction == 0.25
  assert resolve_stop(make_config("lb_diag", stop_fraction=0.5, stop_step=30), 200).stop_step == 30
  with pytest.raises(ValueError, match="resolve_stop"):
    NOISES.get("lb_diag").fn(cfg, seed=0)


def test_set_scale_and_key_reach_the_noise_state_in_a_chain():
  pr = problem()
  tx = optax.chain(NOISES.get("isotropic").fn(make_config("isotropic"), seed=0),
                   optax.sgd(0.1, momentum=0.9))
  state = set_key(set_scale(tx.init(pr.params), 0.5), jax.random.key(7))
  assert float(state[0].scale) == 0.5
  np.testing.assert_array_equal(state[0].key, jax.random.key_data(jax.random.key(7)))
  assert ravel_pytree(state[1])[0].shape == ravel_pytree(tx.init(pr.params)[1])[0].shape
