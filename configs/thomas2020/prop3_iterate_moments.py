"""thomas2020 Prop. 3 (T20-P3): the mean and covariance recursion of SG on a noisy quadratic.

Claim: for H = QΛQᵀ (d = 20, Λ = diag(i²), Q a random rotation), S commuting with H and not,
and M ∈ {I (α = 2e-3), H⁻¹ (α = 0.5)}, Monte-Carlo chains with Gaussian noise match the
recursion's mean and second moment (diagonal, at steps 1, 10, 100, 300) within 4 standard
errors, and the stationary Σ_∞ (Kronecker solve) satisfies Σ_∞HM + MHΣ_∞ = αM(S + HΣ_∞H)M with
relative residual < 1e-10.

Command:  python -m noisecurv.main --config configs/thomas2020/prop3_iterate_moments.py
Smoke:    python -m noisecurv.main --config configs/thomas2020/prop3_iterate_moments.py:smoke
Sweep:    seeds: --config.seed=1,2,...
Runtime:  20,000 chains ~20 s on a 2-core CPU; smoke (2,000 chains) ~5 s.
Headline: max |z| ≈ 3 over 640 comparisons; Lyapunov residual ~1e-15.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="thomas2020.prop3")
  c.name = "thomas2020 Prop. 3"
  c.figure = False
  if opts.smoke:
    c.experiment.n_chains = 2000
  return c
