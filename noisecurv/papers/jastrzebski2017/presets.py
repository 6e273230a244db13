"""Shared pieces of the jastrzebski2017 configs: options, data splits, models, probes.

Splits (spec §3): MNIST / Fashion-MNIST 50,000 train / 10,000 validation (the last 10k of
the official training set) / 10,000 test, standardised with training statistics. CIFAR-10
and its substitute fmnist32 (Fashion-MNIST zero-padded to 32×32×1) use 44,800 training
examples and the next 5,000 as validation: 44,800 is divisible by every batch size of
Fig. 1, 4, 5 and Table 1 (50·2ᵏ ≤ 800, 128, 640), so every epoch is a whole number of
steps (the spec's 45,000 differs by 200 dropped examples). No augmentation (the runner
has none; spec §6 #12 asks for crop and flip on CIFAR-10).

Smoke scale: 320 training, 64 validation and 64 test examples of the same dataset (a
labelled random stand-in in the official format when the files are absent), tiny widths,
a few epochs, batch sizes scaled down so that every ratio of the paper scale is kept.
"""

from __future__ import annotations

import math

from noisecurv import configlib

FMNIST_VAL = 10_000
CIFAR_TRAIN, CIFAR_VAL = 44_800, 5_000
SMOKE_TRAIN, SMOKE_VAL, SMOKE_TEST = 320, 64, 64
CPU_EVAL = 2_000  # validation and test examples of the CPU variants
SUBSTITUTE_NOTE = ("substitute: Fashion-MNIST padded to 32×32×1 (fmnist32) in place of "
                   "CIFAR-10, which is not available here")


def options(arg, images: bool = True):
  """Config options: smoke (CI), reduced (the GPU plan's named reduced variant), cpu (the MLP
  configs' reduced variant that fits a shared 2-core CPU in minutes), and for the CNN configs
  data=cifar10|fmnist32 and probes (keep the curvature probes at smoke scale; CI omits them
  there, since compiling a CNN's Hessian products dominates a smoke run)."""
  if not images:
    opts = configlib.parse_arg(arg, smoke=False, reduced=False, cpu=False)
    if sum((opts.smoke, opts.reduced, opts.cpu)) > 1:
      raise ValueError("choose at most one of smoke, reduced, cpu")
    return opts
  opts = configlib.parse_arg(arg, smoke=False, reduced=False, data="cifar10", probes=False)
  if opts.data not in ("cifar10", "fmnist32"):
    raise ValueError(f"data={opts.data!r} not in ('cifar10', 'fmnist32')")
  return opts


def base(program: str = "jastrzebski2017.train", *, data: str, model: str):
  dataset = "fashion_mnist" if data == "fmnist32" else data
  c = configlib.base(program=program, data=dataset, model=model)
  c.data.subset = "first"
  c.data.normalize = "standard"
  c.eval.batch_size = 1000
  c.checkpoint.keep = 2
  c.figure = False
  c.train.stop_on_divergence = True
  return c


def digits_split(c, smoke: bool, cpu_train: int = 0) -> None:
  """MNIST / Fashion-MNIST: 50k/10k/10k, flattened for the MLPs. cpu_train > 0 (the CPU
  variants): the first cpu_train training examples, and 2,000 validation and test examples."""
  c.data.flatten = True
  if smoke:
    _smoke_split(c)
  elif cpu_train:
    c.data.n_train = cpu_train + CPU_EVAL
    c.data.n_val = CPU_EVAL
    c.data.n_test = CPU_EVAL
  else:
    c.data.n_val = FMNIST_VAL


def image_split(c, data: str, smoke: bool) -> None:
  """CIFAR-10 or fmnist32: 44,800 / 5,000 / 10,000."""
  if data == "fmnist32":
    c.data.pad_to = 32
  if smoke:
    _smoke_split(c)
  else:
    c.data.n_train = CIFAR_TRAIN + CIFAR_VAL
    c.data.n_val = CIFAR_VAL


def _smoke_split(c) -> None:
  c.data.standin = "fixture"
  c.data.n_train = SMOKE_TRAIN + SMOKE_VAL
  c.data.n_val = SMOKE_VAL
  c.data.n_test = SMOKE_TEST


def tiny_cnn(c, smoke: bool) -> None:
  """Smoke widths: VGG-11 at 1/64 width (1–8 channels), ResNet-8 at width 1/4."""
  if not smoke:
    return
  if c.model.name.startswith("vgg"):
    c.model.width_mult = 1 / 64
  else:
    c.model.depth = 8
    c.model.width_mult = 0.25


def cnn_curvature_probes(c, opts, **kw) -> None:
  """`curvature_probes` for a CNN config: omitted at smoke scale unless the `probes` option."""
  if not opts.smoke or opts.probes:
    curvature_probes(c, smoke=opts.smoke, **kw)


def curvature_probes(c, *, smoke: bool, every: int = 0, n: int = 10_000, lanczos_steps: int = 20,
                     fro_probes: int = 20, fro: bool = True, at_end: bool = True) -> None:
  """'lam': λ_max of H (Lanczos, f64 basis) and, if fro, 'fro': ‖H‖_F, ‖H‖_F/D, ‖H‖²_F/D and
  Tr H (Hutchinson on the same products), on n fixed training examples with BN in eval mode
  (spec §2.6). `every` != 0 marks them periodic (the program converts epochs to steps)."""
  if smoke:
    n, lanczos_steps, fro_probes = 128, 8, 4
  configlib.add_probe(c, "lam", "hessian_top_eig", every=every, at_end=at_end, n=n, bn="eval",
                      method="lanczos", steps=lanczos_steps)
  if fro:
    configlib.add_probe(c, "fro", "hessian_fro", every=every, at_end=at_end, n=n, bn="eval",
                        num_probes=fro_probes, batch_size=min(fro_probes, 5))


def snapshot_probe(c) -> None:
  """Final θ and BN statistics of every run (arrays), for Fig. 4's interpolations."""
  configlib.add_probe(c, "snapshot", "jastrzebski2017.snapshot", every=0, at_end=True, n=1)


def epochs(c, paper: float, smoke: float, opts, reduced: float | None = None) -> None:
  c.train.epochs = float(smoke if opts.smoke else (reduced if opts.reduced and reduced
                                                   else paper))


def cnn(c, opts, *, paper_epochs: float, smoke_epochs: float, reduced_epochs: float,
        repeats: int, reduced_repeats: int) -> None:
  """Common CNN settings. Every smoke CNN run has S = 4 (batch_size set by the caller),
  2 repeats and 1-epoch logging, so configs that differ only in runtime values (η, probes,
  evaluation) share their compiled programs within a process."""
  image_split(c, opts.data, opts.smoke)
  tiny_cnn(c, opts.smoke)
  epochs(c, paper_epochs, smoke_epochs, opts, reduced=reduced_epochs)
  c.runs.repeats = 2 if opts.smoke else (reduced_repeats if opts.reduced else repeats)
  c.eval.train_n = 64 if opts.smoke else 10_000
  c.experiment.log_every_epochs = 1.0
  c.experiment.eval_every_epochs = 1.0
  c.experiment.checkpoint_every_epochs = 0.0 if opts.smoke else 5.0
  if opts.data == "fmnist32":
    c.name += f" [{SUBSTITUTE_NOTE}]"
  if opts.reduced:
    c.name += " [reduced]"



# Fig. 2 (E2): (batch_mult, lr_mult) of each rule for growing S tenfold.
E2_RULES = {"base": (1.0, 1.0), "linear": (10.0, 10.0), "sqrt": (10.0, math.sqrt(10.0)),
            "none": (10.0, 1.0)}
E2_SMOKE_MILESTONES = (1.0, 2.0, 3.0)


def rescaling_config(arg, *, model: str, title: str, step_factor: float,
                     milestones: tuple[float, ...], reduced_milestones: tuple[float, ...]):
  """Fig. 2's base run for `model`: SGD η = 0.01, S = 50, η × step_factor at the milestones."""
  opts = options(arg)
  c = base(data=opts.data, model=model)
  c.name = f"jastrzebski2017 Fig. 2: linear vs √ rescaling of η with S, {title}"
  c.optimizer.lr = 0.01
  c.train.batch_size = 4 if opts.smoke else 50
  c.experiment.schedule = "step_lr"
  c.experiment.step_factor = step_factor
  c.experiment.step_epochs = (E2_SMOKE_MILESTONES if opts.smoke else
                              reduced_milestones if opts.reduced else milestones)
  cnn(c, opts, paper_epochs=200, smoke_epochs=4, reduced_epochs=60, repeats=3,
      reduced_repeats=1)
  return c


def rescaling_sweep(add) -> None:
  for batch_mult, lr_mult in E2_RULES.values():
    add(**{"experiment.batch_mult": batch_mult, "experiment.lr_mult": lr_mult})
