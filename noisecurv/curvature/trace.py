"""Randomised traces, diagonals and Frobenius norms from matvecs, with standard errors.

Hutchinson: Tr A = E[vᵀAv] for Rademacher (or Gaussian) v; diag A = E[v ⊙ Av];
‖A‖²_F = E‖Av‖² (Rademacher or Gaussian); Tr(AB) = E[vᵀA(Bv)] for symmetric A.
Each estimate is a mean of P independent samples; its standard error is the
sample standard deviation (ddof = 1) over √P. Hutch++ (Meyer et al. 2021)
spends a third of its products on a sketch Q of A's range, takes Tr(QᵀAQ)
exactly and applies Hutchinson to the deflated remainder (I − QQᵀ)A(I − QQᵀ);
its standard error is that of the remainder. Probes are evaluated `batch_size`
at a time (vmapped matvec; a linearized operator shares its primal pass).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp

from noisecurv.curvature import lapack
from noisecurv.curvature.precision import highest

Matvec = Callable[[jax.Array], jax.Array]


class Estimate(NamedTuple):
  """A Monte-Carlo estimate: value, its standard error and the per-probe samples."""

  value: jax.Array
  stderr: jax.Array
  samples: jax.Array


def _estimate(samples: jax.Array) -> Estimate:
  p = samples.shape[0]
  se = jnp.std(samples, axis=0, ddof=1) / jnp.sqrt(p) if p > 1 else jnp.full_like(
      samples[0], jnp.nan)
  return Estimate(jnp.mean(samples, 0), se, samples)


def probes(key: jax.Array, num: int, d: int, dist: str = "rademacher",
           dtype=jnp.float32) -> jax.Array:
  """(num, d) probe vectors with E[vvᵀ] = I."""
  if dist == "rademacher":
    return jax.random.rademacher(key, (num, d), dtype=dtype)
  if dist == "gaussian":
    return jax.random.normal(key, (num, d), dtype)
  raise ValueError(f"probe distribution {dist!r} not in ('rademacher', 'gaussian')")


def _apply(matvec: Matvec, vs: jax.Array, batch_size: int | None) -> jax.Array:
  with highest():
    return jax.lax.map(matvec, vs, batch_size=batch_size or vs.shape[0])


def hutchinson(matvec: Matvec, key: jax.Array, d: int, num_probes: int, *,
               dist: str = "rademacher", batch_size: int | None = None,
               dtype=jnp.float32) -> Estimate:
  """Tr A ≈ (1/P) Σₚ vₚᵀAvₚ."""
  vs = probes(key, num_probes, d, dist, dtype)
  return _estimate(jnp.sum(vs * _apply(matvec, vs, batch_size), 1))


def hutchinson_diagonal(matvec: Matvec, key: jax.Array, d: int, num_probes: int, *,
                        batch_size: int | None = None, dtype=jnp.float32) -> Estimate:
  """diag A ≈ (1/P) Σₚ vₚ ⊙ Avₚ with Rademacher v (exact when A is diagonal); per-entry SE."""
  vs = probes(key, num_probes, d, "rademacher", dtype)
  return _estimate(vs * _apply(matvec, vs, batch_size))


def frobenius_sq(matvec: Matvec, key: jax.Array, d: int, num_probes: int, *,
                 dist: str = "rademacher", batch_size: int | None = None,
                 dtype=jnp.float32) -> Estimate:
  """‖A‖²_F ≈ (1/P) Σₚ ‖Avₚ‖² (E[vvᵀ] = I, so E‖Av‖² = Tr AᵀA)."""
  vs = probes(key, num_probes, d, dist, dtype)
  return _estimate(jnp.sum(jnp.square(_apply(matvec, vs, batch_size)), 1))


def trace_and_frobenius(matvec: Matvec, key: jax.Array, d: int, num_probes: int, *,
                        batch_size: int | None = None, dtype=jnp.float32
                        ) -> tuple[Estimate, Estimate]:
  """Tr A and ‖A‖²_F from the same Rademacher products (one matvec per probe)."""
  vs = probes(key, num_probes, d, "rademacher", dtype)
  av = _apply(matvec, vs, batch_size)
  return _estimate(jnp.sum(vs * av, 1)), _estimate(jnp.sum(jnp.square(av), 1))


def trace_product(matvec_a: Matvec, matvec_b: Matvec, key: jax.Array, d: int, num_probes: int,
                  *, dist: str = "rademacher", batch_size: int | None = None,
                  dtype=jnp.float32) -> Estimate:
  """Tr(AB) ≈ (1/P) Σₚ (Avₚ)ᵀ(Bvₚ) for symmetric A (vᵀA(Bv) = (Av)ᵀ(Bv))."""
  vs = probes(key, num_probes, d, dist, dtype)
  both = lambda v: jnp.vdot(matvec_a(v), matvec_b(v))
  with highest():
    return _estimate(jax.lax.map(both, vs, batch_size=batch_size or num_probes))


def hutchpp(matvec: Matvec, key: jax.Array, d: int, num_matvecs: int, *,
            batch_size: int | None = None, dtype=jnp.float32) -> Estimate:
  """Hutch++ with num_matvecs products: k = ⌊m/3⌋ sketch, k exact, m − 2k Hutchinson probes."""
  k = max(1, num_matvecs // 3)
  p = max(2, num_matvecs - 2 * k)
  ks, kg = jax.random.split(key)
  s = probes(ks, k, d, "rademacher", dtype)
  q, _ = lapack.qr(_apply(matvec, s, batch_size).T)  # (d, k) orthonormal range sketch
  aq = _apply(matvec, q.T, batch_size)  # (k, d) rows (A qᵢ)ᵀ
  exact = jnp.sum(q.T * aq)
  g = probes(kg, p, d, "rademacher", dtype)
  g = g - (g @ q) @ q.T  # (I − QQᵀ) gₚ
  rest = jnp.sum(g * _apply(matvec, g, batch_size), 1)
  est = _estimate(rest)
  return Estimate(exact + est.value, est.stderr, rest)
