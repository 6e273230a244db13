"""The 2-D two-basin toy of zhu2019 (spec E1, E2) on `noisecurv.noise.toy2d`.

`toy_surface` (Fig. 9): L on the grid w₁, w₂ ∈ [−1.4, 1.6) with step 0.02 for one data draw,
L and the Hessian at the two minima, and the basin boundary along the diagonal (≈ 0.257 =
2√2/11 from (1, 1): where 100s² = 2(2 − s/√2)², the two branches at x = 0).

`toy_escape` (Fig. 2): `toy2d.escape_runs` in chunks of `chunk_runs` runs (chunk c uses
key fold_in(PRNGKey(seed), c); finished chunks are kept as arrays, so a rerun resumes), then
the success counts. Run 0 of every chunk gives trajectories and Tr(H_tΣ_t) (Σ_t = Cov ξ_t,
the parameter-level noise of trace 0.01); the figures draw chunk 0's.

The numpy helpers below (basin membership, spreads, in-basin medians) are what the figures
and claims compute from those arrays.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from noisecurv.noise import toy2d

SURFACE_DEFAULTS = dict(lo=-1.4, hi=1.6, step=0.02)
ESCAPE_DEFAULTS = dict(n_runs=100, chunk_runs=10, steps=500, lr=0.005, noise_trace=0.01,
                       dynamics=toy2d.DYNAMICS)
Q = np.array([1.0, 1.0]) / math.sqrt(2.0)  # the sharp direction (eigenvalue 200)
P = np.array([1.0, -1.0]) / math.sqrt(2.0)  # the flat direction of the sharp basin (20)


# -- numpy helpers (figures and claims) ----------------------------------------------------------


def branches(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
  """(sharp, flat) branches of ℓ(w; x = 0) for points w (..., 2)."""
  c = s = math.sqrt(0.5)
  s1, s2 = w[..., 0] - 1.0, w[..., 1] - 1.0
  sharp = 10.0 * (s1 * c - s2 * s) ** 2 + 100.0 * (s1 * c + s2 * s) ** 2
  flat = (w[..., 0] + 1.0) ** 2 + (w[..., 1] + 1.0) ** 2
  return sharp, flat


def in_sharp_basin(w: np.ndarray) -> np.ndarray:
  """Whether w (..., 2) lies where the sharp branch is the smaller one (data at 0)."""
  sharp, flat = branches(np.asarray(w, np.float64))
  return sharp < flat


def boundary_distance() -> float:
  """Distance from (1, 1) along −(1, 1)/√2 to the basin boundary (bisection; ≈ 2√2/11)."""
  lo, hi = 0.0, 1.0
  for _ in range(80):
    mid = 0.5 * (lo + hi)
    inside = in_sharp_basin(np.array([1.0, 1.0]) - mid * Q)
    lo, hi = (mid, hi) if inside else (lo, mid)
  return 0.5 * (lo + hi)


def spread_ratio(traj: np.ndarray) -> float:
  """std along (1, 1) / std along (1, −1) of the iterates (T, 2) inside the sharp basin."""
  w = np.asarray(traj, np.float64)
  w = w[in_sharp_basin(w)] - 1.0
  if len(w) < 3:
    return float("nan")
  along_p = np.std(w @ P)
  return float(np.std(w @ Q) / along_p) if along_p > 0 else float("inf")


def in_basin_median(values: np.ndarray, traj: np.ndarray) -> float:
  """Median of values[t] (T,) over the steps whose iterate traj[t] is in the sharp basin."""
  inside = in_sharp_basin(np.asarray(traj)[: len(values)])
  return float(np.median(np.asarray(values)[inside])) if inside.any() else float("nan")


# -- E1 --------------------------------------------------------------------------------------------


def toy_surface(config, run) -> None:
  """E1: the surface, the two minima's loss and Hessian eigenvalues (one data draw)."""
  e = config.experiment
  x = toy2d.sample_data(jax.random.PRNGKey(config.seed))
  g = np.arange(e.lo, e.hi - 1e-9, e.step)
  w1, w2 = np.meshgrid(g, g, indexing="ij")
  grid = jnp.asarray(np.stack([w1, w2], -1).reshape(-1, 2), jnp.float32)
  surface = jax.jit(jax.vmap(toy2d.loss, in_axes=(0, None)))(grid, x).reshape(w1.shape)
  row = {"step": 0}
  for name, w in (("sharp", (1.0, 1.0)), ("flat", (-1.0, -1.0))):
    w = jnp.asarray(w, jnp.float32)
    with jax.default_matmul_precision("highest"):
      h = np.asarray(jax.hessian(toy2d.loss)(w, x), np.float64)
    lam = np.linalg.eigvalsh(0.5 * (h + h.T))[::-1]
    per = np.asarray(toy2d.example_loss(w, x))
    sharp_branch = np.asarray(_sharp_branch(w, x))
    row.update({f"{name}/loss": float(toy2d.loss(w, x)), f"{name}/lambda_1": lam[0],
                f"{name}/lambda_2": lam[1], f"{name}/h11": h[0, 0], f"{name}/h12": h[0, 1],
                f"{name}/h22": h[1, 1],
                f"{name}/sharp_branch_fraction": float(np.mean(np.isclose(per, sharp_branch)))})
  row["boundary_distance"] = boundary_distance()
  row["cov_x_11"], row["cov_x_12"] = (float(v) for v in np.cov(np.asarray(x).T)[0])
  run.log(row)
  run.dir.save_arrays("surface", 0, w=g, loss=np.asarray(surface), data=np.asarray(x))


def _sharp_branch(w, x):
  c = s = math.sqrt(0.5)
  s1, s2 = w[0] - 1.0 - x[:, 0], w[1] - 1.0 - x[:, 1]
  return 10.0 * (s1 * c - s2 * s) ** 2 + 100.0 * (s1 * c + s2 * s) ** 2


# -- E2 --------------------------------------------------------------------------------------------


def toy_escape(config, run) -> None:
  """E2: success counts of every dynamic over n_runs runs, trajectories of run 0."""
  e = config.experiment
  dyn = tuple(e.dynamics)
  if e.n_runs % e.chunk_runs:
    raise ValueError(f"experiment.chunk_runs {e.chunk_runs} must divide n_runs {e.n_runs}")
  n_chunks = e.n_runs // e.chunk_runs
  done = set(run.dir.status().get("chunks_done", []))
  prog = run.progress(n_chunks, label="[toy chunks] ", start_step=len(done))
  for c in range(n_chunks):
    if c in done:
      continue
    out = toy2d.escape_runs(jax.random.fold_in(jax.random.PRNGKey(config.seed), c),
                            int(e.chunk_runs), dyn, lr=float(e.lr), steps=int(e.steps),
                            noise_trace=float(e.noise_trace))
    arrays = {}
    for name in dyn:
      arrays[f"final_{name}"] = np.asarray(out[name]["final"])
      arrays[f"success_{name}"] = np.asarray(out[name]["success"])
      # Run 0 of every chunk: the spread claim takes a median over these trajectories.
      arrays[f"trajectory_{name}"] = np.asarray(out[name]["trajectory"])
      arrays[f"tr_h_sigma_{name}"] = np.asarray(out[name]["tr_h_sigma"])
    if c == 0:
      arrays["data"] = np.asarray(out["data"])
    run.dir.save_arrays("escape", c, **arrays)
    done.add(c)
    run.dir.update_status(chunks_done=sorted(done))
    prog.update(len(done), force=True)
  row = {"step": int(e.n_runs)}
  for name in dyn:
    s = np.concatenate([np.load(run.dir.path / "arrays" / "escape" / f"{c:09d}.npz")
                        [f"success_{name}"] for c in range(n_chunks)])
    row[f"{name}/successes"] = int(s.sum())
    row[f"{name}/rate"] = float(s.mean())
  run.log(row)
