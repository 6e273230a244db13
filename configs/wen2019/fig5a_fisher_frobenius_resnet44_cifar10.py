"""W7 / Fig. 5a: Frobenius norms of the full and the diagonal gradient second moment C.

Claim: along training (the Table-1 ResNet-44/CIFAR-10 recipe, LB + diag and SB, probed every 10
epochs and at the start), ‖Ĉ‖_F is much larger than ‖diag Ĉ‖_F: the U-statistic ratio is ≥ 10 at
every probe point (n = 1,024 training examples, per-example gradients, eval-mode BN, n×n Gram
matrix). With Theorem 4.1's A ≈ C this is Tr(C·C) vs Tr(diag(C)·C); the probe also measures
Tr(CH) vs Tr(diag(C)H) with the real Hessian (32 samples each). CIFAR-10 is not available here:
the same probe rides on the Fig. 3 runs (the spec's substitute, checked at paper scale), and
`data=fashion_mnist` runs this config's recipe on Fashion-MNIST.

Command:  python -m noisecurv.main --config configs/wen2019/fig5a_fisher_frobenius_resnet44_cifar10.py
Smoke:    python -m noisecurv.main --config configs/wen2019/fig5a_fisher_frobenius_resnet44_cifar10.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/fig5a_fisher_frobenius_resnet44_cifar10.py  (lb_diag, sb)
Runtime:  ≈1 h on one H100 (two 200-epoch ResNet-44 runs, seconds per probe); smoke: seconds.
Headline: ‖C‖_F/‖diag C‖_F ≫ 10 (the paper shows it in a plot only).
"""

from noisecurv import configlib
from noisecurv.papers.wen2019 import presets


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, data="cifar10")
  model = "lenet5_bn" if opts.smoke else "resnet44"
  data = "fashion_mnist" if opts.smoke else opts.data
  c = presets.base_config(data, model, smoke=opts.smoke)
  c.name = f"wen2019 Fig. 5a: ‖C‖_F vs ‖diag C‖_F, {model} on {data}"
  c.runs.repeats = 1
  e = c.experiment
  e.method = "lb_diag"
  e.lb_lr = 1.6
  e.snapshot = False
  e.probe_every_epochs = 10.0
  probe = dict(every=1, at_start=True, at_end=True, n=1024, bn="eval", chunk=128,
               hessian_probes=32)
  if opts.smoke:
    e.probe_every_epochs = 3.0
    probe.update(n=64, chunk=0, hessian_probes=16)
  configlib.add_probe(c, "fro", "wen2019.fisher_frobenius", **probe)
  return c


def sweep(add):
  add()
  add(**{"experiment.method": "sb"})
