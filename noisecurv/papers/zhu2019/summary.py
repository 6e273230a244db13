"""Fig. 1 (spec E11): the generalisation summary of the SVHN and CIFAR-10 diffusion runs.

No training of its own: for each source config (the Fig. 6 runs, at `source_arg`), the final
test and train accuracy and the final expected sharpness of every dynamic, and SGD's margin
over the best of the others. Missing source runs are run first when `run_missing`.
"""

from __future__ import annotations

import json

import numpy as np

from noisecurv import configlib
from noisecurv.papers.zhu2019.diffusion import REPO, results_root
from noisecurv.results import Run

SUMMARY_DEFAULTS = dict(
    sources=("configs/zhu2019/fig6_svhn_dynamics.py", "configs/zhu2019/fig6_cifar10_dynamics.py"),
    source_arg="",
    run_missing=True,
)


def final_values(r: Run, dyn: str) -> dict[str, float]:
  """Last logged test/train accuracy and sharpness probes of `dyn` (run 0)."""
  m = r.metrics()
  out = {}
  for key in (f"{dyn}/test/accuracy", f"{dyn}/train/accuracy"):
    if key in m:
      out[key.split("/", 1)[1]] = float(m[key].last()[0])
  for key in m:
    if key.startswith(f"{dyn}/") and key.endswith("/sharpness"):
      out[key.split("/", 1)[1]] = float(m[key].last()[0])
  return out


def generalization_summary(config, run) -> None:
  """E11: one metrics row `<dataset>/<dynamic>/<quantity>` and summary.json."""
  from noisecurv.runner import launch

  e = config.experiment
  arg = e.source_arg or None
  row, summary = {"step": 0}, {}
  for src in e.sources:
    cfg = launch.load_config_file(str(REPO / src), arg)
    path = launch.run_dir_for(src, arg, {}, cfg, str(results_root(run)))
    status = Run(path).status.get("status") if path.exists() else None
    if status != "done":
      if not e.run_missing:
        raise FileNotFoundError(f"{src}:{arg or ''} has no finished run at {path}")
      launch.execute(cfg, path, name=configlib.config_name(src), command=f"{run.name}: source")
    r = Run(path)
    info = json.loads((path / "diffusion.json").read_text())
    name = cfg.data.name
    per = {dyn: final_values(r, dyn) for dyn in info["dynamics"]}
    others = [v.get("test/accuracy", np.nan) for d, v in per.items() if d != "sgd"]
    if "sgd" in per and others:
      margin = per["sgd"].get("test/accuracy", np.nan) - float(np.nanmax(others))
      row[f"{name}/sgd_margin"] = margin
    for dyn, vals in per.items():
      row.update({f"{name}/{dyn}/{k}": v for k, v in vals.items()})
    summary[name] = {"source": src, "path": str(path), "final": per,
                     "standin_data": bool(json.loads((path / "runs.json").read_text())
                                          .get("standin_data", False))}
  run.log(row)
  run.dir.write_json("summary.json", summary)
