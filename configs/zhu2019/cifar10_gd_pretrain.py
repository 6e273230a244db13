"""E9 (Sec. 5.4, App. D.4): θ*_GD on CIFAR-10 with VGG-11 without BN.

Claim: full-batch GD (lr 0.05, 4,000 iterations, the gradient accumulated over chunks of
5,000) on 50,000 training images (x/255, no augmentation) with VGG-11 without BN
(D = 9,750,922) reaches a minimum θ*_GD from which Fig. 6 and Fig. 1 start; test set 10,000.

The CIFAR-10 files are not available on the machines of this project: the config, the loader
(official format) and a stand-in smoke run are tested here, the paper-scale run is not
(see docs/reproductions/zhu2019.md).

Command:  python -m noisecurv.main --config configs/zhu2019/cifar10_gd_pretrain.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/cifar10_gd_pretrain.py:smoke
          reduced (GPU plan): ...cifar10_gd_pretrain.py:reduced  (10,000 / 2,000 examples, 2,000 steps)
Sweep:    none
Runtime:  H100 ≈ 21 min (spec §4), checkpoints every 250 steps: rerun the command to resume;
          smoke ≈ 10 s (an MLP on 64 stand-in images).
Headline: train accuracy of θ*_GD (not in the text).
"""

from noisecurv.papers.zhu2019 import presets


def get_config(arg=None):
  opts = presets.options(arg)
  scale = presets.scale_of(opts)
  c = presets.vgg_pretrain("cifar10", scale)
  c.name = "zhu2019 E9: θ*_GD on CIFAR-10, VGG-11 without BN" + (
      f" ({scale})" if scale != "paper" else "")
  return c
