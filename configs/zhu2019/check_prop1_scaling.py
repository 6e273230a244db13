"""E12 (Prop. 1): Tr(HΣ)/Tr(HΣ̄) = O(a·D^{2d−1}) for an ill-conditioned H and aligned Σ.

Claim: with λ₁ = 1, λ_{2..D} = D^{−d} and Σ ∝ H (a = 1) at equal trace, the ratio
D·Tr H²/(Tr H)² (closed form, no D×D matrices) has a log-log slope between D = 10⁶ and 10⁸
within 0.05 of 2d − 1 for d ∈ {0.75, 0.9} (spec reference 0.509 and 0.833; over 10²–10⁵ the
slopes are still 0.548 and 0.857: the asymptotics are slow).

Command:  python -m noisecurv.main --config configs/zhu2019/check_prop1_scaling.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/check_prop1_scaling.py:smoke  (same)
Sweep:    none
Runtime:  under a second.
Headline: slopes 0.509 (d = 0.75, target 0.5) and 0.833 (d = 0.9, target 0.8).
"""

from noisecurv import configlib


def get_config(arg=None):
  configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="zhu2019.prop1_scaling")
  c.name = "zhu2019 E12: Prop. 1 scaling"
  c.figure = False
  return c
