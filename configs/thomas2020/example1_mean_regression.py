"""thomas2020 Example 1 (T20-E1): C does not approach F with infinite data (mean regression).

Claim: with ℓ(θ) = (1/2N) Σ‖xₙ − θ‖², x ~ N(μ, diag(1, 2, 4, 8, 16)) and q_θ = N(θ, I), at
θ_MLE = x̄ the Hessian and the Fisher are exactly I (to 1e-12) while C equals the empirical
covariance Σ̂ (to 1e-10); ‖C − I‖_F tends to ‖Σ − I‖_F = √284 ≈ 16.85, not to 0 (within 1% at
N = 10⁶). float64 throughout.

Command:  python -m noisecurv.main --config configs/thomas2020/example1_mean_regression.py
Smoke:    python -m noisecurv.main --config configs/thomas2020/example1_mean_regression.py:smoke
Sweep:    none (N ∈ {10², 10⁴, 10⁶} inside the program)
Runtime:  ~2 s on a 2-core CPU; the smoke run is the same program (it is exact).
Headline: ‖C − I‖_F = 16.89 at N = 10⁶ against the limit 16.85.
"""

from noisecurv import configlib


def get_config(arg=None):
  configlib.parse_arg(arg, smoke=False)  # smoke = paper scale: exact and seconds long
  c = configlib.base(program="thomas2020.example1")
  c.name = "thomas2020 Example 1"
  c.figure = False
  return c
