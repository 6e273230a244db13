"""E10 (Fig. 6, Sec. 5.4): on SVHN, SGD escapes θ*_GD and generalises better; isotropic GLD does not (reduced: the GPU plan's version).

Claim: from θ*_GD (svhn_gd_pretrain.py), with lr 0.05: SGD (m = 100) ends with a test
accuracy ≥ 1 pp above the best of GD, GLD const (σ = 1e-3), GLD dynamic and GLD diag (Σ̂ from
100 minibatches of 100, refreshed every 10 iterations) and with a lower expected sharpness
(δ = 1e-3, M = 100, every 1,000 iterations; δ = 1e-2, the caption's value, is logged too);
the four others' test accuracies stay within 1.5 pp of each other.

The SVHN files are not available on the machines of this project: not run at paper scale
here (see docs/reproductions/zhu2019.md); the smoke run uses a labelled stand-in.

Command:  python -m noisecurv.main --config configs/zhu2019/fig6_svhn_reduced.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/fig6_svhn_reduced.py:smoke
Sweep:    none (the dynamics run one after another, resumable)
Runtime:  H100 ≈ 10–20 min (spec §4: 5k/10k-example subsets, 3k diffusion iterations); smoke ≈ 1 min on a 2-core CPU.
Headline: SGD's final test accuracy above the other four (values not in the text).
"""

from noisecurv.papers.zhu2019 import presets


def get_config(arg=None):
  opts = presets.options(arg)
  scale = "reduced" if not opts.smoke else "smoke"
  c = presets.vgg_diffusion("svhn", scale)
  c.name = "zhu2019 Fig. 6: dynamics from θ*_GD on SVHN" + (
      f" ({scale})" if scale != "paper" else "")
  return c
