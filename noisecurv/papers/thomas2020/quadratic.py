"""Exact moments of SG, preconditioned SG and Polyak momentum on a noisy quadratic (§3, App. A).

The model (Thomas et al. 2020, Prop. 3): f(θ) = ½(θ − θ*)ᵀH(θ − θ*), an oracle that returns
H(θ − θ*) + ε with E ε = 0 and E εεᵀ = S, and Δ_t = f(θ_t) − f(θ*). We put θ* = 0.

* Preconditioned SG, θ ← θ − αM(∇f + ε): the mean is (I − αMH)ᵗθ₀ and the second moment about
  θ* follows Σ_{t+1} = AΣ_tAᵀ + α²MSMᵀ with A = I − αMH, so E[Δ_t] = ½Tr(HΣ_t) (Prop. 3).
  For diagonal H, M, S each coordinate is closed form (App. A.2.1): with a = 1 − αmh,
  s_t = a^{2t}θ₀² + α²m²S(1 − a^{2t})/(1 − a²).
* Polyak momentum, v_t = γv_{t−1} + ∇ℓ(θ_t), θ_{t+1} = θ_t − αv_t with v₀ = 0 (App. A.2.2):
  per coordinate z_t = (θ_t, v_t) = P z_{t−1} + (0, ε), P = [[1, −α], [h, γ − αh]], so the
  second moment Z_t = P Z_{t−1} Pᵀ + diag(0, S) from Z₀ = diag(θ₀², 0). The first application
  of P leaves θ unchanged (v₀ = 0), as in the paper's definition.

Everything here is float64 (call under `jax.enable_x64(True)`); arrays are jnp.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp

from noisecurv.curvature import lapack


def paper_problem(d: int = 20) -> tuple[jax.Array, jax.Array]:
  """(h, θ₀): H = diag(i²), i = 1..d (condition number d²), and θ₀ = 𝟙 (spec §3.2, inferred)."""
  h = jnp.arange(1, d + 1, dtype=jnp.float64) ** 2
  return h, jnp.ones((d,), jnp.float64)


def noise_diag(h: jax.Array, beta: float, total: float | None = None) -> jax.Array:
  """diag S ∝ h^β scaled so that Tr S = total (default d): S = α_β H^β of §5.4."""
  s = h ** beta
  total = h.shape[0] if total is None else total
  return s * (total / jnp.sum(s))


# -- stability -------------------------------------------------------------------


def sg_stable(alpha: jax.Array, m: jax.Array, h: jax.Array) -> jax.Array:
  """|1 − αmᵢhᵢ| < 1 for every coordinate (the variance recursion contracts)."""
  return jnp.all(jnp.abs(1.0 - alpha * m * h) < 1.0)


def polyak_stable(alpha: jax.Array, h: jax.Array, gamma: float) -> jax.Array:
  """ρ(Pᵢ) < 1 for all i. Pᵢ has trace 1 + γ − αhᵢ and determinant γ, so by the Jury
  criterion (|det| < 1, |trace| < 1 + det) this is 0 < αhᵢ < 2(1 + γ) for 0 ≤ γ < 1."""
  return jnp.all((alpha * h > 0) & (alpha * h < 2.0 * (1.0 + gamma)))


# -- trajectories of E[Δ_t], t = 0..steps, for a vector of step sizes ------------


def sg_suboptimality(alphas: jax.Array, m: jax.Array, h: jax.Array, s: jax.Array,
                     theta0: jax.Array, steps: int) -> jax.Array:
  """E[Δ_t] (steps + 1, A) for diagonal preconditioned SG at every step size in alphas (A,).

  m: (d,) diagonal of M (ones for SG, 1/h for Newton). Closed form per coordinate, scanned
  over t so that memory is (A, d). Entries for unstable α are computed but meaningless.
  """
  a2 = (1.0 - alphas[:, None] * m * h) ** 2  # (A, d)
  # α²m²S/(1 − a²) = αmS/(h(2 − αmh)), the stationary second moment (exact, no 0/0 at a² = 1
  # except at the stability edge itself, which callers mask).
  am = alphas[:, None] * m
  s_inf = am * s / (h * (2.0 - am * h))
  start = theta0 ** 2 - s_inf

  def body(a2t, _):
    sec = s_inf + a2t * start
    return a2t * a2, 0.5 * jnp.sum(h * sec, axis=1)

  _, traj = jax.lax.scan(body, jnp.ones_like(a2), None, length=steps + 1)
  return traj


def polyak_suboptimality(alphas: jax.Array, gamma: float, h: jax.Array, s: jax.Array,
                         theta0: jax.Array, steps: int) -> jax.Array:
  """E[Δ_t] (steps + 1, A) for Polyak momentum (App. A.2.2) at every α in alphas (A,).

  Z = [[zθθ, zθv], [zθv, zvv]] per (α, coordinate); one step is Z ← PZPᵀ + diag(0, S).
  """
  al = alphas[:, None]
  p11, p12, p21, p22 = 1.0, -al, h, gamma - al * h

  def body(z, _):
    tt, tv, vv = z
    ntt = p11 * p11 * tt + 2 * p11 * p12 * tv + p12 * p12 * vv
    ntv = p11 * p21 * tt + (p11 * p22 + p12 * p21) * tv + p12 * p22 * vv
    nvv = p21 * p21 * tt + 2 * p21 * p22 * tv + p22 * p22 * vv + s
    return (ntt, ntv, nvv), 0.5 * jnp.sum(h * tt, axis=1)

  z0 = (jnp.broadcast_to(theta0 ** 2, (alphas.shape[0], h.shape[0])),
        jnp.zeros((alphas.shape[0], h.shape[0])), jnp.zeros((alphas.shape[0], h.shape[0])))
  _, traj = jax.lax.scan(body, z0, None, length=steps + 1)
  return traj


def first_below(traj: jax.Array, eps: float) -> jax.Array:
  """Per column, the first t with traj[t] ≤ eps, or −1 if none (traj: (T + 1, A))."""
  hit = traj <= eps
  return jnp.where(jnp.any(hit, axis=0), jnp.argmax(hit, axis=0), -1)


# -- stationary values (Props. 4, 5 and App. A.2.3) -------------------------------


def sg_limit(alpha: float, M: jax.Array, H: jax.Array, S: jax.Array) -> jax.Array:
  """Prop. 4 (eq. 13): lim E[Δ_t] = (α/2) Tr((2I − αMH)⁻¹ MS), valid when H, S, M commute."""
  d = H.shape[0]
  return 0.5 * alpha * jnp.trace(lapack.solve(2.0 * jnp.eye(d) - alpha * M @ H, M @ S))


def polyak_limit(alpha: float, gamma: float, H: jax.Array, S: jax.Array) -> jax.Array:
  """Prop. 5 (eq. 14): α(1 + γ)/(2(1 − γ)) · Tr((2(1 + γ)I − αH)⁻¹ S)."""
  d = H.shape[0]
  inner = lapack.solve(2.0 * (1.0 + gamma) * jnp.eye(d) - alpha * H, S)
  return alpha * (1.0 + gamma) / (2.0 * (1.0 - gamma)) * jnp.trace(inner)


def sg_limit_small_alpha(alpha: float, tr_s: jax.Array) -> jax.Array:
  """App. A.2.3: SG ≈ α Tr(S)/4 as α → 0 (M = I)."""
  return alpha * tr_s / 4.0


def polyak_limit_small_alpha(alpha: float, gamma: float, tr_s: jax.Array) -> jax.Array:
  """App. A.2.3: Polyak ≈ α Tr(S)/(4(1 − γ)) as α → 0."""
  return alpha * tr_s / (4.0 * (1.0 - gamma))


# -- full matrices (Prop. 3) ------------------------------------------------------


class Moments(NamedTuple):
  mean: jax.Array  # (T + 1, d): E[θ_t − θ*]
  second: jax.Array  # (T + 1, d, d): Σ_t = E[(θ_t − θ*)(θ_t − θ*)ᵀ]


def moment_recursion(alpha: float, M: jax.Array, H: jax.Array, S: jax.Array,
                     theta0: jax.Array, steps: int) -> Moments:
  """Prop. 3: m_{t+1} = A m_t and Σ_{t+1} = AΣ_tAᵀ + α²MSMᵀ, A = I − αMH, from a fixed θ₀."""
  d = H.shape[0]
  A = jnp.eye(d) - alpha * M @ H
  Q = alpha ** 2 * M @ S @ M.T

  def body(carry, _):
    m, sig = carry
    return (A @ m, A @ sig @ A.T + Q), (m, sig)

  _, (ms, sigs) = jax.lax.scan(body, (theta0, jnp.outer(theta0, theta0)), None,
                               length=steps + 1)
  return Moments(ms, sigs)


def stationary_covariance(alpha: float, M: jax.Array, H: jax.Array, S: jax.Array) -> jax.Array:
  """Σ_∞ solving Σ = AΣAᵀ + α²MSMᵀ by the Kronecker linear system (I − A ⊗ A) vec Σ = vec Q."""
  d = H.shape[0]
  A = jnp.eye(d) - alpha * M @ H
  Q = alpha ** 2 * M @ S @ M.T
  vec = lapack.solve(jnp.eye(d * d) - jnp.kron(A, A), Q.reshape(-1))
  sig = vec.reshape(d, d)
  return 0.5 * (sig + sig.T)


def lyapunov_residual(alpha: float, M: jax.Array, H: jax.Array, S: jax.Array,
                      sigma: jax.Array) -> jax.Array:
  """‖ΣHM + MHΣ − αM(S + HΣH)M‖_F / ‖αMSM‖_F, the relative residual of Prop. 3's identity."""
  lhs = sigma @ H @ M + M @ H @ sigma
  rhs = alpha * M @ (S + H @ sigma @ H) @ M
  return jnp.linalg.norm(lhs - rhs) / jnp.linalg.norm(alpha * M @ S @ M)


def stationary_suboptimality(alpha: float, M: jax.Array, H: jax.Array, S: jax.Array) -> jax.Array:
  """½ Tr(HΣ_∞) for any SPD M (exact, no commutation needed)."""
  return 0.5 * jnp.trace(H @ stationary_covariance(alpha, M, H, S))


def prop2_bound(alpha: float, M: jax.Array, H: jax.Array, S: jax.Array, mu: float,
                delta0: float, ks: jax.Array) -> tuple[jax.Array, jax.Array]:
  """Prop. 2: (1 − 2αμ_Mμ)^k Δ₀ + α/(4μ_Mμ) Tr(HMSM), μ_M = λ_min(M − (α/2)MᵀHM).

  Returns (bound over ks, α μ_M μ); the proposition requires 0 < αμ_Mμ ≤ ½.
  """
  mu_m = lapack.eigvalsh(M - 0.5 * alpha * M.T @ H @ M)[0]
  rate = alpha * mu_m * mu
  bound = (1.0 - 2.0 * rate) ** ks * delta0 + alpha / (4.0 * mu_m * mu) * jnp.trace(H @ M @ S @ M)
  return bound, rate
