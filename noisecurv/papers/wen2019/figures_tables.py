"""Figures of Tables 1–2 and the ablations W10–W12 (results only; PNG + PDF + CSV)."""

from __future__ import annotations

import numpy as np

from noisecurv.papers.wen2019 import common as cm
from noisecurv.papers.wen2019 import presets, tables
from noisecurv.reproductions import MissingResult
from noisecurv.reproductions.figures import pyplot, save, write_csv

T1 = ("sb", "lb", "lb_diag")
T2 = ("batch_change", "multiplicative", "kfac", "trace")
T2_PAPER_ORDER = ("batch_change", "multiplicative", "kfac", "trace")


def row_entries(res, config: str) -> dict[str, tables.Entry]:
  try:
    return tables.row_entries(res.sweep(config))
  except KeyError:  # not an experiment at this scale
    return {}


def table1_entries(res) -> dict[str, dict[str, tables.Entry]]:
  out = {}
  for key in presets.ROWS:
    ents = row_entries(res, cm.table1(key))
    if ents:
      out[key] = ents
  if not out:
    raise MissingResult(f"no Table-1 row has results at {res.scale} scale")
  return out


def _bars(ax, labels, groups, paper, names):
  width = 0.8 / len(names)
  for j, name in enumerate(names):
    xs = np.arange(len(labels)) + (j - (len(names) - 1) / 2) * width
    ys = [g[name].mean if name in g else np.nan for g in groups]
    es = [g[name].std if name in g else 0.0 for g in groups]
    ax.bar(xs, ys, width, yerr=np.nan_to_num(es), capsize=2, label=f"{name} (measured)")
    ax.scatter(xs, [p.get(name, np.nan) for p in paper], marker="_", s=200, color="k",
               zorder=3, label="paper" if j == 0 else None)
  ax.set_xticks(range(len(labels)))
  ax.set_xticklabels(labels, fontsize=7, rotation=20)
  ax.set_ylabel("test accuracy (%)")
  ax.legend(fontsize=6, ncol=2)


def table1(res, out):
  ents = table1_entries(res)
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(max(6.0, 2.2 * len(ents)), 4.2))
  keys = list(ents)
  paper = [{"sb": presets.ROWS[k].sb, "lb": presets.ROWS[k].lb,
            "lb_diag": presets.ROWS[k].lb_diag} for k in keys]
  _bars(ax, keys, [ents[k] for k in keys], paper, T1)
  lo = min(min(p.values()) for p in paper) - 3
  ax.set_ylim(max(lo, 0), 100)
  ax.set_title("Table 1: SB vs LB + GBN vs LB + GBN + diag noise (black: paper)")
  rows = []
  for k in keys:
    for m, e in ents[k].items():
      rows.append([k, m, e.lr, e.mean, e.std, e.test.size, getattr(presets.ROWS[k], m, ""),
                   e.val, float(np.mean(e.best_epoch_test)), e.standin])
  return save(fig, out, "table1") + [write_csv(
      out, "table1", ["row", "method", "lr", "test_mean", "test_std", "seeds", "paper",
                      "val_mean", "best_epoch_test_mean", "standin_data"], rows)]


def table2_entries(res) -> dict[str, dict[str, tables.Entry]]:
  out = {}
  for key in cm.TABLE2_ROWS:
    ents = row_entries(res, cm.table2(key))
    if ents:
      ents.update(row_entries(res, cm.table1(key)))
      out[key] = ents
  if not out:
    raise MissingResult(f"no Table-2 row has results at {res.scale} scale")
  return out


def table2(res, out):
  ents = table2_entries(res)
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(max(6.0, 3.0 * len(ents)), 4.2))
  keys = list(ents)
  names = ("sb",) + T2 + ("lb_diag",)
  paper = []
  for k in keys:
    r = presets.ROWS[k]
    paper.append(dict(zip(("sb",) + T2_PAPER_ORDER + ("lb_diag",),
                          (r.sb,) + tuple(r.table2) + (r.lb_diag,))) if r.table2 else {})
  _bars(ax, keys, [ents[k] for k in keys], paper, names)
  ax.set_title("Table 2: alternative noise structures (black: paper)")
  rows = [[k, m, e.lr, e.mean, e.std, e.test.size, e.standin] for k in keys
          for m, e in ents[k].items()]
  return save(fig, out, "table2") + [write_csv(
      out, "table2", ["row", "method", "lr", "test_mean", "test_std", "seeds", "standin_data"],
      rows)]


def _by_override(res, config: str, key: str) -> dict:
  out = {}
  for _ov, run in cm.finished_trials(res, config):
    v = run.config["experiment"][key.split(".")[-1]] if key.startswith("experiment.") else None
    out[v] = tables.entry(run)
  return out


def ablations(res, out):
  plt = pyplot()
  fig, axes = plt.subplots(1, 3, figsize=(14, 4))
  rows = []
  panels = (
      (axes[0], cm.APPE1, "experiment.noise_fraction", "noise stop fraction (W12a)"),
      (axes[2], cm.CAPTION, "experiment.lb_lr", "LB + full Fisher, peak LR (W10)"),
  )
  for ax, config, key, title in panels:
    try:
      by = _by_override(res, config, key)
    except MissingResult:
      ax.set_title(f"{title}: no results")
      continue
    xs = sorted(by)
    ax.errorbar(range(len(xs)), [by[x].mean for x in xs], [by[x].std for x in xs], fmt="o-",
                capsize=3)
    ax.set_xticks(range(len(xs)))
    ax.set_xticklabels([f"{x:g}" for x in xs])
    ax.set_title(title)
    ax.set_ylabel("test accuracy (%)")
    rows += [[config.rsplit("/", 1)[-1], f"{x:g}", by[x].mean, by[x].std, by[x].test.size]
             for x in xs]
  try:
    est = {}
    for _, run in cm.finished_trials(res, cm.ESTIMATORS):
      e = run.config["experiment"]
      name = "ghost_frozen" if e["method"] == "lb_diag_frozen" else e["estimator"]
      est[name] = tables.entry(run)
    names = sorted(est)
    axes[1].errorbar(range(len(names)), [est[n].mean for n in names],
                     [est[n].std for n in names], fmt="o", capsize=3)
    axes[1].set_xticks(range(len(names)))
    axes[1].set_xticklabels(names, fontsize=8)
    rows += [["estimators", n, est[n].mean, est[n].std, est[n].test.size] for n in names]
  except MissingResult:
    pass
  axes[1].set_title("diag-noise estimators (W12b)")
  fig.suptitle("Ablations (Fashion-MNIST LeNet-5-BN unless the config says otherwise)")
  return save(fig, out, "ablations") + [write_csv(
      out, "ablations", ["experiment", "setting", "test_mean", "test_std", "seeds"], rows)]


def noise_scale_points(res) -> list[tuple[float, float, np.ndarray]]:
  """[(lr, noise multiplier, final test accuracies % over seeds)] of the W12c runs."""
  out = []
  for _, run in cm.finished_trials(res, cm.NOISE_SCALE):
    acc = run.metric("test/accuracy").last() * 100
    specs = run.runs
    for s in sorted({float(x["noise_scale"]) for x in specs}):
      idx = [i for i, x in enumerate(specs) if float(x["noise_scale"]) == s]
      out.append((float(specs[idx[0]]["lr"]), s, acc[idx]))
  return out


def noise_scale(res, out):
  pts = noise_scale_points(res)
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(5.5, 4))
  rows = []
  for lr in sorted({p[0] for p in pts}):
    sel = [p for p in pts if p[0] == lr]
    ax.errorbar([p[1] for p in sel], [p[2].mean() for p in sel],
                [p[2].std(ddof=1) if p[2].size > 1 else 0 for p in sel], fmt="o-", capsize=3,
                label=f"LR {lr:g}")
    rows += [[lr, p[1], float(p[2].mean()), p[2].size] for p in sel]
  ax.set_xscale("log", base=2)
  ax.set_xlabel("noise multiplier of c")
  ax.set_ylabel("test accuracy (%)")
  ax.legend(fontsize=8)
  ax.set_title("W12c: LB + diag with c scaled")
  return save(fig, out, "noise_scale") + [write_csv(
      out, "noise_scale", ["lr", "noise_multiplier", "test_mean", "seeds"], rows)]
