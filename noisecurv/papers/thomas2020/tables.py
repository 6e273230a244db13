"""Tables 1 and 2 of §5.4: updates to reach E[Δ_t] ≤ ε, and the step size that achieves it.

Setup (spec §3.2): H = diag(i²), i = 1..20, θ₀ = 𝟙, noise S ∝ H^β with Tr S = d for
β ∈ {1, 0, −1}; SG (M = I), Newton (M = H⁻¹) and Polyak momentum (γ = 0.8, inferred by the
spec); ε ∈ {1, 0.1, 0.01}. For each (method, β, ε) the step size is chosen on the grid
`logspace(-6, 1, 141)` (20 per decade) to minimise the count; ties go to the largest α; unstable
step sizes are excluded; the reported count is (updates until E[Δ_t] ≤ ε) + 1, i.e. θ₀ counts as
iterate 1 (for Newton with α = 1 this is what makes the paper's "2" at (ε = 1, β = 0)).

`simulate_cells` checks each cell by Monte-Carlo: chains with Gaussian noise run the same
updates, and their mean Δ at the counted step is compared with the exact E[Δ].
"""

from __future__ import annotations

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv.papers.thomas2020 import quadratic as q

METHODS = ("SG", "Newton", "Polyak")
BETAS = (1, 0, -1)
EPSILONS = (1.0, 0.1, 0.01)
GAMMA = 0.8


def alpha_grid(lo: float = -6.0, hi: float = 1.0, num: int = 141) -> np.ndarray:
  return np.logspace(lo, hi, num)


@dataclasses.dataclass(frozen=True)
class Tables:
  """counts[e, m, b] and alphas[e, m, b] for EPSILONS × METHODS × BETAS (count −1: never)."""

  counts: np.ndarray
  alphas: np.ndarray
  exact_at_count: np.ndarray  # E[Δ] after count − 1 updates
  grid: np.ndarray
  steps: int
  gamma: float

  def cell(self, eps: float, method: str, beta: int) -> tuple[int, float]:
    i, j, k = EPSILONS.index(eps), METHODS.index(method), BETAS.index(beta)
    return int(self.counts[i, j, k]), float(self.alphas[i, j, k])

  def rows(self) -> list[dict]:
    out = []
    for i, e in enumerate(EPSILONS):
      for j, m in enumerate(METHODS):
        for k, b in enumerate(BETAS):
          out.append(dict(eps=e, method=m, beta=b, count=int(self.counts[i, j, k]),
                          alpha=float(self.alphas[i, j, k]),
                          exact=float(self.exact_at_count[i, j, k])))
    return out


def trajectories(method: str, beta: int, alphas: np.ndarray, steps: int, gamma: float = GAMMA
                 ) -> tuple[np.ndarray, np.ndarray]:
  """(E[Δ_t] (steps + 1, A), stable (A,)) for one method and noise exponent, in float64."""
  with jax.enable_x64(True):
    h, th0 = q.paper_problem()
    s = q.noise_diag(h, beta)
    a = jnp.asarray(alphas, jnp.float64)
    if method == "Polyak":
      traj = _polyak(a, gamma, h, s, th0, steps)
      stable = [bool(q.polyak_stable(al, h, gamma)) for al in np.asarray(alphas)]
    else:
      m = jnp.ones_like(h) if method == "SG" else 1.0 / h
      traj = _sg(a, m, h, s, th0, steps)
      stable = [bool(q.sg_stable(al, m, h)) for al in np.asarray(alphas)]
    return np.asarray(traj), np.asarray(stable)


_sg = jax.jit(q.sg_suboptimality, static_argnums=5)
_polyak = jax.jit(q.polyak_suboptimality, static_argnums=5)


def best_count(traj: np.ndarray, stable: np.ndarray, grid: np.ndarray, eps: float
               ) -> tuple[int, float, float]:
  """(count, α, E[Δ] at the counted step): min over stable α of (first t with E ≤ ε) + 1."""
  hit = traj <= eps
  ok = hit.any(axis=0) & stable
  if not ok.any():
    return -1, float("nan"), float("nan")
  first = np.where(ok, hit.argmax(axis=0), np.iinfo(np.int64).max)
  best = first.min()
  j = np.nonzero(first == best)[0].max()  # ties: the largest step size
  return int(best) + 1, float(grid[j]), float(traj[best, j])


def compute(grid: np.ndarray | None = None, steps: int = 10000, gamma: float = GAMMA) -> Tables:
  """Both tables. `steps` bounds the trajectories; every best count must stay below it."""
  grid = alpha_grid() if grid is None else np.asarray(grid)
  shape = (len(EPSILONS), len(METHODS), len(BETAS))
  counts, alphas, exact = np.zeros(shape, int), np.zeros(shape), np.zeros(shape)
  with jax.enable_x64(True):
    for j, m in enumerate(METHODS):
      for k, b in enumerate(BETAS):
        traj, stable = trajectories(m, b, grid, steps, gamma)
        for i, e in enumerate(EPSILONS):
          counts[i, j, k], alphas[i, j, k], exact[i, j, k] = best_count(traj, stable, grid, e)
  if (counts < 0).any() or counts.max() >= steps:
    raise ValueError(f"a cell needs more than {steps} steps (or never reaches ε): {counts}")
  return Tables(counts, alphas, exact, grid, steps, gamma)


# -- Monte-Carlo check ------------------------------------------------------------


def _simulate(key, alpha, m, s, gamma, polyak, target, h, th0, n_chains, length):
  """Δ after `target` updates for every chain (one cell; target ≤ length).

  The key is shared by the cells of a vmapped call, so they see the same standard normal
  draws (common random numbers: generated once, which is what makes the check cheap); each
  cell is still compared with its own exact value.
  """
  d = h.shape[0]
  theta = jnp.broadcast_to(th0, (n_chains, d))
  v = jnp.zeros((n_chains, d))

  def body(carry, t):
    theta, v, rec = carry
    eps = jnp.sqrt(s) * jax.random.normal(jax.random.fold_in(key, t), (n_chains, d))
    # Polyak (v₀ = 0): θ ← θ − αv, then v ← γv + Hθ + ε at the new θ.
    th_p = theta - alpha * v
    v_p = gamma * v + h * th_p + eps
    # SG / Newton: θ ← θ − αm(Hθ + ε).
    th_s = theta - alpha * m * (h * theta + eps)
    theta = jnp.where(polyak, th_p, th_s)
    v = jnp.where(polyak, v_p, v)
    delta = 0.5 * jnp.sum(h * theta * theta, axis=1)
    rec = jnp.where(t == target, delta, rec)
    return (theta, v, rec), None

  (_, _, rec), _ = jax.lax.scan(body, (theta, v, jnp.zeros((n_chains,))),
                                jnp.arange(1, length + 1))
  return rec


_simulate_cells = jax.jit(jax.vmap(_simulate, in_axes=(None,) + (0,) * 6 + (None,) * 4),
                          static_argnums=(9, 10))


def simulate_cells(tables: Tables, key: jax.Array, n_chains: int) -> list[dict]:
  """Monte-Carlo Δ after (count − 1) updates at each cell's best α, beside the exact E[Δ].

  Cells of one ε share one vmapped scan (their lengths are similar), so the whole check is
  three compiled programs. Rows gain mc_mean, mc_se and z = (mc_mean − exact)/mc_se.
  """
  rows = tables.rows()
  out = []
  with jax.enable_x64(True):
    h, th0 = q.paper_problem()
    for e in EPSILONS:
      cells = [r for r in rows if r["eps"] == e]
      alpha = jnp.asarray([c["alpha"] for c in cells])
      m = jnp.stack([jnp.ones_like(h) if c["method"] != "Newton" else 1.0 / h for c in cells])
      s = jnp.stack([q.noise_diag(h, c["beta"]) for c in cells])
      polyak = jnp.asarray([c["method"] == "Polyak" for c in cells])
      gamma = jnp.where(polyak, tables.gamma, 0.0)
      target = jnp.asarray([c["count"] - 1 for c in cells])
      length = int(max(c["count"] for c in cells))
      rec = np.asarray(_simulate_cells(jax.random.fold_in(key, EPSILONS.index(e)), alpha, m, s,
                                       gamma, polyak, target, h, th0, n_chains, length))
      for c, r in zip(cells, rec):
        mu, se = float(r.mean()), float(r.std(ddof=1) / np.sqrt(n_chains))
        out.append({**c, "mc_mean": mu, "mc_se": se, "z": (mu - c["exact"]) / se})
  return out
