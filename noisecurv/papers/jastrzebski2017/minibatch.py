"""E0c: the covariance of a minibatch gradient (paper Eq. 6–7).

For N per-example gradients gₙ with mean ḡ and sample covariance
K = (1/(N − 1)) Σₙ (gₙ − ḡ)(gₙ − ḡ)ᵀ (Eq. 7, the centred covariance; Σ in DESIGN.md's
naming, never "Fisher"), the mean g⁽ˢ⁾ of S gradients drawn uniformly

* without replacement has Cov(g⁽ˢ⁾) = (1/S − 1/N)·K (Eq. 6, finite-population correction);
* with replacement has Cov(g⁽ˢ⁾) = ((N − 1)/N)·K/S.

The check estimates Cov(g⁽ˢ⁾) from many sampled minibatches, centred at the known ḡ
(so the estimate is unbiased with divisor M), on a tiny logistic regression whose
per-example gradients come from `noisecurv.curvature.flat_per_example_grads`.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv import curvature as cv


def logistic_problem(key: jax.Array, n: int, d: int, w_norm: float = 1.0):
  """x ~ N(0, I_d) (n, d), a teacher w* with ‖w*‖ = w_norm, y ~ Bernoulli(σ(w*ᵀx)) in {0, 1}."""
  kx, kw, ky = jax.random.split(key, 3)
  x = jax.random.normal(kx, (n, d), jnp.float32)
  w = jax.random.normal(kw, (d,), jnp.float32)
  w = w_norm * w / jnp.linalg.norm(w)
  y = jax.random.bernoulli(ky, jax.nn.sigmoid(x @ w)).astype(jnp.float32)
  return x, y, w


def logistic_loss(w: jax.Array, x: jax.Array, y: jax.Array) -> jax.Array:
  """−log p(y|x) of ONE example (x (d,), y in {0, 1}) under p(y = 1|x) = σ(wᵀx)."""
  z = jnp.dot(x, w)
  return jax.nn.softplus(z) - y * z


def per_example_grads(w, x, y) -> jax.Array:
  """G (N, d): gradients of the per-example losses (not scaled by 1/N)."""
  return cv.flat_per_example_grads(logistic_loss, w, x, y)


def sample_covariance(g: jax.Array) -> jax.Array:
  """K = (1/(N − 1)) Σ (gₙ − ḡ)(gₙ − ḡ)ᵀ, Eq. 7."""
  c = g - jnp.mean(g, 0)
  with cv.highest():
    return c.T @ c / (g.shape[0] - 1)


def reference_covariance(k: np.ndarray, s: int, n: int, replace: bool) -> np.ndarray:
  """Cov(g⁽ˢ⁾): (1/S − 1/N)K without replacement (Eq. 6), (N − 1)K/(NS) with."""
  k = np.asarray(k, np.float64)
  return k * ((n - 1) / (n * s) if replace else (1 / s - 1 / n))


@partial(jax.jit, static_argnames=("s", "n_batches", "replace", "chunk"))
def minibatch_covariance(key: jax.Array, g: jax.Array, *, s: int, n_batches: int,
                         replace: bool, chunk: int = 1000) -> jax.Array:
  """(d, d) estimate of Cov(g⁽ˢ⁾) from n_batches minibatches of size s, centred at ḡ.

  Without replacement the s indices are the top-s of N uniforms (a uniformly random
  s-subset); with replacement they are s independent uniform indices.
  """
  n, d = g.shape
  gbar = jnp.mean(g, 0)

  def one(k):
    if replace:
      idx = jax.random.randint(k, (s,), 0, n)
    else:
      idx = jax.lax.top_k(jax.random.uniform(k, (n,)), s)[1]
    return jnp.mean(g[idx], 0) - gbar

  keys = jax.random.split(key, n_batches)
  dev = jax.lax.map(one, keys, batch_size=min(chunk, n_batches))
  with cv.highest():
    return dev.T @ dev / n_batches


def relative_error(est: np.ndarray, ref: np.ndarray) -> float:
  """‖est − ref‖_F / ‖ref‖_F."""
  est, ref = np.asarray(est, np.float64), np.asarray(ref, np.float64)
  return float(np.linalg.norm(est - ref) / np.linalg.norm(ref))
