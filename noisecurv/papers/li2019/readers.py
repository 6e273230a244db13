"""Reading li2019 runs back (results only): ensemble trajectories, records, spectra, bounds."""

from __future__ import annotations

import dataclasses
import json

import numpy as np

from noisecurv.results import Run

G10 = "configs/li2019/fig1_gauss10_ensemble.py"
G2 = "configs/li2019/fig13_gauss2_ensemble.py"
BOUND = "configs/li2019/fig11_bound_label_noise.py"
LITERAL = "configs/li2019/fig1_gauss10_literal.py"
MNIST3 = "configs/li2019/fig3_mnist_subspaces.py"
MNIST21 = "configs/li2019/fig21_mnist_dynamics.py"
CIFAR4 = "configs/li2019/fig4_cifar10_subspaces.py"
CIFAR22 = "configs/li2019/fig22_cifar10_dynamics.py"
THM3 = "configs/li2019/ext_thm3_adaptive_sgd.py"
ADAM = "configs/li2019/ext_adam_vs_precond.py"
THEORY = tuple(
  f"configs/li2019/theory_{n}.py"
  for n in ("prop1_decomposition", "table1_examples", "cor3_scale_invariance", "thm4_kl_terms")
)


def ov(noise: float, batch: int | None = None) -> dict:
  """Sweep overrides naming one (label noise, batch) setting, as sweep(add) adds them."""
  d = {"experiment.label_noise": noise}
  if batch is not None:
    d["experiment.batch"] = batch
  return d


@dataclasses.dataclass
class Ensemble:
  run: Run
  schedule: dict
  dyn: dict  # concatenated per-step arrays
  rec_steps: list
  rec: dict  # key -> (records, runs, ...)
  spec: dict  # step -> arrays
  bound: dict | None


def load_ensemble(run: Run) -> Ensemble:
  sched = json.loads((run.path / "schedule.json").read_text())
  parts = [run.arrays("dyn", s) for s in run.array_steps("dyn")]
  dyn = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if parts else {}
  rs = run.array_steps("rec")
  recs = [run.arrays("rec", s) for s in rs]
  rec = {k: np.stack([r[k] for r in recs]) for k in recs[0]} if recs else {}
  spec = {s: run.arrays("spec", s) for s in run.array_steps("spec")}
  bs = run.array_steps("bound")
  return Ensemble(run, sched, dyn, rs, rec, spec, run.arrays("bound", bs[-1]) if bs else None)


def theory_values(res) -> dict:
  out = {}
  for c in THEORY:
    out.update(json.loads((res.run(c).path / "theory.json").read_text()))
  return out


def ensemble(res, config: str, noise: float, batch: int | None = 5) -> Ensemble:
  """The ensemble run of (noise, batch): a sweep trial at paper scale, the base config at smoke."""
  if res.scale == "smoke":
    return load_ensemble(res.run(config))
  return load_ensemble(res.run(config, ov(noise, batch)))
