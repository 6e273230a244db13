"""W12a / App. E.1: stopping the noise at a quarter of training is best.

Claim: LB + diag on the Fashion-MNIST LeNet-5-BN row (Table-1 recipe, rates tuned on the
held-out split) with the noise stopped after a fraction f ∈ {0.25, 0.5, 1.0} of training:
acc(0.25) ≥ max(acc(0.5), acc(1.0)) − 1 SE (3 seeds).

Command:  python -m noisecurv.main --config configs/wen2019/appE1_noise_termination_lenet_fmnist.py
Smoke:    python -m noisecurv.main --config configs/wen2019/appE1_noise_termination_lenet_fmnist.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/appE1_noise_termination_lenet_fmnist.py  (f = 0.25, 0.5, 1.0)
Runtime:  ≈4 min on one H100 (size=reduced ≈1.5 min); smoke: seconds per fraction.
Headline: f = 0.25 is the best stop (paper, stated without numbers).
"""

from noisecurv import configlib
from noisecurv.papers.wen2019 import presets


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, size="paper")
  inner = ",".join(w for w, on in (("smoke", opts.smoke), (f"size={opts.size}", True)) if on)
  c = presets.table_config("lenet_fmnist", inner)
  c.name = "wen2019 App. E.1: noise termination"
  c.experiment.noise_fraction = 0.25
  return c


def sweep(add):
  for f in (0.25, 0.5, 1.0):
    add(**{"experiment.noise_fraction": f})
