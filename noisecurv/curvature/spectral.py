"""Spectral estimators on a flat matvec: power iteration, Lanczos, stochastic Lanczos quadrature.

The matvec runs in its own dtype (float32 in probes, with full-precision
matmuls); the Krylov vectors, the basis and the tridiagonal are float64 (see
`noisecurv.curvature.precision.float64`). `LanczosResult` fields are float64;
`power_iteration`, `lanczos_top_k` and `slq` return the dtype of v0.

Each estimator runs as one `precision.float64_call` region (robust to vmap of
enclosing jits and maps). Lanczos with full reorthogonalisation (classical
Gram-Schmidt, twice, against the whole basis) keeps the basis orthonormal to
working precision, so the Ritz values of the m-step tridiagonal T are those of
exact arithmetic and no spurious copies appear (a second pass runs only when the
first cancels most of the vector, the DGKS criterion). Breakdown (βⱼ ≈ 0: the Krylov
space is invariant, e.g. for a rank-r matrix after r steps) is handled by
setting βⱼ = 0 and restarting from a fixed pseudo-random vector orthogonal to
the basis; T is then block diagonal and every block's eigenvalues are
eigenvalues of the operator. The number of steps is min(num_steps, d).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv.curvature.lapack import eigh
from noisecurv.curvature.precision import float64_call

Matvec = Callable[[jax.Array], jax.Array]

# Relative size (in units of the matvec dtype's eps times ‖A‖) below which βⱼ counts as breakdown.
BREAKDOWN_EPS = 100.0
# Reorthogonalise a second time when one pass leaves less than this fraction of the norm.
DGKS = 0.7071


class LanczosResult(NamedTuple):
  """alphas (m,) and betas (m−1,): diagonal and off-diagonal of T; basis (m, d) rows vⱼ (None if
  not kept); eigvals (m,) ascending and eigvecs (m, m) (columns) of T. All float64."""

  alphas: jax.Array
  betas: jax.Array
  basis: jax.Array | None
  eigvals: jax.Array
  eigvecs: jax.Array


def _normalize(v):
  return v / jnp.linalg.norm(v)


def _restart_vector(j: jax.Array, d: int) -> jax.Array:
  """A fixed pseudo-random vector for step j (float64, entries in [−½, ½)).

  A sine hash rather than a PRNG: it only has to avoid the span of the basis, and
  it keeps threefry out of the loop body (which compiles slowly on CPU).
  """
  i = jnp.arange(1, d + 1, dtype=jnp.float64)
  x = jnp.sin(i * 12.9898 + (j.astype(jnp.float64) + 1.0) * 78.233) * 43758.5453
  return x - jnp.floor(x) - 0.5


def _lanczos_f64(mv: Matvec, v0: jax.Array, num_steps: int):
  """The recursion; runs inside a float64 region. Returns (alphas (m,), betas (m−1,), V (m, d))."""
  f64 = jnp.float64
  io = v0.dtype
  d = v0.shape[0]
  m = max(1, min(int(num_steps), d))
  tol_rel = BREAKDOWN_EPS * float(jnp.finfo(io).eps)

  def orth(basis, w):
    # Classical Gram-Schmidt, repeated only when the first pass cancelled more than
    # half the norm (Daniel–Gragg–Kaufman–Stewart): "twice is enough" at half the reads.
    before = jnp.linalg.norm(w)
    w = w - basis.T @ (basis @ w)
    again = jnp.linalg.norm(w) < DGKS * before
    return jax.lax.cond(again, lambda u: u - basis.T @ (basis @ u), lambda u: u, w)

  def body(j, carry):
    basis, alphas, betas, v, v_prev, beta_prev, anorm = carry
    basis = basis.at[j].set(v)
    w = mv(v.astype(io)).astype(f64)
    anorm = jnp.maximum(anorm, jnp.linalg.norm(w))
    alpha = jnp.vdot(v, w)
    w = orth(basis, w - alpha * v - beta_prev * v_prev)
    beta = jnp.linalg.norm(w)
    broke = beta <= tol_rel * anorm

    def restart(_):
      return _normalize(orth(basis, _restart_vector(j, d)))

    v_next = jax.lax.cond(broke, restart, lambda _: w / jnp.where(broke, 1.0, beta), None)
    beta = jnp.where(broke, 0.0, beta)
    return basis, alphas.at[j].set(alpha), betas.at[j].set(beta), v_next, v, beta, anorm

  v = _normalize(v0.astype(f64))
  init = (jnp.zeros((m, d), f64), jnp.zeros((m,), f64), jnp.zeros((m,), f64), v,
          jnp.zeros_like(v), jnp.zeros((), f64), jnp.zeros((), f64))
  basis, alphas, betas, *_ = jax.lax.fori_loop(0, m, body, init)
  return alphas, betas[:m - 1], basis


def tridiagonal(alphas: jax.Array, betas: jax.Array) -> jax.Array:
  return jnp.diag(alphas) + jnp.diag(betas, 1) + jnp.diag(betas, -1)


def lanczos(matvec: Matvec, v0: jax.Array, num_steps: int, *, keep_basis: bool = True
            ) -> LanczosResult:
  """m = min(num_steps, d) Lanczos steps from v0 with full reorthogonalisation (float64)."""

  def impl(cbs, v0):
    alphas, betas, basis = _lanczos_f64(cbs[0], v0, num_steps)
    eigvals, eigvecs = eigh(tridiagonal(alphas, betas))
    return LanczosResult(alphas, betas, basis if keep_basis else None, eigvals, eigvecs)

  return float64_call(impl, [(matvec, (v0,))], v0)


def lanczos_top_k(matvec: Matvec, v0: jax.Array, num_steps: int, k: int
                  ) -> tuple[jax.Array, jax.Array]:
  """Top-k Ritz pairs in descending algebraic order: eigvals (k,), eigvecs (k, d), dtype of v0."""

  def impl(cbs, v0):
    alphas, betas, basis = _lanczos_f64(cbs[0], v0, num_steps)
    w, y = eigh(tridiagonal(alphas, betas))
    kk = min(k, w.shape[0])
    w, y = w[::-1][:kk], y[:, ::-1][:, :kk]
    return w.astype(v0.dtype), (basis.T @ y).T.astype(v0.dtype)

  return float64_call(impl, [(matvec, (v0,))], v0)


def _power_f64(mv: Matvec, v0: jax.Array, num_steps: int):
  f64, io = jnp.float64, v0.dtype

  def body(v, _):
    w = mv(v.astype(io)).astype(f64)
    lam = jnp.vdot(v, w)  # Rayleigh quotient of the unit vector v
    return _normalize(w), lam

  v, history = jax.lax.scan(body, _normalize(v0.astype(f64)), None, length=num_steps)
  lam = jnp.vdot(v, mv(v.astype(io)).astype(f64))
  return lam, v, history


def power_iteration(matvec: Matvec, v0: jax.Array, num_steps: int) -> tuple[jax.Array, jax.Array]:
  """(eigval, eigvec) of the largest-magnitude eigenvalue after num_steps products.

  The eigenvalue is the Rayleigh quotient of the final unit vector (one extra
  product), so its sign is that of the eigenvalue; callers after λ_max must check
  it is positive. Vectors are normalised in float64.
  """

  def impl(cbs, v0):
    lam, v, _ = _power_f64(cbs[0], v0, num_steps)
    return lam.astype(v0.dtype), v.astype(v0.dtype)

  return float64_call(impl, [(matvec, (v0,))], v0)


def power_iteration_history(matvec: Matvec, v0: jax.Array, num_steps: int) -> jax.Array:
  """Rayleigh quotients (num_steps,) after 0, 1, … products: history[t] used t+1 products."""

  def impl(cbs, v0):
    return _power_f64(cbs[0], v0, num_steps)[2].astype(v0.dtype)

  return float64_call(impl, [(matvec, (v0,))], v0)


class SLQResult(NamedTuple):
  """Gauss quadrature of the spectral measure μ = (1/d) Σᵢ δ(λᵢ) for each probe: nodes (P, m)
  are Ritz values, weights (P, m) the squared first components of T's eigenvectors (they sum to
  one per probe)."""

  nodes: jax.Array
  weights: jax.Array

  def density(self, grid: jax.Array, sigma: float) -> jax.Array:
    """Gaussian-smoothed density on grid (G,): (1/P) Σₚ Σᵢ wₚᵢ N(t; θₚᵢ, σ²)."""
    z = (grid[:, None, None] - self.nodes[None]) / sigma
    k = jnp.exp(-0.5 * z * z) / (sigma * jnp.sqrt(2 * jnp.pi))
    return jnp.mean(jnp.sum(k * self.weights[None], -1), -1)

  def trace(self, fn: Callable[[jax.Array], jax.Array], d: int) -> jax.Array:
    """Tr f(A) ≈ d · (1/P) Σₚ Σᵢ wₚᵢ f(θₚᵢ)."""
    return d * jnp.mean(jnp.sum(self.weights * fn(self.nodes), -1))


def slq(matvec: Matvec, key: jax.Array, d: int, num_probes: int, num_steps: int, *,
        dtype=jnp.float32, batch_size: int | None = None) -> SLQResult:
  """Stochastic Lanczos quadrature (Ubaru et al. 2017) with Rademacher starting vectors.

  batch_size probes run vmapped at once (default all); the rest run one batch
  after another, bounding the memory of the float64 bases.
  """
  probes = jax.random.rademacher(key, (num_probes, d), dtype=dtype)

  def impl(cbs, probes):
    def one(v0):
      alphas, betas, _ = _lanczos_f64(cbs[0], v0, num_steps)
      w, y = eigh(tridiagonal(alphas, betas))
      return w.astype(dtype), jnp.square(y[0]).astype(dtype)

    return jax.lax.map(one, probes, batch_size=batch_size or num_probes)

  nodes, weights = float64_call(impl, [(matvec, (probes[0],))], probes)
  return SLQResult(nodes, weights)


def top_ritz_by_step(alphas: np.ndarray, betas: np.ndarray) -> np.ndarray:
  """Host helper: the largest eigenvalue of each leading j×j block of T, j = 1..m.

  With full reorthogonalisation the leading block is exactly the tridiagonal of a
  j-step run, so this gives the top-eigenvalue estimate after j products.
  """
  a, b = np.asarray(alphas, np.float64), np.asarray(betas, np.float64)
  out = []
  for j in range(1, a.shape[0] + 1):
    t = np.diag(a[:j]) + np.diag(b[:j - 1], 1) + np.diag(b[:j - 1], -1)
    out.append(np.linalg.eigvalsh(t)[-1])
  return np.asarray(out)
