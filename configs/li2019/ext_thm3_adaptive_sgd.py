"""li2019 E14 (Theorem 3, no figure): oracle adaptive step and diagonal preconditioner vs SGD.

Claim: with η_t = ‖μ_t‖²/(L_t Tr M_t^{(m)}) (Eq. 35 midpoint) or a_tj = μ_tj²/(L_t M^{(m)}_tjj)
(Eq. 36) the loss is a super-martingale: the estimated E[Δ | θ_t] ≤ 3 SE at ≥ 95% of grid
points, and the median loss falls ≥ 100× by T; speed relative to SGD (η = 0.1) is reported.
Gauss-10, m = 5, 1,000 runs, T = 400 (0%) / 3,000 (15%); oracle μ, diag M from all n = 100
per-example gradients, L_t by warm-started power iteration.

Command:  python -m noisecurv.main --config configs/li2019/ext_thm3_adaptive_sgd.py:dynamic=adaptive_Mm
Smoke:    python -m noisecurv.main --config configs/li2019/ext_thm3_adaptive_sgd.py:smoke
Reduced:  python -m noisecurv.papers.li2019.cpu --only thm3_adaptive,thm3_precond (arg `cpu`: 50 runs,
          T = 400, 200 draws)
Sweep:    python experiments/sweep.py --config configs/li2019/ext_thm3_adaptive_sgd.py
          (dynamic ∈ {sgd, adaptive_Mm, adaptive_M, precond_Mm} × noise ∈ {0, 0.15})
Runtime:  H100 est. 10-20 s per dynamic; CPU reduced ≈ 2 min per dynamic.
Headline: E[Δ | θ_t] ≤ 0 (within 3 SE) at ≥ 95% of grid points for the adaptive dynamics.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, cpu=False, dynamic="adaptive_Mm", noise=0.0)
  c = configlib.base(program="li2019.adaptive")
  c.name = "li2019_thm3"
  e = c.experiment
  e.dynamic, e.label_noise = opts.dynamic, opts.noise
  if opts.cpu:  # reduced, named as such
    e.runs, e.cond_draws, e.steps = 50, 200, 400
  if opts.smoke:
    e.runs, e.steps, e.cond_draws = 4, 30, 16
  return c


def sweep(add):
  for dynamic in ("sgd", "adaptive_Mm", "adaptive_M", "precond_Mm"):
    for noise in (0.0, 0.15):
      add(**{"experiment.dynamic": dynamic, "experiment.label_noise": noise})
