"""E4 (Sec. 5.3, App. D.3): θ*_GD, full-batch GD memorising corrupted FashionMNIST.

Claim: full-batch GD (lr 0.1, 3,000 iterations) on 1,200 FashionMNIST training examples, 200
of them with uniform random labels, takes the 11,330-parameter LeNet to nearly zero training
loss and 100% training accuracy (random labels included): the sharp minimum θ*_GD from which
every dynamic of Fig. 3, 5 and 8 starts. If the accuracy is below 99.5% after 3,000 steps, GD
continues in steps of 1,000 (at most 10,000 in all; spec §6 #35) and pretrain.json says so.

Command:  python -m noisecurv.main --config configs/zhu2019/fmnist_gd_pretrain.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/fmnist_gd_pretrain.py:smoke
          CPU version (spec §4): --config configs/zhu2019/fmnist_gd_pretrain.py:small
          (300 examples, 250 + 50 corrupted, 1,000 steps)
Sweep:    none (one θ*_GD; the diffusion configs read its zhu2019.snapshot arrays)
Runtime:  H100 ≈ 30 s with compiles (0.57 ms per step); 2-core CPU ≈ 30 min (small: 1.4
          steps/s measured on a shared 2-core CPU, ≈ 12 min per 1,000 steps; smoke: ≈ 10 s on
          a 96-example stand-in).
Headline: train accuracy 100% (paper); test accuracy of θ*_GD ≈ 0.7 (not in the text).
"""

from noisecurv import configlib
from noisecurv.papers.zhu2019 import presets


def get_config(arg=None):
  opts = presets.options(arg)
  scale = presets.scale_of(opts)
  c = presets.fmnist_base("zhu2019.gd_pretrain", scale)
  c.name = "zhu2019 E4: θ*_GD on corrupted FashionMNIST" + (" (small CPU version)"
                                                            if scale == "small" else "")
  c.optimizer.lr = 0.1
  c.train.batch_size = 0
  c.train.steps = presets.pick(scale, 3000, smoke=30, small=1000)
  c.train.log_every = presets.pick(scale, 100, smoke=10)
  c.eval.every = presets.pick(scale, 100, smoke=10)
  c.checkpoint.every = presets.pick(scale, 500, smoke=0, small=200)
  c.experiment.max_steps = presets.pick(scale, 10000, smoke=30, small=3000)
  configlib.add_probe(c, "snapshot", "zhu2019.snapshot", n=1, at_end=True)
  return c
