"""The statistics behind Figs. 1–6 and their claims (spec §3.3–3.4), from point tables.

Every function takes rows of `analysis.points` and returns a dict: scalars (what the claims
test) and small tables (what the figures plot). Thresholds live in the claims, not here.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from noisecurv.papers.thomas2020 import stats
from noisecurv.papers.thomas2020.analysis import column, where

PAIRS = ("CH", "CF", "FH")


def fig1(rows: list[dict]) -> dict:
  """‖F − C‖²_F on training data against the training loss (rows of the `train` probe)."""
  loss, fc, rel = column(rows, "train/loss"), column(rows, "fc_abs"), column(rows, "fc_rel")
  low = np.isfinite(loss) & (loss < 0.05) & np.isfinite(rel) & (rel > 0)
  out = {"n_points": int(np.isfinite(fc).sum()), "spearman_loss_fc": stats.spearman(loss, fc),
         "n_low_loss": int(low.sum())}
  if low.any():
    out["low_loss_rel_span_decades"] = float(np.log10(rel[low].max() / rel[low].min()))
    out["low_loss_frac_rel_above_half"] = float(np.mean(rel[low] > 0.5))
  # "Eventually coincide": per (arch, dataset), the median over runs of D_FC(last)/D_FC(first
  # probe after step 0).
  fams = defaultdict(list)
  for key in {(r["arch"], r["dataset"], r["shard"], r["run"]) for r in rows}:
    series = sorted((r["step"], r["fc_abs"]) for r in where(rows, shard=key[2], run=key[3]))
    later = [v for s, v in series if s > 0 and np.isfinite(v)]
    if len(later) >= 2 and later[0] > 0:
      fams[key[:2]].append(later[-1] / later[0])
  ratios = {f"{a}/{d}": float(np.median(v)) for (a, d), v in fams.items()}
  out["family_last_over_first"] = ratios
  if ratios:
    out["min_family_last_over_first"] = min(ratios.values())
  return out


def fig2(rows: list[dict]) -> dict:
  """Medians over runs of r and s per probe step (rows of the `test` and `final` probes)."""
  steps = sorted({r["step"] for r in rows})
  table = []
  for s in steps:
    at = where(rows, step=s)
    entry = {"step": s, "n": len(at)}
    for p in PAIRS:
      for q in ("r", "s"):
        v = column(at, f"{q}_{p}")
        v = v[np.isfinite(v)]
        entry[f"{q}_{p}"] = [float(np.quantile(v, x)) for x in (0.1, 0.5, 0.9)] if v.size else None
    table.append(entry)
  final = [r for r in rows if np.isfinite(r.get("rank_C", np.nan))]
  base = [stats.random_lowrank_similarity(int(r["d"]), int(r["rank_C"])) for r in final]
  out = {"table": table, "baseline_median": float(np.median(base)) if base else float("nan"),
         "rank_C_median": float(np.median(column(final, "rank_C"))) if final else float("nan")}
  if len(steps) >= 2 and table[0]["s_CH"] and table[1]["s_CH"]:
    first = table[1]
    out["s_CH_step0"], out["s_CH_first"] = table[0]["s_CH"][1], first["s_CH"][1]
    out["s_FH_step0"], out["s_FH_first"] = table[0]["s_FH"][1], first["s_FH"][1]
    later = [e for e in table[1:] if e["s_CH"]]
    for p in PAIRS:
      out[f"min_median_s_{p}"] = min(e[f"s_{p}"][1] for e in later)
      out[f"min_median_r_{p}"] = min(e[f"r_{p}"][1] for e in later)
      out[f"max_median_r_{p}"] = max(e[f"r_{p}"][1] for e in later)
  return out


def _final(rows):
  return [r for r in rows if r["last"]]


def fig4(rows: list[dict]) -> dict:
  """Gap against TIC (4a) and against Tr(H) on the test subset (4b), final probe per run."""
  f = _final(rows)
  gap, tic, trh = column(f, "gap"), column(f, "tic"), column(f, "tr_H")
  ok = np.isfinite(gap) & np.isfinite(tic) & (gap > 0) & (tic > 0)
  ratio = tic[ok] / gap[ok]
  return {"n_points": len(f), "n_gap_nonpositive": int(np.sum(np.isfinite(gap) & (gap <= 0))),
          "log_pearson_tic": stats.log_pearson(tic, gap),
          "log_spearman_tic": stats.log_spearman(tic, gap),
          "log_pearson_trh": stats.log_pearson(trh, gap),
          "median_tic_over_gap": float(np.median(ratio)) if ratio.size else float("nan"),
          "frac_within_3x": float(np.mean((ratio > 1 / 3) & (ratio < 3))) if ratio.size
          else float("nan")}


def fig5(rows: list[dict]) -> dict:
  """Gap against TIC_F = Tr(F⁺C)/N (5a) and the trace ratio Tr C/Tr F (5b), final probe."""
  f = _final(rows)
  gap, tic, ticf = column(f, "gap"), column(f, "tic"), column(f, "tic_f")
  ratio_n = column(f, "trace_ratio_over_n")
  ok = np.isfinite(tic) & np.isfinite(ticf) & (tic > 0)
  out = {"log_pearson_tic_f": stats.log_pearson(ticf, gap),
         "log_pearson_tic": stats.log_pearson(tic, gap),
         "median_tic_f_over_tic": float(np.median(ticf[ok] / tic[ok])) if ok.any() else
         float("nan"),
         "spearman_gap_vs_ratio_over_gap": stats.spearman(gap[gap > 0], (ratio_n / gap)[gap > 0])}
  per = {}
  for ds in sorted({r["dataset"] for r in f}):
    sub = where(f, dataset=ds)
    g, tr = column(sub, "gap"), column(sub, "trace_ratio")
    upper = np.isfinite(g) & (g >= np.nanmedian(g))
    off = np.log10(tr / g)[np.isfinite(g) & (g > 0)]
    per[ds] = {"upper_half_log_pearson": stats.log_pearson(tr[upper], g[upper]),
               "median_log_offset": float(np.median(off)) if off.size else float("nan"),
               "n": len(sub)}
  out["per_dataset"] = per
  if per:
    out["min_upper_half_log_pearson"] = min(v["upper_half_log_pearson"] for v in per.values())
  return out


def _by(rows, key, names=("gap", "tic", "aic", "sens_over_n", "train_err", "test_err")):
  """Per value of `key`: bootstrap mean and 95% interval over seeds of each quantity."""
  out = []
  for v in sorted({r[key] for r in rows}):
    sub = where(rows, **{key: v})
    e = {key: v, "n": len(sub)}
    for n in names:
      e[n] = stats.bootstrap_mean_ci(column(sub, n))
    out.append(e)
  return out


def _with_derived(rows):
  for r in rows:
    r["sens_over_n"] = r.get("sens_loss", np.nan) / r["n_train"]
    r["train_err"] = 1.0 - r["train/accuracy"]
    r["test_err"] = 1.0 - r["test/accuracy"]
  return rows


def fig3a(rows: list[dict]) -> dict:
  """Gap, TIC, AIC, sensitivity/N and errors against the hidden width (clean labels)."""
  f = _with_derived([r for r in _final(rows) if not r.get("label_noise")])
  table = _by(f, "width")
  mean = lambda n: np.asarray([e[n][0] for e in table])
  w, gap, tic, aic = np.asarray([e["width"] for e in table]), mean("gap"), mean("tic"), mean("aic")
  big = w >= 25
  ratio = tic[big] / gap[big]
  return {"table": table, "pearson_tic_gap": stats.pearson(tic, gap),
          "mean_abs_log_tic": stats.mean_abs_log_ratio(tic, gap),
          "mean_abs_log_aic": stats.mean_abs_log_ratio(aic, gap),
          "max_factor_tic_gap_h25": float(np.max(np.maximum(ratio, 1 / ratio)))
          if ratio.size and np.all(ratio > 0) else float("inf"),
          "max_train_err_h25": float(np.max(mean("train_err")[big])) if big.any() else
          float("nan")}


def fig3b(rows: list[dict]) -> dict:
  """Gap, TIC, AIC, sensitivity/N and errors against the label corruption level (h = 70)."""
  f = _with_derived([r for r in _final(rows) if r.get("label_noise")])
  table = _by(f, "level")
  mean = lambda n: np.asarray([e[n][0] for e in table])
  c, gap, tic = np.asarray([e["level"] for e in table]), mean("gap"), mean("tic")
  sens = mean("sens_over_n")
  return {"table": table, "spearman_c_gap": stats.spearman(c, gap),
          "spearman_c_tic": stats.spearman(c, tic), "pearson_tic_gap": stats.pearson(tic, gap),
          "mean_abs_log_tic": stats.mean_abs_log_ratio(tic, gap),
          "mean_abs_log_aic": stats.mean_abs_log_ratio(mean("aic"), gap),
          "mean_abs_log_sens": stats.mean_abs_log_ratio(sens, gap),
          "max_train_err": float(np.max(mean("train_err"))),
          "spearman_c_test_err": stats.spearman(c, mean("test_err")),
          "test_err_at_max_level": float(mean("test_err")[-1])}


def fig6(rows: list[dict]) -> dict:
  a, b = fig3a(rows), fig3b(rows)
  return {"max_train_err_h25": a["max_train_err_h25"], "max_train_err_noise": b["max_train_err"],
          "spearman_c_test_err": b["spearman_c_test_err"],
          "test_err_at_max_level": b["test_err_at_max_level"],
          "table_width": a["table"], "table_level": b["table"]}


_GRID = ["train/loss", "test/loss", "gap"]
SUMMARIES = {
    "fig1": (fig1, "train", _GRID + ["fc_abs", "fc_rel", "fc_trace_normalized"]),
    "fig2": (fig2, "test+final",
             _GRID + [f"{q}_{p}" for p in PAIRS for q in "rs"] + ["rank_C", "d"]),
    "fig4": (fig4, "final", _GRID + ["tic", "tic_k", "tr_H"]),
    "fig5": (fig5, "final", _GRID + ["tic", "tic_f", "trace_ratio", "trace_ratio_over_n"]),
    "fig3a": (fig3a, "final", _GRID + ["width", "tic", "aic", "sens_loss", "test/accuracy"]),
    "fig3b": (fig3b, "final", _GRID + ["tic", "aic", "sens_loss", "test/accuracy"]),
    "fig6": (fig6, "final", _GRID + ["width", "train/accuracy", "test/accuracy"]),
}
