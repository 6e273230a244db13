"""thomas2020 Example 2 (T20-E2): in least squares H = F, and C ∝ H only under isotropic noise.

Claim: yₙ = θ*ᵀxₙ + εₙ (x ∈ ℝ⁴ ~ N(0, A) anisotropic, y ∈ ℝ³, N = 10⁶), loss ½‖y − θᵀx‖²:
H (jax.hessian) and F (JᵀJ, the library's fisher_op) agree to round-off; at θ* with
Σ = 0.5·I, ‖C − σ²H‖_F/‖C‖_F < 0.01; with Σ = diag(1, 10, 0.1), s(C, H) = Tr Σ/(√p‖Σ‖_F) =
0.638 within 0.01 (C = E[xxᵀ] ⊗ Σ; the paper prints E[xΣxᵀ] and ε ∈ ℝᵈ for ℝᵖ).

Command:  python -m noisecurv.main --config configs/thomas2020/example2_ols.py
Smoke:    python -m noisecurv.main --config configs/thomas2020/example2_ols.py:smoke
Sweep:    none
Runtime:  ~5 s on a 2-core CPU; the smoke run is the same program.
Headline: s(C, H) = 0.637 (theory 0.638); ‖C − 0.5H‖/‖C‖ = 0.003.
"""

from noisecurv import configlib


def get_config(arg=None):
  configlib.parse_arg(arg, smoke=False)  # smoke = paper scale (N = 10⁶ is needed for 1%)
  c = configlib.base(program="thomas2020.example2")
  c.name = "thomas2020 Example 2"
  c.figure = False
  return c
