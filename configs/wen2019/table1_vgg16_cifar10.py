"""W9 / Table 1: VGG16-BN on CIFAR-10 (LB and LB+diag at LR 1.6, App. E.1).

Claim (paper, SB / LB / LB+diag validation accuracy, 3 seeds): 93.25 / 91.81 / 93.19. Recipe (spec §W9):
200 epochs, momentum 0.9, weight decay 5e-4, SB batch 128, LB batch 4096 with Ghost BN 128,
LB and LB+diag warm up linearly over the first 10 epochs, ×0.1 at epochs 100 and 150; LB+diag
adds c·√diag(Σ̂)·ξ (ghost-variance estimator, c² = 1/128 − 1/4096) for the first 50 epochs.
Peak rates are the paper's (App. E.1); SB 0.1. Note: CIFAR-10 is not available here: tested on the official-format stand-in only.

Command:  python -m noisecurv.main --config configs/wen2019/table1_vgg16_cifar10.py
Smoke:    python -m noisecurv.main --config configs/wen2019/table1_vgg16_cifar10.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/table1_vgg16_cifar10.py  (methods lb_diag, sb, lb)
Runtime:  ≈45 min on one H100; smoke: seconds per method on a CPU.
Headline: LB+diag − LB = 1.38 points (paper).
"""

from noisecurv.papers.wen2019 import presets

ROW = "vgg16_cifar10"


def get_config(arg=None):
  return presets.table_config(ROW, arg)


def sweep(add):
  presets.table_sweep(ROW, add)
