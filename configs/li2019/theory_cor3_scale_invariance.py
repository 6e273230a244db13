"""li2019 E0c (spec E0): Corollary 3, α-scale invariance of EC, PWF and KL.

Claim: with the bias rule b_l × Π_{i≤l} α_i the map keeps the logits; H(Aθ) = A⁻¹H(θ)A⁻¹; EC, PWF and KL are unchanged with the transformed prior while diag H and ‖θ‖² change ≥ 2×, α ∈ {(2, .25, 2), (.1, 5, 2)}.
Checks run in float64 on the Gauss-10 net (p = 1,150; smoke: a 10-4-6-3 net) and toy models.

Command:  python -m noisecurv.main --config configs/li2019/theory_cor3_scale_invariance.py
Smoke:    python -m noisecurv.main --config configs/li2019/theory_cor3_scale_invariance.py:smoke
Sweep:    none (one run covers every point of the check)
Runtime:  seconds on 2 CPU cores (smoke: seconds); no GPU needed.
Headline: relative change of EC, PWF, KL ~1e-15.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="li2019.theory")
  c.name = "li2019_theory_cor3_scale_invariance"
  c.experiment.checks = ("cor3",)
  if opts.smoke:
    c.experiment.dim, c.experiment.hidden, c.experiment.k = 10, (4, 6), 3
    c.experiment.gd_steps, c.experiment.logistic_steps = 100, 2000
    c.experiment.mc_samples, c.experiment.dk_pairs = 20_000, 20
  return c
