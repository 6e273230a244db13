"""W5 / Fig. 2: average per-layer gradient variance of SB, LB, LB + full and LB + diag noise.

Claim: on a partially trained network (SB, lr 0.1, checkpoint after 20 epochs), the per-layer
mean over parameters of the gradient variance over K = 100 draws is about the same for SB,
LB + full-Fisher noise and LB + diag-Fisher noise (median ratio to SB in [0.8, 1.25], ≥ 80% of
layers within [0.67, 1.5]), while LB's is ≈ (1/4096 − 1/N)/(1/128 − 1/N) = 0.029 of SB's
(median in [0.02, 0.045]); LB + diag vs LB + full per layer within [0.85, 1.18]. M_S = 128,
M_L = 4096 with Ghost BN 128; full noise by Rademacher VJP, diag noise by the ghost-variance
estimator (the training transforms). Paper: ResNet-44 on CIFAR-10 (not available here);
`data=fashion_mnist` is the labelled substitute (ResNet-44 on 28×28×1), `size=reduced` uses
LeNet-5-BN instead of ResNet-44, `size=cpu` (reduced for a 2-core CPU) LeNet-5-BN with M_S = 16,
M_L = 512, half a pre-training epoch and 20 draws per regime.

Command:  python -m noisecurv.main --config configs/wen2019/fig2_grad_variance_resnet44_cifar10.py
Smoke:    python -m noisecurv.main --config configs/wen2019/fig2_grad_variance_resnet44_cifar10.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/fig2_grad_variance_resnet44_cifar10.py  (seeds 0–2)
Runtime:  H100: pretraining 20 SB epochs (≈3 min ResNet-44, ≈20 s LeNet) + 400 draws (≈1 min);
          size=cpu (data=fashion_mnist) ≈5–10 min on a shared 2-core CPU (estimate, not run);
          smoke (tiny LeNet, 30 draws, M_S = 32, M_L = 128): seconds of compute on a CPU.
Headline: Var_LB/Var_SB ≈ 0.029; LB + diag ≈ LB + full ≈ SB (ratios ≈ 1).
"""

from noisecurv import configlib
from noisecurv.papers.wen2019 import presets

SIZES = ("paper", "reduced", "cpu")


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, data="cifar10", size="paper")
  if opts.size not in SIZES:
    raise ValueError(f"size={opts.size!r} not in {SIZES}")
  data = "fashion_mnist" if opts.smoke else opts.data
  model = "lenet5_bn" if (opts.smoke or opts.size != "paper") else "resnet44"
  c = configlib.base(program="wen2019.grad_variance", data=data, model=model)
  c.name = f"wen2019 Fig. 2: gradient variance, {model} on {data}"
  c.figure = False
  c.optimizer.momentum = 0.9
  c.optimizer.weight_decay = 5e-4
  c.eval.train_n = 10000
  if opts.size == "cpu" and not opts.smoke:
    # Reduced for a 2-core CPU: M_S = 16, M_L = 512 (Ghost BN 16, M_L/M_S = 32 as in the
    # paper), half an SB pre-training epoch, 20 draws per regime; expected Var_LB/Var_SB =
    # (1/512 − 1/N)/(1/16 − 1/N) = 0.031.
    e = c.experiment
    e.small_batch, e.large_batch = 16, 512
    e.pretrain_epochs = 0.5
    e.draws = 20
    c.eval.train_n = 2000
  if opts.smoke:
    c.data.standin = "fixture"
    c.data.n_train = 512
    c.data.n_test = 256
    c.eval.train_n = 256
    for k, v in presets.SMOKE_MODEL["lenet5_bn"].items():
      c.model[k] = v
    e = c.experiment
    e.small_batch, e.large_batch = 32, 128
    e.pretrain_epochs = 2.0
    e.draws = 30
  return c


def sweep(add):
  for seed in (0, 1, 2):
    add(seed=seed)
