"""A run directory: config, status, append-only metrics, arrays.

    <root>/<config name>/<slug>/
      config.json     the resolved config
      run.json        command, versions, device, timings
      status.json     {"status": running|done|diverged|failed, ...}
      metrics.jsonl   one row per logged step (values are lists over `run` in an ensemble)
      arrays/<name>/<step:09d>.npz
      checkpoints/
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

STATUSES = ("running", "done", "diverged", "failed")


def _atomic_write(path: pathlib.Path, text: str) -> None:
  tmp = path.with_suffix(path.suffix + ".tmp")
  tmp.write_text(text)
  os.replace(tmp, path)


def _jsonable(v: Any) -> Any:
  if isinstance(v, Mapping):
    return {str(k): _jsonable(x) for k, x in v.items()}
  if isinstance(v, (list, tuple)):
    return [_jsonable(x) for x in v]
  if isinstance(v, np.ndarray) or hasattr(v, "__array__"):
    a = np.asarray(v)
    if a.ndim == 0:
      return _jsonable(a.item())
    return [_jsonable(x) for x in a.tolist()]
  if isinstance(v, float):
    return v if math.isfinite(v) else str(v)  # JSON has no NaN/Inf: "nan", "inf"
  if isinstance(v, (np.floating,)):
    return _jsonable(float(v))
  if isinstance(v, (np.integer,)):
    return int(v)
  if isinstance(v, (np.bool_,)):
    return bool(v)
  return v


class RunDir:
  """Files of one run. All writes are append-only or atomic replacements."""

  def __init__(self, path: str | os.PathLike):
    self.path = pathlib.Path(path)
    self.path.mkdir(parents=True, exist_ok=True)
    (self.path / "arrays").mkdir(exist_ok=True)

  # -- status -----------------------------------------------------------------
  def status(self) -> dict[str, Any]:
    p = self.path / "status.json"
    if not p.exists():
      return {}
    return json.loads(p.read_text())

  def set_status(self, status: str, **info: Any) -> None:
    if status not in STATUSES:
      raise ValueError(f"status {status!r} not in {STATUSES}")
    cur = self.status()
    cur.update(_jsonable(info))
    cur["status"] = status
    cur["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    _atomic_write(self.path / "status.json", json.dumps(cur, indent=1, sort_keys=True))

  def update_status(self, **info: Any) -> None:
    cur = self.status()
    cur.update(_jsonable(info))
    _atomic_write(self.path / "status.json", json.dumps(cur, indent=1, sort_keys=True))

  # -- json files -----------------------------------------------------------------
  def write_json(self, name: str, obj: Any) -> None:
    _atomic_write(self.path / name, json.dumps(_jsonable(obj), indent=1, sort_keys=True))

  def read_json(self, name: str) -> Any:
    return json.loads((self.path / name).read_text())

  # -- metrics ----------------------------------------------------------------
  @property
  def metrics_path(self) -> pathlib.Path:
    return self.path / "metrics.jsonl"

  def log(self, row: Mapping[str, Any]) -> None:
    with open(self.metrics_path, "a") as f:
      f.write(json.dumps(_jsonable(row), sort_keys=True) + "\n")

  def truncate_metrics(self, *, after_step: int, runs: set[int] | None = None) -> None:
    """Drops rows with step > after_step (of the given runs only, if given): used on resume."""
    if not self.metrics_path.exists():
      return
    keep = []
    for line in self.metrics_path.read_text().splitlines():
      if not line.strip():
        continue
      try:
        row = json.loads(line)
      except json.JSONDecodeError:
        continue  # a torn last line from an interrupted write
      if row.get("step", 0) > after_step and (runs is None or _row_runs(row) & runs):
        continue
      keep.append(line)
    _atomic_write(self.metrics_path, "".join(k + "\n" for k in keep))

  # -- arrays -----------------------------------------------------------------
  def save_arrays(self, name: str, step: int, suffix: str = "", **arrays: Any) -> pathlib.Path:
    """Writes arrays/<name>/<step:09d><suffix>.npz (suffix tells groups of runs apart)."""
    d = self.path / "arrays" / name
    d.mkdir(parents=True, exist_ok=True)
    p = d / f"{step:09d}{suffix}.npz"
    tmp = d / f"{step:09d}{suffix}.tmp.npz"
    np.savez_compressed(tmp, **{k: np.asarray(v) for k, v in arrays.items()})
    os.replace(tmp, p)
    return p

  def truncate_arrays(self, *, after_step: int, suffix: str = "") -> None:
    root = self.path / "arrays"
    for p in root.glob(f"*/*{suffix}.npz"):
      try:
        s = int(p.name[:9])
      except ValueError:
        continue
      if s > after_step and p.name[9:] == f"{suffix}.npz":
        p.unlink()


def _row_runs(row: Mapping[str, Any]) -> set[int]:
  r = row.get("run", 0)
  return set(r) if isinstance(r, list) else {int(r)}
