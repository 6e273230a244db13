"""W4 / App. B: uniform stability of the OU limit via the Hellinger distance.

Claim: for least squares (d = 5, N = 50) and datasets S, S′ that differ in one point, the
stationary OU laws of dθ = −A_Sθ dt + √α C dW are identical for C = √A (Σ = (α/2)I), so
H²(√A) = 0 < H²(I) for every one of 200 random pairs; scaling C by λ → 0 at t = 1 raises H²
monotonically towards 1. Observation (the paper's hope, not a pass criterion): where √diag A
sits between √A and I, as the median of (H²_diag − H²_√A)/(H²_I − H²_√A).

Command:  python -m noisecurv.main --config configs/wen2019/appB_ou_hellinger.py
Smoke:    python -m noisecurv.main --config configs/wen2019/appB_ou_hellinger.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/appB_ou_hellinger.py  (α ∈ {0.01, 0.1})
Runtime:  seconds on a 2-core CPU (smoke is the full experiment).
Headline: H²(√A) < H²(I) in 200/200 pairs; median H² 0 / 8.6e-4 / 1.3e-3 for √A / √diag A / I.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="wen2019.ou_hellinger")
  c.name = "wen2019 App. B: OU Hellinger stability"
  c.figure = False
  del opts  # smoke = paper scale: the whole experiment takes seconds
  return c


def sweep(add):
  for alpha in (0.01, 0.1):
    add(**{"experiment.alpha": alpha})
