"""Names shared by the wen2019 figures and claims: config paths, data availability, readers."""

from __future__ import annotations

import functools

import numpy as np

from noisecurv.reproductions import MissingResult

D = "configs/wen2019/"
FIG1 = D + "fig1_regression_noise_clouds.py"
FIG4 = D + "fig4_quadratic_full_vs_diag.py"
THM41 = D + "thm41_quadratic_rate.py"
APPB = D + "appB_ou_hellinger.py"
FIG2 = D + "fig2_grad_variance_resnet44_cifar10.py"
FIG3 = D + "fig3_train_error_per_update_resnet44_cifar10.py"
FIG5A = D + "fig5a_fisher_frobenius_resnet44_cifar10.py"
FIG5B = D + "fig5b_hessian_lmax.py"
CAPTION = D + "table1_caption_lb_fullfisher_resnet44_cifar10.py"
APPE1 = D + "appE1_noise_termination_lenet_fmnist.py"
ESTIMATORS = D + "ablation_diag_estimators_lenet_fmnist.py"
NOISE_SCALE = D + "ablation_noise_scale_lenet_fmnist.py"
TABLE2_ROWS = ("vgg16_cifar10", "vgg16_cifar100", "resnet44_cifar10", "resnet44x2_cifar100",
               "lenet_fmnist")


def table1(row: str) -> str:
  return f"{D}table1_{row}.py"


def table2(row: str) -> str:
  return f"{D}table2_{row}.py"


@functools.cache
def dataset_available(name: str) -> bool:
  """Whether the official files of `name` are in the data directory (no stand-in)."""
  from noisecurv import configlib, registry
  from noisecurv.data.files import DatasetNotFoundError

  cfg = configlib.base(data=name).data
  try:
    registry.DATASETS.get(name).fn(cfg, 0)
  except DatasetNotFoundError:
    return False
  return True


def single_row(run) -> dict:
  """The only metrics row of a toy program's run, as {key: value}."""
  rows = run.rows()
  if not rows:
    raise MissingResult(f"{run.path}: no metrics row")
  return rows[-1]


def finished_trials(res, config: str) -> list:
  """(overrides, Run) of the config's finished sweep trials; MissingResult if none finished."""
  out = [(ov, r) for ov, r in res.sweep(config) if r is not None]
  if not out:
    raise MissingResult(f"{config} ({res.scale}): no finished trial")
  return out


def se(x) -> float:
  x = np.asarray(x, np.float64)
  return float(np.std(x, ddof=1) / np.sqrt(x.size)) if x.size > 1 else float("nan")
