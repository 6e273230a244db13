"""W10 / Table 1 caption: LB + full-Fisher noise on ResNet-44/CIFAR-10 reaches about SB.

Claim: LB (4096, Ghost BN 128) with full empirical-Fisher noise (Cov c²Ĉ_B by Rademacher VJP,
App. F) for the first quarter of training, with the LB + diag recipe at LR 1.6, reaches ≈ SB's
validation accuracy (paper 93.22 vs SB 93.42): |LB+full − SB| ≤ 0.5. The spec's sweep adds LR
0.8. CIFAR-10 is not available here; `row=lenet_fmnist` is the labelled substitute (Fashion-MNIST
LeNet-5-BN, rates tuned on the held-out split as in Table 1), where the check is LB+full ≥
LB+diag − 0.5.

Command:  python -m noisecurv.main --config configs/wen2019/table1_caption_lb_fullfisher_resnet44_cifar10.py
Smoke:    python -m noisecurv.main --config configs/wen2019/table1_caption_lb_fullfisher_resnet44_cifar10.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/table1_caption_lb_fullfisher_resnet44_cifar10.py  (LR 1.6, 0.8)
Runtime:  ≈15–20 min per run on one H100 (ResNet-44); substitute ≈2 min (size=reduced ≈40 s).
Headline: 93.22 (LB + full) vs 93.42 (SB), paper.
"""

from noisecurv import configlib
from noisecurv.papers.wen2019 import presets


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, row="resnet44_cifar10", size="paper")
  inner = ",".join(w for w, on in (("smoke", opts.smoke), (f"size={opts.size}", True)) if on)
  c = presets.table_config(opts.row, inner)
  c.name = f"wen2019 Table 1 caption: LB + full Fisher, row {opts.row}"
  c.experiment.method = "lb_full"
  return c


def sweep(add):
  add()
  add(**{"experiment.lb_lr": 0.8})
