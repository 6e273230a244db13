"""thomas2020 Table 1 (§5.4): updates to reach E[Δ_t] ≤ ε for SG, Newton and Polyak under S ∝ H^β.

Claim: on ℓ = ½θᵀHθ with H = diag(i²), d = 20, θ₀ = 𝟙, S ∝ H^β (Tr S = 20), with the step size
optimised on logspace(−6, 1, 141) (ties to the largest, unstable steps excluded) and the count
= updates + 1, the exact variance recursion reproduces the paper's Table 1 within max(10%, 2
steps) in every cell, and each cell is confirmed by Monte-Carlo chains (within 4 SE). Newton
needs more updates than SG at ε = 10⁻² when S ∝ H⁻¹ (paper 2663 vs 1731); SG and Polyak
barely depend on β; momentum's advantage vanishes at small ε. Polyak's γ = 0.8 and θ₀ are the
spec's fit (the paper gives neither).

Command:  python -m noisecurv.main --config configs/thomas2020/table1_quadratic.py
Smoke:    python -m noisecurv.main --config configs/thomas2020/table1_quadratic.py:smoke
Sweep:    none (the step-size grid is vectorised inside the program)
Runtime:  ~10 s on a 2-core CPU for the exact table; 4,000 chains per cell ~2 min (smoke: 100).
Headline: SG 44/43/42, Newton 2/2/20, Polyak 34/34/34 at ε = 1; Newton 2662 vs SG 1741 at
          ε = 10⁻², β = −1.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="thomas2020.tables")
  c.name = "thomas2020 Table 1"
  c.figure = False
  c.experiment.mc_chains = 100 if opts.smoke else 4000
  return c
