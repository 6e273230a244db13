"""E8b (spec control for Fig. 3, not in the paper): is the wider minimum at higher η/S "more noise" or "trained longer"?

At a fixed epoch budget a larger η/S also means a longer SDE time (t = epochs·N·η/S), so
higher-ratio runs also reach a lower loss. Claim: measured at the first evaluation where the
full-train loss is ≤ 1e-3 (instead of at epoch 300), λ_max(H) still falls with η/S:
Spearman(η/S, λ_max) ≤ −0.5 among runs that reach the threshold.

The grid and training are those of fig3_lr_bs_grid_fmnist_mlp; here the full training set is
evaluated every 200 steps and λ_max (20 power-iteration steps on 2,000 training examples, BN in
eval mode) every 400 steps. The cadence is in steps, shared by all batch sizes: 1/10 epoch at
S = 25, 3.2 epochs at S = 800 (the threshold epoch is that coarse for the largest batches).

Command:  python -m noisecurv.main --config configs/jastrzebski2017/fig3_equal_loss_control.py
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/fig3_equal_loss_control.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/fig3_equal_loss_control.py  (grid replicates, seeds 1–2)
          reduced (GPU plan): --config …:reduced  (100 epochs)
          cpu (reduced for a 2-core CPU): …:cpu  (Fig. 3's cpu grid: 5k examples, width 128,
          4 η × 4 S, 60 epochs; λ_max on 2,000 examples every 400 steps)
Runtime:  H100 ≈ 6–7 min (Fig. 3's training plus ≈ 3,000 λ_max probes); smoke: ~10 s beyond Fig. 3's
          smoke (their compiled training programs are shared).
Headline: Spearman(η/S, λ_max at train loss ≤ 1e-3) ≤ −0.5 (spec reference: partial correlation −0.90).
"""

import importlib.util
import pathlib

from noisecurv import configlib
from noisecurv.papers.jastrzebski2017 import presets

_spec = importlib.util.spec_from_file_location(
    "_jastrzebski2017_fig3", pathlib.Path(__file__).with_name("fig3_lr_bs_grid_fmnist_mlp.py"))
_fig3 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fig3)


def get_config(arg=None):
  opts = presets.options(arg, images=False)
  c = presets.base(data="fashion_mnist", model="bn_mlp4")
  _fig3.grid(c, opts)
  c.name = "jastrzebski2017 E8b: Fig. 3 grid measured at equal training loss"
  if opts.cpu:
    c.name += " [cpu: reduced, Fig. 3's cpu grid]"
  c.eval.every = 5 if opts.smoke else 200
  c.eval.train_n = 64 if opts.smoke else 0
  c.checkpoint.every = 0 if opts.smoke else 10000
  configlib.add_probe(c, "lam_t", "hessian_top_eig", every=c.eval.every * 2, at_end=True,
                      n=128 if opts.smoke else 2000, bn="eval", method="power",
                      steps=5 if opts.smoke else 20)
  return c


def sweep(add):
  for seed in (1, 2):
    add(seed=seed)
