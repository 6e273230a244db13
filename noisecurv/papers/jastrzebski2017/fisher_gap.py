"""E0e: when is the gradient covariance K close to the Hessian H? (paper Appendix A)

Appendix A argues that near a well-specified optimum K ≈ (1/N)Σ gₙgₙᵀ (the uncentred
second moment C, often called the "empirical Fisher") and that the second term of
H = (1/N)Σ[∇log p ∇log pᵀ − (1/p)∇²p] (Eq. 20) averages to zero (Eq. 21–23), so K ≈ H.

The check uses a logistic-regression teacher–student problem, where the model is
realisable: x ~ N(0, I_d), y ~ Bernoulli(σ(w*ᵀx)), fitted by Newton's method to the
maximum-likelihood ŵ. K is the centred per-example gradient covariance with 1/(N − 1)
(Eq. 7) and H the Hessian of the mean loss, both dense d×d from the curvature kernels.
The relative gap ‖K − H‖_F/‖H‖_F shrinks like N^{-1/2} at ŵ and grows away from it. For a
canonical-link GLM H does not depend on y, so label noise is not a misspecification
control here (spec E0e).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv import curvature as cv
from noisecurv.curvature import lapack
from noisecurv.papers.jastrzebski2017.minibatch import (
  logistic_loss,
  logistic_problem,
  per_example_grads,
  sample_covariance,
)

__all__ = ["gap_metrics", "logistic_problem", "newton_mle"]


def mean_loss(w, x, y):
  return jnp.mean(jax.vmap(logistic_loss, in_axes=(None, 0, 0))(w, x, y))


def hessian_dense(w, x, y) -> jax.Array:
  """(d, d) Hessian of the mean logistic loss, materialised from H·v products."""
  matvec, _ = cv.flat(cv.hessian_op(lambda p: mean_loss(p, x, y), w), w)
  return cv.materialize(matvec, w.shape[0])


def newton_mle(x, y, num_steps: int = 25) -> jax.Array:
  """ŵ = argmin of the mean logistic loss by Newton's method from 0 (float32, 'highest')."""

  def body(w, _):
    g = jax.grad(mean_loss)(w, x, y)
    with cv.highest():
      w = w - lapack.solve(hessian_dense(w, x, y), g)
    return w, None

  w0 = jnp.zeros((x.shape[1],), jnp.float32)
  return jax.lax.scan(body, w0, None, length=num_steps)[0]


def gap_metrics(w, x, y) -> dict[str, jax.Array]:
  """‖K − H‖_F/‖H‖_F, Tr K/Tr H and the Frobenius cosine ⟨K, H⟩/(‖K‖‖H‖) at w; also ‖∇L‖."""
  k = sample_covariance(per_example_grads(w, x, y))
  h = hessian_dense(w, x, y)
  fro = lambda a: jnp.sqrt(jnp.sum(a * a))
  return {"gap": fro(k - h) / fro(h), "trace_ratio": jnp.trace(k) / jnp.trace(h),
          "cosine": jnp.sum(k * h) / (fro(k) * fro(h)),
          "grad_norm": jnp.linalg.norm(jax.grad(mean_loss)(w, x, y))}


def random_unit(key: jax.Array, d: int) -> jax.Array:
  v = jax.random.normal(key, (d,), jnp.float32)
  return v / jnp.linalg.norm(v)


def numpy_gap(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
  """Float64 closed form of the gap (tests): gₙ = (σ(wᵀxₙ) − yₙ)xₙ, H = (1/N)Σ σ(1 − σ)xₙxₙᵀ."""
  w, x, y = (np.asarray(a, np.float64) for a in (w, x, y))
  p = 1 / (1 + np.exp(-x @ w))
  g = (p - y)[:, None] * x
  c = g - g.mean(0)
  k = c.T @ c / (len(y) - 1)
  h = (x * (p * (1 - p))[:, None]).T @ x / len(y)
  return float(np.linalg.norm(k - h) / np.linalg.norm(h))
