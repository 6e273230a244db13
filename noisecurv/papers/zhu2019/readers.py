"""Reading zhu2019 results back for figures and claims (results only, never training code)."""

from __future__ import annotations

import json
import pathlib

import numpy as np

from noisecurv.results import Run

SAMPLERS = "configs/zhu2019/check_noise_samplers.py"
SURFACE = "configs/zhu2019/fig9_toy_surface.py"
ESCAPE = "configs/zhu2019/fig2_toy_escape.py"
ESCAPE_1000 = "configs/zhu2019/fig2_toy_escape_1000runs.py"
ONE_HIDDEN = "configs/zhu2019/fig4_one_hidden_layer.py"
FMNIST_PRETRAIN = "configs/zhu2019/fmnist_gd_pretrain.py"
FIG3 = "configs/zhu2019/fig3_fmnist_dynamics.py"
FIG8 = "configs/zhu2019/fig8_fmnist_first50.py"
FIG5 = "configs/zhu2019/fig5_fmnist_curvature.py"
FIG7 = "configs/zhu2019/fig7_fmnist_noise_vs_grad.py"
SWEEP_LR = "configs/zhu2019/fmnist_sweep_gd_lr.py"
SWEEP_SIGMA = "configs/zhu2019/fmnist_sweep_gld_const_sigma.py"
OU = "configs/zhu2019/check_ou_escape.py"
PROP1 = "configs/zhu2019/check_prop1_scaling.py"
APPENDIX_B = "configs/zhu2019/check_appendixB_nonconvex.py"
FIG1 = "configs/zhu2019/fig1_generalization.py"
VGG_DATASETS = ("svhn", "cifar10")


def pretrain_config(dataset: str) -> str:
  if dataset == "fashion_mnist":
    return FMNIST_PRETRAIN
  return f"configs/zhu2019/{dataset}_gd_pretrain.py"


def fig6_config(dataset: str, scale: str) -> str:
  """The Fig. 6 run a scale reads: the full config at smoke, the reduced one at paper scale."""
  return f"configs/zhu2019/fig6_{dataset}_{'dynamics' if scale == 'smoke' else 'reduced'}.py"


def json_file(run: Run, name: str) -> dict:
  return json.loads((pathlib.Path(run.path) / name).read_text())


def row(run: Run, step: int | None = None) -> dict[str, float]:
  """{metric: value of run 0} at `step` (the last logged step when None)."""
  m = run.metrics()
  out = {}
  for k, s in m.items():
    if step is None:
      v = s.last()[0]
    else:
      i = np.searchsorted(s.steps, step)
      v = s.values[i, 0] if i < len(s.steps) and s.steps[i] == step else np.nan
    if np.isfinite(v):
      out[k] = float(v)
  return out


class Diffusion:
  """A finished `zhu2019.diffusion` run: series per dynamic, θ*_GD's step and accuracy."""

  def __init__(self, run: Run):
    self.run = run
    self.info = json_file(run, "diffusion.json")
    self.offset = int(self.info["pretrain_steps"])
    self.dynamics = list(self.info["dynamics"])
    self.standin = bool(json_file(run, "runs.json").get("standin_data", False))

  def series(self, dyn: str, key: str, r: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(global steps, values) of `<dyn>/<key>` for seed r (finite values only)."""
    m = self.run.metrics()
    name = f"{dyn}/{key}"
    if name not in m:
      return np.zeros(0), np.zeros(0)
    return m[name].run(r)

  def final(self, dyn: str, key: str, r: int = 0) -> float:
    s, v = self.series(dyn, key, r)
    return float(v[-1]) if len(v) else float("nan")

  def start(self, key: str = "train/accuracy") -> float:
    """The value at θ*_GD (the first row of the first dynamic)."""
    s, v = self.series(self.dynamics[0], key)
    return float(v[0]) if len(v) else float("nan")

  @property
  def seeds(self) -> int:
    return int(self.info.get("seeds", 1))
