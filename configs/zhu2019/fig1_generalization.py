"""E11 (Fig. 1, Sec. 1): with the noise magnitude matched, isotropic or diagonal GLD does not reach SGD.

Claim: from the Fig. 6 runs (no training of its own): on SVHN and on CIFAR-10, SGD's final test
accuracy is ≥ 1 pp above those of GD, GLD const (σ tuned, 1e-3), GLD dynamic and GLD diag
(the last two with SGD's noise magnitude).

The SVHN and CIFAR-10 files are not available on the machines of this project: not run at
paper scale here; the smoke run summarises the stand-in smoke runs of Fig. 6.

Command:  python -m noisecurv.main --config configs/zhu2019/fig1_generalization.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/fig1_generalization.py:smoke
          reduced: ...fig1_generalization.py:reduced (summarises fig6_*_reduced.py)
Sweep:    none
Runtime:  seconds once the Fig. 6 runs exist (it runs missing ones first).
Headline: SGD − max(others) ≥ 1 pp on both datasets (values not in the text).
"""

from noisecurv import configlib
from noisecurv.papers.zhu2019 import presets


def get_config(arg=None):
  opts = presets.options(arg)
  scale = presets.scale_of(opts)
  c = configlib.base(program="zhu2019.generalization_summary")
  c.name = "zhu2019 Fig. 1: generalisation summary"
  c.figure = False
  e = c.experiment
  if scale == "reduced":
    e.sources = ("configs/zhu2019/fig6_svhn_reduced.py", "configs/zhu2019/fig6_cifar10_reduced.py")
  else:
    e.source_arg = "smoke" if scale == "smoke" else ""
  return c
