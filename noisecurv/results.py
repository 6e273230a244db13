"""Reading run directories back: metrics as (steps, runs) arrays, arrays, status.

Figures and claim checks use only this module (and numpy), never the training code.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
from typing import Any

import numpy as np


@dataclasses.dataclass
class Series:
  """One metric: `values[t, r]` at `steps[t]` for run r (NaN where not logged)."""

  steps: np.ndarray
  values: np.ndarray

  def last(self) -> np.ndarray:
    """Per run, the last finite value (NaN if none)."""
    out = np.full(self.values.shape[1], np.nan)
    for r in range(self.values.shape[1]):
      col = self.values[:, r]
      ok = np.isfinite(col)
      if ok.any():
        out[r] = col[ok][-1]
    return out

  def at(self, step: int) -> np.ndarray:
    i = np.searchsorted(self.steps, step)
    if i >= len(self.steps) or self.steps[i] != step:
      raise KeyError(f"step {step} not logged")
    return self.values[i]

  def run(self, r: int) -> tuple[np.ndarray, np.ndarray]:
    ok = np.isfinite(self.values[:, r])
    return self.steps[ok], self.values[ok, r]


def _num(v: Any) -> float:
  if v is None:
    return np.nan
  if isinstance(v, str):
    return float(v)  # "nan", "inf"
  if isinstance(v, bool):
    return float(v)
  return float(v)


class Run:
  """A run directory opened for reading."""

  def __init__(self, path: str | pathlib.Path):
    self.path = pathlib.Path(path)
    if not self.path.exists():
      raise FileNotFoundError(f"no run directory {self.path}")
    self._metrics: dict[str, Series] | None = None

  def _json(self, name: str, default: Any = None) -> Any:
    p = self.path / name
    return json.loads(p.read_text()) if p.exists() else default

  @property
  def status(self) -> dict[str, Any]:
    return self._json("status.json", {})

  @property
  def config(self) -> dict[str, Any]:
    return self._json("config.json", {})

  @property
  def runs(self) -> list[dict[str, Any]]:
    return self._json("runs.json", {"runs": [{"index": 0}]})["runs"]

  @property
  def n_runs(self) -> int:
    return len(self.runs)

  def rows(self) -> list[dict[str, Any]]:
    p = self.path / "metrics.jsonl"
    if not p.exists():
      return []
    out = []
    for line in p.read_text().splitlines():
      if line.strip():
        try:
          out.append(json.loads(line))
        except json.JSONDecodeError:
          continue
    return out

  def metrics(self) -> dict[str, Series]:
    """Every logged metric as a Series over (steps, runs)."""
    if self._metrics is not None:
      return self._metrics
    rows = self.rows()
    n = max(self.n_runs, 1)
    steps = sorted({int(r["step"]) for r in rows})
    pos = {s: i for i, s in enumerate(steps)}
    data: dict[str, np.ndarray] = {}
    for row in rows:
      t = pos[int(row["step"])]
      runs = row.get("run", 0)
      runs = runs if isinstance(runs, list) else [runs]
      for k, v in row.items():
        if k in ("step", "run"):
          continue
        vals = v if isinstance(v, list) else [v]
        if len(vals) != len(runs):
          continue
        if k not in data:
          data[k] = np.full((len(steps), n), np.nan)
        for r, x in zip(runs, vals):
          data[k][t, r] = _num(x)
    self._metrics = {k: Series(np.asarray(steps), v) for k, v in data.items()}
    return self._metrics

  def metric(self, name: str) -> Series:
    m = self.metrics()
    if name not in m:
      raise KeyError(f"{self.path}: no metric {name!r}; have {sorted(m)}")
    return m[name]

  def array_steps(self, name: str) -> list[int]:
    d = self.path / "arrays" / name
    return sorted({int(p.name[:9]) for p in d.glob("*.npz")}) if d.exists() else []

  def arrays(self, name: str, step: int) -> dict[str, np.ndarray]:
    """Arrays of probe `name` at `step`, merged over groups of runs (leading axis = run)."""
    d = self.path / "arrays" / name
    files = sorted(d.glob(f"{step:09d}*.npz"))
    if not files:
      raise FileNotFoundError(f"{d}: no arrays at step {step}")
    parts = [dict(np.load(f)) for f in files]
    if len(parts) == 1:
      return parts[0]
    order = np.argsort(np.concatenate([p["run"] for p in parts]))
    return {k: np.concatenate([p[k] for p in parts])[order] for k in parts[0]}


def runs_under(root: str | pathlib.Path, config_name: str) -> list[Run]:
  d = pathlib.Path(root) / config_name
  if not d.exists():
    return []
  return [Run(p) for p in sorted(d.iterdir()) if (p / "status.json").exists()]
