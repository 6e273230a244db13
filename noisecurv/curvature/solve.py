"""Linear solves with curvature matrices: conjugate gradients and eigen-cutoff pseudo-inverses.

The eigen-cutoff pseudo-inverse is the TIC's (Thomas et al. 2020, App. B.1):
with A = UΛUᵀ keep 𝒦 = {i : λᵢ > τ·λ_max}; A⁺_τ = Σ_{i∈𝒦} uᵢuᵢᵀ/λᵢ. Negative
eigenvalues fall below the cut automatically. CG solves (A + δI)x = b for a
positive definite A (or a damped semi-definite one): it is the large-d
fallback, and damping is not the paper's estimator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp

from noisecurv.curvature.precision import highest

Matvec = Callable[[jax.Array], jax.Array]


class CGResult(NamedTuple):
  x: jax.Array
  residual_norm: jax.Array  # ‖b − (A + δI)x‖ as tracked by the recursion
  iterations: jax.Array


def cg(matvec: Matvec, b: jax.Array, *, x0: jax.Array | None = None, maxiter: int = 100,
       tol: float = 1e-6, damping: float = 0.0) -> CGResult:
  """Conjugate gradients for (A + damping·I)x = b; stops when ‖r‖ ≤ tol·‖b‖ or after maxiter."""
  op = lambda v: matvec(v) + damping * v
  x = jnp.zeros_like(b) if x0 is None else x0
  with highest():
    r = b - op(x)
  stop = (tol * jnp.linalg.norm(b)) ** 2

  def cond(c):
    _, r, _, rs, i = c
    return (rs > stop) & (i < maxiter)

  def body(c):
    x, r, p, rs, i = c
    with highest():
      ap = op(p)
    alpha = rs / jnp.vdot(p, ap)
    x = x + alpha * p
    r = r - alpha * ap
    rs_new = jnp.vdot(r, r)
    p = r + (rs_new / rs) * p
    return x, r, p, rs_new, i + 1

  rs0 = jnp.vdot(r, r)
  x, r, _, rs, i = jax.lax.while_loop(cond, body, (x, r, r, rs0, jnp.zeros((), jnp.int32)))
  return CGResult(x, jnp.sqrt(rs), i)


def cutoff_mask(eigvals: jax.Array, tau: float) -> jax.Array:
  """𝒦 = {i : λᵢ > τ·λ_max} as a boolean mask."""
  return eigvals > tau * jnp.max(eigvals)


def pinv_eigvals(eigvals: jax.Array, tau: float) -> jax.Array:
  """1/λᵢ on 𝒦, 0 elsewhere."""
  keep = cutoff_mask(eigvals, tau)
  return jnp.where(keep, 1.0 / jnp.where(keep, eigvals, 1.0), 0.0)


def pinv_solve(eigvals: jax.Array, eigvecs: jax.Array, b: jax.Array, tau: float) -> jax.Array:
  """A⁺_τ b from A's eigenpairs (eigvecs as columns)."""
  with highest():
    return eigvecs @ (pinv_eigvals(eigvals, tau) * (eigvecs.T @ b))


def pinv_dense(eigvals: jax.Array, eigvecs: jax.Array, tau: float) -> jax.Array:
  """The matrix A⁺_τ."""
  with highest():
    return (eigvecs * pinv_eigvals(eigvals, tau)) @ eigvecs.T


def trace_pinv_product(eigvals: jax.Array, eigvecs: jax.Array, b: jax.Array, tau: float
                       ) -> tuple[jax.Array, jax.Array]:
  """(Tr(A⁺_τ B), |𝒦|) = Σ_{i∈𝒦} uᵢᵀBuᵢ/λᵢ for a dense B (d×d)."""
  with highest():
    quad = jnp.sum(eigvecs * (b @ eigvecs), 0)  # uᵢᵀBuᵢ
  return jnp.sum(pinv_eigvals(eigvals, tau) * quad), jnp.sum(cutoff_mask(eigvals, tau))


def trace_pinv_gram(eigvals: jax.Array, eigvecs: jax.Array, grads: jax.Array, tau: float
                    ) -> tuple[jax.Array, jax.Array]:
  """Tr(A⁺_τ C) with C = GᵀG/M from G (M×d) without forming C: Σ_{i∈𝒦} ‖Guᵢ‖²/(Mλᵢ)."""
  with highest():
    p = grads @ eigvecs
  quad = jnp.mean(jnp.square(p), 0)
  return jnp.sum(pinv_eigvals(eigvals, tau) * quad), jnp.sum(cutoff_mask(eigvals, tau))
