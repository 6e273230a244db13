"""Expanding `config.runs` into the runs of an ensemble.

Each run has a seed and scalar hyperparameters. Runs that share a batch size
form one group (one compiled program, vmapped over its runs); groups run one
after another, and a group may be cut into chunks of `runs.chunk_size` runs.
Run seeds are `config.seed + repeat`, so runs that differ only in a
hyperparameter share their initialisation and data order (common random
numbers), and run i of an ensemble equals the same run launched alone.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np

AXES = ("lr", "momentum", "noise_scale", "label_noise", "batch_size")


@dataclasses.dataclass(frozen=True)
class RunSpec:
  index: int
  seed: int
  lr: float
  momentum: float
  noise_scale: float  # multiplies the injected noise (1 = as configured)
  label_noise: float
  batch_size: int

  def label(self) -> str:
    return (f"run {self.index}: seed={self.seed} lr={self.lr:g} momentum={self.momentum:g} "
            f"noise_scale={self.noise_scale:g} label_noise={self.label_noise:g} "
            f"batch_size={self.batch_size}")


def expand(config) -> list[RunSpec]:
  r = config.runs
  axes = {a: tuple(r[a]) for a in AXES if len(r[a])}
  if r.grid == "product":
    combos = list(itertools.product(*axes.values())) if axes else [()]
  elif r.grid == "zip":
    lens = {len(v) for v in axes.values()}
    if len(lens) > 1:
      got = {a: len(v) for a, v in axes.items()}
      raise ValueError(f"runs.grid='zip' needs equal lengths, got {got}")
    combos = list(zip(*axes.values())) if axes else [()]
  else:
    raise ValueError(f"runs.grid {r.grid!r} not in ('product', 'zip')")
  if r.repeats < 1:
    raise ValueError("runs.repeats must be >= 1")
  base = dict(lr=float(config.optimizer.lr), momentum=float(config.optimizer.momentum),
              noise_scale=1.0, label_noise=float(config.data.label_noise),
              batch_size=int(config.train.batch_size))
  specs = []
  for combo in combos:
    vals = dict(base)
    vals.update(dict(zip(axes.keys(), combo)))
    for rep in range(r.repeats):
      specs.append(RunSpec(len(specs), int(config.seed) + rep, float(vals["lr"]),
                           float(vals["momentum"]), float(vals["noise_scale"]),
                           float(vals["label_noise"]), int(vals["batch_size"])))
  return specs


def groups(specs: list[RunSpec], chunk_size: int) -> list[list[RunSpec]]:
  """Runs grouped by batch size (in order of first appearance), then chunked."""
  by_bs: dict[int, list[RunSpec]] = {}
  for s in specs:
    by_bs.setdefault(s.batch_size, []).append(s)
  out = []
  for g in by_bs.values():
    n = chunk_size if chunk_size > 0 else len(g)
    out.extend(g[i:i + n] for i in range(0, len(g), n))
  return out


def varied_axes(config) -> tuple[str, ...]:
  return tuple(a for a in AXES if len(config.runs[a]))


def as_arrays(specs: list[RunSpec]) -> dict[str, np.ndarray]:
  return {
      "seed": np.array([s.seed for s in specs], np.int32),
      "lr": np.array([s.lr for s in specs], np.float32),
      "momentum": np.array([s.momentum for s in specs], np.float32),
      "noise_scale": np.array([s.noise_scale for s in specs], np.float32),
      "label_noise": np.array([s.label_noise for s in specs], np.float32),
  }
