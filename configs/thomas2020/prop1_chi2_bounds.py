"""thomas2020 Prop. 1 (T20-P1): the distances between H, F and C are bounded by a χ² divergence.

Claim: on a discrete toy (32 inputs x ∈ ℝ³, K = 3, p(x) uniform, p(y|x) a teacher 3→4→3 tanh MLP
or a perturbed teacher; model of the same architecture, d = 31) with H, F, C and both χ²
divergences computed exactly in float64, ‖F − H‖² ≤ β₁D and ‖F − C‖² ≤ β₂D hold in the forward
(A.1.2) and backward (A.1.1) forms at 20 random and 20 partially trained θ; at θ = θ_T the three
matrices agree to 1e-10; ‖C − H‖² ≤ D·E[‖ggᵀ − ∇²ℓ‖²] ≤ 2(β₁ + β₂)D (the stated (β₁ + β₂)D is
logged: its proof needs E[AB] ≥ 0).

Command:  python -m noisecurv.main --config configs/thomas2020/prop1_chi2_bounds.py
Smoke:    python -m noisecurv.main --config configs/thomas2020/prop1_chi2_bounds.py:smoke
Sweep:    none (one deterministic program; seeds via --config.seed)
Runtime:  ~5 s on a 2-core CPU (compiles dominate); smoke the same with 8 + 8 points.
Headline: every margin positive; H, F, C agree to ~1e-16 at θ_T.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="thomas2020.prop1")
  c.name = "thomas2020 Prop. 1"
  c.figure = False
  if opts.smoke:
    c.experiment.n_random = 8
    c.experiment.n_trained = 8
  return c
