"""W3 / Theorem 4.1: the O(1/k) bound with decaying steps, checked exactly.

Claim: with α_k = 2/((k + γ)λ_min), γ = 2λ_max/λ_min, the exact expected loss of Eq. 2 on
½θᵀAθ stays below ν/(k + γ), ν = max(2Tr(CᵀAC)/λ_min², γL(θ₀)), for every k ≤ 10⁵, for C = √A
and C = √diag A, on A = [[5,4],[4,5]], [[1,.9],[.9,1]], [[2,1.5],[1.5,2]], I and a random SPD
10×10 matrix; ν_diag ≤ ν_full (the Frobenius ordering: 100 vs 164 on the first). Observation,
not a pass criterion: under this schedule E[L_K] is *lower* for full noise (≈10% on the first A),
so the paper's "fewer iterations with diag" follows from the bound only.

Command:  python -m noisecurv.main --config configs/wen2019/thm41_quadratic_rate.py
Smoke:    python -m noisecurv.main --config configs/wen2019/thm41_quadratic_rate.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/thm41_quadratic_rate.py  (random-matrix seeds 0–2)
Runtime:  about a minute on a 2-core CPU (smoke: 10⁴ steps, a few seconds).
Headline: E[L_k](k+γ) → 5.296 (full) vs 5.905 (diag) at k = 10⁵ on A = [[5,4],[4,5]].
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="wen2019.thm41_rate")
  c.name = "wen2019 Theorem 4.1: decaying-step rate"
  c.figure = False
  if opts.smoke:
    c.experiment.steps = 10000
    c.experiment.record = (100, 1000, 9999)
    c.experiment.mc_runs = 500
    c.experiment.mc_steps = 200
  return c


def sweep(add):
  for seed in (0, 1, 2):
    add(seed=seed)
