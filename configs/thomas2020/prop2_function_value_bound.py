"""thomas2020 Prop. 2 (T20-P2): the full-matrix SG bound holds on the Table 1 quadratic.

Claim: with H = diag(i²) (d = 20, μ = 1), θ₀ = 𝟙 and S ∝ H^β (β ∈ {1, 0, −1}, Tr S = 20), the
exact E[Δ_k] of preconditioned SG stays below (1 − 2αμ_Mμ)^k Δ₀ + α/(4μ_Mμ)·Tr(HMSM) for every
k ≤ 10⁴, for M = I (α ∈ {1e-3, 2e-3, 4e-3}) and M = H⁻¹ (α ∈ {0.1, 0.5}). Schmidt's eq. (4)
(L = 400, S = I) is checked in its uncentered reading (c bounds E‖∇ℓ‖² along the run) and its
centered reading (c = Tr S); both are logged.

Command:  python -m noisecurv.main --config configs/thomas2020/prop2_function_value_bound.py
Smoke:    python -m noisecurv.main --config configs/thomas2020/prop2_function_value_bound.py:smoke
Sweep:    none
Runtime:  ~3 s on a 2-core CPU; the smoke run is the same program (exact).
Headline: max_k (E[Δ_k] − bound) < 0 in all 15 settings.
"""

from noisecurv import configlib


def get_config(arg=None):
  configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="thomas2020.prop2")
  c.name = "thomas2020 Prop. 2"
  c.figure = False
  return c
