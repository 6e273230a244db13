"""li2019 E11, E12, E13 (Figs. 13, 15, 17, 20, 24): SGD runs on Gauss-2 (p = 902).

Claim: as for Gauss-10 with k = 2: C has about 2 non-trivial eigenvalues, H_p ≈ −H at 0%, the
top-2 eigenspaces of H and C are aligned (cos γ₁ ≥ 0.9, cos γ₂ ≥ 0.8 for t ≥ 5), the DK bounds
exceed 1, and the dynamics have the phases of Gauss-10 (three for Δ at 20%).
Table 2: η = 0.1 / 0.05, T = 100 / 3,000 for r = 0 / 20%; m = 5 (and 50); 10,000 runs.

Command:  python -m noisecurv.main --config configs/li2019/fig13_gauss2_ensemble.py:noise=0.2
Smoke:    python -m noisecurv.main --config configs/li2019/fig13_gauss2_ensemble.py:smoke
Reduced:  python -m noisecurv.papers.li2019.cpu --only g2_0,g2_20 (arg `cpu`: 16 runs, short grid)
Sweep:    python experiments/sweep.py --config configs/li2019/fig13_gauss2_ensemble.py
          (noise ∈ {0, 0.2} × batch ∈ {5, 50})
Runtime:  H100 est. ≈ 8 min for all four settings (spec §5.3); smoke ≈ 30 s on 2 CPU cores.
Headline: mean cos γ₁ ≥ 0.9 at every record t ≥ 5.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, cpu=False, noise=0.0, batch=5, runs=10_000,
                             records="default", spectrum_subset=1000)
  c = configlib.base(program="li2019.ensemble")
  c.name = "li2019_gauss2"
  e = c.experiment
  e.k, e.label_noise, e.batch, e.runs = 2, opts.noise, opts.batch, opts.runs
  e.records, e.spectrum_subset = opts.records, opts.spectrum_subset
  if opts.cpu:  # reduced, named as such
    e.runs, e.records, e.spectrum_subset, e.cond_draws = 16, "short", 1, 100
    e.record_chunk, e.n_test, e.lanczos_steps = 16, 2000, 48
  if opts.smoke:
    # final record only (the record path is exercised by fig1_gauss10_ensemble:smoke)
    e.runs, e.steps, e.records, e.cond_draws, e.n_test, e.record_chunk = 8, 60, "final", 0, 500, 8
  return c


def sweep(add):
  for noise in (0.0, 0.2):
    for batch in (5, 50):
      add(**{"experiment.label_noise": noise, "experiment.batch": batch})
