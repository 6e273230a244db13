"""Figures and claims on learning curves: Fig. 1 (E1), Fig. 2 (E2), Fig. 5 (E5), step swap (E8a).

Curves are seed averages (the runs of one trial's ensemble) of evaluations logged with their
(fractional) epoch, interpolated onto whole epochs shared by the compared runs; D(A, B) is the
mean over those epochs of |A − B| (spec §2.6), in percentage points for accuracies.
"""

from __future__ import annotations

import math

import numpy as np

from noisecurv.papers.jastrzebski2017 import stats
from noisecurv.papers.jastrzebski2017.presets import E2_RULES
from noisecurv.papers.jastrzebski2017.tables import (
  curve,
  diverged,
  experiment,
  trials,
)
from noisecurv.reproductions import Measured
from noisecurv.reproductions.figures import pyplot, save, write_csv

VAL, LOSS = "val/accuracy", "train/loss"

E1_SETTINGS = {  # as configs/jastrzebski2017/fig1_cyclic_lr_vs_bs_vgg11.py
    "clr": ("clr", 1.0, 1.0), "cbs": ("cbs", 1.0, 1.0), "const_a": ("constant", 0.2, 1.0),
    "const_b": ("constant", 1.0, 5.0), "control": ("constant", 1.0, 1.0)}


def _e1_name(run) -> str:
  e = experiment(run)
  for name, (sched, lr_m, bs_m) in E1_SETTINGS.items():
    if e.get("schedule") == sched and math.isclose(e.get("lr_mult", 1), lr_m) \
        and math.isclose(e.get("batch_mult", 1), bs_m):
      return name
  return "other"


def _e2_name(run) -> str:
  e = experiment(run)
  for name, (bs_m, lr_m) in E2_RULES.items():
    if math.isclose(e.get("batch_mult", 1), bs_m) and math.isclose(e.get("lr_mult", 1), lr_m):
      return name
  return "other"


def _by_name(res, key, name_of) -> dict[str, object]:
  return {name_of(run): run for _, run in trials(res, key)}


def _curves(runs: dict[str, object], metric: str, start: float = 1.0):
  """({name: seed-mean curve (E,)}, {name: per-seed curves (E, R)}, grid (E,))."""
  raw = {n: curve(r, metric) for n, r in runs.items()}
  grid = stats.common_grid(*(e for e, _ in raw.values()))
  grid = grid[grid >= start] if np.any(grid >= start) else grid
  per = {n: stats.on_grid(e, v, grid) for n, (e, v) in raw.items()}
  return {n: np.nanmean(v, axis=1) for n, v in per.items()}, per, grid


def _plot_curves(ax, per, grid, names, scale=100.0):
  for n in names:
    if n not in per:
      continue
    m, s = stats.mean_std(scale * per[n], axis=1)
    ax.plot(grid, m, label=n)
    ax.fill_between(grid, m - s, m + s, alpha=0.2)
  ax.set_xlabel("epoch")
  ax.legend(fontsize=7)


def _csv(out, name, per, grid, scale=100.0):
  names = sorted(per)
  rows = [[g] + [float(np.nanmean(scale * per[n][i])) for n in names] for i, g in enumerate(grid)]
  return write_csv(out, name, ["epoch"] + names, rows)


# -- Fig. 1 ------------------------------------------------------------------------------------


def fig1(res, out):
  runs = _by_name(res, "fig1", _e1_name)
  _, per, grid = _curves(runs, VAL)
  plt = pyplot()
  fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
  _plot_curves(a, per, grid, ("clr", "cbs", "control"))
  _plot_curves(b, per, grid, ("const_a", "const_b", "control"))
  a.set_title("cyclic: CLR (η 0.005↔0.001) vs CBS (S 128↔640)")
  b.set_title("constant: 0.001/128 vs 0.005/640")
  a.set_ylabel("validation accuracy (%)")
  return save(fig, out, "fig1_cyclic_constant") + [_csv(out, "fig1_val_accuracy", per, grid)]


def check_e1_distance(a, b):
  def check(res):
    mean, _, _ = _curves(_by_name(res, "fig1", _e1_name), VAL)
    d = 100 * stats.curve_distance(mean[a], mean[b])
    dc = 100 * stats.curve_distance(mean[a], mean["control"])
    return Measured(d, bool(d <= 1.5 and d <= 0.5 * dc), f"D({a}, {b}) = {d:.2f} pp; "
                    f"D({a}, control) = {dc:.2f} pp")

  return check


def check_e1_final(res):
  runs = _by_name(res, "fig1", _e1_name)
  worst, detail, ok = 0.0, [], True
  for a, b in (("clr", "cbs"), ("const_a", "const_b")):
    fa, fb = 100 * runs[a].metric(VAL).last(), 100 * runs[b].metric(VAL).last()
    d = abs(np.nanmean(fa) - np.nanmean(fb))
    sd = math.sqrt(0.5 * (np.nanvar(fa, ddof=1) + np.nanvar(fb, ddof=1))) if fa.size > 1 else 0.0
    tol = max(1.0, 2 * sd)
    ok &= bool(d <= tol)
    worst = max(worst, d)
    detail.append(f"{a}/{b}: {d:.2f} pp (tolerance {tol:.2f})")
  return Measured(worst, ok, "; ".join(detail))


def check_e1_loss(res):
  mean, _, _ = _curves(_by_name(res, "fig1", _e1_name), LOSS)
  d = {p: stats.relative_distance(mean[p[0]], mean[p[1]]) for p in (("clr", "cbs"),
                                                                     ("const_a", "const_b"))}
  return Measured(max(d.values()), bool(max(d.values()) <= 0.15),
                  "relative mean train-loss difference: "
                  + ", ".join(f"{a}/{b} {v:.3f}" for (a, b), v in d.items()))


# -- Fig. 2 ------------------------------------------------------------------------------------


def fig2(res, out):
  plt = pyplot()
  fig, axes = plt.subplots(2, 1, figsize=(6, 7), sharex=True)
  files = []
  for ax, key, title in ((axes[0], "fig2_resnet", "ResNet-56"), (axes[1], "fig2_vgg", "VGG-11")):
    _, per, grid = _curves(_by_name(res, key, _e2_name), VAL)
    _plot_curves(ax, per, grid, tuple(E2_RULES))
    ax.set_title(f"{title}: base S = 50 vs S = 500 with η rescaled linearly / by √S / not")
    ax.set_ylabel("validation accuracy (%)")
    files.append(_csv(out, f"fig2_{title.split('-')[0].lower()}_val_accuracy", per, grid))
  return save(fig, out, "fig2_lr_rescaling") + files


def check_e2(key):
  def distances(res):
    runs = _by_name(res, key, _e2_name)
    val, _, _ = _curves(runs, VAL)
    loss, _, _ = _curves(runs, LOSS)
    d = {n: 100 * stats.curve_distance(val[n], val["base"]) for n in ("linear", "sqrt", "none")}
    dl = {n: stats.relative_distance(loss[n], loss["base"]) for n in ("linear", "sqrt")}
    return runs, d, dl

  def closer(res):
    _, d, dl = distances(res)
    return Measured(d["linear"], bool(d["linear"] < d["sqrt"] and dl["linear"] < dl["sqrt"]),
                    f"D(linear, base) {d['linear']:.2f} vs D(√, base) {d['sqrt']:.2f} pp; "
                    f"train loss {dl['linear']:.3f} vs {dl['sqrt']:.3f}")

  def small(res):
    _, d, _ = distances(res)
    return Measured(d["linear"], bool(d["linear"] <= 1.5), "D(linear, base), pp")

  def final(res):
    runs, _, _ = distances(res)
    f = {n: 100 * np.nanmean(runs[n].metric(VAL).last()) for n in ("linear", "base")}
    g = abs(f["linear"] - f["base"])
    return Measured(g, bool(g <= 1.0), f"final val: linear {f['linear']:.2f}%, base "
                    f"{f['base']:.2f}%")

  def none(res):
    _, d, _ = distances(res)
    return Measured(d["none"], bool(d["none"] > d["linear"]), f"D(none, base) vs D(linear, "
                    f"base) = {d['linear']:.2f} pp")

  return closer, small, final, none


# -- Fig. 5 ------------------------------------------------------------------------------------


def _e5(res):
  """{(n_train_fraction, β): (epochs, val (T, R), diverged (R,))}."""
  out = {}
  for _, run in trials(res, "fig5"):
    e = experiment(run)
    ep, v = curve(run, VAL)
    out[(round(e.get("n_train_fraction", 1.0), 6), e.get("batch_mult", 1.0))] = (ep, v,
                                                                                 diverged(run))
  return out


def _max_val(v, div):
  m = 100 * np.nanmax(np.where(np.isfinite(v), v, np.nan), axis=0)
  return m, bool(div.any())


def fig5(res, out):
  data = _e5(res)
  fracs = sorted({k[0] for k in data})
  plt = pyplot()
  fig, axes = plt.subplots(1, len(fracs), figsize=(5 * len(fracs), 3.6), squeeze=False)
  rows = []
  for ax, f in zip(axes[0], fracs):
    for (ff, beta), (ep, v, div) in sorted(data.items()):
      if ff != f:
        continue
      m, any_div = _max_val(v, div)
      mu, sd = stats.mean_std(m)
      lab = f"β={beta:g} ({mu:.1f}±{sd:.1f}){'*' if any_div else ''}"
      ax.plot(ep, 100 * np.nanmean(v, axis=1), label=lab)
      rows.append([f, beta, float(mu), float(sd), int(div.sum())])
    ax.set_title(f"training fraction {f:.3g}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy (%)")
    ax.legend(fontsize=7)
  return save(fig, out, "fig5_beta_breakdown") + [write_csv(
      out, "fig5_beta_breakdown", ["n_train_fraction", "beta", "max_val_mean", "max_val_std",
                                   "diverged_seeds"], rows)]


def _e5_table(res):
  """{fraction: {β: (mean max val (pp), any diverged)}}."""
  t: dict[float, dict[float, tuple[float, bool]]] = {}
  for (f, beta), (_, v, div) in _e5(res).items():
    m, any_div = _max_val(v, div)
    t.setdefault(f, {})[beta] = (float(np.nanmean(m)), any_div)
  return t


def check_e5_full(res):
  t = _e5_table(res)
  full = t[max(t)]
  base = full[1.0][0]
  drops = {b: abs(v - base) for b, (v, dv) in full.items() if b <= 4}
  divs = [b for b, (_, dv) in full.items() if b <= 4 and dv]
  return Measured(max(drops.values()), bool(max(drops.values()) <= 1.0 and not divs),
                  ", ".join(f"β={b:g}: {d:.2f} pp" for b, d in sorted(drops.items()))
                  + (f"; diverged at β {divs}" if divs else ""))


def _beta_stars(res):
  t = _e5_table(res)
  out = {}
  for f, row in t.items():
    base = row[1.0][0]
    betas = sorted(row)
    out[f] = stats.beta_star(betas, [base - row[b][0] for b in betas],
                             [row[b][1] for b in betas], 1.5)
  return out, t


def check_e5_star(res):
  stars, _ = _beta_stars(res)
  small, full = stars[min(stars)], stars[max(stars)]
  return Measured(f"β*(small) = {small:g}, β*(full) = {full:g}",
                  bool(np.isfinite(small) and small <= full), "β*: smallest β with a mean max-val "
                  "drop > 1.5 pp or a diverged seed")


def check_e5_magnified(res):
  _, t = _beta_stars(res)
  small, full = t[min(t)], t[max(t)]
  common = [b for b in sorted(small) if b in full and not small[b][1] and not full[b][1]]
  if not common:
    return Measured("—", False, "no β without diverged seeds in both N")
  b = common[-1]
  ds, dfull = small[1.0][0] - small[b][0], full[1.0][0] - full[b][0]
  return Measured(ds - dfull, bool(ds >= dfull), f"at β = {b:g}: drop {ds:.2f} pp (small N) vs "
                  f"{dfull:.2f} pp (full N)")


# -- E8a ---------------------------------------------------------------------------------------


def _e8a(res):
  return {experiment(run).get("schedule", "step_lr"): run for _, run in trials(res, "step_swap")}


def step_swap(res, out):
  runs = _e8a(res)
  _, per, grid = _curves(runs, VAL)
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(6, 3.6))
  _plot_curves(ax, per, grid, ("step_lr", "step_bs"))
  ax.set_ylabel("validation accuracy (%)")
  ax.set_title("η ÷10 vs S ×10 at the same epochs (ResNet-56)")
  return save(fig, out, "step_schedule_swap") + [_csv(out, "step_schedule_swap", per, grid)]


def check_e8a_final(res):
  runs = _e8a(res)
  f = {n: 100 * np.nanmean(r.metric(VAL).last()) for n, r in runs.items()}
  g = abs(f["step_lr"] - f["step_bs"])
  return Measured(g, bool(g <= 1.0), f"final val: step_lr {f['step_lr']:.2f}%, step_bs "
                  f"{f['step_bs']:.2f}%")


def check_e8a_curves(res):
  runs = _e8a(res)
  first = min(experiment(runs["step_lr"]).get("step_epochs") or [1.0])
  mean, _, grid = _curves(runs, VAL, start=first)
  d = 100 * stats.curve_distance(mean["step_lr"], mean["step_bs"])
  return Measured(d, bool(d <= 2.0), f"D over epochs ≥ {first:g} (after the first switch), pp")


def check_smoke(key, name):
  def check(res):
    (_, run), = trials(res, key)
    v = run.metric(VAL).last()
    return Measured(float(np.nanmean(v)), bool(np.all(np.isfinite(v))),
                    f"{name}: base run finished, final validation accuracy of its seeds")

  return check
