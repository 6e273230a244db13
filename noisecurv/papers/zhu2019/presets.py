"""Settings shared by the zhu2019 config files: scales, data, pre-training, diffusion phase.

Scales (config options): `smoke` (CI on a 2-core CPU: a labelled stand-in when the dataset
files are missing, a few steps, and a one-hidden-layer MLP in place of the LeNet / VGG-11,
whose compiles with the curvature-based noise kernels would take most of CI's budget),
`small` (FashionMNIST on a CPU: 300 examples, spec §4's CPU version), `reduced` (the GPU
plan's shorter runs, named so in the run's `name`) and the paper scale (no option).

FashionMNIST (E4): 1,200 training examples (a seeded random subset; a seeded 1/6 of them,
200, get uniform random labels, §6 #7–8), the full 10,000-example test set, pixels
(x − 127.5)/127.5, the 11,330-parameter LeNet `lenet_small`.
SVHN / CIFAR-10 (E9): x/255, VGG-11 without BN (`vgg11`); SVHN trains on the first 25,000
images of the official test split and tests on the first 70,000 of the train split (the
authors' code, §6 #19–20), class = stored label − 1.
"""

from __future__ import annotations

from noisecurv import configlib
from noisecurv.papers.zhu2019 import dynamics

SCALES = ("smoke", "small", "reduced", "paper")
FMNIST_PRETRAIN = "configs/zhu2019/fmnist_gd_pretrain.py"


def options(arg, **extra):
  """smoke | small | reduced (at most one), plus config-specific options."""
  opts = configlib.parse_arg(arg, smoke=False, small=False, reduced=False, **extra)
  if opts.smoke + opts.small + opts.reduced > 1:
    raise ValueError("choose at most one of smoke, small, reduced")
  return opts


def scale_of(opts) -> str:
  for s in ("smoke", "small", "reduced"):
    if opts[s]:
      return s
  return "paper"


def pick(scale: str, paper, **others):
  """others[scale] when given, else the paper value."""
  return others.get(scale, paper)


# -- FashionMNIST ---------------------------------------------------------------------------------


def fmnist(c, scale: str) -> None:
  """The E4 data; `reduced` keeps the paper's data (only the runs are shorter)."""
  c.data.n_train = pick(scale, 1200, smoke=96, small=300)
  c.data.n_test = pick(scale, None, smoke=128, small=2000)
  c.data.label_noise = 1.0 / 6.0  # 200 of 1,200
  c.data.normalize = "pm1"
  c.data.subset = "random"
  c.data.seed = 0
  if scale == "smoke":
    c.data.standin = "fixture"
  c.eval.batch_size = 2000


SMOKE_MODEL = dict(hidden=(16,))


def smoke_model(c) -> None:
  """The smoke scale's model: MLP with one hidden layer of 16 on flattened images."""
  c.data.flatten = True
  c.model.hidden = SMOKE_MODEL["hidden"]


def fmnist_base(program: str, scale: str):
  c = configlib.base(program=program, data="fashion_mnist",
                     model="mlp" if scale == "smoke" else "lenet_small")
  fmnist(c, scale)
  if scale == "smoke":
    smoke_model(c)
  c.figure = False
  return c


def fmnist_pretrain_arg(scale: str) -> str:
  """The pre-training run a diffusion config of this scale starts from."""
  return {"smoke": "smoke", "small": "small"}.get(scale, "")


def fmnist_diffusion(scale: str, dyns=dynamics.ALL, *, sharpness: bool = True):
  """E5's diffusion phase at `scale`: the Table 1 dynamics from θ*_GD (lr 0.07, GD 0.1, m = 20,
  σ = 1e-3, k = 20, refresh 10; 15,000 iterations, reduced 3,000)."""
  c = fmnist_base("zhu2019.diffusion", scale)
  e = c.experiment
  e.pretrain = FMNIST_PRETRAIN
  e.pretrain_arg = fmnist_pretrain_arg(scale)
  e.dynamics = tuple(dyns)
  e.steps = pick(scale, 15000, smoke=6, small=200, reduced=3000)
  c.optimizer.lr = 0.07
  if scale == "smoke":
    e.log_every, e.dense_until, c.eval.every = 2, 0, 2
    e.num_minibatches, e.leading_k, e.hessian_k, e.power_steps = 4, 3, 3, 5
    e.checkpoint_every = 0
  else:
    e.log_every, e.dense_until, c.eval.every = 10, 50, 10
    e.checkpoint_every = pick(scale, 1000, small=100)
  if scale == "small":
    e.num_minibatches, e.hessian_k, e.power_refresh = 15, 5, 10  # 15 × 20 = 300 examples
  if sharpness:
    configlib.add_probe(c, "sharpness", "expected_sharpness", n=0, delta=0.01,
                        every=pick(scale, 1000, smoke=0, small=100), at_start=True, at_end=True,
                        num_samples=pick(scale, 1000, smoke=8, small=100),
                        batch_size=pick(scale, 100, smoke=8, small=50))
  return c


# -- SVHN and CIFAR-10 ---------------------------------------------------------------------------

VGG = {
    # dataset: (n_train, n_test, pretrain steps, reduced n_train, reduced n_test, reduced steps)
    "svhn": (25000, 70000, 3000, 5000, 10000, 1500),
    "cifar10": (50000, 10000, 4000, 10000, 2000, 2000),
}


def vgg_base(program: str, dataset: str, scale: str):
  """E9: data and model of the SVHN / CIFAR-10 experiments at `scale`."""
  if dataset not in VGG:
    raise ValueError(f"dataset {dataset!r} not in {tuple(VGG)}")
  n_tr, n_te, _, r_tr, r_te, _ = VGG[dataset]
  c = configlib.base(program=program, data=dataset,
                     model="mlp" if scale == "smoke" else "vgg11")
  c.data.n_train = pick(scale, n_tr, smoke=64, reduced=r_tr)
  c.data.n_test = pick(scale, n_te, smoke=64, reduced=r_te)
  c.data.subset = "first"
  c.data.normalize = "unit"
  if dataset == "svhn":
    c.data.split = "swapped"
    c.data.label_map = "minus_one"
  if scale == "smoke":
    c.data.standin = "fixture"
    smoke_model(c)
  c.optimizer.lr = 0.05
  c.train.grad_chunk = pick(scale, 5000, smoke=32)
  c.eval.batch_size = pick(scale, 1000, smoke=64)
  c.figure = False
  return c


def vgg_pretrain_arg(scale: str) -> str:
  return {"smoke": "smoke", "reduced": "reduced"}.get(scale, "")


def vgg_diffusion(dataset: str, scale: str):
  """E10: GD, GLD const, GLD dynamic, GLD diag and SGD (m = 100) from θ*_GD to global
  iteration 15,000 (reduced: 3,000 diffusion iterations), lr 0.05, Σ̂ from 100 minibatches of
  100 refreshed every 10 iterations; sharpness δ = 1e-3 and 1e-2, M = 100, every 1,000."""
  c = vgg_base("zhu2019.diffusion", dataset, scale)
  e = c.experiment
  e.pretrain = f"configs/zhu2019/{dataset}_gd_pretrain.py"
  e.pretrain_arg = vgg_pretrain_arg(scale)
  e.dynamics = ("gd", "gld_const", "gld_dynamic", "gld_diag", "sgd")
  e.lr = e.gd_lr = 0.05
  e.batch_size = pick(scale, 100, smoke=16)
  e.num_minibatches = pick(scale, 100, smoke=4)
  e.minibatch_size = pick(scale, 100, smoke=16)
  e.sigma_chunk = pick(scale, 10, smoke=0)
  e.sigma_refresh = 10
  e.steps = pick(scale, 15000 - VGG[dataset][2], smoke=4, reduced=3000)
  if scale == "smoke":
    e.log_every, e.dense_until, c.eval.every, e.checkpoint_every = 2, 0, 2, 0
  else:
    e.log_every, e.dense_until, c.eval.every, e.checkpoint_every = 100, 100, 100, 1000
  for name, delta in (("sharpness", 1e-3), ("sharpness_1e2", 1e-2)):
    configlib.add_probe(c, name, "expected_sharpness", n=0, delta=delta,
                        every=pick(scale, 1000, smoke=0), at_start=True, at_end=True,
                        num_samples=pick(scale, 100, smoke=4),
                        batch_size=pick(scale, 10, smoke=4))
  return c


def vgg_pretrain(dataset: str, scale: str):
  """E9: full-batch GD, lr 0.05, 3,000 (SVHN) / 4,000 (CIFAR-10) iterations, the gradient
  accumulated over chunks of 5,000; checkpoints every 250 steps (≈ 40 s on an H100)."""
  c = vgg_base("zhu2019.gd_pretrain", dataset, scale)
  _, _, steps, _, _, r_steps = VGG[dataset]
  c.train.batch_size = 0
  c.train.steps = pick(scale, steps, smoke=4, reduced=r_steps)
  c.train.log_every = pick(scale, 50, smoke=2)
  c.eval.every = pick(scale, 500, smoke=2)
  c.checkpoint.every = pick(scale, 250, smoke=0)
  c.experiment.min_train_accuracy = 0.0  # no memorisation target here (spec E9)
  configlib.add_probe(c, "snapshot", "zhu2019.snapshot", n=1, at_end=True)
  return c
