"""W2 (Fig. 4) and W3 (Theorem 4.1): Eq. 2 on a convex quadratic L(θ) = ½θᵀAθ.

The update θ_{k+1} = θ_k − α_k Aθ_k + α_k Cξ_k, ξ_k ~ N(0, I), is linear, so the second moment
S_k = E[θ_kθ_kᵀ] follows exactly

    S_{k+1} = P_k S_k P_kᵀ + α_k² CCᵀ,   P_k = I − α_k A,   E[L(θ_k)] = ½Tr(A S_k)

(`expected_loss`, float64). The noise matrices of the paper are C = √A ("full Fisher", A being
the Hessian = Fisher here) and C = √diag A ("diagonal Fisher"); both have Tr(CCᵀ) = Tr A (Eq. 6)
but Tr(CᵀAC) = ‖A‖²_F and ‖diag A‖²_F.

- W2, constant α: stationary E[L]_∞ = (α/2)Σᵢ qᵢ/(2 − αλᵢ), qᵢ = uᵢᵀCCᵀuᵢ in A's eigenbasis
  (`stationary_loss`); ≈ (α/4)Tr(CCᵀ) + (α²/8)Tr(CᵀAC), so the Frobenius norm enters at
  second order and full ≥ diag for every SPD A.
- W3, α_k = 2/((k + γ)λ_min): Theorem 4.1 bounds E[L_k] ≤ ν/(k + γ) with
  ν = max(2Tr(CᵀAC)/λ_min², γL(θ₀)) (`thm41_nu`).

`simulate` runs R Monte-Carlo trajectories (vmapped over runs, scanned over steps, float32)
as the check of the exact recursion.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

FIG4_A = ((5.0, 4.0), (4.0, 5.0))
FIG4_THETA0 = (1.0, -0.5)


def psd_sqrt(a: np.ndarray) -> np.ndarray:
  """Symmetric square root of an SPD matrix (float64)."""
  w, v = np.linalg.eigh(np.asarray(a, np.float64))
  return (v * np.sqrt(np.maximum(w, 0.0))) @ v.T


def noise_matrix(a: np.ndarray, kind: str) -> np.ndarray:
  """C for kind 'full' (√A), 'diag' (√diag A) or 'none' (0)."""
  a = np.asarray(a, np.float64)
  if kind == "full":
    return psd_sqrt(a)
  if kind == "diag":
    return np.diag(np.sqrt(np.diag(a)))
  if kind == "none":
    return np.zeros_like(a)
  raise ValueError(f"noise kind {kind!r} not in ('full', 'diag', 'none')")


def decaying_steps(num_steps: int, lam_min: float, gamma: float) -> np.ndarray:
  """α_k = 2/((k + γ)λ_min) for k = 0..num_steps−1 (Theorem 4.1)."""
  return 2.0 / ((np.arange(num_steps) + gamma) * lam_min)


def expected_loss(a: np.ndarray, c: np.ndarray, theta0: np.ndarray, steps: np.ndarray
                  ) -> np.ndarray:
  """Exact E[L(θ_k)] for k = 0..K (K + 1,) under step sizes `steps` (K,), float64.

  Works in A's eigenbasis, where P_k is diagonal: S_ij ← (1 − α_kλ_i)(1 − α_kλ_j)S_ij +
  α_k²Q_ij with Q = UᵀCCᵀU."""
  a = np.asarray(a, np.float64)
  lam, u = np.linalg.eigh(a)
  t0 = u.T @ np.asarray(theta0, np.float64)
  s = np.outer(t0, t0)
  q = u.T @ (c @ c.T) @ u
  out = np.empty(len(steps) + 1)
  out[0] = 0.5 * np.sum(lam * np.diag(s))
  for k, alpha in enumerate(np.asarray(steps, np.float64)):
    p = 1.0 - alpha * lam
    s = np.outer(p, p) * s + alpha**2 * q
    out[k + 1] = 0.5 * np.sum(lam * np.diag(s))
  return out


def stationary_loss(a: np.ndarray, c: np.ndarray, alpha: float) -> float:
  """E[L]_∞ = (α/2)Σᵢ qᵢ/(2 − αλᵢ) for constant α < 2/λ_max."""
  lam, u = np.linalg.eigh(np.asarray(a, np.float64))
  if np.any(alpha * lam >= 2):
    raise ValueError("unstable: α·λ_max must be < 2")
  q = np.diag(u.T @ (c @ c.T) @ u)
  return float(0.5 * alpha * np.sum(q / (2.0 - alpha * lam)))


def thm41_nu(a: np.ndarray, c: np.ndarray, theta0: np.ndarray, gamma: float) -> float:
  """ν = max(2Tr(CᵀAC)/λ_min², γL(θ₀)) of Theorem 4.1."""
  a = np.asarray(a, np.float64)
  lam_min = np.linalg.eigvalsh(a)[0]
  t0 = np.asarray(theta0, np.float64)
  return float(max(2.0 * np.trace(c.T @ a @ c) / lam_min**2, gamma * 0.5 * t0 @ a @ t0))


@functools.partial(jax.jit, static_argnames=("num_runs", "record_every"))
def simulate(key: jax.Array, a: jax.Array, c: jax.Array, theta0: jax.Array, steps: jax.Array, *,
             num_runs: int, record_every: int = 1) -> tuple[jax.Array, jax.Array]:
  """R runs of θ ← θ − α_kAθ + α_kCξ (float32): losses (K/record_every + 1, R) at k = 0, r, 2r,
  ..., and the trajectory of run 0 at the same steps ((K/r + 1), d). K must be a multiple of r."""
  a, c = jnp.asarray(a, jnp.float32), jnp.asarray(c, jnp.float32)
  d = a.shape[0]
  th = jnp.broadcast_to(jnp.asarray(theta0, jnp.float32), (num_runs, d))
  loss = lambda t: 0.5 * jnp.einsum("ri,ij,rj->r", t, a, t)
  steps = jnp.asarray(steps, jnp.float32).reshape(-1, record_every)

  def inner(carry, alpha):
    th, key = carry
    key, k = jax.random.split(key)
    xi = jax.random.normal(k, th.shape, jnp.float32)
    with jax.default_matmul_precision("highest"):
      th = th - alpha * th @ a.T + alpha * xi @ c.T
    return (th, key), None

  def outer(carry, alphas):
    carry, _ = jax.lax.scan(inner, carry, alphas)
    return carry, (loss(carry[0]), carry[0][0])

  (_, _), (losses, traj) = jax.lax.scan(outer, (th, key), steps)
  return (jnp.concatenate([loss(th)[None], losses]),
          jnp.concatenate([th[:1], traj]))


def random_spd(key_seed: int, d: int, cond: float = 10.0) -> np.ndarray:
  """A random SPD d×d matrix with eigenvalues log-spaced in [1, cond] and a random basis."""
  rng = np.random.default_rng(key_seed)
  q, _ = np.linalg.qr(rng.standard_normal((d, d)))
  return (q * np.logspace(0.0, np.log10(cond), d)) @ q.T
