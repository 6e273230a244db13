"""Figures of the network experiments W5–W8: Fig. 2, Fig. 3, Fig. 5a, Fig. 5b (results only)."""

from __future__ import annotations

import numpy as np

from noisecurv.papers.wen2019 import common as cm
from noisecurv.papers.wen2019 import tables
from noisecurv.reproductions import MissingResult
from noisecurv.reproductions.figures import legend, pyplot, save, write_csv

LABELS = {"sb": "SB", "lb": "LB", "lb_full": "LB + full Fisher", "lb_diag": "LB + diag Fisher"}
COLORS = {"sb": "C0", "lb": "C1", "lb_full": "C2", "lb_diag": "C3"}


def variance_arrays(res) -> dict[str, np.ndarray]:
  run = res.run(cm.FIG2)
  return run.arrays("variance", 0)


def fig2(res, out):
  a = variance_arrays(res)
  names = [str(n) for n in a["names"]]
  kern = [i for i, n in enumerate(names) if n.endswith("kernel")]
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(max(6.0, 0.25 * len(kern) + 3), 4))
  rows = []
  for regime in ("sb", "lb", "lb_full", "lb_diag"):
    ax.plot(range(len(kern)), a[regime][kern], "o-", ms=3, color=COLORS[regime],
            label=LABELS[regime])
  for j, i in enumerate(kern):
    rows.append([j, names[i]] + [float(a[r][i]) for r in ("sb", "lb", "lb_full", "lb_diag")])
  ax.set_yscale("log")
  ax.set_xlabel("layer (kernels, parameter-tree order)")
  ax.set_ylabel("mean per-parameter gradient variance")
  ax.legend(fontsize=8)
  ax.set_title("Fig. 2: gradient variance per layer")
  return save(fig, out, "fig2_grad_variance") + [
      write_csv(out, "fig2_grad_variance", ["layer", "name", "sb", "lb", "lb_full", "lb_diag"],
                rows)]


def train_error_curves(res) -> dict[str, tuple[np.ndarray, np.ndarray]]:
  """{method: (updates, train error %)} of the Fig. 3 trials (run 0 of each)."""
  out = {}
  for _, run in cm.finished_trials(res, cm.FIG3):
    s = run.metric("train/accuracy")
    steps, acc = s.run(0)
    out[tables.method_of(run)] = (steps, 100.0 * (1.0 - acc))
  return out


def fig3(res, out):
  curves = train_error_curves(res)
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(6.5, 4.2))
  rows = []
  for m in ("sb", "lb", "lb_full", "lb_diag"):
    if m not in curves:
      continue
    s, e = curves[m]
    ax.plot(s, e, color=COLORS[m], label=LABELS[m])
    rows += [[m, int(a), float(b)] for a, b in zip(s, e)]
  ax.set_xlabel("parameter updates")
  ax.set_ylabel("training error (%)")
  ax.set_yscale("log")
  ax.legend(fontsize=8)
  ax.set_title("Fig. 3: training error per update (same learning rate)")
  return save(fig, out, "fig3_train_error") + [
      write_csv(out, "fig3_train_error", ["method", "update", "train_error_pct"], rows)]


def frobenius_series(res) -> list[tuple[str, str, np.ndarray, dict[str, np.ndarray]]]:
  """[(config, method, steps, {key: values})] of the Fig. 5a probe in the Fig. 3 and Fig. 5a
  trials that exist at this scale."""
  out = []
  for config in (cm.FIG3, cm.FIG5A):
    try:
      trials = cm.finished_trials(res, config)
    except (MissingResult, KeyError):
      continue
    for _, run in trials:
      m = run.metrics()
      if "fro/ratio_u" not in m:
        continue
      steps, _ = m["fro/ratio_u"].run(0)
      vals = {k.removeprefix("fro/"): m[k].run(0)[1] for k in m if k.startswith("fro/")}
      out.append((config, tables.method_of(run), steps, vals))
  if not out:
    raise MissingResult(f"no Fig. 5a probe results at {res.scale} scale")
  return out


def fig5a(res, out):
  series = frobenius_series(res)
  plt = pyplot()
  fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
  rows = []
  for config, m, steps, v in series:
    tag = f"{'Fig. 3' if config == cm.FIG3 else 'Fig. 5a'} {LABELS.get(m, m)}"
    line, = ax1.plot(steps, v["fro_c_u"], "-", label=f"‖C‖_F, {tag}")
    ax1.plot(steps, v["fro_diag_c_u"], "--", color=line.get_color(), label=f"‖diag C‖_F, {tag}")
    if "tr_ch" in v:
      ax2.plot(steps, v["tr_ch"], "-", color=line.get_color(), label=f"Tr(CH), {tag}")
      ax2.plot(steps, v["tr_diag_ch"], "--", color=line.get_color(),
               label=f"Tr(diag(C)H), {tag}")
    for i, s in enumerate(steps):
      rows.append([config.rsplit("/", 1)[-1], m, int(s)] + [
          float(v[k][i]) if k in v else "" for k in
          ("fro_c", "fro_diag_c", "fro_c_u", "fro_diag_c_u", "ratio_u", "tr_ch", "tr_diag_ch")])
  for ax, yl in ((ax1, "Frobenius norm (U-statistic)"), (ax2, "trace")):
    ax.set_yscale("log")
    ax.set_xlabel("update")
    ax.set_ylabel(yl)
    legend(ax, fontsize=6)
  fig.suptitle("Fig. 5a: ‖C‖_F vs ‖diag C‖_F along training (and the traces Theorem 4.1 needs)")
  return save(fig, out, "fig5a_frobenius") + [write_csv(
      out, "fig5a_frobenius", ["config", "method", "update", "fro_c", "fro_diag_c", "fro_c_u",
                               "fro_diag_c_u", "ratio_u", "tr_ch", "tr_diag_ch"], rows)]


def lmax_table(res) -> dict[str, dict[str, dict[str, np.ndarray]]]:
  """{row: {method: {lambda_max, lambda_max_raw, temperature, fold_max_abs_diff (seeds,)}}}."""
  run = res.run(cm.FIG5B)
  out: dict = {}
  for r in run.rows():
    d = out.setdefault(str(r.get("row", "")), {}).setdefault(str(r["method"]), {})
    for k in ("lambda_max", "lambda_max_raw", "temperature", "fold_max_abs_diff",
              "test_accuracy"):
      d.setdefault(k, []).append(float(r[k]))
  return {row: {m: {k: np.asarray(v) for k, v in d.items()} for m, d in ms.items()}
          for row, ms in out.items()}


def fig5b(res, out):
  tab = lmax_table(res)
  plt = pyplot()
  fig, axes = plt.subplots(1, 2, figsize=(11, 4))
  rows = []
  width = 0.25
  for ax, key, title in ((axes[0], "lambda_max", "BN folded + temperature"),
                         (axes[1], "lambda_max_raw", "unmodified (BN eval mode)")):
    for j, m in enumerate(("sb", "lb", "lb_diag")):
      xs, ys, es = [], [], []
      for i, (row, ms) in enumerate(sorted(tab.items())):
        if m in ms:
          v = ms[m][key]
          xs.append(i + (j - 1) * width)
          ys.append(v.mean())
          es.append(v.std(ddof=1) if v.size > 1 else 0.0)
          if key == "lambda_max":
            rows.append([row, m, float(v.mean()), float(es[-1]),
                         float(ms[m]["lambda_max_raw"].mean()),
                         float(ms[m]["lambda_max_raw"].std(ddof=1)) if v.size > 1 else 0.0,
                         int(v.size)])
      ax.bar(xs, ys, width, yerr=es, color=COLORS[m], label=LABELS[m], capsize=3)
    ax.set_xticks(range(len(tab)))
    ax.set_xticklabels(sorted(tab), fontsize=7)
    ax.set_yscale("log")
    ax.set_ylabel("λ_max of the Hessian")
    ax.set_title(title)
    ax.legend(fontsize=7)
  fig.suptitle("Fig. 5b: λ_max at the end of training (error bars: std over seeds)")
  return save(fig, out, "fig5b_lambda_max") + [write_csv(
      out, "fig5b_lambda_max", ["row", "method", "lambda_max_mean", "lambda_max_std",
                                "lambda_max_raw_mean", "lambda_max_raw_std", "seeds"], rows)]
