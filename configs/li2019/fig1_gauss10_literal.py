"""li2019 spec §7 #1: the paper-literal Gauss-10 setting (raw inputs, θ₀ ~ N(0, I), float64).

Claim (ours, documenting a departure): with App. A.1 taken literally SGD at η = 0.1 blows up
and then sticks near ln 10 as the ReLUs die; the default (standardised inputs, σ₀ = 0.5) trains.
Records: final bound only (the point is the loss trajectory).

Command:  python -m noisecurv.main --config configs/li2019/fig1_gauss10_literal.py:noise=0.15
Smoke:    python -m noisecurv.main --config configs/li2019/fig1_gauss10_literal.py:smoke
Reduced:  python -m noisecurv.papers.li2019.cpu --only literal_0 (arg `cpu`: 200 runs, 0%, T = 400)
Sweep:    python experiments/sweep.py --config configs/li2019/fig1_gauss10_literal.py
          (noise ∈ {0, 0.15})
Runtime:  H100 est. ≈ 1 min per setting (float64 SGD); CPU reduced ≈ 1 min.
Headline: median loss at T − 1 ≈ 2.3 (= ln 10) at 0%.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, cpu=False, noise=0.0, runs=10_000)
  c = configlib.base(program="li2019.ensemble")
  c.name = "li2019_literal"
  e = c.experiment
  e.k, e.label_noise, e.batch, e.runs = 10, opts.noise, 5, opts.runs
  e.standardize, e.init_std, e.float64, e.sigmas = False, 1.0, True, (1.0,)
  e.records, e.cond_draws = "final", 0
  if opts.cpu:  # reduced, named as such
    e.runs, e.n_test, e.record_chunk = 200, 2000, 200
  if opts.smoke:
    e.runs, e.steps, e.n_test, e.record_chunk = 8, 60, 500, 8
  return c


def sweep(add):
  for noise in (0.0, 0.15):
    add(**{"experiment.label_noise": noise})
