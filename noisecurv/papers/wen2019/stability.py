"""W4 (App. B): uniform stability of the OU limit through the Hellinger distance.

For a dataset S the continuous-time analogue of Eq. 8 is dθ = −A_Sθ dt + √α C_S dW with
A_S the Hessian (= Fisher) of the least-squares loss on S. Its law at time t is
N(μ_S(t), Σ_S(t)) with μ_S(t) = e^{−A_S t}θ₀ and, for symmetric A,

    Σ_S(t) = Σ_S(∞) − e^{−A_S t} Σ_S(∞) e^{−A_S t},   A_SΣ(∞) + Σ(∞)A_S = α C_SC_Sᵀ

(`stationary_cov` solves the Lyapunov equation). So Σ(∞) = (α/2)I for C = √A and (α/2)A⁻¹
for C = I (App. B; its "C_S = √α A_S" is read as C = √A, the choice its determinant formula
needs). The squared Hellinger distance between two Gaussians (App. B, Eq. 16) is

    H² = 1 − det(Σ₁)^{1/4} det(Σ₂)^{1/4} / det(Σ̄)^{1/2} · exp(−⅛ Δμᵀ Σ̄⁻¹ Δμ),  Σ̄ = (Σ₁+Σ₂)/2.

Scaling C by λ scales Σ by λ², which sends H² → 1 as λ → 0 whenever the means differ.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

STRUCTURES = ("sqrt_a", "sqrt_diag_a", "identity")


def noise_factor(a: np.ndarray, structure: str) -> np.ndarray:
  if structure == "sqrt_a":
    w, v = np.linalg.eigh(a)
    return (v * np.sqrt(np.maximum(w, 0.0))) @ v.T
  if structure == "sqrt_diag_a":
    return np.diag(np.sqrt(np.diag(a)))
  if structure == "identity":
    return np.eye(a.shape[0])
  raise ValueError(f"structure {structure!r} not in {STRUCTURES}")


def stationary_cov(a: np.ndarray, c: np.ndarray, alpha: float) -> np.ndarray:
  """Σ(∞) solving AΣ + ΣA = α CCᵀ for symmetric positive-definite A (float64): in A's
  eigenbasis Σ̃ᵢⱼ = α Q̃ᵢⱼ/(λᵢ + λⱼ) with Q̃ = UᵀCCᵀU."""
  lam, u = np.linalg.eigh(np.asarray(a, np.float64))
  q = u.T @ (alpha * np.asarray(c @ c.T, np.float64)) @ u
  return u @ (q / (lam[:, None] + lam[None, :])) @ u.T


def lyapunov_reference(a: np.ndarray, c: np.ndarray, alpha: float) -> np.ndarray:
  """The same Σ(∞) from scipy's general Lyapunov solver (the tests' twin)."""
  return scipy.linalg.solve_continuous_lyapunov(np.asarray(a, np.float64),
                                                alpha * np.asarray(c @ c.T, np.float64))


def ou_law(a: np.ndarray, c: np.ndarray, alpha: float, theta0: np.ndarray, t: float
           ) -> tuple[np.ndarray, np.ndarray]:
  """(μ(t), Σ(t)) of the OU process from θ₀ (t = inf gives the stationary law, mean 0)."""
  s_inf = stationary_cov(a, c, alpha)
  if np.isinf(t):
    return np.zeros(a.shape[0]), s_inf
  lam, u = np.linalg.eigh(np.asarray(a, np.float64))
  e = (u * np.exp(-lam * t)) @ u.T
  return e @ theta0, s_inf - e @ s_inf @ e.T


def hellinger_sq(mu1: np.ndarray, s1: np.ndarray, mu2: np.ndarray, s2: np.ndarray) -> float:
  """Squared Hellinger distance between N(μ₁, Σ₁) and N(μ₂, Σ₂) (log-determinants, float64)."""
  sbar = 0.5 * (s1 + s2)
  ld = lambda s: np.linalg.slogdet(s)[1]
  dm = np.asarray(mu1 - mu2, np.float64)
  log_bc = 0.25 * ld(s1) + 0.25 * ld(s2) - 0.5 * ld(sbar) - dm @ np.linalg.solve(sbar, dm) / 8
  return float(1.0 - np.exp(log_bc))


def dataset_pair(rng: np.random.Generator, n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
  """Hessians (A_S, A_S') of ½‖y − Xw‖²/N on S and on S' = S with one point replaced."""
  x = rng.standard_normal((n, d))
  x2 = x.copy()
  x2[rng.integers(n)] = rng.standard_normal(d)
  return x.T @ x / n, x2.T @ x2 / n


def pair_distances(a1: np.ndarray, a2: np.ndarray, alpha: float, theta0: np.ndarray,
                   t: float = np.inf, lam: float = 1.0) -> dict[str, float]:
  """H²(S, S') for every noise structure, with C scaled by `lam`."""
  out = {}
  for s in STRUCTURES:
    m1, s1 = ou_law(a1, lam * noise_factor(a1, s), alpha, theta0, t)
    m2, s2 = ou_law(a2, lam * noise_factor(a2, s), alpha, theta0, t)
    out[s] = hellinger_sq(m1, s1, m2, s2)
  return out


def hellinger_study(seed: int, num_pairs: int, n: int, d: int, alpha: float,
                    lams: tuple[float, ...], t_scaling: float) -> dict[str, np.ndarray]:
  """W4: stationary H² per structure for `num_pairs` random pairs (num_pairs, 3), and H² at
  time t_scaling for C = √A scaled by each λ (num_pairs, len(lams)); θ₀ = (1, ..., 1)."""
  rng = np.random.default_rng(seed)
  theta0 = np.ones(d)
  stat = np.zeros((num_pairs, len(STRUCTURES)))
  scal = np.zeros((num_pairs, len(lams)))
  for i in range(num_pairs):
    a1, a2 = dataset_pair(rng, n, d)
    h = pair_distances(a1, a2, alpha, theta0)
    stat[i] = [h[s] for s in STRUCTURES]
    for j, lam in enumerate(lams):
      m1, s1 = ou_law(a1, lam * noise_factor(a1, "sqrt_a"), alpha, theta0, t_scaling)
      m2, s2 = ou_law(a2, lam * noise_factor(a2, "sqrt_a"), alpha, theta0, t_scaling)
      scal[i, j] = hellinger_sq(m1, s1, m2, s2)
  return {"stationary": stat, "scaling": scal, "lams": np.asarray(lams, np.float64)}
