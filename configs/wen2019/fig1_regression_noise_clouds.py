"""W1 / Fig. 1: one-step noise clouds on a 2-D linear regression (wen2019 §2.2, Fig. 1).

Claim: from θ_k = w_LS + (0.1, −0.1) on ½(y − wᵀx)² (N = 1000, x ~ N(0, [[1, .8], [.8, 1]]),
w* = (0.25, 0.15), label noise 0.5), one step of GD + full-Fisher noise (Cov c²C, c² = 1/10 −
1/1000) has the covariance of one SGD step with batch 10 (relative Frobenius difference
≤ 0.05), its top axis is the Hessian's top eigenvector (|cos| ≥ 0.99), diag-Fisher noise is
axis-aligned (|corr| ≤ 0.02, variances within 3% of full's) and isotropic noise (σ = 0.1) is
round (within 3% of α²σ²I). The noise comes from the training transforms lb_full (Rademacher)
and lb_diag (per-example estimator) with M_L = N.

Command:  python -m noisecurv.main --config configs/wen2019/fig1_regression_noise_clouds.py
Smoke:    python -m noisecurv.main --config configs/wen2019/fig1_regression_noise_clouds.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/fig1_regression_noise_clouds.py  (seeds 0–2)
Runtime:  seconds on a 2-core CPU (smoke is the full experiment).
Headline: SGD vs full-Fisher cloud covariance differ by ≈1% (spec reference 0.010).
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="wen2019.noise_clouds", data="linreg", loss="mse")
  c.name = "wen2019 Fig. 1: one-step noise clouds"
  c.figure = False
  del opts  # smoke = paper scale: the whole experiment takes seconds
  return c


def sweep(add):
  for seed in (0, 1, 2):
    add(seed=seed)
