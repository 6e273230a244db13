"""The `thomas2020.info` probe against float64 brute force on a tiny BN-MLP and a logistic model.

References: `jax.hessian` of the mean loss, F = (1/M) Σ Jₙᵀ(diag pₙ − pₙpₙᵀ)Jₙ from the logits'
Jacobian, C from a Python loop of `jax.grad`, the TIC from a numpy eigendecomposition with the
τ·λ_max cutoff, and the sensitivities from per-example input gradients and Jacobians, all in
float64. The probe runs float32 with full-precision matmuls, hence the 1e-4 tolerances.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree

from noisecurv import losses, registry
from noisecurv.data import Dataset
from noisecurv.models import build
from noisecurv.papers.thomas2020 import info
from noisecurv.probes.base import ProbeContext

M, D_IN, K, N_TRAIN = 24, 4, 3, 100


def _cfg(**kw):
  entry = registry.PROBES.get("thomas2020.info")
  c = ml_collections.ConfigDict(dict(entry.defaults))
  c.update(kw)
  return c


@functools.cache
def setup(model_name: str):
  rng = np.random.default_rng(0)
  x = rng.standard_normal((M, D_IN)).astype(np.float32)
  y = rng.integers(0, K, M).astype(np.int32)
  name = "mlp" if model_name == "bn_mlp" else "logreg"
  mcfg = registry.MODELS.get(name).schema()
  mcfg.name = name
  if model_name == "bn_mlp":
    mcfg.hidden, mcfg.bn = (3,), True
  model = build(mcfg, num_classes=K, input_shape=(D_IN,))
  params, state = model.init(jax.random.key(1), jnp.asarray(x))
  if state:  # non-trivial running statistics, so eval-mode BN is not the identity
    state = jax.tree.map(lambda a: a + 0.3 * jnp.abs(jnp.asarray(rng.standard_normal(a.shape),
                                                                 a.dtype)), state)
  data = Dataset("toy", np.zeros((N_TRAIN, D_IN), np.float32), np.zeros(N_TRAIN, np.int32), x, y,
                 K)
  lik = losses.get("softmax_cross_entropy")
  ctx = ProbeContext(model, lik, jnp.asarray(x), jnp.asarray(y), "test", "eval", data)
  fn, _ = info.info_probe(ctx, _cfg(tau=1e-3))
  out = jax.device_get(jax.jit(fn)(params, state, jax.random.key(0)))
  return model, params, state, x, y, out


def references(model, params, state, x, y):
  with jax.enable_x64(True):
    p64 = jax.tree.map(lambda a: jnp.asarray(a, jnp.float64), params)
    s64 = jax.tree.map(lambda a: jnp.asarray(a, jnp.float64), state)
    flat, unravel = ravel_pytree(p64)
    xs, ys = jnp.asarray(x, jnp.float64), jnp.asarray(y)
    logits = lambda t, xx: model.apply_policy(unravel(t), s64, xx, "eval")
    per = lambda t, xx: -jnp.take_along_axis(jax.nn.log_softmax(logits(t, xx), -1),
                                             ys[:, None], 1)[:, 0]
    # Each route jitted once (op-by-op dispatch of the loop would dominate the test's time).
    h = np.asarray(jax.jit(jax.hessian(lambda t: jnp.mean(per(t, xs))))(flat))
    jac = np.asarray(jax.jit(jax.jacobian(lambda t: logits(t, xs)))(flat))
    pr = np.asarray(jax.nn.softmax(logits(flat, xs), -1))
    grad_i = jax.jit(jax.grad(lambda t, i: per(t, xs)[i]))
    grads = np.stack([np.asarray(grad_i(flat, i)) for i in range(M)])
    gx = np.asarray(jax.jit(jax.grad(lambda xx: jnp.sum(per(flat, xx))))(xs))
    jx = np.asarray(jax.jit(jax.jacobian(lambda xx: jax.nn.softmax(logits(flat, xx), -1)))(xs))
  f = sum(jac[i].T @ (np.diag(pr[i]) - np.outer(pr[i], pr[i])) @ jac[i] for i in range(M)) / M
  c = grads.T @ grads / M
  sens_jac = np.mean([np.linalg.norm(jx[i, :, i, :]) for i in range(M)])
  return h, f, c, grads.mean(0), np.mean(np.sum(gx ** 2, 1)), sens_jac


def _tr_pinv(a, b, tau=1e-3):
  w, u = np.linalg.eigh(a)
  keep = w > tau * w.max()
  return float(sum(u[:, i] @ b @ u[:, i] / w[i] for i in np.nonzero(keep)[0])), int(keep.sum())


@pytest.mark.parametrize("model_name", ["bn_mlp", "logreg"])
def test_info_matches_float64_references(model_name):
  model, params, state, x, y, out = setup(model_name)
  h, f, c, gbar, sens_loss, sens_jac = references(model, params, state, x, y)
  sigma = c - np.outer(gbar, gbar)
  close = lambda a, b, tol=1e-4: np.testing.assert_allclose(float(a), b, rtol=tol)
  close(out["tr_H"], np.trace(h))
  close(out["tr_F"], np.trace(f))
  close(out["tr_C"], np.trace(c))
  close(out["tr_Sigma"], np.trace(sigma))
  for name, (a, b) in {"CH": (c, h), "CF": (c, f), "FH": (f, h)}.items():
    close(out[f"r_{name}"], np.trace(a) / np.trace(b))
    close(out[f"s_{name}"], np.sum(a * b) / (np.linalg.norm(a) * np.linalg.norm(b)))
  close(out["fc_abs"], np.sum((f - c) ** 2))
  close(out["fc_rel"], np.sum((f - c) ** 2) / np.sum(f ** 2))
  close(out["fc_trace_normalized"], np.sum((f / np.trace(f) - c / np.trace(c)) ** 2), 1e-3)
  tic, k = _tr_pinv(h, c)
  close(out["tic"], tic / N_TRAIN, 1e-3)
  assert int(out["tic_k"]) == k
  close(out["tic_sigma"], _tr_pinv(h, sigma)[0] / N_TRAIN, 1e-3)
  close(out["tic_f"], _tr_pinv(f, c)[0] / N_TRAIN, 1e-3)
  assert int(out["rank_C"]) == int(np.sum(np.linalg.eigvalsh(c) > 1e-3 *
                                          np.linalg.eigvalsh(c).max()))
  close(out["trace_ratio"], np.trace(c) / np.trace(f))
  close(out["trace_ratio_d_over_n"], h.shape[0] * np.trace(c) / np.trace(f) / N_TRAIN)
  close(out["aic"], h.shape[0] / N_TRAIN)
  close(out["grad_sq_norm"], gbar @ gbar, 1e-3)
  close(out["sens_loss"], sens_loss)
  close(out["sens_jac"], sens_jac)
  assert float(out["min_eig_F_rel"]) > -1e-5 and float(out["min_eig_C_rel"]) > -1e-5
  if model_name == "logreg":  # a GLM: H = F at every θ (§2, Martens 2014)
    assert float(out["hf_rel"]) < 1e-5
  else:
    assert float(out["hf_rel"]) > 1e-3  # the BN-MLP is not a GLM: the check can fail


def test_fc_only_skips_hessian_and_bn_policy_is_enforced():
  model, params, state, x, y, _ = setup("bn_mlp")
  data = Dataset("toy", np.zeros((N_TRAIN, D_IN), np.float32), np.zeros(N_TRAIN, np.int32), x, y,
                 K)
  lik = losses.get("softmax_cross_entropy")
  ctx = ProbeContext(model, lik, jnp.asarray(x), jnp.asarray(y), "train", "eval", data)
  fn, _ = info.info_probe(ctx, _cfg(matrices="FC", eig=False, sensitivity=False))
  out = jax.eval_shape(fn, params, state, jax.random.key(0))
  assert "tr_H" not in out and "tic" not in out and "fc_abs" in out
  batch_ctx = ProbeContext(model, lik, jnp.asarray(x), jnp.asarray(y), "train", "batch", data)
  fn_b, _ = info.info_probe(batch_ctx, _cfg())
  with pytest.raises(ValueError, match="bn='eval'"):
    fn_b(params, state, jax.random.key(0))
  with pytest.raises(ValueError, match="matrices"):
    info.info_probe(ctx, _cfg(matrices="H"))
