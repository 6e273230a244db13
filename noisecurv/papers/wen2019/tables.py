"""Reading the table runs back: the chosen learning rate and the seeds' test accuracy.

A `wen2019.train` run is an ensemble over (learning rate × seed). Its entry in a table is the
rate with the best mean final accuracy on the held-out split (`val/accuracy`; the only rate when
there is no grid or no held-out split) and the final test accuracy of that rate's seeds, in %.
Only `noisecurv.results` is used (results, never training code).
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np

from noisecurv.results import Run


@dataclasses.dataclass(frozen=True)
class Entry:
  method: str
  lr: float
  runs: tuple[int, ...]  # run indices of the chosen rate
  seeds: tuple[int, ...]
  test: np.ndarray  # final test accuracy (%) per seed
  best_epoch_test: np.ndarray  # best test accuracy over the evaluations (%) per seed
  val: float  # mean final held-out accuracy (%) of the chosen rate (NaN without a split)
  by_lr: dict  # rate -> (mean val %, mean test %)
  standin: bool
  diverged: int  # runs of the chosen rate that diverged

  @property
  def mean(self) -> float:
    return float(np.mean(self.test))

  @property
  def std(self) -> float:
    return float(np.std(self.test, ddof=1)) if self.test.size > 1 else float("nan")

  @property
  def se(self) -> float:
    return self.std / np.sqrt(self.test.size) if self.test.size > 1 else float("nan")


def method_of(run: Run) -> str:
  """The run's regime; a multiplicative run with an explicit σ_m is `multiplicative_sigma<σ>`."""
  e = run.config.get("experiment", {})
  m = str(e.get("method", ""))
  if m == "multiplicative" and float(e.get("multiplicative_sigma", 0.0) or 0.0):
    m += f"_sigma{float(e['multiplicative_sigma']):g}"
  return m


def standin(run: Run) -> bool:
  """Whether the run trained on the random stand-in of a missing dataset (not the real data)."""
  p = run.path / "runs.json"
  return bool(json.loads(p.read_text()).get("standin_data", False)) if p.exists() else False


def entry(run: Run) -> Entry:
  """The table entry of a finished wen2019.train run (module docstring)."""
  m = run.metrics()
  specs = run.runs
  lrs = np.array([float(s["lr"]) for s in specs])
  test = m["test/accuracy"].last() * 100 if "test/accuracy" in m else np.full(len(specs), np.nan)
  best = (np.nanmax(m["test/accuracy"].values, axis=0) * 100 if "test/accuracy" in m
          else np.full(len(specs), np.nan))
  val = m["val/accuracy"].last() * 100 if "val/accuracy" in m else np.full(len(specs), np.nan)
  by_lr = {}
  for lr in np.unique(lrs):
    sel = lrs == lr
    by_lr[float(lr)] = (float(np.nanmean(val[sel])) if np.isfinite(val[sel]).any()
                        else float("nan"), float(np.nanmean(test[sel])))
  if len(by_lr) > 1 and np.isfinite([v for v, _ in by_lr.values()]).any():
    chosen = max(by_lr, key=lambda r: -np.inf if not np.isfinite(by_lr[r][0]) else by_lr[r][0])
  else:
    chosen = float(lrs[0])
  sel = np.flatnonzero(lrs == chosen)
  div = run.status.get("diverged_runs", {})
  return Entry(method_of(run), chosen, tuple(int(i) for i in sel),
               tuple(int(specs[i]["seed"]) for i in sel), test[sel], best[sel],
               by_lr[chosen][0], by_lr, standin(run), sum(str(i) in div for i in sel))


def row_entries(trials) -> dict[str, Entry]:
  """{method: Entry} of the finished trials [(overrides, Run | None)] of one table row."""
  out = {}
  for _, run in trials:
    if run is not None:
      out[method_of(run)] = entry(run)
  return out


def gap_stats(sb: Entry, lb: Entry, diag: Entry) -> dict[str, float]:
  """gap = SB − LB, improvement = LB+diag − LB, recovered = improvement/gap, with the SEs of the
  differences of means (independent seeds)."""
  gap = sb.mean - lb.mean
  imp = diag.mean - lb.mean
  return {"gap": gap, "gap_se": float(np.hypot(sb.se, lb.se)), "improvement": imp,
          "improvement_se": float(np.hypot(diag.se, lb.se)),
          "recovered": imp / gap if gap != 0 else float("nan")}
