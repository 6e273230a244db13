"""E12 (App. B): the one-hidden-layer net with a fixed output layer is not convex.

Claim: for one point x = (1, 1), y = 1 and φ = clip[0.1, 0.9], L(w₁, w₂) =
(φ(relu(w₁) − relu(w₂)) − 1)² has L(1, 0) = 0.01, L(0, 1) = 0.81, L(½, ½) = 0.81, so
½L(1, 0) + ½L(0, 1) = 0.41 < L(½, ½): two minima, and escaping between them is non-trivial.

Command:  python -m noisecurv.main --config configs/zhu2019/check_appendixB_nonconvex.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/check_appendixB_nonconvex.py:smoke  (same)
Sweep:    none
Runtime:  under a second.
Headline: 0.01 / 0.81 / 0.81; chord midpoint 0.41 < 0.81.
"""

from noisecurv import configlib


def get_config(arg=None):
  configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="zhu2019.appendix_b")
  c.name = "zhu2019 E12: App. B non-convexity"
  c.figure = False
  return c
