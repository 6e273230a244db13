"""W12c (ours): LB + diag with the noise factor c of Eq. 5 scaled by 0.5, 1 and 2.

Observation (no pass criterion, spec W12c): the accuracy of LB + diag on the Fashion-MNIST
LeNet-5-BN row as a function of the noise multiplier, showing that c = √(1/M_S − 1/M_L) is not a
tuned knob. The three multipliers and 3 seeds are one vmapped ensemble (runs.noise_scale) at
the LB + diag rate 1.6.

Command:  python -m noisecurv.main --config configs/wen2019/ablation_noise_scale_lenet_fmnist.py
Smoke:    python -m noisecurv.main --config configs/wen2019/ablation_noise_scale_lenet_fmnist.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/ablation_noise_scale_lenet_fmnist.py  (LB rates 0.8, 1.6)
Runtime:  ≈2 min on one H100 (size=reduced ≈40 s); smoke: seconds.
Headline: test accuracy vs noise multiplier {0.5, 1, 2}.
"""

from noisecurv import configlib
from noisecurv.papers.wen2019 import presets


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, size="paper")
  inner = ",".join(w for w, on in (("smoke", opts.smoke), (f"size={opts.size}", True)) if on)
  c = presets.table_config("lenet_fmnist", inner)
  c.name = "wen2019 W12c: noise-scale control"
  e = c.experiment
  e.method = "lb_diag"
  e.lb_lr_grid = ()
  e.lb_lr = 1.6
  c.runs.noise_scale = (0.5, 1.0, 2.0)
  return c


def sweep(add):
  add()
  add(**{"experiment.lb_lr": 0.8})
