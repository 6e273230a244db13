"""Fig. 4 (E4, VGG-11, same η/S): the training loss along the line between two minima.

Claim: with θ_α = (1 − α)θ_A + αθ_B for α ∈ [−1, 2] (61 points), BN recalibrated at every α on
20 batches of 500 training examples, equal ratios give equal widths: 0.8 ≤ w_A/w_B ≤ 1.25 and 0.67 ≤ λ_max(A)/λ_max(B) ≤ 1.5; in ≥ 2 of 3 seed pairs.

Pairs: (c) β = 1 (α = 0) vs β = 2 (α = 1); (d) β = 1 vs β = 4, all at η/S = 0.1/50, N = 44,800 — the models of Fig. 5 (its sweep trials 0, 1, 2).
The endpoint models are trials of configs/jastrzebski2017/fig5_beta_breakdown_vgg11.py at the same scale
(argument); those not finished yet are trained first, in that config's own run directories.

Command:  python -m noisecurv.main --config configs/jastrzebski2017/fig4_interp_vgg11.py  (CIFAR-10)
          substitute: --config configs/jastrzebski2017/fig4_interp_vgg11.py:data=fmnist32
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/fig4_interp_vgg11.py:smoke
Sweep:    none (the endpoint config has the sweep); runs after: python experiments/sweep.py --config configs/jastrzebski2017/fig5_beta_breakdown_vgg11.py:data=fmnist32,reduced
Runtime:  ≈ 2 min per pair and seed on an H100 for 61 points (spec), plus the endpoints if they
          are not trained yet; smoke: one pair, one seed, 7 points (~30 s with its endpoints).
Headline: w_A/w_B ≈ 1 for both pairs.
"""

from noisecurv.papers.jastrzebski2017 import presets

PAIRS = ((0, 1), (0, 2))


def get_config(arg=None):
  opts = presets.options(arg)
  c = presets.base("jastrzebski2017.interpolate", data=opts.data,
                   model="vgg11_bn")
  c.name = "jastrzebski2017 Fig. 4: interpolation between minima, VGG-11, same η/S"
  e = c.experiment
  e.endpoints = "configs/jastrzebski2017/fig5_beta_breakdown_vgg11.py"
  e.endpoint_arg = arg or ""
  e.pairs = PAIRS
  e.seeds = 3
  if opts.smoke:
    e.pairs = PAIRS[:1]
    e.seeds = 1
    e.num_alphas = 7
    e.recal_batches = 2
    e.recal_batch_size = 32
    e.eval_train_n = 64
    e.eval_batch = 64
  elif opts.data == "fmnist32":
    c.name += f" [{presets.SUBSTITUTE_NOTE}]"
  return c
