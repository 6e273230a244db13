"""The toy programs W1–W4: one metrics row per setting, arrays for the figures.

Every program is deterministic given `config.seed`; a finished row is never recomputed
(rows are appended as settings finish, and a rerun skips the logged ones).
"""

from __future__ import annotations

import jax
import numpy as np

from noisecurv.papers.wen2019 import clouds, quadratic, stability
from noisecurv.registry import PROGRAMS


def _done(run) -> set[int]:
  from noisecurv.results import Run

  return {int(r["step"]) for r in Run(run.dir.path).rows()}


@PROGRAMS.register("wen2019.noise_clouds", lr=0.1, small_batch=10, sigma=0.1, num_draws=20000,
                   offset=(0.1, -0.1))
def noise_clouds(config, run) -> None:
  """W1 / Fig. 1: one-step clouds of SGD, isotropic, full-C and diag-C noise on `config.data`
  (the 2-D `linreg` set), from θ_k = w_LS + offset; M_L = N."""
  from noisecurv.data import load

  if 0 in _done(run):
    return
  e = config.experiment
  data = load(config.data, seed=0)
  x, y = data.x_train, data.y_train
  w_ls, theta = clouds.start_point(x, y, e.offset)
  pts = clouds.one_step_clouds(jax.random.PRNGKey(int(config.seed)), jax.numpy.asarray(x),
                               jax.numpy.asarray(y), jax.numpy.asarray(theta, np.float32),
                               lr=float(e.lr), small_batch=int(e.small_batch),
                               sigma=float(e.sigma), num_draws=int(e.num_draws))
  pts = np.asarray(pts, np.float64)
  mom = clouds.moments(x, y, theta)
  n = x.shape[0]
  c2 = 1.0 / e.small_batch - 1.0 / n
  row = clouds.summary(pts, mom, lr=e.lr, small_batch=e.small_batch, sigma=e.sigma)
  row.update(c_squared=c2, n=n, draws=int(e.num_draws))
  half = 4.0 * float(np.sqrt(np.max(np.abs(pts - theta)) ** 2 + 0.01))
  w1, w2, grid = clouds.loss_grid(x, y, theta, half)
  run.dir.save_arrays("clouds", 0, clouds=pts, theta=theta, w_ls=w_ls, grid_w1=w1, grid_w2=w2,
                      grid_loss=grid, H=mom["H"], C=mom["C"], Sigma=mom["Sigma"],
                      expected_full=e.lr**2 * c2 * mom["C"],
                      expected_sgd=e.lr**2 * c2 * n / (n - 1) * mom["Sigma"])
  run.log({"step": 0, **row})


@PROGRAMS.register("wen2019.quadratic_noise", a=quadratic.FIG4_A, theta0=quadratic.FIG4_THETA0,
                   lr=0.1, steps=500, plot_every=10, num_runs=4000, avg_from=250,
                   control_a=((5.0, 0.0), (0.0, 1.0)))
def quadratic_noise(config, run) -> None:
  """W2 / Fig. 4: Eq. 2 with constant α on ½θᵀAθ for C = √A and √diag A; exact E[L_k],
  Monte-Carlo losses and one plotted trajectory per C; the diagonal-A control."""
  if 0 in _done(run):
    return
  e = config.experiment
  a = np.asarray(e.a, np.float64)
  t0 = np.asarray(e.theta0, np.float64)
  steps = np.full(int(e.steps), float(e.lr))
  row, arrays = {}, {}
  key = jax.random.PRNGKey(int(config.seed))
  for i, kind in enumerate(("full", "diag", "none")):
    c = quadratic.noise_matrix(a, kind)
    exact = quadratic.expected_loss(a, c, t0, steps)
    arrays[f"exact_{kind}"] = exact
    if kind == "none":
      continue
    mc, traj = quadratic.simulate(jax.random.fold_in(key, i), a, c, t0, steps,
                                  num_runs=int(e.num_runs))
    mc = np.asarray(mc, np.float64)
    per_run = mc[int(e.avg_from):].mean(axis=0)  # time average per run, then over runs
    arrays[f"mc_mean_{kind}"] = mc.mean(axis=1)
    arrays[f"traj_{kind}"] = np.asarray(traj)[:: int(e.plot_every)]
    row.update({f"{kind}/mc_avg": float(per_run.mean()),
                f"{kind}/mc_avg_se": float(per_run.std(ddof=1) / np.sqrt(per_run.size)),
                f"{kind}/exact_avg": float(exact[int(e.avg_from):].mean()),
                f"{kind}/stationary": quadratic.stationary_loss(a, c, float(e.lr)),
                f"{kind}/tr_cac": float(np.trace(c.T @ a @ c)),
                f"{kind}/tr_cc": float(np.trace(c @ c.T))})
  gap = arrays["exact_full"][1:] - arrays["exact_diag"][1:]
  row["exact_min_gap"] = float(gap.min())
  diff = row["full/mc_avg"] - row["diag/mc_avg"]
  row["mc_gap_in_se"] = diff / float(np.hypot(row["full/mc_avg_se"], row["diag/mc_avg_se"]))
  ctrl = np.asarray(e.control_a, np.float64)
  cf = quadratic.expected_loss(ctrl, quadratic.noise_matrix(ctrl, "full"), t0, steps)
  cd = quadratic.expected_loss(ctrl, quadratic.noise_matrix(ctrl, "diag"), t0, steps)
  row["control_max_abs_diff"] = float(np.max(np.abs(cf - cd)))
  run.dir.save_arrays("quadratic", 0, a=a, theta0=t0, **arrays)
  run.log({"step": 0, **row})


@PROGRAMS.register("wen2019.thm41_rate", matrices=(quadratic.FIG4_A, ((1.0, 0.9), (0.9, 1.0)),
                                                   ((2.0, 1.5), (1.5, 2.0)),
                                                   ((1.0, 0.0), (0.0, 1.0))),
                   random_dim=10, theta0=quadratic.FIG4_THETA0, steps=100000,
                   record=(100, 1000, 10000, 100000), mc_runs=2000, mc_steps=1000)
def thm41_rate(config, run) -> None:
  """W3 / Theorem 4.1: α_k = 2/((k+γ)λ_min), γ = 2λ_max/λ_min; exact E[L_k] vs ν/(k+γ) for C =
  √A and √diag A on each 2-D matrix and a random SPD random_dim×random_dim one (θ₀ = 1 there);
  a Monte-Carlo check of the exact recursion on the first matrix."""
  e = config.experiment
  mats = [np.asarray(m, np.float64) for m in e.matrices]
  if e.random_dim:
    mats.append(quadratic.random_spd(int(config.seed), int(e.random_dim)))
  done = _done(run)
  for i, a in enumerate(mats):
    if i in done:
      continue
    lam = np.linalg.eigvalsh(a)
    gamma = 2.0 * lam[-1] / lam[0]
    t0 = (np.asarray(e.theta0, np.float64) if a.shape[0] == len(e.theta0)
          else np.ones(a.shape[0]))
    steps = quadratic.decaying_steps(int(e.steps), lam[0], gamma)
    row, arrays = {"step": i, "dim": a.shape[0], "gamma": gamma}, {}
    for j, kind in enumerate(("full", "diag")):
      c = quadratic.noise_matrix(a, kind)
      exact = quadratic.expected_loss(a, c, t0, steps)
      nu = quadratic.thm41_nu(a, c, t0, gamma)
      k = np.arange(exact.size)
      bound = nu / (k + gamma)
      row.update({f"{kind}/nu": nu, f"{kind}/max_ratio_to_bound": float(np.max(exact / bound)),
                  f"{kind}/final": float(exact[-1])})
      for r in e.record:
        if r < exact.size:
          row[f"{kind}/scaled_loss_{r}"] = float(exact[r] * (r + gamma))
      ks = np.unique(np.geomspace(1, exact.size - 1, 400).astype(int))
      arrays.update({"k": ks, f"exact_{kind}": exact[ks], f"bound_{kind}": bound[ks]})
      if i == 0 and e.mc_runs:
        m = int(e.mc_steps)
        mc, _ = quadratic.simulate(jax.random.fold_in(jax.random.PRNGKey(int(config.seed)),
                                                      j), a, c, t0, steps[:m],
                                   num_runs=int(e.mc_runs), record_every=m)
        mc = np.asarray(mc, np.float64)[-1]
        se = mc.std(ddof=1) / np.sqrt(mc.size)
        row[f"{kind}/mc_final_z"] = float((mc.mean() - exact[m]) / se)
    row["full_over_diag_final"] = row["full/final"] / row["diag/final"]
    run.dir.save_arrays("thm41", i, a=a, **arrays)
    run.log(row)


@PROGRAMS.register("wen2019.ou_hellinger", num_pairs=200, n=50, dim=5, alpha=0.1,
                   lams=(1.0, 0.5, 0.3, 0.2, 0.1, 0.05, 0.02), t_scaling=1.0)
def ou_hellinger(config, run) -> None:
  """W4 / App. B: stationary H²(S, S') for C ∈ {√A, √diag A, I} over random pairs that differ in
  one point, and H² at t_scaling for C = λ√A as λ → 0."""
  if 0 in _done(run):
    return
  e = config.experiment
  res = stability.hellinger_study(int(config.seed), int(e.num_pairs), int(e.n), int(e.dim),
                                  float(e.alpha), tuple(e.lams), float(e.t_scaling))
  st = res["stationary"]
  med = np.median(st, axis=0)
  scal = np.median(res["scaling"], axis=0)
  row = {"step": 0, "pairs": int(e.num_pairs),
         "frac_sqrt_a_below_identity": float(np.mean(st[:, 0] < st[:, 2])),
         "frac_sqrt_a_le_diag": float(np.mean(st[:, 0] <= st[:, 1])),
         "frac_diag_below_identity": float(np.mean(st[:, 1] < st[:, 2])),
         "median_sqrt_a": float(med[0]), "median_diag": float(med[1]),
         "median_identity": float(med[2]),
         "diag_position": float(np.median((st[:, 1] - st[:, 0]) / (st[:, 2] - st[:, 0]))),
         "scaling_monotone": float(np.all(np.diff(scal) > 0)),
         "scaling_smallest_lambda": float(scal[-1])}
  row.update({f"scaling_h2/lam_{lam:g}": float(v) for lam, v in zip(e.lams, scal)})
  run.dir.save_arrays("hellinger", 0, **res)
  run.log(row)
