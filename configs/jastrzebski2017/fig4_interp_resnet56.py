"""Fig. 4 (E4, ResNet-56, different η/S): the training loss along the line between two minima.

Claim: with θ_α = (1 − α)θ_A + αθ_B for α ∈ [−1, 2] (61 points), BN recalibrated at every α on
20 batches of 500 training examples, the basin of the higher-η/S model (α = 0) is wider: the outward width w_A (first |α| beyond 0 where the train loss rises by Δ = 1 nat) is ≥ 1.2× the width w_B beyond α = 1, and λ_max(A) < λ_max(B); in ≥ 2 of 3 seed pairs.

Pairs: (a) η 0.1: S 128 (α = 0) vs S 1024 (α = 1); (b) S 128: η 0.1 (α = 0) vs η 0.01 (α = 1).
The endpoint models are trials of configs/jastrzebski2017/fig4_resnet56_endpoints.py at the same scale
(argument); those not finished yet are trained first, in that config's own run directories.

Command:  python -m noisecurv.main --config configs/jastrzebski2017/fig4_interp_resnet56.py  (CIFAR-10)
          substitute: --config configs/jastrzebski2017/fig4_interp_resnet56.py:data=fmnist32
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/fig4_interp_resnet56.py:smoke
Sweep:    none (the endpoint config has the sweep); runs after: python experiments/sweep.py --config configs/jastrzebski2017/fig4_resnet56_endpoints.py:data=fmnist32,reduced
Runtime:  ≈ 2 min per pair and seed on an H100 for 61 points (spec), plus the endpoints if they
          are not trained yet; smoke: one pair, one seed, 7 points (~30 s with its endpoints).
Headline: w_A/w_B > 1.2 in ≥ 2 of 3 seeds for both pairs.
"""

from noisecurv.papers.jastrzebski2017 import presets

PAIRS = ((0, 1), (0, 2))


def get_config(arg=None):
  opts = presets.options(arg)
  c = presets.base("jastrzebski2017.interpolate", data=opts.data,
                   model="preact_resnet56")
  c.name = "jastrzebski2017 Fig. 4: interpolation between minima, ResNet-56, different η/S"
  e = c.experiment
  e.endpoints = "configs/jastrzebski2017/fig4_resnet56_endpoints.py"
  e.endpoint_arg = arg or ""
  e.pairs = PAIRS
  e.seeds = 3
  if opts.smoke:  # pair (b): both endpoints at S = 4, sharing the base run's compiled programs
    e.pairs = PAIRS[1:]
    e.seeds = 1
    e.num_alphas = 7
    e.recal_batches = 2
    e.recal_batch_size = 32
    e.eval_train_n = 64
    e.eval_batch = 64
  elif opts.data == "fmnist32":
    c.name += f" [{presets.SUBSTITUTE_NOTE}]"
  return c
