"""E3 (Fig. 4, Sec. 5.2): Tr(HΣ) ≫ Tr(HΣ̄) for one-hidden-layer nets, and the ratio grows with width.

Claim: for nets with h ∈ {32, 128, 512} ReLU units, fixed ±1 output weights and output clip
[δ, 1 − δ] (δ = 0.001; D = 96, 384, 1,536) trained by full-batch Adam (lr 0.001, 31 × 10
steps, linear decay from epoch 21) on 1,000 points of [−2, 2]² labelled 1{x₁ ≥ x₂}, with mean
squared error: at the end of every epoch Tr(HΣ) > Tr(HΣ̄) = Tr H·Tr Σ/D (Σ from 100 minibatches
of 10, dense H), the median ratio increases with h, is ≥ 10 at h = 32, and ratio(512) ≥
5·ratio(32). Prop. 2's F ⪰ δ²H holds at every measurement.

Command:  python -m noisecurv.main --config configs/zhu2019/fig4_one_hidden_layer.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/fig4_one_hidden_layer.py:smoke  (h ∈ {32, 128})
Sweep:    python experiments/sweep.py --config configs/zhu2019/fig4_one_hidden_layer.py  (seeds 1–2)
Runtime:  2-core CPU ≈ 4 min (h = 512: 31 dense 1,536² Hessians); H100 < 30 s; smoke ≈ 20 s.
Headline: median ratio ≈ 26–45 (h = 32), 128–190 (128), 600–780 (512) (spec reference).
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="zhu2019.one_hidden_layer", data="separable2d",
                     model="fixed_output_relu", loss="squared_error")
  c.name = "zhu2019 Fig. 4: one-hidden-layer nets, Tr(HΣ) vs Tr(HΣ̄)"
  c.figure = False
  c.data.seed = 123
  c.model.delta = 0.001
  c.optimizer.name = "adam"
  if opts.smoke:
    c.experiment.widths = (32, 128)
  return c


def sweep(add):
  for seed in (1, 2):
    add(seed=seed)
