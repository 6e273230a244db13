"""E9 (Sec. 5.4, App. D.4): θ*_GD on SVHN with VGG-11 without BN.

Claim: full-batch GD (lr 0.05, 3,000 iterations, the gradient accumulated over chunks of
5,000) on 25,000 (the first of the official test split) training images (x/255, no augmentation) with VGG-11 without BN
(D = 9,750,922) reaches a minimum θ*_GD from which Fig. 6 and Fig. 1 start; test set 70,000 (official train split).

The SVHN files are not available on the machines of this project: the config, the loader
(official format) and a stand-in smoke run are tested here, the paper-scale run is not
(see docs/reproductions/zhu2019.md).

Command:  python -m noisecurv.main --config configs/zhu2019/svhn_gd_pretrain.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/svhn_gd_pretrain.py:smoke
          reduced (GPU plan): ...svhn_gd_pretrain.py:reduced  (5,000 / 10,000 examples, 1,500 steps)
Sweep:    none
Runtime:  H100 ≈ 8 min (spec §4), checkpoints every 250 steps: rerun the command to resume;
          smoke ≈ 10 s (an MLP on 64 stand-in images).
Headline: train accuracy of θ*_GD (not in the text).
"""

from noisecurv.papers.zhu2019 import presets


def get_config(arg=None):
  opts = presets.options(arg)
  scale = presets.scale_of(opts)
  c = presets.vgg_pretrain("svhn", scale)
  c.name = "zhu2019 E9: θ*_GD on SVHN, VGG-11 without BN" + (
      f" ({scale})" if scale != "paper" else "")
  return c
