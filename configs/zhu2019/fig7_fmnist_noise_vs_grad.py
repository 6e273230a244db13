"""E8 (Fig. 7, App. C.1): later in SGD training the noise magnitude exceeds the gradient norm.

Claim: SGD (lr 0.07, m = 20, each batch drawn without replacement, batches i.i.d.) from a
random initialisation on the corrupted FashionMNIST subset of E4: in the second half of
15,000 iterations √Tr Σ̂_sgd (60 minibatches of 20) exceeds ‖∇L(θ_t)‖ (full batch) at ≥ 90%
of the measurements (every 100 iterations), with median ratio ≥ 2.

Command:  python -m noisecurv.main --config configs/zhu2019/fig7_fmnist_noise_vs_grad.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/fig7_fmnist_noise_vs_grad.py:smoke
          CPU version: ...:small (300 examples, 3,000 iterations; 156 s measured on a shared
          2-core CPU: median noise/gradient ratio 2.75 in the second half)
Sweep:    python experiments/sweep.py --config configs/zhu2019/fig7_fmnist_noise_vs_grad.py  (seeds 1–2)
Runtime:  H100 < 1 min (15,000 steps of 0.18 ms, 150 measurements); smoke ≈ 10 s.
Headline: the noise/gradient ratio grows from < 1 early to ≫ 1 late (values not in the text).
"""

from noisecurv import configlib
from noisecurv.papers.zhu2019 import presets


def get_config(arg=None):
  opts = presets.options(arg)
  scale = presets.scale_of(opts)
  c = presets.fmnist_base("train", scale)
  c.name = "zhu2019 Fig. 7: gradient norm vs noise norm along SGD" + (
      f" ({scale})" if scale != "paper" else "")
  c.optimizer.lr = 0.07
  c.train.batch_size = 20
  c.train.sampling = "iid"
  c.train.steps = presets.pick(scale, 15000, smoke=40, small=3000)
  c.train.log_every = presets.pick(scale, 100, smoke=10)
  c.eval.every = presets.pick(scale, 1000, smoke=20)
  c.checkpoint.every = presets.pick(scale, 5000, smoke=0, small=1000)
  configlib.add_probe(c, "noise", "zhu2019.sgd_noise", n=0, at_start=True,
                      every=presets.pick(scale, 100, smoke=10), curvature=False,
                      num_minibatches=presets.pick(scale, 60, smoke=4, small=15))
  return c


def sweep(add):
  for seed in (1, 2):
    add(seed=seed)
