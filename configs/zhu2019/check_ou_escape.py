"""E12 (Eq. 13): the escaping efficiency of an OU process is ¼Tr((I − e^{−2Ht})Σ) ≈ (t/2)Tr(HΣ).

Claim: for dθ = −Hθ dt + Σ^{1/2} dW from 0 (D = 5, H diagonal with eigenvalues log-spaced in
[0.1, 10], Σ = QQᵀ/D a random PSD matrix), the Monte Carlo mean of L(θ_t) = ½θᵀHθ over
100,000 Euler–Maruyama paths (dt = 1e-3) matches ¼Tr((I − e^{−2Ht})Σ) within 3 standard
errors + 1% at t ∈ {0.01, 0.1, 1}; and ¼Tr((I − e^{−2Ht})Σ)/t at t = 1e-4 equals ½Tr(HΣ)
within 1%.

Command:  python -m noisecurv.main --config configs/zhu2019/check_ou_escape.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/check_ou_escape.py:smoke  (10,000 paths)
Sweep:    python experiments/sweep.py --config configs/zhu2019/check_ou_escape.py  (seeds 1–2)
Runtime:  ≈ 15 s on a 2-core CPU; smoke ≈ 3 s.
Headline: relative errors ≲ 1% (Euler's bias is O(λ·dt) ≤ 1%).
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="zhu2019.ou_escape")
  c.name = "zhu2019 E12: Eq. (13) on an OU process"
  c.figure = False
  if opts.smoke:
    c.experiment.n_paths = 10_000
    c.experiment.path_chunk = 10_000
  return c


def sweep(add):
  for seed in (1, 2):
    add(seed=seed)
