"""E2 (Fig. 2, Sec. 5.1): Hessian-aligned noise escapes the sharp minimum of the 2-D toy far more often.

Claim: from the sharp minimum (1, 1), 500 iterations of w ← w − η∇L(w) + ξ with η = 0.005 and
E‖ξ‖² = 0.01 (parameter level, spec §2.1) in 100 runs (fresh data per run): GD never reaches
the flat basin (w₁, w₂ < −0.5); GLD const and GLD diag succeed ≤ 6 times; GLD leading (k = 2,
the SGD covariance), GLD Hessian (k = 2) and GLD 1st eigvec(H) ≥ 18, 13, 25 times, each at
least 10 more than max(const, diag). Inside the sharp basin Tr(H_tΣ_t) is 1.1 (const, diag),
≈ 1.84 (leading), 1.8364 (Hessian) and 2.0 (1st eig); trajectories spread more along (1, 1)
than (1, −1) exactly for the aligned noises (median over one run per chunk of 10 runs).

Command:  python -m noisecurv.main --config configs/zhu2019/fig2_toy_escape.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/fig2_toy_escape.py:smoke  (= paper: 100 runs)
Sweep:    python experiments/sweep.py --config configs/zhu2019/fig2_toy_escape.py  (seeds 1–2)
Runtime:  ≈ 40 s on a 2-core CPU (one compile; 10 chunks of 10 runs vmapped, steps scanned).
Headline: success rates (spec reference, 2 × 2,000 runs): GD 0%, const ≈ 1%, diag ≈ 1%,
          leading ≈ 34%, Hessian ≈ 27%, 1st eig ≈ 41%.
"""

from noisecurv import configlib


def get_config(arg=None):
  configlib.parse_arg(arg, smoke=False)  # 100 runs already take seconds: smoke = paper
  c = configlib.base(program="zhu2019.toy_escape")
  c.name = "zhu2019 Fig. 2: escaping the sharp minimum of the 2-D toy"
  c.figure = False
  return c


def sweep(add):
  for seed in (1, 2):
    add(seed=seed)
