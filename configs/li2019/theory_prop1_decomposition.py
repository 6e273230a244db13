"""li2019 E0a (spec E0): Proposition 1, H_p = (1/n)Σ∇²pᵢ/pᵢ = M − H.

Claim: (1/n)Σ∇²pᵢ/pᵢ equals C − H (relative error ≤ 1e-10, float64) at θ₀, a mid point and the end of a GD run; every diagonal block G_h of H equals the GGN block and is PSD.
Checks run in float64 on the Gauss-10 net (p = 1,150; smoke: a 10-4-6-3 net) and toy models.

Command:  python -m noisecurv.main --config configs/li2019/theory_prop1_decomposition.py
Smoke:    python -m noisecurv.main --config configs/li2019/theory_prop1_decomposition.py:smoke
Sweep:    none (one run covers every point of the check)
Runtime:  about a minute (three dense per-example Hessian sums) on 2 CPU cores (smoke: seconds); no GPU needed.
Headline: relative error ~1e-14.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="li2019.theory")
  c.name = "li2019_theory_prop1_decomposition"
  c.experiment.checks = ("prop1",)
  if opts.smoke:
    c.experiment.dim, c.experiment.hidden, c.experiment.k = 10, (4, 6), 3
    c.experiment.gd_steps, c.experiment.logistic_steps = 100, 2000
    c.experiment.mc_samples, c.experiment.dk_pairs = 20_000, 20
  return c
