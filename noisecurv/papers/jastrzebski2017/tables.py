"""Reading jastrzebski2017 results into arrays (figures and claims use only this and `stats`).

Everything goes through `Results` (which run directories belong to an experiment at a
scale) and `noisecurv.results.Run` (metrics, arrays, status). At smoke scale a sweep
config is represented by its base run (the one CI runs); at paper scale by the finished
trials of its sweep.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from noisecurv.reproductions import MissingResult

ROOT = "configs/jastrzebski2017/"
CONFIGS = {
    "e0a": ROOT + "theory_ou_stationary_loss.py",
    "e0b": ROOT + "theory_linreg_online_sgd.py",
    "e0c": ROOT + "theory_minibatch_covariance.py",
    "e0d": ROOT + "theory_gibbs_double_well.py",
    "e0e": ROOT + "theory_cov_vs_hessian.py",
    "fig1": ROOT + "fig1_cyclic_lr_vs_bs_vgg11.py",
    "fig2_resnet": ROOT + "fig2_lr_rescaling_resnet56.py",
    "fig2_vgg": ROOT + "fig2_lr_rescaling_vgg11.py",
    "fig3": ROOT + "fig3_lr_bs_grid_fmnist_mlp.py",
    "fig3_equal_loss": ROOT + "fig3_equal_loss_control.py",
    "fig4_endpoints": ROOT + "fig4_resnet56_endpoints.py",
    "fig4_resnet": ROOT + "fig4_interp_resnet56.py",
    "fig4_vgg": ROOT + "fig4_interp_vgg11.py",
    "fig5": ROOT + "fig5_beta_breakdown_vgg11.py",
    "tab1_tune": ROOT + "tab1_cyclic_schedules_tune.py",
    "tab1": ROOT + "tab1_cyclic_schedules.py",
    "fig6": ROOT + "fig6_memorization_mnist.py",
    "step_swap": ROOT + "step_schedule_swap.py",
}


def trials(res, key: str) -> list[tuple[dict[str, Any], Any]]:
  """[(overrides, Run)]: the base run at smoke scale, the finished sweep trials at paper scale."""
  config = CONFIGS[key]
  if res.scale == "smoke":
    return [({}, res.run(config))]
  out = [(ov, r) for ov, r in res.sweep(config) if r is not None]
  if not out:
    raise MissingResult(f"{config} ({res.scale}): no finished sweep trial")
  return out


def experiment(run) -> dict[str, Any]:
  """The run's `experiment` section (the scale-free keys of jastrzebski2017.train)."""
  return run.config.get("experiment", {})


def runs_info(run) -> dict[str, Any]:
  p = run.path / "runs.json"
  return json.loads(p.read_text()) if p.exists() else {}


def standin(run) -> bool:
  """Whether the run trained on a labelled random stand-in of its dataset (smoke, no files)."""
  return bool(runs_info(run).get("standin_data", False))


def specs(run) -> list[dict[str, Any]]:
  """Per run of the ensemble: seed, lr, momentum, batch_size, label_noise (derived values)."""
  return run.runs


def diverged(run) -> np.ndarray:
  """(R,) bool: the run produced a non-finite loss."""
  d = run.status.get("diverged_runs", {}) or {}
  out = np.zeros(run.n_runs, bool)
  for k in d:
    out[int(k)] = True
  return out


def epochs_by_step(run) -> dict[int, float]:
  return {int(r["step"]): float(r["epoch"]) for r in run.rows() if "epoch" in r}


def curve(run, key: str) -> tuple[np.ndarray, np.ndarray]:
  """(epochs (T,), values (T, R)) at the rows where `key` was logged (any run finite)."""
  s = run.metric(key)
  ep = epochs_by_step(run)
  ok = np.isfinite(s.values).any(axis=1) & np.array([int(t) in ep for t in s.steps])
  return np.array([ep[int(t)] for t in s.steps[ok]]), s.values[ok]


def final(run, key: str) -> np.ndarray:
  """(R,) last finite value of `key` per run (NaN where never finite)."""
  m = run.metrics()
  return m[key].last() if key in m else np.full(run.n_runs, np.nan)


def grid_rows(run, keys: dict[str, str]) -> list[dict[str, Any]]:
  """One dict per run of a grid run directory: its hyperparameters, η/S, η/(S(1 − μ)),
  divergence, and the final value of each metric in `keys` (output name -> metric key)."""
  finals = {name: final(run, k) for name, k in keys.items()}
  div = diverged(run)
  rows = []
  for i, sp in enumerate(specs(run)):
    row = dict(sp)
    row["ratio"] = sp["lr"] / sp["batch_size"]
    row["ratio_eff"] = row["ratio"] / (1.0 - sp["momentum"])
    row["diverged"] = bool(div[i])
    row.update({name: float(v[i]) for name, v in finals.items()})
    rows.append(row)
  return rows


def rows_of(res, key: str, metrics: dict[str, str], label: str = "") -> list[dict[str, Any]]:
  """grid_rows of every finished trial of a grid experiment (each trial one run directory)."""
  out = []
  for ov, run in trials(res, key):
    for row in grid_rows(run, metrics):
      row["trial"] = label or json.dumps(ov, sort_keys=True)
      row["label_noise_trial"] = run.config.get("data", {}).get("label_noise", 0.0)
      out.append(row)
  return out


def column(rows: list[dict[str, Any]], name: str) -> np.ndarray:
  return np.array([r.get(name, np.nan) for r in rows], float)
