"""Fig. 2 (E2, ResNet-56 (pre-activation)): when S grows, scaling η linearly with S reproduces the small-batch curve; η ∝ √S does not.

Claim: ResNet-56 (pre-activation) with SGD and BN on CIFAR-10, η ÷10 at epochs 60, 100, 140, 180 (footnote 10), 200 epochs:
the base run (S = 50, η₀ = 0.01) and runs at S = 500 with η₀ = 0.1 (linear rule), 0.0316
(√ rule) and 0.01 (no rescaling). The linear run's curves are closer to the base run than the
√ run's, on validation accuracy and on train loss; D(linear, base) ≤ 1.5 pp; final validation
accuracies within 1 pp; the unscaled run is further from base than the linear one.

Rules (sweep trials; η = 0.01·lr_mult, S = 50·batch_mult): base (1, 1), linear (10, 10),
sqrt (10, √10), none (10, 1).

Command:  python -m noisecurv.main --config configs/jastrzebski2017/fig2_lr_rescaling_resnet56.py  (CIFAR-10; base rule)
          substitute: --config configs/jastrzebski2017/fig2_lr_rescaling_resnet56.py:data=fmnist32
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/fig2_lr_rescaling_resnet56.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/fig2_lr_rescaling_resnet56.py:data=fmnist32,reduced
Runtime:  H100 ≈ 45 min per seed for the 4 rules (spec); reduced (60 epochs, drops at 18/30/42/54, 1 seed) ≈ 14 min; smoke: the base rule at tiny width, 4 epochs (~20 s).
Headline: D(linear, base) < D(√, base) (the paper shows the curves only).
"""

from noisecurv.papers.jastrzebski2017 import presets

MILESTONES = (60.0, 100.0, 140.0, 180.0)
REDUCED_MILESTONES = (18.0, 30.0, 42.0, 54.0)


def get_config(arg=None):
  return presets.rescaling_config(arg, model="preact_resnet56", title="ResNet-56 (pre-activation)", step_factor=0.1,
                                  milestones=MILESTONES, reduced_milestones=REDUCED_MILESTONES)


sweep = presets.rescaling_sweep
