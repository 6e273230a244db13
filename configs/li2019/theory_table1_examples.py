"""li2019 E0b (spec E0): Table 1 and Examples 1-2 (least squares, logistic regression).

Claim: autodiff H and C equal Table 1's closed forms; along GD to interpolation ‖C‖_F/‖H‖_F → 0 (≤ 1e-6 for least squares, below 0.1 and falling for separable logistic regression).
Checks run in float64 on the Gauss-10 net (p = 1,150; smoke: a 10-4-6-3 net) and toy models.

Command:  python -m noisecurv.main --config configs/li2019/theory_table1_examples.py
Smoke:    python -m noisecurv.main --config configs/li2019/theory_table1_examples.py:smoke
Sweep:    none (one run covers every point of the check)
Runtime:  seconds on 2 CPU cores (smoke: seconds); no GPU needed.
Headline: least-squares ‖C‖_F/‖H‖_F at the end ≤ 1e-6.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="li2019.theory")
  c.name = "li2019_theory_table1_examples"
  c.experiment.checks = ("table1",)
  if opts.smoke:
    c.experiment.dim, c.experiment.hidden, c.experiment.k = 10, (4, 6), 3
    c.experiment.gd_steps, c.experiment.logistic_steps = 100, 2000
    c.experiment.mc_samples, c.experiment.dk_pairs = 20_000, 20
  return c
