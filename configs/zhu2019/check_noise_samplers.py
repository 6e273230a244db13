"""E0 (Table 1): every sampler draws noise with its target covariance and trace.

Claim: on a tiny model (2–3–3 tanh MLP, D = 21, 24 points; Σ̂_sgd the sample covariance S of
the per-example gradients), 20,000 draws of each Table 1 sampler (GLD const, dynamic, diag,
leading k = 3, Hessian k = 3, 1st eigvec(H), the exact Σ̂ sampler and real minibatch SGD
with m = 4) have an empirical covariance within 5% (relative Frobenius error) of its
float64 target, and E‖ε‖² = Tr S within 3% for the trace-matched GLD dynamic, diag, leading,
Hessian and 1st eigvec(H).

Command:  python -m noisecurv.main --config configs/zhu2019/check_noise_samplers.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/check_noise_samplers.py:smoke
Sweep:    python experiments/sweep.py --config configs/zhu2019/check_noise_samplers.py  (seeds 1–2)
Runtime:  ≈ 30 s on a 2-core CPU (compiles); smoke: 20,000 draws too, same time.
Headline: relative errors ≈ 0.01–0.03 (Wishart scale √((D + 1)/n) = 0.033 for isotropic noise).
"""

from noisecurv import configlib


def get_config(arg=None):
  configlib.parse_arg(arg, smoke=False)  # the check is already CPU-sized: smoke = paper
  c = configlib.base(program="zhu2019.check_noise_samplers")
  c.name = "zhu2019 E0: Table 1 samplers"
  c.figure = False
  return c


def sweep(add):
  for seed in (1, 2):
    add(seed=seed)
