"""W2 / Fig. 4: Eq. 2 on a 2-D quadratic with full vs diagonal Fisher noise (constant LR).

Claim: on L = ½θᵀAθ, A = [[5, 4], [4, 5]], θ₀ = (1, −0.5), α = 0.1, 500 iterations,
θ ← θ − αAθ + αCξ with C = √diag A converges to a lower expected loss than C = √A at every
iteration k ≥ 1 (exact second-moment recursion; stationary 0.3589 vs 0.4354, ratio 1.213), the
Monte-Carlo time average over iterations 250–500 (R = 4000 runs) is lower by ≥ 10 standard
errors and agrees with the exact value within 3 SE; for a diagonal A the two curves coincide.

Command:  python -m noisecurv.main --config configs/wen2019/fig4_quadratic_full_vs_diag.py
Smoke:    python -m noisecurv.main --config configs/wen2019/fig4_quadratic_full_vs_diag.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/fig4_quadratic_full_vs_diag.py  (α ∈ {0.05, 0.1})
Runtime:  seconds on a 2-core CPU (smoke is the full experiment).
Headline: stationary E[L] full 0.4354 vs diag 0.3589 (ratio 1.213).
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="wen2019.quadratic_noise")
  c.name = "wen2019 Fig. 4: quadratic, full vs diag noise"
  c.figure = False
  del opts  # smoke = paper scale: the whole experiment takes seconds
  return c


def sweep(add):
  for lr in (0.05, 0.1):
    add(**{"experiment.lr": lr})
