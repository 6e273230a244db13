"""li2019 E0d-e (spec E0): Theorem 4 algebra, principal angles and Davis-Kahan routines.

Claim: closed-form Gaussian KL = Eq. 106 = Monte Carlo (within 4 SE); EC + PWF ≥ 2KL; principal cosines of bases with known angles to 1e-12; bound (59) ≥ ‖sin Θ‖_F on 100 random pairs.
Checks run in float64 on the Gauss-10 net (p = 1,150; smoke: a 10-4-6-3 net) and toy models.

Command:  python -m noisecurv.main --config configs/li2019/theory_thm4_kl_terms.py
Smoke:    python -m noisecurv.main --config configs/li2019/theory_thm4_kl_terms.py:smoke
Sweep:    none (one run covers every point of the check)
Runtime:  seconds on 2 CPU cores (smoke: seconds); no GPU needed.
Headline: 0 Davis-Kahan violations.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="li2019.theory")
  c.name = "li2019_theory_thm4_kl_terms"
  c.experiment.checks = ("thm4", "angles")
  if opts.smoke:
    c.experiment.dim, c.experiment.hidden, c.experiment.k = 10, (4, 6), 3
    c.experiment.gd_steps, c.experiment.logistic_steps = 100, 2000
    c.experiment.mc_samples, c.experiment.dk_pairs = 20_000, 20
  return c
