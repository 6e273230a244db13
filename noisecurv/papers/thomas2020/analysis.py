"""Reading the neural-network results back: shards of a suite, and per-(run, probe) point tables.

A suite's run directory (program `thomas2020.shards`) has `shards.json`; every shard is a
`train` run directory whose metrics hold, per run of its ensemble, the evaluation losses
(`train/loss`, `test/loss`, accuracies) and the `thomas2020.info` probes `test` (every probe
time but the last, no eigendecompositions), `final` (the last step, everything) and `train`
(F and C on a training subset). Only numpy and `noisecurv.results` are used here.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import pathlib
from typing import Any

import numpy as np

from noisecurv.results import Run

EVAL = ("train/loss", "test/loss", "train/accuracy", "test/accuracy")


@dataclasses.dataclass
class Shard:
  name: str
  labels: dict[str, Any]
  run: Run


def open_shards(suite_path: str | pathlib.Path) -> list[Shard]:
  """The finished shards listed in a suite's shards.json (paths relative to its parents[1])."""
  suite_path = pathlib.Path(suite_path)
  index = json.loads((suite_path / "shards.json").read_text())
  base = suite_path.parents[1]
  out = []
  for name, v in index.items():
    p = base / v["path"]
    if v.get("status") in ("done", "diverged") and p.exists():
      out.append(Shard(name, {k: x for k, x in v.items() if k not in ("path", "status")}, Run(p)))
  return out


def points(shards: list[Shard], probe: str) -> list[dict[str, Any]]:
  """One row per (shard, run, step at which `probe` has a finite output).

  Each row has the shard's labels, the run's hyperparameters (lr, batch_size, seed,
  label_noise), the step, the probe's outputs (without the probe prefix), the evaluation
  metrics at that step and gap = test/loss − train/loss. Diverged runs give no rows.
  """
  rows = []
  for sh in shards:
    m = sh.run.metrics()
    keys = [k for k in m if k.startswith(probe + "/")]
    if not keys:
      continue
    steps = m[keys[0]].steps
    specs = sh.run.runs
    last = int(steps.max()) if steps.size else -1
    for r, spec in enumerate(specs):
      for i, step in enumerate(steps):
        vals = {k[len(probe) + 1:]: float(m[k].values[i, r]) for k in keys}
        if not any(np.isfinite(v) for v in vals.values()):
          continue
        row = dict(shard=sh.name, **sh.labels, run=r, step=int(step), last=int(step) == last,
                   lr=spec.get("lr"), batch_size=spec.get("batch_size"), seed=spec.get("seed"),
                   level=spec.get("label_noise"), **vals)
        for k in EVAL:
          row[k] = float(m[k].values[i, r]) if k in m else float("nan")
        row["gap"] = row["test/loss"] - row["train/loss"]
        rows.append(row)
  return rows


def column(rows: list[dict], key: str) -> np.ndarray:
  return np.asarray([r.get(key, np.nan) for r in rows], float)


def where(rows: list[dict], **eq: Any) -> list[dict]:
  return [r for r in rows if all(r.get(k) == v for k, v in eq.items())]


def write_points(out: pathlib.Path, name: str, rows: list[dict], keys: list[str]) -> pathlib.Path:
  out.mkdir(parents=True, exist_ok=True)
  p = out / f"{name}.csv"
  with open(p, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(keys)
    for r in rows:
      w.writerow([f"{r.get(k):.6g}" if isinstance(r.get(k), float) else r.get(k) for k in keys])
  return p


def diverged_runs(shards: list[Shard]) -> int:
  """Runs recorded as diverged (non-finite loss) in the shards' status files."""
  return sum(len(sh.run.status.get("diverged_runs", {})) for sh in shards)


def summarise(figure: str, shards: list[Shard], out: pathlib.Path) -> dict[str, float]:
  """A figure's statistics (figstats) written to summary.json, its points to <figure>.csv."""
  from noisecurv.papers.thomas2020 import figstats

  fn, probes, keys = figstats.SUMMARIES[figure]
  rows = [r for p in probes.split("+") for r in points(shards, p)]
  stats = fn(rows)
  stats["diverged_runs"] = diverged_runs(shards)
  write_points(out, figure, rows, ["shard", "dataset", "arch", "n_train", "run", "lr",
                                   "batch_size", "seed", "level", "step", *keys])
  (out / "summary.json").write_text(json.dumps(_jsonable(stats), indent=1, sort_keys=True))
  return {k: v for k, v in stats.items() if isinstance(v, (int, float))}


def _jsonable(v):
  if isinstance(v, dict):
    return {str(k): _jsonable(x) for k, x in v.items()}
  if isinstance(v, (list, tuple)):
    return [_jsonable(x) for x in v]
  if isinstance(v, (float, np.floating)):
    return float(v) if np.isfinite(v) else str(float(v))
  if isinstance(v, np.integer):
    return int(v)
  return v
