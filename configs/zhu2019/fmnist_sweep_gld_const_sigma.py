"""E13 (App. D.3): GLD const with σ ∈ {1e-1, …, 1e-5}: σ = 1e-3 is best and none escapes.

Claim: full-batch GD plus isotropic noise ε ~ N(0, σ²I) from θ*_GD (lr 0.07) with
σ ∈ {1e-1, 1e-2, 1e-3, 1e-4, 1e-5}: no setting reaches SGD's final test accuracy of Fig. 3
(σ = 1e-1 is a large noise, ‖ε‖ ≈ 10 on D = 11,330, and may behave differently: recorded).

Command:  python -m noisecurv.main --config configs/zhu2019/fmnist_sweep_gld_const_sigma.py  (σ = 1e-3 only)
Smoke:    python -m noisecurv.main --config configs/zhu2019/fmnist_sweep_gld_const_sigma.py:smoke
Sweep:    python experiments/sweep.py --config configs/zhu2019/fmnist_sweep_gld_const_sigma.py[:reduced]  (5 values of σ)
Runtime:  H100 ≈ 10 s per σ at 15,000 iterations, one compile for all (σ is a run-time
          scale); reduced ≈ 20 s in all; smoke: seconds per trial.
Headline: σ = 1e-3 best; every σ below SGD (values not in the text).
"""

from noisecurv.papers.zhu2019 import presets

SIGMAS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5)


def get_config(arg=None):
  opts = presets.options(arg)
  scale = presets.scale_of(opts)
  c = presets.fmnist_diffusion(scale, ("gld_const",))
  c.name = "zhu2019 App. D.3: GLD const σ sweep from θ*_GD" + (
      f" ({scale})" if scale != "paper" else "")
  c.probes.sharpness.every = 0
  return c


def sweep(add):
  for sigma in SIGMAS:
    add(**{"experiment.sigma": sigma})
