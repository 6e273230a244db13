"""Theory checks of zhu2019 (spec E12): Eq. (13), Proposition 1's scaling, App. B's example.

Eq. (13): for the OU process dθ = −Hθ dt + Σ^{1/2} dW from θ₀ = 0 and L = ½θᵀHθ,

    E L(θ_t) = ¼ Tr((I − e^{−2Ht}) Σ) ≈ (t/2) Tr(HΣ)   (small t),

since Cov θ_t = [Σ_ij (1 − e^{−(λ_i+λ_j)t})/(λ_i + λ_j)] in H's eigenbasis. The Monte Carlo
uses Euler–Maruyama, θ ← θ − Hθ dt + √dt Σ^{1/2} z, whose exact mean loss is also known:
Cov θ_n = [dt Σ_ij (1 − (a_i a_j)^n)/(1 − a_i a_j)] with a_i = 1 − λ_i dt.

Prop. 1: with λ₁ = 1, λ_{2..D} = D^{−d} and Σ ∝ H at equal trace, Tr(HΣ)/Tr(HΣ̄) =
D·Tr H²/(Tr H)², whose log-log slope in D tends to 2d − 1 (slowly).

App. B: one point x = (1, 1), y = 1, φ = clip[0.1, 0.9]: L(w₁, w₂) =
(φ(relu(w₁) − relu(w₂)) − 1)² is not convex: ½L(1, 0) + ½L(0, 1) = 0.41 < L(½, ½) = 0.81.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

OU_DEFAULTS = dict(
    dim=5, eig_low=0.1, eig_high=10.0,  # H = diag(log-spaced eigenvalues)
    dt=1e-3, n_paths=100_000, path_chunk=20_000,
    times=(0.01, 0.1, 1.0),
    small_t=1e-4,  # the analytic small-t check of Eq. (13)
)
PROP1_DEFAULTS = dict(ds=(0.75, 0.9), dims=(1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8))
APPENDIX_B_DEFAULTS = dict(low=0.1, high=0.9, grid=101)


# -- Eq. (13) ------------------------------------------------------------------------------


def ou_problem(seed: int, dim: int, eig_low: float, eig_high: float):
  """(λ (D,), Σ (D, D)): H = diag(λ) log-spaced, Σ = QQᵀ/D with Q standard normal (PSD)."""
  lam = np.logspace(math.log10(eig_low), math.log10(eig_high), dim)
  q = np.random.default_rng(seed).standard_normal((dim, dim))
  return lam, q @ q.T / dim


def ou_escape_exact(lam: np.ndarray, sigma: np.ndarray, t: float) -> float:
  """¼ Tr((I − e^{−2Ht})Σ), H = diag(λ) (Eq. 13)."""
  return 0.25 * float(np.sum((1.0 - np.exp(-2.0 * lam * t)) * np.diag(sigma)))


def ou_escape_euler(lam: np.ndarray, sigma: np.ndarray, dt: float, n: int) -> float:
  """E L after n Euler–Maruyama steps of size dt (exact for the discrete chain)."""
  a = 1.0 - lam * dt
  aa = np.outer(a, a)
  cov = dt * sigma * (1.0 - aa**n) / (1.0 - aa)
  return 0.5 * float(np.sum(lam * np.diag(cov)))


def ou_monte_carlo(key: jax.Array, lam, sigma, dt: float, steps: tuple[int, ...],
                   n_paths: int) -> tuple[np.ndarray, np.ndarray]:
  """(mean, standard error) of L(θ) after each number of steps in `steps`, over n_paths paths."""
  lam = jnp.asarray(lam, jnp.float32)
  root = jnp.asarray(np.linalg.cholesky(sigma), jnp.float32)
  total = max(steps)
  # record[n − 1, j]: the loss after n steps is output j
  record = np.zeros((total, len(steps)), bool)
  record[np.asarray(steps) - 1, np.arange(len(steps))] = True

  @jax.jit
  def run(key):
    def body(carry, inp):
      theta, out = carry
      k, rec = inp
      theta = theta - dt * lam * theta + math.sqrt(dt) * jax.random.normal(k, theta.shape) @ root.T
      loss = 0.5 * jnp.sum(lam * theta**2, axis=1)
      return (theta, jnp.where(rec[:, None], loss[None], out)), None

    theta0 = jnp.zeros((n_paths, lam.shape[0]), jnp.float32)
    out0 = jnp.zeros((len(steps), n_paths), jnp.float32)
    (_, out), _ = jax.lax.scan(body, (theta0, out0),
                               (jax.random.split(key, total), jnp.asarray(record)))
    return out  # (len(steps), n_paths)

  losses = np.asarray(run(key), np.float64)
  return losses.mean(1), losses.std(1, ddof=1) / math.sqrt(n_paths)


def ou_escape(config, run) -> None:
  """E12 Eq. (13): Monte Carlo E L(θ_t) against ¼Tr((I − e^{−2Ht})Σ) at each t."""
  e = config.experiment
  lam, sigma = ou_problem(int(config.seed), e.dim, e.eig_low, e.eig_high)
  steps = tuple(int(round(t / e.dt)) for t in e.times)
  chunks = max(1, -(-int(e.n_paths) // int(e.path_chunk)))
  per = -(-int(e.n_paths) // chunks)
  means, variances = [], []
  for c in range(chunks):
    m, se = ou_monte_carlo(jax.random.fold_in(jax.random.key(config.seed), c), lam, sigma,
                           e.dt, steps, per)
    means.append(m)
    variances.append((se * math.sqrt(per)) ** 2)
  mean = np.mean(means, 0)
  se = np.sqrt(np.mean(variances, 0) / (per * chunks))
  for t, n, m, s in zip(e.times, steps, mean, se):
    exact = ou_escape_exact(lam, sigma, t)
    euler = ou_escape_euler(lam, sigma, e.dt, n)
    run.log({"step": n, "t": t, "mc_mean": m, "mc_se": s, "exact": exact, "euler_exact": euler,
             "rel_error": (m - exact) / exact, "z_score": (m - exact) / s,
             "pass": bool(abs(m - exact) <= 3 * s + 0.01 * exact)})
  small = ou_escape_exact(lam, sigma, e.small_t) / e.small_t
  half = 0.5 * float(np.sum(lam * np.diag(sigma)))
  run.dir.write_json("ou.json", {"eigenvalues": lam, "sigma": sigma, "n_paths": per * chunks,
                                 "small_t": e.small_t, "small_t_rate": small,
                                 "half_tr_h_sigma": half, "small_t_rel_error": small / half - 1})


# -- Prop. 1 -------------------------------------------------------------------------------


def prop1_ratio(dim: float, d: float) -> float:
  """Tr(HΣ)/Tr(HΣ̄) = D·Tr H²/(Tr H)² for λ₁ = 1, λ_{2..D} = D^{−d}, Σ ∝ H (closed form)."""
  rest = (dim - 1.0) * dim ** (-d)
  tr_h = 1.0 + rest
  tr_h2 = 1.0 + (dim - 1.0) * dim ** (-2.0 * d)
  return dim * tr_h2 / tr_h**2


def loglog_slope(d: float, d_lo: float, d_hi: float) -> float:
  return math.log(prop1_ratio(d_hi, d) / prop1_ratio(d_lo, d)) / math.log(d_hi / d_lo)


def prop1_scaling(config, run) -> None:
  """E12 Prop. 1: the ratio at every D, and the log-log slopes against 2d − 1."""
  e = config.experiment
  dims = tuple(float(x) for x in e.dims)
  out = {}
  for d in e.ds:
    ratios = [prop1_ratio(n, d) for n in dims]
    run.log({"step": int(round(100 * d)), "d": d, "target_slope": 2 * d - 1,
             "slope_1e6_1e8": loglog_slope(d, 1e6, 1e8),
             "slope_1e2_1e5": loglog_slope(d, 1e2, 1e5)})
    out[str(d)] = {"dims": dims, "ratios": ratios}
  run.dir.write_json("prop1.json", out)


# -- App. B --------------------------------------------------------------------------------


def appendix_b_loss(w1, w2, low: float = 0.1, high: float = 0.9):
  """(φ(relu(w₁) − relu(w₂)) − 1)² with φ = clip[low, high] (App. B, x = (1, 1), y = 1)."""
  f = jnp.clip(jax.nn.relu(w1) - jax.nn.relu(w2), low, high)
  return (f - 1.0) ** 2


def appendix_b(config, run) -> None:
  """E12 App. B: the three values, the midpoint inequality, and the loss on a grid."""
  e = config.experiment
  val = lambda a, b: float(appendix_b_loss(jnp.float32(a), jnp.float32(b), e.low, e.high))
  l10, l01, mid = val(1.0, 0.0), val(0.0, 1.0), val(0.5, 0.5)
  run.log({"step": 0, "L_1_0": l10, "L_0_1": l01, "L_half_half": mid,
           "chord_midpoint": 0.5 * (l10 + l01), "nonconvex": bool(0.5 * (l10 + l01) < mid)})
  g = jnp.linspace(-0.5, 1.5, e.grid)
  w1, w2 = jnp.meshgrid(g, g, indexing="ij")
  run.dir.save_arrays("surface", 0, w=np.asarray(g),
                      loss=np.asarray(appendix_b_loss(w1, w2, e.low, e.high)))
