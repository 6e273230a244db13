"""E1 (Fig. 9, App. D.1): the two-basin 2-D loss, a sharp minimum at (1, 1) and a flat one at (−1, −1).

Claim: with N = 100 points x = 0.01·(z ⊙ (√10, 1))·K (the authors' data; the paper's "Σ" is a
rotation matrix, spec §6 #1), L(1, 1) ≈ 0.02 ± 0.008 and L(−1, −1) ≈ 0.0011 ± 0.0005; the
Hessian at (1, 1) has eigenvalues exactly 200 (along (1, 1)) and 20 (every point is in the
sharp branch) and the Hessian at (−1, −1) is 2I. The basin boundary lies 2√2/11 ≈ 0.257
from (1, 1) along the diagonal.

Command:  python -m noisecurv.main --config configs/zhu2019/fig9_toy_surface.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/fig9_toy_surface.py:smoke  (same)
Sweep:    python experiments/sweep.py --config configs/zhu2019/fig9_toy_surface.py  (data seeds 1–4)
Runtime:  a few seconds anywhere.
Headline: L(1, 1) = 0.02, L(−1, −1) = 0.0011, eig H(1, 1) = {200, 20}, H(−1, −1) = 2I.
"""

from noisecurv import configlib


def get_config(arg=None):
  configlib.parse_arg(arg, smoke=False)  # already seconds: smoke = paper
  c = configlib.base(program="zhu2019.toy_surface")
  c.name = "zhu2019 Fig. 9: two-basin toy surface"
  c.figure = False
  return c


def sweep(add):
  for seed in (1, 2, 3, 4):
    add(seed=seed)
