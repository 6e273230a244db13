"""Figures and claims on the minima themselves: Fig. 4 (E4, interpolations) and Table 1 (E6)."""

from __future__ import annotations

import numpy as np

from noisecurv.papers.jastrzebski2017 import stats
from noisecurv.papers.jastrzebski2017.tables import CONFIGS, experiment, trials
from noisecurv.reproductions import Measured, MissingResult
from noisecurv.reproductions.figures import legend, pyplot, save, write_csv

DELTAS = (1.0, 0.5, 0.1)  # nats; 1.0 decides, the others are reported


def interp_curves(res, key: str) -> list[dict]:
  """Per (pair, seed) of an interpolation run: alphas, curves and the endpoints' λ_max."""
  run = res.run(CONFIGS[key])
  out = []
  for row in run.rows():
    if "pair" not in row or row.get("diverged_endpoint"):
      continue
    a = run.arrays(f"pair{row['pair']}", int(row["seed"]))
    out.append({**row, **{k: np.asarray(v) for k, v in a.items()}})
  if not out:
    raise MissingResult(f"{CONFIGS[key]}: no interpolation curve")
  return out


def widths(c: dict, delta: float) -> tuple[float, float]:
  return (stats.outward_width(c["alphas"], c["train_loss"], "A", delta),
          stats.outward_width(c["alphas"], c["train_loss"], "B", delta))


def _ratio(wa: float, wb: float) -> float:
  if np.isinf(wa) and np.isinf(wb):
    return 1.0
  return float(wa / wb)


def fig4(res, out):
  plt = pyplot()
  fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
  rows, notes = [], []
  panels = (("fig4_resnet", 0, "(a) ResNet-56: S 128 vs 1024"),
            ("fig4_resnet", 1, "(b) ResNet-56: η 0.1 vs 0.01"),
            ("fig4_vgg", 0, "(c) VGG-11: β = 1 vs 2"), ("fig4_vgg", 1, "(d) VGG-11: β = 1 vs 4"))
  for ax, (key, pair, title) in zip(axes, panels):
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("α")
    try:
      curves = [c for c in interp_curves(res, key) if c["pair"] == pair]
    except MissingResult as e:
      notes.append(str(e))
      curves = []
    for c in curves:
      ls = "-" if c["seed"] == 0 else ":"
      ax.plot(c["alphas"], c["train_loss"], "b" + ls, label=f"train, seed {c['seed']}")
      ax.plot(c["alphas"], c["test_loss"], "r" + ls, label=f"test, seed {c['seed']}")
      for i, al in enumerate(c["alphas"]):
        rows.append([key, pair, c["seed"], al, c["train_loss"][i], c["test_loss"][i],
                     c["train_accuracy"][i], c["test_accuracy"][i]])
    if not curves:
      ax.text(0.5, 0.5, "not run", ha="center", transform=ax.transAxes)
    ax.set_yscale("log")
    legend(ax, fontsize=6)
  axes[0].set_ylabel("loss (BN recalibrated at every α)")
  return save(fig, out, "fig4_interpolation") + [write_csv(
      out, "fig4_interpolation", ["config", "pair", "seed", "alpha", "train_loss", "test_loss",
                                  "train_accuracy", "test_accuracy"], rows)]


def check_e4(key: str, pair: int, same_ratio: bool):
  def check(res):
    curves = [c for c in interp_curves(res, key) if c["pair"] == pair]
    passed, detail = 0, []
    for c in curves:
      wa, wb = widths(c, DELTAS[0])
      wr, lr = _ratio(wa, wb), c["lambda_a"] / c["lambda_b"]
      lam_ok = not np.isfinite(lr) or (0.67 <= lr <= 1.5 if same_ratio else lr < 1)
      ok = (0.8 <= wr <= 1.25 if same_ratio else wr >= 1.2) and lam_ok
      passed += ok
      other = ", ".join(f"Δ={d:g}: {_ratio(*widths(c, d)):.2f}" for d in DELTAS[1:])
      detail.append(f"seed {c['seed']}: w_A/w_B {wr:.2f} ({other}), λ_A/λ_B {lr:.2f}")
    need = max(1, int(np.ceil(2 * len(curves) / 3)))
    return Measured(f"{passed}/{len(curves)} seeds", passed >= need and len(curves) > 0,
                    "; ".join(detail) + ("" if len(curves) >= 3 else " (fewer than 3 seeds)"))

  return check


def check_e4_smoke(key: str):
  def check(res):
    curves = interp_curves(res, key)
    ok = all(np.isfinite(c["train_loss"]).all() and np.isfinite(c["test_loss"]).all()
             for c in curves)
    return Measured(len(curves), ok, "finite interpolation curves (pair, seed)")

  return check


# -- Table 1 -----------------------------------------------------------------------------------

T1_NAMES = {"clr": "Discrete η", "cbs": "Discrete S", "triangle_lr": "Triangle η",
            "constant": "Constant"}
T1_COLS = ("lambda_max", "fro", "fro_over_d", "fro_sq_over_d", "batch_loss", "train_loss",
           "test_acc", "val_acc", "epoch")


def _at_best(run) -> dict[str, np.ndarray]:
  """Per seed, the values at the probed evaluation with the best validation accuracy."""
  m = run.metrics()
  val = m["val/accuracy"]
  lam = m.get("lam/lambda_max")
  ep = {int(r["step"]): float(r["epoch"]) for r in run.rows() if "epoch" in r}
  keys = {"lambda_max": "lam/lambda_max", "fro": "fro/fro", "fro_over_d": "fro/fro_over_d",
          "fro_sq_over_d": "fro/fro_sq_over_d", "batch_loss": "train/batch_loss",
          "train_loss": "train/loss", "test_acc": "test/accuracy", "val_acc": "val/accuracy"}
  out = {k: np.full(run.n_runs, np.nan) for k in T1_COLS}
  for r in range(run.n_runs):
    probed = np.isfinite(lam.values[:, r]) if lam is not None else np.isfinite(val.values[:, r])
    cand = np.where(probed & np.isfinite(val.values[:, r]))[0]
    if not cand.size:
      continue
    i = cand[np.argmax(val.values[cand, r])]
    for name, k in keys.items():
      if k in m:
        out[name][r] = m[k].values[i, r]
    out["epoch"][r] = ep.get(int(val.steps[i]), np.nan)
  return out


def table1_data(res) -> dict[str, dict[str, np.ndarray]]:
  return {experiment(run).get("schedule", "constant"): _at_best(run)
          for _, run in trials(res, "tab1")}


def tab1(res, out):
  data = table1_data(res)
  rows, cells = [], []
  for sched, vals in data.items():
    mean = {k: float(np.nanmean(v)) if np.isfinite(v).any() else np.nan for k, v in vals.items()}
    sd = {k: float(np.nanstd(v)) if np.isfinite(v).any() else np.nan for k, v in vals.items()}
    rows.append([T1_NAMES.get(sched, sched)] + [mean[k] for k in T1_COLS] +
                [sd[k] for k in T1_COLS])
    cells.append([T1_NAMES.get(sched, sched), f"{mean['lambda_max']:.3g}",
                  f"{mean['fro_sq_over_d']:.3g}",
                  f"{mean['train_loss']:.3f}±{sd['train_loss']:.3f}",
                  f"{100 * mean['test_acc']:.2f}±{100 * sd['test_acc']:.2f}",
                  f"{100 * mean['val_acc']:.2f}±{100 * sd['val_acc']:.2f}"])
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(9, 0.5 + 0.4 * len(cells)))
  ax.axis("off")
  ax.table(cellText=cells, colLabels=["schedule", "max λᵢ", "‖H‖²_F/D", "loss", "test acc. %",
                                      "valid acc. %"], loc="center")
  files = save(fig, out, "tab1_cyclic_schedules")
  files.append(write_csv(out, "tab1_cyclic_schedules", ["schedule"] + list(T1_COLS)
                         + [f"{k}_std" for k in T1_COLS], rows))
  try:
    tune = []
    for _, run in trials(res, "tab1_tune"):
      e = experiment(run)
      best = np.nanmax(run.metric("val/accuracy").values, axis=0)
      for sp, b in zip(run.runs, best):
        tune.append([e.get("schedule"), e.get("cycle_epochs"), sp["lr"], float(b)])
    files.append(write_csv(out, "tab1_tuning", ["schedule", "cycle_epochs", "lr", "best_val"],
                           tune))
  except MissingResult:
    pass
  return files


def check_t1_ratio(col: str):
  def check(res):
    d = table1_data(res)
    base = np.nanmean(d["constant"][col])
    r = {s: np.nanmean(v[col]) / base for s, v in d.items() if s != "constant"}
    loss = ", ".join(f"{T1_NAMES[s]} {np.nanmean(v['train_loss']):.3g}" for s, v in d.items())
    return Measured(max(r.values()), bool(len(r) == 3 and max(r.values()) <= 0.8),
                    ", ".join(f"{T1_NAMES[s]} {v:.2f}" for s, v in r.items())
                    + f" × Constant; train loss (reported, not required): {loss}")

  return check


def check_t1_acc(res):
  d = table1_data(res)
  base = 100 * np.nanmean(d["constant"]["test_acc"])
  gain = {s: 100 * np.nanmean(v["test_acc"]) - base for s, v in d.items() if s != "constant"}
  return Measured(min(gain.values()), bool(len(gain) == 3 and min(gain.values()) >= 1.0),
                  ", ".join(f"{T1_NAMES[s]} {g:+.2f} pp" for s, g in gain.items()))


def check_t1_exchange(res):
  d = table1_data(res)
  g = abs(100 * (np.nanmean(d["cbs"]["test_acc"]) - np.nanmean(d["clr"]["test_acc"])))
  return Measured(g, bool(g <= 0.5), "|Discrete S − Discrete η| test accuracy, pp")
