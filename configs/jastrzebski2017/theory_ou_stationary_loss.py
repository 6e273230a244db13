"""E0a (paper §2.2, Eq. 8–9): the stationary loss of SGD near a quadratic minimum is (η/4S)·Tr H.

Claim: SGD with Gaussian noise ε ~ N(0, H/S) on L = ½θᵀHθ (D = 50, eigenvalues log-spaced in
[0.1, 1], 2,000 chains, burn-in 20 and averaging 10 mixing times 1/(ηλ_min)) has a stationary
E[L] within 3 SE + 1% of the exact discrete value Σ ηλᵢ/(2S(2 − ηλᵢ)) and within 2% of Eq. 9's
(η/4S)·Tr H for (η, S) ∈ {(0.01, 1), (0.02, 2), (0.04, 4), (0.01, 4)}; the three equal-ratio
pairs agree within 2% and the fourth is 4× smaller (within 5%).

Command:  python -m noisecurv.main --config configs/jastrzebski2017/theory_ou_stationary_loss.py
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/theory_ou_stationary_loss.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/theory_ou_stationary_loss.py  (D ∈ {10, 50, 200})
Runtime:  about 2 min on a 2-core CPU, seconds on a GPU (smoke: ~10 s, 256 chains, 5 + 5 mixing times).
Headline: E[L] = 0.0488 for η/S = 0.01 (Eq. 9: 0.0490; exact discrete: 0.0491).
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="jastrzebski2017.ou_stationary_loss")
  c.name = "jastrzebski2017 E0a: OU stationary loss"
  c.figure = False
  if opts.smoke:
    c.experiment.n_chains = 256
    c.experiment.burn_mixing = 5.0
    c.experiment.avg_mixing = 5.0
  return c


def sweep(add):
  for d in (10, 50, 200):
    add(**{"experiment.dim": d})
