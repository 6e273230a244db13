"""E0b (paper §2.2 with C = H by construction): online least squares has excess loss (η/4S)·Tr H.

Claim: online minibatch SGD on ½(y − wᵀx)² with x ~ N(0, diag h), h log-spaced in [0.1, 1],
d = 20, y = w*ᵀx + ξ, ξ ~ N(0, 1) (so C = H at w*), at η = 0.01·a, S = a for a ∈ {1, 2, 4}
(ηλ_max ≤ 0.04, ηTr H/S = 0.078), has a stationary excess loss within 10% of (η/4S)·Tr H that
depends on (η, S) only through η/S (within 5% across a). The exact discrete value
σ²A/(2(1 − A)), A = (η/S)Σ hᵢ/(2 − η(1 + 1/S)hᵢ) (ours, from Isserlis' theorem) is matched
within 3 SE + 1%.

Command:  python -m noisecurv.main --config configs/jastrzebski2017/theory_linreg_online_sgd.py
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/theory_linreg_online_sgd.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/theory_linreg_online_sgd.py  (η/S ∈ {0.005, 0.01, 0.02})
Runtime:  a few minutes on a 2-core CPU, seconds on a GPU (smoke: ~15 s, 256 chains).
Headline: excess loss 0.0203 at η/S = 0.01 vs (η/4S)·Tr H = 0.0195 (exact discrete 0.0203).
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="jastrzebski2017.linreg_online_sgd")
  c.name = "jastrzebski2017 E0b: online least squares"
  c.figure = False
  if opts.smoke:
    c.experiment.n_chains = 256
    c.experiment.burn_mixing = 5.0
    c.experiment.avg_mixing = 10.0
  return c


def sweep(add):
  for ratio in (0.005, 0.01, 0.02):
    add(**{"experiment.ratio": ratio})
