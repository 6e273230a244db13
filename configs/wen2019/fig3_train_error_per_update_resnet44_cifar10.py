"""W6 / Fig. 3 (+ W7 / Fig. 5a probes): training error per update of SB, LB, LB + full, LB + diag.

Claim: with one constant learning rate 0.1 for all four regimes (momentum 0.9, weight decay
5e-4, noise throughout, M_S = 128, M_L = 4096 with Ghost BN 128), per update LB + diag trains
about as fast as LB while LB + full trains as slowly as SB: final train error LB+diag <
LB+full; |AUC_full − AUC_SB| ≤ 0.25·AUC_SB; AUC_diag − AUC_LB ≤ 0.5·(AUC_SB − AUC_LB); AUC_LB <
AUC_SB (AUC = mean train error over the evaluations, on 10,000 training examples, eval-mode BN,
every 250 updates, 10,000 updates). The runs also carry the Fig. 5a probe (‖C‖_F vs ‖diag C‖_F on
1,024 training examples every 500 updates, with Tr(CH) vs Tr(diag(C)H)). Paper: ResNet-44 on
CIFAR-10 (not available here); `data=fashion_mnist` is the labelled substitute; `size=reduced` is
ResNet-20 for 4,000 updates, `size=reduced_lenet` LeNet-5-BN for 3,000 updates, `size=cpu`
(reduced for a 2-core CPU) LeNet-5-BN with M_S = 16, M_L = 128 for 200 updates, train error on
2,000 examples every 20 updates, probe on 256 examples every 100 updates.

Command:  python -m noisecurv.main --config configs/wen2019/fig3_train_error_per_update_resnet44_cifar10.py
Smoke:    python -m noisecurv.main --config configs/wen2019/fig3_train_error_per_update_resnet44_cifar10.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/fig3_train_error_per_update_resnet44_cifar10.py:data=fashion_mnist,size=reduced_lenet  (lb_diag, sb, lb, lb_full)
Runtime:  H100: ≈2 h at paper size, ≈10 min reduced (ResNet-20), ≈3 min reduced_lenet; size=cpu
          (data=fashion_mnist) 4–10 min per regime on a shared 2-core CPU (measured: SB 255 s,
          LB 305 s, LB + diag 601 s); smoke: 24 updates of a tiny LeNet per regime on a CPU.
Headline: LB + full ≈ SB ≫ LB ≈ LB + diag in training error per update.
"""

from noisecurv import configlib
from noisecurv.papers.wen2019 import presets

SIZES = {"paper": ("resnet44", 10000), "reduced": ("resnet20", 4000),
         "reduced_lenet": ("lenet5_bn", 3000), "cpu": ("lenet5_bn", 200)}


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, data="cifar10", size="paper")
  if opts.size not in SIZES:
    raise ValueError(f"size={opts.size!r} not in {sorted(SIZES)}")
  model, updates = SIZES[opts.size]
  data = opts.data
  if opts.smoke:
    data, model = "fashion_mnist", "lenet5_bn"
  c = presets.base_config(data, model, smoke=opts.smoke)
  c.name = f"wen2019 Fig. 3: train error per update, {model} on {data} ({opts.size})"
  c.runs.repeats = 1
  e = c.experiment
  e.method = "lb_diag"
  e.schedule = "constant"
  e.sb_lr = e.lb_lr = 0.1
  e.noise_fraction = 1.0
  e.snapshot = False
  e.updates = updates
  e.every_updates = 250
  probe = dict(every=500, at_start=True, at_end=True, n=1024, bn="eval", chunk=128,
               hessian_probes=32)
  if opts.size == "cpu" and not opts.smoke:
    # Reduced for a 2-core CPU: M_S = 16, M_L = 128 (Ghost BN 16, c² = 1/16 − 1/128), 200
    # updates, train error on 2,000 training examples every 20 updates, probe n = 256.
    e.small_batch, e.large_batch = 16, 128
    e.every_updates = 20
    c.eval.train_n = c.eval.batch_size = 2000
    probe.update(every=100, n=256, chunk=64, hessian_probes=16)
  if opts.smoke:
    e.updates, e.every_updates = 24, 4
    # No Tr(CH) samples at smoke scale (CI time): the fig5a config's smoke run exercises them.
    probe.update(every=8, n=64, chunk=0, hessian_probes=0)
  configlib.add_probe(c, "fro", "wen2019.fisher_frobenius", **probe)
  return c


def sweep(add):
  add()
  for m in ("sb", "lb", "lb_full"):
    add(**{"experiment.method": m})
