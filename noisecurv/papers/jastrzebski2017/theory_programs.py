"""The theory checks E0a–E0e as programs: one metrics row per setting (step = setting index).

Each program logs its settings and results as scalars, one row per setting, and skips the
settings an earlier, interrupted call already logged (rows are appended as they finish).
Keys come from `config.seed` and are folded with the setting index.
"""

from __future__ import annotations

import jax
import numpy as np

from noisecurv.papers.jastrzebski2017 import fisher_gap, gibbs, minibatch, ou
from noisecurv.registry import PROGRAMS


def _done(run) -> set[int]:
  from noisecurv.results import Run

  return {int(r["step"]) for r in Run(run.dir.path).rows()}


def _key(config, i: int) -> jax.Array:
  return jax.random.fold_in(jax.random.key(int(config.seed)), i)


@PROGRAMS.register("jastrzebski2017.ou_stationary_loss", dim=50, lam_min=0.1, lam_max=1.0,
                   pairs=((0.01, 1.0), (0.02, 2.0), (0.04, 4.0), (0.01, 4.0)), n_chains=2000,
                   burn_mixing=20.0, avg_mixing=10.0)
def ou_stationary_loss(config, run) -> None:
  """E0a: E[L] of SGD with N(0, H/S) noise on ½θᵀHθ vs the exact discrete value and (η/4S)Tr H.

  Burn-in and averaging lengths are in mixing times 1/(η λ_min) of the slowest mode.
  """
  e = config.experiment
  lam = ou.log_spectrum(e.dim, e.lam_min, e.lam_max)
  done = _done(run)
  prog = run.progress(len(e.pairs), label="(η, S) pairs ")
  for i, (eta, s) in enumerate(e.pairs):
    if i in done:
      continue
    mix = 1.0 / (eta * lam.min())
    n_burn, n_avg = int(round(e.burn_mixing * mix)), int(round(e.avg_mixing * mix))
    chains = ou.ou_chain_losses(_key(config, i), lam, eta, s, n_burn, n_avg,
                                n_chains=e.n_chains)
    mean, se = ou.mean_se(chains)
    run.log({"step": i, "eta": eta, "batch_size": s, "ratio": eta / s, "loss": mean,
             "loss_se": se, "exact": ou.ou_loss_exact(lam, eta, s),
             "continuous": ou.ou_loss_continuous(lam, eta, s), "trace_h": float(lam.sum()),
             "eta_lambda_max": float(eta * lam.max()), "steps": n_burn + n_avg})
    prog.update(i + 1, force=True)


@PROGRAMS.register("jastrzebski2017.linreg_online_sgd", dim=20, h_min=0.1, h_max=1.0, sigma=1.0,
                   ratio=0.01, a_values=(1, 2, 4), n_chains=2000, burn_mixing=20.0,
                   avg_mixing=20.0)
def linreg_online_sgd(config, run) -> None:
  """E0b: stationary excess loss of online minibatch SGD on least squares (C = H at w* for σ=1),
  at η = ratio·a and S = a, vs (η/4S)·Tr H and the exact discrete value."""
  e = config.experiment
  h = ou.log_spectrum(e.dim, e.h_min, e.h_max)
  done = _done(run)
  prog = run.progress(len(e.a_values), label="rescalings ")
  for i, a in enumerate(e.a_values):
    if i in done:
      continue
    s = int(a)
    eta = float(e.ratio * a)
    mix = 1.0 / (eta * h.min())
    n_burn, n_avg = int(round(e.burn_mixing * mix)), int(round(e.avg_mixing * mix))
    chains = ou.linreg_chain_excess(_key(config, i), h, eta, n_burn, n_avg, e.sigma,
                                    n_chains=e.n_chains, batch_size=s)
    mean, se = ou.mean_se(chains)
    run.log({"step": i, "a": float(a), "eta": eta, "batch_size": s, "ratio": eta / s,
             "excess": mean, "excess_se": se,
             "continuous": e.sigma**2 * ou.ou_loss_continuous(h, eta, s),
             "exact": ou.linreg_excess_exact(h, eta, s, e.sigma**2), "trace_h": float(h.sum()),
             "eta_lambda_max": eta * float(h.max()), "eta_trace_over_s": eta * float(h.sum()) / s,
             "steps": n_burn + n_avg})
    prog.update(i + 1, force=True)


@PROGRAMS.register("jastrzebski2017.minibatch_covariance", n=200, dim=10, w_norm=1.0,
                   batch_sizes=(5, 50, 150), n_batches=20000)
def minibatch_covariance(config, run) -> None:
  """E0c: Cov(g⁽ˢ⁾) from sampled minibatches vs (1/S − 1/N)K (without replacement, Eq. 6)
  and (N − 1)K/(NS) (with replacement), on logistic regression at the teacher w*."""
  e = config.experiment
  x, y, w = minibatch.logistic_problem(_key(config, 10_000), e.n, e.dim, e.w_norm)
  g = minibatch.per_example_grads(w, x, y)
  k = np.asarray(minibatch.sample_covariance(g), np.float64)
  done = _done(run)
  settings = [(s, rep) for s in e.batch_sizes for rep in (False, True)]
  for i, (s, rep) in enumerate(settings):
    if i in done:
      continue
    est = np.asarray(minibatch.minibatch_covariance(_key(config, i), g, s=int(s),
                                                    n_batches=e.n_batches, replace=rep))
    ref = minibatch.reference_covariance(k, int(s), e.n, rep)
    run.log({"step": i, "batch_size": int(s), "replace": rep,
             "rel_error": minibatch.relative_error(est, ref),
             "rel_error_naive": minibatch.relative_error(est, k / s),
             "rel_error_other": minibatch.relative_error(
                 est, minibatch.reference_covariance(k, int(s), e.n, not rep)),
             "trace_est": float(np.trace(est)), "trace_ref": float(np.trace(ref))})


@PROGRAMS.register("jastrzebski2017.gibbs_double_well", k_a=8.0, k_b=1.0, l_b=0.1,
                   temperatures=(0.1, 0.2, 0.3), dt=1e-3, n_chains=2000, n_steps=300000,
                   discard_fraction=1 / 3, theta0=0.5, sgd_temperature=0.2,
                   sgd_pairs=((1e-3, 1.0), (4e-3, 4.0)), laplace_k_a=20.0, laplace_l_b=0.02,
                   laplace_t_min=0.005, laplace_t_max=0.1, laplace_num=20)
def gibbs_double_well(config, run) -> None:
  """E0d: (i) basin-A occupancy of Euler–Maruyama chains (and of SGD with Rademacher
  per-example noise at equal η/S) vs quadrature of exp(−2L/T) (and of the paper's
  exp(−L/(2T))); chains start at θ0 (default: the wide minimum B). (ii) the Laplace ratio
  p_A/p_B = √(k_B/k_A)·exp(2(L_B − L_A)/T) vs quadrature over T (rows 100 + i)."""
  e = config.experiment
  well = gibbs.DoubleWell(e.k_a, e.k_b, e.l_b)
  done = _done(run)
  t_total = e.n_steps * e.dt
  for i, t in enumerate(e.temperatures):
    if i in done:
      continue
    disc = int(e.discard_fraction * e.n_steps)
    occ = gibbs.occupancy_chains(_key(config, i), well, e.dt, float(np.sqrt(t * e.dt)),
                                 e.n_steps, disc, e.theta0, n_chains=e.n_chains)
    mean, se = ou.mean_se(occ)
    run.log({"step": i, "sde/T": t, "sde/occupancy": mean, "sde/se": se,
             "sde/quadrature": gibbs.basin_masses(well, t)[0],
             "sde/quadrature_paper": gibbs.basin_masses(well, t, "paper")[0],
             "sde/time": t_total})
  for j, (eta, s) in enumerate(e.sgd_pairs):
    if 10 + j in done:
      continue
    sigma = float(np.sqrt(e.sgd_temperature * s / eta))  # T = ησ²/S
    n = int(round(t_total / eta))
    occ = gibbs.occupancy_chains(_key(config, 10 + j), well, eta, eta * sigma, n,
                                 int(e.discard_fraction * n), e.theta0, n_chains=e.n_chains,
                                 batch_size=int(s))
    mean, se = ou.mean_se(occ)
    run.log({"step": 10 + j, "sgd/eta": eta, "sgd/batch_size": s, "sgd/sigma": sigma,
             "sgd/T": e.sgd_temperature, "sgd/occupancy": mean, "sgd/se": se,
             "sgd/quadrature": gibbs.basin_masses(well, e.sgd_temperature)[0]})
  lwell = gibbs.DoubleWell(e.laplace_k_a, 1.0, e.laplace_l_b)
  for j, t in enumerate(np.geomspace(e.laplace_t_min, e.laplace_t_max, e.laplace_num)):
    if 100 + j in done:
      continue
    pa, pb = gibbs.basin_masses(lwell, float(t))
    pa_p, pb_p = gibbs.basin_masses(lwell, float(t), "paper")
    run.log({"step": 100 + j, "laplace/T": float(t), "laplace/ratio_quadrature": pa / pb,
             "laplace/ratio_laplace": gibbs.laplace_ratio(lwell, float(t)),
             "laplace/ratio_quadrature_paper": pa_p / pb_p,
             "laplace/ratio_laplace_paper": gibbs.laplace_ratio(lwell, float(t), "paper")})


@PROGRAMS.register("jastrzebski2017.cov_vs_hessian", dim=20, w_norm=3.0, sizes=(10000, 100000),
                   offset_norm=1.0, newton_steps=25)
def cov_vs_hessian(config, run) -> None:
  """E0e: ‖K − H‖_F/‖H‖_F at the logistic MLE ŵ for each N, at ŵ + δ (‖δ‖ = offset_norm, a
  fixed random direction) and at 2ŵ."""
  e = config.experiment
  done = _done(run)
  delta = e.offset_norm * fisher_gap.random_unit(_key(config, 20_000), e.dim)
  for i, n in enumerate(e.sizes):
    if i in done:
      continue
    x, y, _ = fisher_gap.logistic_problem(_key(config, 10_000), int(n), e.dim, e.w_norm)
    w_hat = fisher_gap.newton_mle(x, y, e.newton_steps)
    at = {k: float(v) for k, v in fisher_gap.gap_metrics(w_hat, x, y).items()}
    off = float(fisher_gap.gap_metrics(w_hat + delta, x, y)["gap"])
    double = float(fisher_gap.gap_metrics(2 * w_hat, x, y)["gap"])
    run.log({"step": i, "n": int(n), "gap": at["gap"], "trace_ratio": at["trace_ratio"],
             "cosine": at["cosine"], "grad_norm": at["grad_norm"], "gap_offset": off,
             "gap_double": double})
