"""thomas2020 Props. 4, 5 and App. A.2.3 (T20-P4/P5/A23): stationary suboptimality of SG and Polyak.

Claim: on H = diag(i²) with S ∝ H^β (Tr S = 20), the exact recursion after 2·10⁵ steps equals
eq. (13) (SG, M ∈ {I, H⁻¹}) and eq. (14) (Polyak, γ = 0.8, α = 3e-3: 0.0961660 / 0.0865000 /
0.0759032 for β = 1 / 0 / −1) to relative error < 1e-8; at α = 1e-5 the small-step forms
αTr S/4 and αTr S/(4(1 − γ)) are within 1%. A case outside Prop. 4's hypothesis (M and S not
commuting with H) is evaluated against the exact Kronecker solution.

Command:  python -m noisecurv.main --config configs/thomas2020/prop4_5_limit_cycles.py
Smoke:    python -m noisecurv.main --config configs/thomas2020/prop4_5_limit_cycles.py:smoke
Sweep:    none
Runtime:  ~3 s on a 2-core CPU (binary powering of the recursion); smoke is the same program.
Headline: relative errors ~1e-16; Polyak β = 1 limit 0.0961660.
"""

from noisecurv import configlib


def get_config(arg=None):
  configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="thomas2020.limit_cycles")
  c.name = "thomas2020 Props. 4-5"
  c.figure = False
  return c
