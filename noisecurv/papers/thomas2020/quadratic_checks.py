"""Numerical checks of Props. 2–5 and App. A.2.3 on the 20-d quadratic (spec §3.1, T20-P2..P5).

Each function returns plain dicts of measured numbers (floats, lists); the programs log them and
the claims compare them with the spec's thresholds. Everything runs in float64.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv.papers.thomas2020 import quadratic as q

_sg = jax.jit(q.sg_suboptimality, static_argnums=5)


def _noises(h):
  return {b: q.noise_diag(h, b) for b in (1, 0, -1)}


def affine_power(a: jax.Array, b: jax.Array, z0: jax.Array, t: int) -> jax.Array:
  """z_t for z ← a z + b (a: (..., n, n), b, z0: (..., n)), by binary powering: O(log t) products.

  The pair (A, c) stands for z ↦ Az + c; composing it with itself gives (A², Ac + c).
  """
  res_a = jnp.broadcast_to(jnp.eye(a.shape[-1]), a.shape)
  res_c = jnp.zeros_like(b)
  pa, pc = a, b
  while t:
    if t & 1:  # res ← (pa, pc) ∘ res
      res_a, res_c = pa @ res_a, (pa @ res_c[..., None])[..., 0] + pc
    pa, pc = pa @ pa, (pa @ pc[..., None])[..., 0] + pc
    t >>= 1
  return (res_a @ z0[..., None])[..., 0] + res_c


# -- Prop. 2 and Schmidt's eq. (4) -------------------------------------------------


def prop2(max_k: int = 10_000) -> list[dict]:
  """Exact E[Δ_k] against Prop. 2's bound for k ≤ max_k, on the Table 1 quadratic (μ = 1).

  M = I with α ∈ {1e-3, 2e-3, 4e-3} and M = H⁻¹ with α ∈ {0.1, 0.5}; S ∝ H^β, Tr S = d.
  For M = I and S = I also Schmidt's eq. (4), E[Δ_k] ≤ (1 − 2αμ)^k Δ₀ + Lαc/(4μ) with L = 400,
  in two readings of c: a bound on E‖∇ℓ(θ_k)‖² along the run (uncentered), and c = Tr S.
  """
  rows = []
  with jax.enable_x64(True):
    h, th0 = q.paper_problem()
    delta0 = float(0.5 * jnp.sum(h * th0 ** 2))
    ks = jnp.arange(max_k + 1, dtype=jnp.float64)
    for pre, alphas in (("I", (1e-3, 2e-3, 4e-3)), ("H^-1", (0.1, 0.5))):
      m = jnp.ones_like(h) if pre == "I" else 1.0 / h
      for beta, s in _noises(h).items():
        for alpha in alphas:
          exact = _sg(jnp.asarray([alpha]), m, h, s, th0, max_k)[:, 0]
          bound, rate = q.prop2_bound(alpha, jnp.diag(m), jnp.diag(h), jnp.diag(s), 1.0, delta0,
                                      ks)
          row = dict(M=pre, alpha=alpha, beta=beta, rate=float(rate),
                     max_excess=float(jnp.max(exact - bound)),
                     min_ratio_gap=float(jnp.min((bound - exact) / bound)))
          if pre == "I" and beta == 0:
            row.update(_schmidt(alpha, h, s, th0, exact, ks, delta0))
          rows.append(row)
  return rows


def _schmidt(alpha, h, s, th0, exact, ks, delta0) -> dict:
  max_k = ks.shape[0] - 1
  a2 = (1.0 - alpha * h) ** 2
  # E‖∇ℓ(θ_k)‖² = Σ hᵢ² E[θᵢ²] + Tr S along the exact trajectory.
  s_inf = alpha * s / (h * (2.0 - alpha * h))
  sec = s_inf + a2[None] ** ks[:, None] * (th0 ** 2 - s_inf)
  c_unc = float(jnp.max(jnp.sum(h ** 2 * sec, 1)) + jnp.sum(s))
  out = {}
  for name, c in (("uncentered", c_unc), ("centered", float(jnp.sum(s)))):
    bound = (1.0 - 2.0 * alpha) ** ks * delta0 + 400.0 * alpha * c / 4.0
    out[f"schmidt_{name}_c"] = c
    out[f"schmidt_{name}_holds"] = bool(jnp.all(exact <= bound))
  del max_k
  return out


# -- Prop. 3 ------------------------------------------------------------------------


def rotation(rng: np.random.Generator, d: int) -> np.ndarray:
  """A Haar-random rotation (QR of a Gaussian matrix with the signs of diag R fixed)."""
  qm, r = np.linalg.qr(rng.standard_normal((d, d)))
  return qm * np.sign(np.diag(r))


def prop3_problem(seed: int, d: int = 20):
  """H = QΛQᵀ (Λ = diag(i²)), S commuting (QDQᵀ) and not (RDRᵀ), Tr S = d; θ₀ − θ* = Q𝟙."""
  rng = np.random.default_rng([seed, 3])
  Q, R = rotation(rng, d), rotation(rng, d)
  lam = np.arange(1, d + 1, dtype=np.float64) ** 2
  D = lam ** 0.5 * d / np.sum(lam ** 0.5)  # S ∝ H^½: a spectrum used nowhere else
  H = Q @ np.diag(lam) @ Q.T
  S = {"commuting": Q @ np.diag(D) @ Q.T, "non-commuting": R @ np.diag(D) @ R.T}
  return H, S, Q @ np.ones(d)


def _mc(key, alpha, M, H, L, theta0, n_chains: int, steps: int, record: tuple[int, ...]):
  """Chain statistics [mean θ, sd θ, mean θ², sd θ²] (len(record), 4, d) at the recorded steps."""
  rec = jnp.asarray(record)

  def body(carry, t):
    theta, out = carry
    eps = jax.random.normal(jax.random.fold_in(key, t), theta.shape) @ L.T
    theta = theta - alpha * (theta @ H.T + eps) @ M.T
    st = jnp.stack([theta.mean(0), theta.std(0, ddof=1), (theta ** 2).mean(0),
                    (theta ** 2).std(0, ddof=1)])
    out = jnp.where((t + 1 == rec)[:, None, None], st[None], out)
    return (theta, out), None

  init = (jnp.broadcast_to(theta0, (n_chains, theta0.shape[0])),
          jnp.zeros((len(record), 4, theta0.shape[0])))
  return jax.lax.scan(body, init, jnp.arange(steps))[0][1]


_mc_jit = jax.jit(_mc, static_argnums=(6, 7, 8))
_moments = jax.jit(q.moment_recursion, static_argnums=5)


def prop3(seed: int = 0, n_chains: int = 20_000, steps: int = 300,
          record: tuple[int, ...] = (1, 10, 100, 300)) -> list[dict]:
  """Monte-Carlo SG chains against Prop. 3's mean and second-moment recursion, and Σ_∞.

  z-scores compare the chains' mean of θᵢ and of θᵢ² with the recursion's mᵢ and (Σ_t)ᵢᵢ at the
  recorded steps; Σ_∞ comes from the Kronecker solve and is checked against the Lyapunov
  identity. M ∈ {I (α = 2e-3), H⁻¹ (α = 0.5)}; S commuting with H and not.
  """
  rows = []
  rec = np.asarray(record)
  key = jax.random.PRNGKey(seed)
  H, Ss, th0 = prop3_problem(seed)
  d = H.shape[0]
  with jax.enable_x64(True):
    for pre, alpha in (("I", 2e-3), ("H^-1", 0.5)):
      M = np.eye(d) if pre == "I" else np.linalg.inv(H)
      for name, S in Ss.items():
        mom = jax.device_get(_moments(alpha, M, H, S, th0, steps))
        stats = np.asarray(_mc_jit(key, alpha, M, H, np.linalg.cholesky(S), th0, n_chains,
                                   steps, tuple(record)))
        m_ex = mom.mean[rec]
        s_ex = np.diagonal(mom.second[rec], axis1=1, axis2=2)
        se = np.sqrt(n_chains)
        z_mean = (stats[:, 0] - m_ex) / (stats[:, 1] / se)
        z_sec = (stats[:, 2] - s_ex) / (stats[:, 3] / se)
        sig = q.stationary_covariance(alpha, M, H, S)
        # Σ_t must also converge to the Kronecker solution: powers of the affine map reach it.
        A = np.eye(d) - alpha * M @ H
        far = affine_power(jnp.kron(A, A), (alpha ** 2 * M @ S @ M.T).reshape(-1),
                           np.outer(th0, th0).reshape(-1), 1_000_000).reshape(d, d)
        rows.append(dict(M=pre, alpha=alpha, S=name, n_chains=n_chains, steps=steps,
                         max_abs_z_mean=float(np.max(np.abs(z_mean))),
                         max_abs_z_second=float(np.max(np.abs(z_sec))),
                         lyapunov_residual=float(q.lyapunov_residual(alpha, M, H, S, sig)),
                         recursion_to_stationary=float(
                             jnp.linalg.norm(far - sig) / jnp.linalg.norm(sig))))
  return rows


# -- Props. 4 and 5, App. A.2.3 -----------------------------------------------------


def polyak_second_moment(alpha, gamma, h, s, theta0, t: int) -> jax.Array:
  """E[Δ_t] of Polyak momentum after t steps, by binary powering of the vec'd 2×2 recursion."""
  P = jnp.stack([jnp.stack([jnp.ones_like(h), -alpha * jnp.ones_like(h)], -1),
                 jnp.stack([h, gamma - alpha * h], -1)], -2)  # (d, 2, 2)
  K = jax.vmap(jnp.kron)(P, P)  # vec(PZPᵀ) = (P ⊗ P) vec Z, row-major
  b = jnp.stack([jnp.zeros_like(s), jnp.zeros_like(s), jnp.zeros_like(s), s], -1)
  z0 = jnp.stack([theta0 ** 2, jnp.zeros_like(h), jnp.zeros_like(h), jnp.zeros_like(h)], -1)
  z = affine_power(K, b, z0, t)
  return 0.5 * jnp.sum(h * z[:, 0])


def sg_second_moment(alpha, m, h, s, theta0, t: int) -> jax.Array:
  """E[Δ_t] of diagonal preconditioned SG after t steps, by binary powering (1×1 per coordinate)."""
  a = ((1.0 - alpha * m * h) ** 2)[:, None, None]
  z = affine_power(a, ((alpha * m) ** 2 * s)[:, None], theta0[:, None] ** 2, t)
  return 0.5 * jnp.sum(h * z[:, 0])


def limit_cycles(steps: int = 200_000, gamma: float = 0.8) -> dict:
  """Props. 4 and 5 against the recursion after `steps` steps; A.2.3 at α = 1e-5; and a case
  outside Prop. 4's hypothesis (M and S not commuting with H)."""
  out: dict = {"prop4": [], "prop5": [], "small_alpha": []}
  with jax.enable_x64(True):
    h, th0 = q.paper_problem()
    H = jnp.diag(h)
    for beta, s in _noises(h).items():
      for pre, alpha in (("I", 3e-3), ("H^-1", 0.5)):
        m = jnp.ones_like(h) if pre == "I" else 1.0 / h
        rec = sg_second_moment(alpha, m, h, s, th0, steps)
        form = q.sg_limit(alpha, jnp.diag(m), H, jnp.diag(s))
        out["prop4"].append(dict(beta=beta, M=pre, alpha=alpha, recursion=float(rec),
                                 formula=float(form), rel_err=float(abs(rec - form) / form)))
      rec = polyak_second_moment(3e-3, gamma, h, s, th0, steps)
      form = q.polyak_limit(3e-3, gamma, H, jnp.diag(s))
      out["prop5"].append(dict(beta=beta, alpha=3e-3, gamma=gamma, recursion=float(rec),
                               formula=float(form), rel_err=float(abs(rec - form) / form)))
      a = 1e-5
      sg, pk = q.sg_limit(a, jnp.eye(20), H, jnp.diag(s)), q.polyak_limit(a, gamma, H, jnp.diag(s))
      sg_ap = q.sg_limit_small_alpha(a, jnp.sum(s))
      pk_ap = q.polyak_limit_small_alpha(a, gamma, jnp.sum(s))
      out["small_alpha"].append(dict(beta=beta, alpha=a, sg=float(sg), sg_approx=float(sg_ap),
                                     polyak=float(pk), polyak_approx=float(pk_ap),
                                     sg_rel=float(abs(sg - sg_ap) / sg),
                                     polyak_rel=float(abs(pk - pk_ap) / pk)))
    out["non_commuting"] = _non_commuting(7, h)
  return out


def _non_commuting(seed: int, h) -> list[dict]:
  """Exact ½Tr(HΣ_∞) (Kronecker solve) against eq. (13) when S (and M) do not commute with H."""
  h = np.asarray(h)
  d = h.shape[0]
  rng = np.random.default_rng([seed, 4])
  R = rotation(rng, d)
  H = np.diag(h)
  S = R @ np.diag(h ** 0.5 * d / np.sum(h ** 0.5)) @ R.T
  W = rng.standard_normal((d, d)) / np.sqrt(d)
  M_rand = W @ W.T + np.diag(1.0 / h)  # SPD, not a function of H
  M_rand = M_rand / np.max(np.linalg.eigvals(M_rand @ H).real)  # αλ_max(MH) = α: stable
  rows = []
  for name, M, alpha in (("M = I, S not commuting", np.eye(d), 3e-3),
                         ("M, S not commuting", M_rand, 0.5)):
    exact = q.stationary_suboptimality(alpha, M, H, S)
    form = q.sg_limit(alpha, M, H, S)
    rows.append(dict(case=name, alpha=alpha, exact=float(exact), formula=float(form),
                     rel_err=float(abs(exact - form) / exact)))
  return rows
