"""li2019 E10 (Figs. 11, 25): Theorem 4's bound terms at intermediate label noise, final record only.

Claim: from 0% to 15% random labels the distributions over runs of d̃ (diag H entries above
1/σ²), the effective curvature EC, the precision-weighted Frobenius norm PWF = ‖θ_T‖²/σ² and the
generalisation error shift to larger values. The r = 0 and 15% levels come from
fig1_gauss10_ensemble; this config adds r ∈ {5%, 10%} (T = 10,000, η = 0.1, σ = 0.5 and 1).

Command:  python -m noisecurv.main --config configs/li2019/fig11_bound_label_noise.py:noise=0.05
Smoke:    python -m noisecurv.main --config configs/li2019/fig11_bound_label_noise.py:smoke
Reduced:  python -m noisecurv.papers.li2019.cpu --only bound_5,bound_10 (arg `cpu`: 100 runs, T ≤ 2,000)
Sweep:    python experiments/sweep.py --config configs/li2019/fig11_bound_label_noise.py
          (noise ∈ {0.05, 0.10} × batch ∈ {5, 50})
Runtime:  H100 est. ≈ 30 s per setting (SGD + one Hessian per run); smoke ≈ 15 s on CPU.
Headline: median PWF and generalisation error grow with r.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, cpu=False, noise=0.05, batch=5, runs=10_000)
  c = configlib.base(program="li2019.ensemble")
  c.name = "li2019_bound"
  e = c.experiment
  e.k, e.label_noise, e.batch, e.runs = 10, opts.noise, opts.batch, opts.runs
  e.records, e.cond_draws = "final", 0
  if opts.cpu:  # reduced, named as such
    e.runs, e.max_steps, e.n_test, e.record_chunk = 100, 2000, 2000, 100
  if opts.smoke:
    e.runs, e.steps, e.n_test, e.record_chunk = 8, 60, 500, 8
  return c


def sweep(add):
  for noise in (0.05, 0.10):
    for batch in (5, 50):
      add(**{"experiment.label_noise": noise, "experiment.batch": batch})
