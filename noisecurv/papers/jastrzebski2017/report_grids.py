"""Figures and claims of the η × S grids: Fig. 3 (E3), its equal-loss control (E8b), Fig. 6 (E7)."""

from __future__ import annotations

import numpy as np

from noisecurv.papers.jastrzebski2017 import stats
from noisecurv.papers.jastrzebski2017.tables import CONFIGS, column, grid_rows, rows_of, standin
from noisecurv.reproductions import Claim, Figure, Measured
from noisecurv.reproductions.figures import pyplot, save, write_csv

E3_KEYS = {"lam": "lam/lambda_max", "fro": "fro/fro", "fro_sq_over_d": "fro/fro_sq_over_d",
           "trace": "fro/trace", "train_acc": "train/accuracy", "train_loss": "train/loss",
           "val_acc": "val/accuracy", "test_acc": "test/accuracy"}
E3_COLS = ("lr", "batch_size", "ratio", "lam", "fro", "fro_sq_over_d", "trace", "train_acc",
           "train_loss", "val_acc", "test_acc", "diverged")


def _e3(res):
  return grid_rows(res.run(CONFIGS["fig3"]), E3_KEYS)


def _kept(rows):
  """Fig. 3 keeps the runs with ≈100% train accuracy (footnote 11; threshold 99%)."""
  return [r for r in rows if r["train_acc"] >= 0.99 and not r["diverged"]]


def fig3(res, out):
  rows = _e3(res)
  plt = pyplot()
  fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
  sizes = sorted({r["batch_size"] for r in rows})
  lrs = sorted({r["lr"] for r in rows})
  markers = "osD^v<>p"
  cmap = plt.get_cmap("viridis")
  for ax, key, lab in zip(axes, ("lam", "fro", "val_acc"),
                          ("λ_max(H)", "‖H‖_F", "validation accuracy")):
    for r in rows:
      c = cmap(sizes.index(r["batch_size"]) / max(len(sizes) - 1, 1))
      ax.scatter(r["ratio"], r[key], color=c, marker=markers[lrs.index(r["lr"]) % 8],
                 edgecolor="k" if r["train_acc"] >= 0.99 else "none", s=30)
    ax.set_xscale("log")
    if key != "val_acc":
      ax.set_yscale("log")
    ax.set_xlabel("η/S")
    ax.set_ylabel(lab)
  for s in sizes:
    axes[0].scatter([], [], color=cmap(sizes.index(s) / max(len(sizes) - 1, 1)), label=f"S={s}")
  axes[0].legend(fontsize=7)
  fig.suptitle("Fig. 3: BN-MLP on Fashion-MNIST (marker: η; black edge: train acc ≥ 99%)")
  return save(fig, out, "fig3_lr_bs_grid") + [
      write_csv(out, "fig3_lr_bs_grid", E3_COLS, [[r[k] for k in E3_COLS] for r in rows])]


def _e3_fit(res):
  rows = _e3(res)
  frac = float(np.mean([r["train_acc"] >= 0.99 for r in rows]))
  return Measured(frac, frac >= 0.8, f"{len(_kept(rows))}/{len(rows)} runs at ≥ 99% train acc")


def _e3_corr(key, sign, thr):
  def check(res):
    k = _kept(_e3(res))
    rho, p = stats.spearman(column(k, "ratio"), column(k, key))
    ok = rho <= thr if sign < 0 else rho >= thr
    return Measured(rho, bool(np.isfinite(rho) and ok), f"Spearman over {len(k)} kept runs, "
                    f"p = {p:.2g}")

  return check


def _e3_diag_acc(res):
  k = _kept(_e3(res))
  sp = stats.diagonal_spreads(column(k, "ratio"), 100 * column(k, "val_acc"))
  if not sp:
    return Measured("—", False, "no equal-ratio diagonal with ≥ 2 kept runs")
  worst = max(sp, key=sp.get)
  return Measured(sp[worst], sp[worst] <= 1.0, f"largest spread (pp) on {len(sp)} diagonals, at "
                  f"η/S = {worst:g}")


def _e3_diag_lam(res):
  k = _kept(_e3(res))
  lam = np.log10(column(k, "lam"))
  sp = stats.diagonal_spreads(column(k, "ratio"), lam)
  fin = lam[np.isfinite(lam)]
  if not sp or fin.size < 2:
    return Measured("—", False, "needs diagonals and finite λ_max")
  total = float(fin.max() - fin.min())
  r = max(sp.values()) / total
  return Measured(r, r <= 0.35, f"max within-diagonal spread of log10 λ_max "
                  f"{max(sp.values()):.2f} over the grid's {total:.2f} decades")


def _e3_smoke(res):
  run = res.run(CONFIGS["fig3"])
  rows = grid_rows(run, E3_KEYS)
  lam, fro = column(rows, "lam"), column(rows, "fro")
  ok = bool(np.all(np.isfinite(lam)) and np.all(np.isfinite(fro)) and np.all(fro > 0))
  return Measured(len(rows), ok, f"runs with finite λ_max and ‖H‖_F > 0 (stand-in data: "
                  f"{standin(run)})")


# -- E8b -------------------------------------------------------------------------------------

THRESHOLD = 1e-3


def _e8b(res):
  """Per run: η/S, the step at which the full-train loss first is ≤ 1e-3, and λ_max at the first
  probe at or after it (NaN when the threshold is never reached)."""
  run = res.run(CONFIGS["fig3_equal_loss"])
  m = run.metrics()
  loss, lam = m["train/loss"], m["lam_t/lambda_max"]
  out = []
  for i, sp in enumerate(run.runs):
    s, v = loss.run(i)
    hit = s[v <= THRESHOLD]
    row = {"lr": sp["lr"], "batch_size": sp["batch_size"], "ratio": sp["lr"] / sp["batch_size"],
           "step": float(hit[0]) if hit.size else np.nan, "lam": np.nan}
    if hit.size:
      ls, lv = lam.run(i)
      after = ls >= hit[0]
      if after.any():
        row["lam"] = float(lv[after][0])
    out.append(row)
  return out


def fig3_equal_loss(res, out):
  rows = _e8b(res)
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(5, 3.6))
  ax.scatter(column(rows, "ratio"), column(rows, "lam"), c=np.log2(column(rows, "batch_size")))
  ax.set_xscale("log")
  ax.set_yscale("log")
  ax.set_xlabel("η/S")
  ax.set_ylabel("λ_max at the first train loss ≤ 1e-3")
  cols = ("lr", "batch_size", "ratio", "step", "lam")
  return save(fig, out, "fig3_equal_loss") + [
      write_csv(out, "fig3_equal_loss", cols, [[r[k] for k in cols] for r in rows])]


def _e8b_corr(res):
  rows = [r for r in _e8b(res) if np.isfinite(r["lam"])]
  rho, p = stats.spearman(column(rows, "ratio"), column(rows, "lam"))
  return Measured(rho, bool(np.isfinite(rho) and rho <= -0.5),
                  f"Spearman over the {len(rows)} runs that reach train loss ≤ 1e-3, p = {p:.2g}")


def _e8b_smoke(res):
  run = res.run(CONFIGS["fig3_equal_loss"])
  lam = run.metric("lam_t/lambda_max").values
  return Measured(int(np.isfinite(lam).sum()), bool(np.isfinite(lam).sum() >= run.n_runs),
                  "finite periodic λ_max values logged")


# -- E7 --------------------------------------------------------------------------------------

E7_KEYS = {"noisy_acc": "train_noisy/accuracy", "clean_acc": "train_clean/accuracy",
           "val_acc": "val/accuracy", "test_acc": "test/accuracy", "fro": "fro/fro"}
E7_COLS = ("label_noise_trial", "momentum", "lr", "batch_size", "ratio", "ratio_eff",
           "noisy_acc", "clean_acc", "val_acc", "test_acc", "fro", "memorised")


def _e7(res):
  rows = rows_of(res, "fig6", E7_KEYS)
  for r in rows:
    r["memorised"] = bool(r["noisy_acc"] >= 0.999 and not r["diverged"])
  return rows


def _groups(rows):
  g: dict[tuple[float, float], list] = {}
  for r in rows:
    if r["memorised"]:
      g.setdefault((r["label_noise_trial"], r["momentum"]), []).append(r)
  return g


def fig6(res, out):
  rows = _e7(res)
  plt = pyplot()
  fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
  for ax, mu in zip(axes, (0.9, 0.0)):
    for r_noise, mk in ((0.25, "o"), (0.5, "s")):
      sel = [r for r in rows if r["memorised"] and r["momentum"] == mu
             and abs(r["label_noise_trial"] - r_noise) < 1e-9]
      ax.scatter(column(sel, "ratio"), column(sel, "val_acc"), marker=mk,
                 label=f"validation, r={r_noise}")
      ax.scatter(column(sel, "ratio"), column(sel, "noisy_acc"), marker=mk, facecolor="none",
                 edgecolor="k", label=f"train (random labels), r={r_noise}")
    ax.set_xscale("log")
    ax.set_xlabel("η/S")
    ax.set_title(f"momentum {mu}")
  axes[0].set_ylabel("accuracy (memorised runs)")
  axes[0].legend(fontsize=7)
  return save(fig, out, "fig6_memorization") + [
      write_csv(out, "fig6_memorization", E7_COLS, [[r[k] for k in E7_COLS] for r in rows])]


def _e7_groups(res):
  g = _groups(_e7(res))
  big = {k: v for k, v in g.items() if len(v) >= 5}
  rhos = {k: stats.spearman(column(v, "ratio"), column(v, "val_acc"))[0] for k, v in big.items()}
  detail = "; ".join(f"r={k[0]:g}, μ={k[1]:g}: ρ={v:.2f} (n={len(big[k])})"
                     for k, v in sorted(rhos.items()))
  ok = bool(rhos) and all(np.isfinite(v) and v >= 0.4 for v in rhos.values())
  return Measured(min(rhos.values()) if rhos else "—", ok,
                  detail or "no (r, μ) group with ≥ 5 memorised runs")


def _e7_hessian(res):
  mem = [r for r in _e7(res) if r["memorised"]]
  x, y = np.log10(column(mem, "ratio")), np.log10(column(mem, "fro"))
  r, p = stats.pearson(x, y)
  raw, _ = stats.pearson(column(mem, "ratio"), column(mem, "fro"))
  eff, _ = stats.pearson(np.log10(column(mem, "ratio_eff")), y)
  rho, _ = stats.spearman(x, y)
  return Measured(r, bool(np.isfinite(r) and r <= -0.4 and p <= 1e-3),
                  f"Pearson on log10 scales over {len(mem)} memorised runs, p = {p:.2g}; raw "
                  f"scale {raw:.2f}; Spearman {rho:.2f}; with η/(S(1−μ)) {eff:.2f} (the paper "
                  "does not say which scale its −0.58 uses)")


def _e7_gap(res):
  g = _groups(_e7(res))
  gaps = {k[0]: 100 * (column(v, "val_acc").max() - column(v, "val_acc").min())
          for k, v in g.items() if k[1] == 0.0}
  ok = len(gaps) == 2 and all(v >= 2.0 for v in gaps.values())
  return Measured(min(gaps.values()) if gaps else "—", ok,
                  "best − worst memorised validation accuracy at μ = 0 (pp): "
                  + ", ".join(f"r={k:g}: {v:.1f}" for k, v in sorted(gaps.items())))


def _e7_smoke(res):
  rows = _e7(res)
  acc = column(rows, "noisy_acc")
  return Measured(len(rows), bool(rows and np.all(np.isfinite(acc))
                                  and np.all(np.isfinite(column(rows, "fro")))),
                  "runs with a finite random-label accuracy and ‖H‖_F")


FIGURES = (
    Figure("Fig. 3: η/S grid", fig3, "λ_max, ‖H‖_F (10k training examples, BN eval) and "
           "validation accuracy at the end of training vs η/S; colour: S, marker: η."),
    Figure("E8b: equal-loss control", fig3_equal_loss, "λ_max at the first evaluation with "
           "full-train loss ≤ 1e-3 vs η/S (spec control, not in the paper)."),
    Figure("Fig. 6: memorisation", fig6, "Memorised runs (≥ 99.9% accuracy on the random-label "
           "examples): validation (filled) and random-label train accuracy (open) vs η/S."),
)

PAPER_ONLY = "needs the Fashion-MNIST/MNIST runs at (reduced) paper scale: the smoke run is a " \
    "few epochs of a width-32 net on 320 examples (or a random stand-in without the files)"

CLAIMS = (
    Claim("E3: ≥ 80% of runs reach ≥ 99% train accuracy", "all ≈100% (fn. 11)", _e3_fit,
          scales=("paper",), why_not=PAPER_ONLY, figure="Fig. 3: η/S grid"),
    Claim("E3: Spearman(η/S, λ_max) ≤ −0.7", "−0.98 (spec ref.)", _e3_corr("lam", -1, -0.7),
          scales=("paper",), why_not=PAPER_ONLY, figure="Fig. 3: η/S grid"),
    Claim("E3: Spearman(η/S, ‖H‖_F) ≤ −0.7", "−0.99 (spec ref.)", _e3_corr("fro", -1, -0.7),
          scales=("paper",), why_not=PAPER_ONLY, figure="Fig. 3: η/S grid"),
    Claim("E3: Spearman(η/S, val acc) ≥ +0.5", "+0.94 (spec ref.)", _e3_corr("val_acc", 1, 0.5),
          scales=("paper",), why_not=PAPER_ONLY, figure="Fig. 3: η/S grid"),
    Claim("E3: equal η/S ⇒ val acc within 1 pp", "0.8 pp (spec ref.)", _e3_diag_acc,
          scales=("paper",), why_not=PAPER_ONLY, figure="Fig. 3: η/S grid"),
    Claim("E3: log λ_max spread within a diagonal ≤ 0.35 of the grid's", "0.93/4.3 (spec ref.)",
          _e3_diag_lam, scales=("paper",), why_not=PAPER_ONLY, figure="Fig. 3: η/S grid"),
    Claim("E3 smoke: grid runs end with finite λ_max and ‖H‖_F", "pipeline", _e3_smoke,
          scales=("smoke",), figure="Fig. 3: η/S grid"),
    Claim("E8b: Spearman(η/S, λ_max at loss ≤ 1e-3) ≤ −0.5", "−0.90 partial (spec ref.)",
          _e8b_corr, scales=("paper",), why_not=PAPER_ONLY, figure="E8b: equal-loss control"),
    Claim("E8b smoke: periodic λ_max probes logged", "pipeline", _e8b_smoke, scales=("smoke",),
          figure="E8b: equal-loss control"),
    Claim("E7: Spearman(η/S, val acc) ≥ 0.4 in every (r, μ) group", "+0.47…+0.96 (spec ref.)",
          _e7_groups, scales=("paper",), why_not=PAPER_ONLY, figure="Fig. 6: memorisation"),
    Claim("E7: Pearson(log η/S, log ‖H‖_F) ≤ −0.4, p ≤ 0.001", "−0.58, p ≤ 0.001", _e7_hessian,
          scales=("paper",), why_not=PAPER_ONLY, figure="Fig. 6: memorisation"),
    Claim("E7: μ = 0 best − worst memorised val acc ≥ 2 pp", "5.3 / 5.8 pp (spec ref.)", _e7_gap,
          scales=("paper",), why_not=PAPER_ONLY, figure="Fig. 6: memorisation"),
    Claim("E7 smoke: random-label accuracy and ‖H‖_F logged", "pipeline", _e7_smoke,
          scales=("smoke",), figure="Fig. 6: memorisation"),
)
