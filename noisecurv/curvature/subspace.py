"""Top-subspace comparisons and li2019's Hessian decomposition and bound terms.

li2019 (Li et al., Hessian-based analysis of SGD), Prop. 1 and App. B.2.2:

    H_f = M − H_p,   so   H_p = M − H,   H_p = (1/n) Σᵢ ∇²p(θ; zᵢ)/p(θ; zᵢ),

with M the uncentered second moment of per-example gradients (C in DESIGN.md).
Principal angles (eq. 13) between the spans of the top eigenvectors U, V are the
arccosines of the singular values of UᵀV. Davis–Kahan (eqs. 55–59) with P = H,
Q = M, Δ = Q − P = H_p: sin θ_r = √(1 − (v_rᵀṽ_r)²) ≤ ‖Δ‖₂/δ_r with
δ_r = min_{s≠r} |λ̃_s − λ_r|, and for the top-s subspace
‖sin Θ‖_F ≤ 2 min(√s ‖Δ‖₂, ‖Δ‖_F)/(λ_s − λ_{s+1}).

PAC-Bayes terms (li2019 Thm. 4, eq. 51) for the prior N(θ₀, diag σ²) and the
posterior precision νⱼ = max(H[j, j], 1/σⱼ²):
effective curvature Σ_{j: H[j,j] > 1/σⱼ²} ln(H[j, j]·σⱼ²) and precision-weighted
Frobenius norm Σⱼ (θⱼ − θ₀ⱼ)²/σⱼ².
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from noisecurv.curvature import lapack
from noisecurv.curvature.dense import eigh_descending
from noisecurv.curvature.precision import highest


def hessian_residual(h: jax.Array, m: jax.Array) -> jax.Array:
  """H_p = M − H (li2019 Prop. 1: H_f = M_t − H_p)."""
  return m - h


def orthonormalize(u: jax.Array) -> jax.Array:
  """Orthonormal basis (columns) of span(u) by QR."""
  q, _ = lapack.qr(u)
  return q


def principal_cosines(u: jax.Array, v: jax.Array) -> jax.Array:
  """cos γᵢ (descending) between span(u) and span(v) (columns; orthonormalised first)."""
  with highest():
    s = lapack.svdvals(orthonormalize(u).T @ orthonormalize(v))
  return jnp.clip(s, 0.0, 1.0)


def principal_angles(u: jax.Array, v: jax.Array) -> jax.Array:
  """γᵢ in radians, ascending."""
  return jnp.arccos(principal_cosines(u, v))


def top_eigvecs(a: jax.Array, k: int) -> tuple[jax.Array, jax.Array]:
  """Top-k eigenvalues (descending) and eigenvectors (d, k) of a dense symmetric matrix."""
  w, u = eigh_descending(a)
  return w[:k], u[:, :k]


def subspace_sin_frobenius(u: jax.Array, v: jax.Array) -> jax.Array:
  """‖sin Θ(U, V)‖_F = √(s − ‖UᵀV‖²_F) for orthonormal U, V (d×s)."""
  with highest():
    return jnp.sqrt(jnp.maximum(u.shape[1] - jnp.sum(jnp.square(u.T @ v)), 0.0))


def davis_kahan(p: jax.Array, q: jax.Array, k: int) -> dict[str, jax.Array]:
  """Eigenvector angles between P (true, e.g. H) and Q = P + Δ (e.g. M) and their D–K bounds.

  Returns, for r = 1..k (descending eigenvalues): sin_theta[r] = √(1 − (v_rᵀṽ_r)²),
  bound[r] = ‖Δ‖₂/δ_r; for the top-s subspaces, s = 1..k: subspace_sin[s] = ‖sin Θ‖_F
  and subspace_bound[s] = 2 min(√s‖Δ‖₂, ‖Δ‖_F)/(λ_s − λ_{s+1}).
  """
  lam, vp = eigh_descending(p)
  lam_t, vq = eigh_descending(q)
  delta = q - p
  norm2 = jnp.max(jnp.abs(lapack.eigvalsh(delta)))
  normf = jnp.linalg.norm(delta)
  cos = jnp.abs(jnp.sum(vp[:, :k] * vq[:, :k], 0))
  sin_theta = jnp.sqrt(jnp.maximum(1.0 - cos * cos, 0.0))
  gaps = jnp.abs(lam_t[None, :] - lam[:k, None])  # |λ̃_s − λ_r|, (k, d)
  gaps = jnp.where(jnp.arange(lam.shape[0])[None, :] == jnp.arange(k)[:, None], jnp.inf, gaps)
  bound = norm2 / jnp.min(gaps, 1)
  s = jnp.arange(1, k + 1)
  eig_gap = lam[:k] - lam[1:k + 1]
  sub_bound = 2 * jnp.minimum(jnp.sqrt(s) * norm2, normf) / eig_gap
  sub_sin = jnp.stack([subspace_sin_frobenius(vp[:, :j], vq[:, :j]) for j in range(1, k + 1)])
  return {"sin_theta": sin_theta, "bound": bound, "subspace_sin": sub_sin,
          "subspace_bound": sub_bound, "delta_norm2": norm2, "delta_fro": normf}


# -- li2019 PAC-Bayes bound terms (Thm. 4) --------------------------------------


def effective_curvature(h_diag: jax.Array, prior_var: jax.Array | float) -> jax.Array:
  """Σ over j with H[j,j] > 1/σⱼ² of ln(H[j,j]·σⱼ²) (= ln(ν̃/(1/σ̃²)), eq. 51)."""
  prec = h_diag * prior_var
  return jnp.sum(jnp.where(prec > 1.0, jnp.log(jnp.where(prec > 1.0, prec, 1.0)), 0.0))


def effective_dimension(h_diag: jax.Array, prior_var: jax.Array | float) -> jax.Array:
  """d̃ = |{j : H[j,j] > 1/σⱼ²}|."""
  return jnp.sum(h_diag * prior_var > 1.0)


def precision_weighted_norm(theta: jax.Array, theta0: jax.Array,
                            prior_var: jax.Array | float) -> jax.Array:
  """Σⱼ (θⱼ − θ₀ⱼ)²/σⱼ² (flat vectors)."""
  return jnp.sum(jnp.square(theta - theta0) / prior_var)


def pac_bayes_terms(h_diag: jax.Array, theta: jax.Array, theta0: jax.Array,
                    prior_var: jax.Array | float, n: int, confidence: float = 0.05
                    ) -> dict[str, jax.Array]:
  """Both terms of eq. 51 and its right-hand side (1/2n)(EC + PWF) + ln((n+1)/δ)/n."""
  ec = effective_curvature(h_diag, prior_var)
  pwf = precision_weighted_norm(theta, theta0, prior_var)
  rhs = (ec + pwf) / (2 * n) + jnp.log((n + 1) / confidence) / n
  return {"effective_curvature": ec, "precision_weighted_norm": pwf,
          "effective_dimension": effective_dimension(h_diag, prior_var), "bound_rhs": rhs}
