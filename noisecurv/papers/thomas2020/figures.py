"""thomas2020 figures: Tables 1–2 and Figs. 1–6 from results only (PNG + PDF + the plotted CSV)."""

from __future__ import annotations

import numpy as np

from noisecurv.papers.thomas2020 import analysis, claims_nn, claims_theory, figstats, stats
from noisecurv.reproductions.figures import pyplot, save, write_csv

BETAS = claims_theory.BETAS
MARKERS = {"logreg": "o", "mlp": "s", "big_mlp": "D", "cnn": "^", "cnn_bn": "v"}


def _table(which):
  def draw(res, out):
    cfg = claims_theory.TABLE1 if which == "table1" else claims_theory.TABLE2
    t = claims_theory.table(res, cfg)
    key, paper = ("count", claims_theory.PAPER_T1) if which == "table1" else \
        ("alpha", claims_theory.PAPER_T2)
    fmt = (lambda v: f"{v:d}") if key == "count" else (lambda v: f"{v:.2g}")
    rows, cells = [], []
    for e in paper:
      for m in ("SG", "Newton", "Polyak"):
        ours = [t[(e, m, b)][key] for b in BETAS]
        rows.append([e, m, *ours, *paper[e][m]])
        cells.append([f"{e:g}", m] + [f"{fmt(o)} ({fmt(p) if key == 'count' else f'{p:g}'})"
                                      for o, p in zip(ours, paper[e][m])])
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    ax.axis("off")
    tab = ax.table(cellText=cells, colLabels=["ε", "method", "β = 1", "β = 0", "β = −1"],
                   loc="center", cellLoc="center")
    tab.scale(1, 1.3)
    title = ("Table 1: updates to reach ε" if key == "count" else
             "Table 2: best step sizes") + " — ours (paper)"
    ax.set_title(title, fontsize=10)
    head = ["eps", "method"] + [f"ours_beta{b}" for b in BETAS] + [f"paper_beta{b}" for b in BETAS]
    return save(fig, out, which) + [write_csv(out, which, head, rows)]

  return draw


def _scatter(ax, rows, xkey, ykey, datasets):
  colors = dict(zip(datasets, pyplot().rcParams["axes.prop_cycle"].by_key()["color"]))
  for r in rows:
    x, y = r.get(xkey, np.nan), r.get(ykey, np.nan)
    if np.isfinite(x) and np.isfinite(y) and x > 0 and y > 0:
      ax.scatter(x, y, s=14, color=colors[r["dataset"]], marker=MARKERS.get(r["arch"], "o"),
                 alpha=0.7)
  for ds, col in colors.items():
    ax.scatter([], [], color=col, label=ds)
  ax.set_xscale("log")
  ax.set_yscale("log")


def _grid_rows(res, probes: str) -> list[dict]:
  sh = claims_nn.shards(res, claims_nn.GRID)
  return [r for p in probes.split("+") for r in analysis.points(sh, p)]


def fig1(res, out):
  rows = _grid_rows(res, "train")
  ds = sorted({r["dataset"] for r in rows})
  plt = pyplot()
  fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
  _scatter(axes[0], rows, "train/loss", "fc_abs", ds)
  _scatter(axes[1], rows, "train/loss", "fc_rel", ds)
  axes[0].set_ylabel("‖F − C‖²_F (train)")
  axes[1].set_ylabel("‖F − C‖²_F / ‖F‖²_F (train)")
  for a in axes:
    a.set_xlabel("training loss")
  axes[0].legend(fontsize=7)
  fig.suptitle("Fig. 1: Fisher vs uncentered second moment on training data")
  keys = ["dataset", "arch", "n_train", "lr", "batch_size", "step", "train/loss", "fc_abs",
          "fc_rel", "fc_trace_normalized"]
  return save(fig, out, "fig1") + [analysis.write_points(out, "fig1", rows, keys)]


def fig2(res, out):
  rows = _grid_rows(res, "test+final")
  s = figstats.fig2(rows)
  plt = pyplot()
  fig, (ar, asim) = plt.subplots(1, 2, figsize=(10, 3.8))
  csv_rows = []
  for p in figstats.PAIRS:
    pts = [(e["step"], e[f"r_{p}"], e[f"s_{p}"]) for e in s["table"] if e[f"r_{p}"]]
    steps = np.asarray([x[0] for x in pts])
    for ax, j in ((ar, 1), (asim, 2)):
      q = np.asarray([x[j] for x in pts])
      ax.plot(steps, q[:, 1], marker="o", label=f"({p[0]}, {p[1]})")
      ax.fill_between(steps, q[:, 0], q[:, 2], alpha=0.2)
    csv_rows += [[p, st, *r, *sim] for st, r, sim in pts]
  asim.axhline(s["baseline_median"], ls="--", c="k", label="random low-rank")
  ar.set_yscale("log")
  ar.set_ylabel("r(A, B) = Tr A / Tr B")
  asim.set_ylabel("s(A, B) (cosine)")
  for a in (ar, asim):
    a.set_xlabel("step")
    a.legend(fontsize=7)
  fig.suptitle("Fig. 2: scale and angle similarities (test subset), median and 10–90%")
  head = ["pair", "step", "r_p10", "r_median", "r_p90", "s_p10", "s_median", "s_p90"]
  return save(fig, out, "fig2") + [write_csv(out, "fig2", head, csv_rows)]


def _gap_vs(res, out, name, pairs, title):
  rows = [r for r in _grid_rows(res, "final") if r["last"]]
  ds = sorted({r["dataset"] for r in rows})
  plt = pyplot()
  fig, axes = plt.subplots(1, len(pairs), figsize=(5 * len(pairs), 3.8))
  for ax, (key, label) in zip(np.atleast_1d(axes), pairs):
    _scatter(ax, rows, key, "gap", ds)
    x, g = stats.finite_pairs(analysis.column(rows, key), analysis.column(rows, "gap"), True)
    if key.startswith("tic") and x.size:
      lo, hi = min(x.min(), g.min()), max(x.max(), g.max())
      ax.plot([lo, hi], [lo, hi], "k--", lw=0.8)
    ax.set_xlabel(label)
    ax.set_ylabel("generalisation gap (nats)")
    ax.set_title(f"log–log Pearson {stats.log_pearson(x, g):.2f}", fontsize=9)
  np.atleast_1d(axes)[0].legend(fontsize=7)
  fig.suptitle(title)
  keys = ["dataset", "arch", "n_train", "lr", "batch_size", "gap"] + [k for k, _ in pairs]
  return save(fig, out, name) + [analysis.write_points(out, name, rows, keys)]


def fig4(res, out):
  return _gap_vs(res, out, "fig4", [("tic", "TIC = Tr(H⁺C)/N"), ("tr_H", "Tr(H) (test)")],
                 "Fig. 4: generalisation gap against TIC and against Tr(H)")


def fig5(res, out):
  return _gap_vs(res, out, "fig5", [("tic_f", "Tr(F⁺C)/N"), ("trace_ratio", "Tr(C)/Tr(F)")],
                 "Fig. 5: approximations of the TIC")


def _curves(ax, table, xkey, scale_sens):
  x = np.asarray([e[xkey] for e in table], float)
  lows = []
  for key, label in (("gap", "gap"), ("tic", "TIC"), ("aic", "AIC = d/N"),
                     ("sens_over_n", f"sensitivity/N × {scale_sens:.3g}")):
    m = np.asarray([e[key] for e in table], float)  # (n, 3): mean, lo, hi
    f = scale_sens if key == "sens_over_n" else 1.0
    ax.plot(x, f * m[:, 0], marker="o", label=label)
    ax.fill_between(x, f * m[:, 1], f * m[:, 2], alpha=0.2)
    lows.append(np.nanmin(f * m[:, 1]) if m.size else np.nan)
  # a negative gap (test loss below a corrupted train loss) cannot go on a log axis
  ax.set_yscale("log" if np.all(np.asarray(lows) > 0) else "linear")
  ax.legend(fontsize=7)


def fig3(res, out):
  a = figstats.fig3a(claims_nn.rows(res, claims_nn.FIG3A, "final"))
  b = figstats.fig3b(claims_nn.rows(res, claims_nn.FIG3B, "final"))
  plt = pyplot()
  fig, (axa, axb) = plt.subplots(1, 2, figsize=(10, 3.8))
  csv_rows = []
  for ax, s, key, xl in ((axa, a, "width", "hidden units"), (axb, b, "level", "label noise")):
    t = s["table"]
    mean = lambda k, t=t: np.asarray([e[k][0] for e in t])
    k = stats.least_squares_scale(mean("sens_over_n"), mean("gap"))
    _curves(ax, t, key, k)
    ax.set_xlabel(xl)
    for e in t:
      csv_rows.append([key, e[key]] + [v for n in ("gap", "tic", "aic", "sens_over_n")
                                       for v in e[n]])
  axa.set_ylabel("nats")
  fig.suptitle("Fig. 3: TIC, AIC and sensitivity against the gap (mean, 95% bootstrap CI) — "
               + claims_nn.data_note(res, claims_nn.FIG3A).split(";")[0], fontsize=9)
  head = ["axis", "x"] + [f"{n}_{q}" for n in ("gap", "tic", "aic", "sens_over_n")
                          for q in ("mean", "lo", "hi")]
  return save(fig, out, "fig3") + [write_csv(out, "fig3", head, csv_rows)]


def fig6(res, out):
  s = figstats.fig6(claims_nn.rows(res, claims_nn.FIG6, "final"))
  plt = pyplot()
  fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
  csv_rows = []
  for ax, t, key, xl in ((axes[0], s["table_width"], "width", "hidden units"),
                         (axes[1], s["table_level"], "level", "label noise")):
    x = [e[key] for e in t]
    for err in ("train_err", "test_err"):
      m = np.asarray([e[err] for e in t])
      ax.plot(x, m[:, 0], marker="o", label=err.replace("_", " "))
      ax.fill_between(x, m[:, 1], m[:, 2], alpha=0.2)
    ax.set_xlabel(xl)
    ax.set_ylabel("error")
    ax.legend(fontsize=7)
    csv_rows += [[key, e[key], *e["train_err"], *e["test_err"]] for e in t]
  fig.suptitle("Fig. 6: train and test errors of the Fig. 3 networks")
  head = ["axis", "x", "train_mean", "train_lo", "train_hi", "test_mean", "test_lo", "test_hi"]
  return save(fig, out, "fig6") + [write_csv(out, "fig6", head, csv_rows)]


table1, table2 = _table("table1"), _table("table2")
