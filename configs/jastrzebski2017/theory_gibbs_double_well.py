"""E0d (paper §2.3, Eq. 10–12): the isotropic SDE samples exp(−2L/T); wide minima gain with T.

Claim: (i) Euler–Maruyama chains of dθ = −L′dt + √T dW on L = min(4(θ + 0.5)², ½(θ − 0.5)² + 0.1)
(2,000 chains started in the wide minimum B, 3·10⁵ steps of 1e-3, first third discarded)
spend in the sharp, deep basin A a fraction within 3 SE + 2 pp of the quadrature of exp(−2L/T)
(0.723 / 0.492 / 0.412 at T = 0.1 / 0.2 / 0.3; T = 0.1 mixes slowly and is only reported), not
of the paper's exp(−L/(2T)) (0.375 / 0.324 / 0.313); the occupancy falls with T; discrete SGD
with Rademacher per-example noise at two (η, S) pairs of equal η/S gives the same occupancy
within 3 SE. (ii) With k_A = 20, L_B − L_A = 0.02, the Laplace ratio √(k_B/k_A)·exp(2ΔL/T) is
within 1% of quadrature for T ≤ 0.05, and p_B/p_A rises over T ∈ [0.005, 0.1] from 0.0015
to 3.0, crossing 1 at T ≈ 0.027.

Command:  python -m noisecurv.main --config configs/jastrzebski2017/theory_gibbs_double_well.py
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/theory_gibbs_double_well.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/theory_gibbs_double_well.py  (k_B ∈ {0.5, 1, 2})
Runtime:  about a minute on a 2-core CPU (smoke: ~15 s, 400 chains, the same SDE time).
Headline: occupancy of A at T = 0.2: 0.49 simulated vs 0.492 (exp(−2L/T)) and 0.324 (paper's law).
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="jastrzebski2017.gibbs_double_well")
  c.name = "jastrzebski2017 E0d: Gibbs double well"
  c.figure = False
  if opts.smoke:
    c.experiment.n_chains = 400
  return c


def sweep(add):
  for k_b in (0.5, 1.0, 2.0):
    add(**{"experiment.k_b": k_b})
