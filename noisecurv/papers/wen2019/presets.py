"""Config builders shared by the wen2019 configs (the rows of Tables 1–2 and their relatives).

`table_config(row, opts)` returns a `wen2019.train` config for one row of the paper's tables
(dataset and model of Table 1, recipe of spec §W9), in one of three sizes:

- paper:   200 epochs, M_S = 128, M_L = 4096 (Ghost BN 128), 3 seeds vmapped; rows without the
           paper's learning rates tune them on a held-out split of 5,000 training examples
           (grids vmapped with the seeds; the rate is chosen by mean final validation accuracy
           and the test accuracy of that rate is reported).
- reduced: the same with 50 epochs (all milestones are fractions of training).
- smoke:   6 epochs on 512 examples (the official-format stand-in when the files are missing;
           256 of them held out where rates are tuned), M_S = 32, M_L = 128, 2 seeds, a reduced
           width of the same model family; it checks the plumbing only.
"""

from __future__ import annotations

import dataclasses

from noisecurv import configlib

SB_GRID = (0.05, 0.1, 0.2)
LB_GRID = (0.8, 1.6, 3.2)


@dataclasses.dataclass(frozen=True)
class Row:
  """One row of Table 1 with the paper's numbers (validation accuracy, %)."""

  key: str
  data: str
  model: str
  sb: float
  lb: float
  lb_diag: float
  flatten: bool = False
  dropout: float = 0.0
  lb_lr: float | None = None  # the paper's LB rate (App. E.1), else tuned
  diag_lr: float | None = None  # the paper's LB + diag rate
  table2: tuple[float, ...] = ()  # BatchChange, Multiplicative, K-FAC, Fisher Trace

  @property
  def tuned(self) -> bool:
    return self.lb_lr is None

  @property
  def cifar(self) -> bool:
    return self.data.startswith("cifar")


ROWS = {r.key: r for r in (
    Row("mlp_mnist", "mnist", "mlp_f1", 98.10, 97.95, 98.10, flatten=True),
    Row("lenet_mnist", "mnist", "lenet5_bn", 99.10, 98.88, 99.11),
    Row("lenet_fmnist", "fashion_mnist", "lenet5_bn", 91.15, 88.89, 90.79),
    Row("alexnet_cifar10", "cifar10", "alexnet_cifar", 87.80, 86.42, 87.61, dropout=0.5),
    Row("alexnet_cifar100", "cifar100", "alexnet_cifar", 59.21, 56.79, 59.10, dropout=0.5),
    Row("vgg16_cifar10", "cifar10", "vgg16_bn", 93.25, 91.81, 93.19, lb_lr=1.6, diag_lr=1.6,
        table2=(93.18, 90.98, 93.06, 92.91)),
    Row("vgg16_cifar100", "cifar100", "vgg16_bn", 72.83, 69.45, 72.11, lb_lr=1.6, diag_lr=1.6,
        table2=(72.44, 68.77, 71.86, 71.35)),
    Row("resnet44_cifar10", "cifar10", "resnet44", 93.42, 91.93, 92.88, lb_lr=3.2, diag_lr=1.6,
        table2=(93.02, 91.28, 92.81, 92.33)),
    Row("resnet44x2_cifar100", "cifar100", "resnet44x2", 75.55, 73.13, 74.26, lb_lr=3.2,
        diag_lr=1.6, table2=(75.16, 71.98, 73.84, 73.77)),
)}

# Smoke widths of each model family (same layers, fewer channels): compiles dominate on a CPU.
SMOKE_MODEL = {
    "mlp_f1": dict(hidden=(16,) * 5),
    "lenet5_bn": dict(channels=(2, 4), hidden=(8, 8)),
    "alexnet_cifar": dict(channels=(4, 4), hidden=(8, 8)),
    "vgg16_bn": dict(width_mult=1 / 16),
    "resnet44": dict(depth=8, width_mult=0.25),
    "resnet44x2": dict(depth=8, width_mult=0.5),
    "resnet20": dict(depth=8, width_mult=0.25),
}
SIZES = ("paper", "reduced")


def base_config(data: str, model: str, *, smoke: bool, flatten: bool = False,
                dropout: float = 0.0):
  """A wen2019.train config: data, model, momentum 0.9, weight decay 5e-4, evaluation on 10k
  training examples; smoke mode shrinks the data, the batches and the model widths."""
  c = configlib.base(program="wen2019.train", data=data, model=model)
  c.data.flatten = flatten
  if dropout:
    c.model.dropout = dropout
  c.optimizer.momentum = 0.9
  c.optimizer.weight_decay = 5e-4
  c.eval.train_n = 10000
  c.eval.batch_size = 2000
  c.runs.repeats = 3
  c.figure = False
  if smoke:
    c.data.standin = "fixture"
    c.data.n_train = 512
    c.data.n_test = 256
    c.eval.train_n = 256  # = n_test: one compiled evaluator for every split
    c.runs.repeats = 2
    for k, v in SMOKE_MODEL.get(model, {}).items():
      c.model[k] = v
    e = c.experiment
    e.small_batch, e.large_batch = 32, 128
    e.epochs = 6.0
    e.eval_every_epochs = 3.0
    e.checkpoint_every_epochs = 3.0
  return c


def table_config(row_key: str, arg):
  """The Table-1 row `row_key` (method lb_diag; its sweep adds sb and lb)."""
  row = ROWS[row_key]
  opts = configlib.parse_arg(arg, smoke=False, size="paper")
  if opts.size not in SIZES:
    raise ValueError(f"config option size={opts.size!r} not in {SIZES}")
  c = base_config(row.data, row.model, smoke=opts.smoke, flatten=row.flatten,
                  dropout=row.dropout)
  c.name = f"wen2019 Table 1: {row.model} on {row.data}"
  e = c.experiment
  e.method = "lb_diag"
  if row.tuned:
    c.data.n_val = 256 if opts.smoke else 5000
    e.sb_lr_grid = SB_GRID[1:] if opts.smoke else SB_GRID
    e.lb_lr_grid = LB_GRID[:2] if opts.smoke else LB_GRID
  else:
    e.lb_lr = float(row.diag_lr)
  if opts.size == "reduced" and not opts.smoke:
    e.epochs = 50.0
    e.eval_every_epochs = 5.0
    e.checkpoint_every_epochs = 5.0
    c.name += " (reduced: 50 epochs)"
  return c


def table_sweep(row_key: str, add) -> None:
  """SB, LB and LB + diag; the first trial is the config itself (LB + diag)."""
  row = ROWS[row_key]
  add()
  add(**{"experiment.method": "sb"})
  if row.tuned:
    add(**{"experiment.method": "lb"})
  else:
    add(**{"experiment.method": "lb", "experiment.lb_lr": float(row.lb_lr)})


TABLE2_METHODS = ("batch_change", "multiplicative", "kfac", "trace")


def table2_sweep(add) -> None:
  """The four extra columns of Table 2; SB, LB and Diag-F come from the Table-1 row."""
  add()
  for m in TABLE2_METHODS[1:]:
    add(**{"experiment.method": m})
  add(**{"experiment.method": "multiplicative", "experiment.multiplicative_sigma": 1.0})
