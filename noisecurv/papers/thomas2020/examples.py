"""Examples 1 and 2 of §2.2 (spec T20-E1, T20-E2): when C does and does not track H = F.

Both are Gaussian likelihoods with unit variance, ℓ = ½‖target − output‖², so F = JᵀJ (mean
over examples) for every θ, computed with the library's `fisher_op` and the 'mse' likelihood;
H by `jax.hessian` of the mean loss; C = GᵀG/N from per-example gradients
(`flat_per_example_grads`). Data come from numpy generators; everything is float64.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv import curvature as cv
from noisecurv.losses import get as get_likelihood

MSE = get_likelihood("mse")


def _dense_fisher(model_fn, theta: jax.Array) -> jax.Array:
  op = cv.fisher_op(model_fn, MSE.output_hvp, theta)
  return cv.materialize(lambda v: op(v), theta.shape[0], dtype=theta.dtype)


def _second_moment(loss_single, theta, xs, ys) -> jax.Array:
  g = cv.flat_per_example_grads(loss_single, theta, xs, ys, chunk_size=100_000)
  return g.T @ g / xs.shape[0]


@jax.jit
def _e1_matrices(xs: jax.Array):
  """(H, F, C) of mean regression at θ_MLE = x̄."""
  n, d = xs.shape
  theta = jnp.mean(xs, 0)
  h = jax.hessian(lambda t: 0.5 * jnp.mean(jnp.sum((xs - t) ** 2, 1)))(theta)
  f = _dense_fisher(lambda t: jnp.broadcast_to(t, (n, d)), theta)
  c = _second_moment(lambda t, x1, y1: 0.5 * jnp.sum((x1 - t) ** 2), theta, xs, jnp.zeros((n,)))
  return h, f, c


@jax.jit
def _e2_matrices(theta: jax.Array, xs: jax.Array, ys: jax.Array):
  """(H, F, C) of least squares at θ (flattened d×p)."""
  d, p = xs.shape[1], ys.shape[1]
  loss1 = lambda t, x1, y1: 0.5 * jnp.sum((y1 - x1 @ t.reshape(d, p)) ** 2)
  h = jax.hessian(lambda t: jnp.mean(jax.vmap(loss1, (None, 0, 0))(t, xs, ys)))(theta)
  f = _dense_fisher(lambda t: xs @ t.reshape(d, p), theta)
  return h, f, _second_moment(loss1, theta, xs, ys)


# -- Example 1: mean regression ----------------------------------------------------------


def example1(sizes=(100, 10_000, 1_000_000), variances=(1.0, 2.0, 4.0, 8.0, 16.0),
             seed: int = 0) -> list[dict]:
  """ℓₙ(θ) = ½‖xₙ − θ‖², q_θ = N(θ, I): at θ_MLE = x̄, H = F = I and C = Σ̂ (normalised by N).

  ‖C − I‖_F tends to ‖Σ − I‖_F = √Σ(σᵢ² − 1)², not to 0: C does not approach F.
  """
  var = np.asarray(variances)
  d = var.shape[0]
  rng = np.random.default_rng([seed, 11])
  mu = rng.standard_normal(d)
  target = float(np.sqrt(np.sum((var - 1.0) ** 2)))
  rows = []
  with jax.enable_x64(True):
    for n in sizes:
      x = mu + np.sqrt(var) * rng.standard_normal((n, d))
      h, f, c = _e1_matrices(jnp.asarray(x))
      sig_hat = np.cov(x, rowvar=False, bias=True)
      eye = np.eye(d)
      rows.append(dict(n=n, c_minus_cov=float(np.max(np.abs(np.asarray(c) - sig_hat))),
                       h_minus_i=float(np.max(np.abs(np.asarray(h) - eye))),
                       f_minus_i=float(np.max(np.abs(np.asarray(f) - eye))),
                       c_minus_i_fro=float(np.linalg.norm(np.asarray(c) - eye)),
                       limit=target))
  return rows


# -- Example 2: ordinary least squares -----------------------------------------------------


def example2(n: int = 1_000_000, d: int = 4, p: int = 3, seed: int = 0,
             sigmas: dict | None = None) -> list[dict]:
  """yₙ = θ*ᵀxₙ + εₙ, ε ~ N(0, Σ), loss ½‖y − θᵀx‖², θ ∈ ℝ^{d×p}; at θ = θ*:
  H = F = E[xxᵀ] ⊗ I_p for every θ, and C = E[xxᵀ ⊗ εεᵀ] → E[xxᵀ] ⊗ Σ (the paper prints
  E[xΣxᵀ]); C ∝ H when Σ = σ²I, and s(C, H) = Tr Σ/(√p ‖Σ‖_F) otherwise.
  """
  sigmas = sigmas or {"isotropic": 0.5 * np.eye(p), "anisotropic": np.diag([1.0, 10.0, 0.1])}
  rng = np.random.default_rng([seed, 12])
  a_half = np.diag(np.sqrt([0.5, 1.0, 2.0, 4.0][:d])) @ _rotation(rng, d)
  theta_star = rng.standard_normal((d, p))
  x = rng.standard_normal((n, d)) @ a_half
  rows = []
  with jax.enable_x64(True):
    for name, sig in sigmas.items():
      eps = rng.standard_normal((n, p)) @ np.linalg.cholesky(sig).T
      h, f, c = (np.asarray(a) for a in _e2_matrices(theta_star.reshape(-1), x,
                                                      x @ theta_star + eps))
      row = dict(sigma=name, h_minus_f=float(np.linalg.norm(h - f) / np.linalg.norm(h)),
                 s_ch=float(np.sum(c * h) / (np.linalg.norm(c) * np.linalg.norm(h))),
                 s_ch_theory=float(np.trace(sig) / (np.sqrt(p) * np.linalg.norm(sig))))
      if name == "isotropic":
        s2 = float(sig[0, 0])
        row["c_minus_s2h_rel"] = float(np.linalg.norm(c - s2 * h) / np.linalg.norm(c))
      rows.append(row)
  return rows


def _rotation(rng, d):
  qm, r = np.linalg.qr(rng.standard_normal((d, d)))
  return qm * np.sign(np.diag(r))
