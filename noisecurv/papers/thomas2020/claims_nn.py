"""Claims of the neural-network experiments (spec §3.3–3.4): pipeline checks and Figs. 1–6.

Pipeline checks (H = F for logistic regression, F, C ⪰ 0, finite positive TIC, r > 0, |s| ≤ 1)
hold at any scale and run in CI. The figure claims are statistics over many trained networks:
they are meaningful only at paper (or reduced GPU) scale, never on CI's stand-in data.
"""

from __future__ import annotations

import numpy as np

from noisecurv.papers.thomas2020 import analysis, figstats
from noisecurv.reproductions import Claim, Measured

C = "configs/thomas2020/"
GRID = C + "grid_info_matrices.py"
FIG3A, FIG3B, FIG6 = (C + "fig3a_svhn2k_hidden_size.py", C + "fig3b_svhn2k_label_noise.py",
                      C + "fig6_svhn2k_errors.py")
PAPER_ONLY = ("statistics over many trained networks; the smoke tier trains a few tiny nets "
              "for a few hundred steps on digits or a random stand-in")


def shards(res, config: str) -> list[analysis.Shard]:
  return analysis.open_shards(res.run(config).path)


def rows(res, config: str, probe: str) -> list[dict]:
  return analysis.points(shards(res, config), probe)


def data_note(res, config: str) -> str:
  sh = shards(res, config)
  ds = sorted({s.labels["dataset"] for s in sh})
  subs = sorted({s.labels["dataset"] for s in sh if s.labels.get("substitute")})
  note = "data: " + ", ".join(ds)
  if subs:
    note += f" ({', '.join(subs)} substitutes for data not available here)"
  red = {s.labels.get("reduced") for s in sh} - {""}
  return note + (f"; REDUCED: {red.pop()}" if red else "")


# -- pipeline --------------------------------------------------------------------------


def _logreg_hf(res):
  r = [x for x in rows(res, GRID, "final") + rows(res, GRID, "test") if x["arch"] == "logreg"]
  v = float(np.nanmax(analysis.column(r, "hf_rel")))
  return Measured(v, v < 1e-4, f"max ‖H − F‖_F/‖F‖_F over {len(r)} logreg probes (float32)")


def _psd(res):
  r = rows(res, GRID, "final") + rows(res, FIG6, "final")
  f = float(np.nanmin(analysis.column(r, "min_eig_F_rel")))
  c = float(np.nanmin(analysis.column(r, "min_eig_C_rel")))
  return Measured(min(f, c), min(f, c) >= -1e-4,
                  f"min λ_min/λ_max: F {f:.2g}, C {c:.2g} over {len(r)} runs (float32 round-off)")


def _tic_positive(res):
  r = rows(res, GRID, "final") + rows(res, FIG6, "final")
  t = np.concatenate([analysis.column(r, "tic"), analysis.column(r, "tic_f")])
  ok = bool(np.all(np.isfinite(t) & (t > 0)))
  return Measured(float(np.min(t)), ok, f"min of TIC and TIC_F over {len(r)} runs")


def _r_s(res):
  r = rows(res, GRID, "test") + rows(res, GRID, "final") + rows(res, GRID, "train")
  rs = np.concatenate([analysis.column(r, f"r_{p}") for p in figstats.PAIRS])
  ss = np.concatenate([analysis.column(r, f"s_{p}") for p in figstats.PAIRS])
  rs, ss = rs[np.isfinite(rs)], ss[np.isfinite(ss)]
  ok = bool(rs.size and ss.size and rs.min() > 0 and np.abs(ss).max() <= 1 + 1e-5)
  return Measured(f"{rs.min():.3g} / {np.abs(ss).max():.4f}", ok, "min r / max |s| over all "
                  "pairs and probes")


def pipeline_claims() -> list[Claim]:
  return [
      Claim("logistic regression: H = F at every θ (GLM)", "H = F (§2)", _logreg_hf,
            figure="fig4"),
      Claim("F ⪰ 0 and C ⪰ 0", "PSD", _psd, figure="fig5"),
      Claim("TIC and TIC_F finite and > 0 in every run", "> 0", _tic_positive, figure="fig4"),
      Claim("r > 0 and |s| ≤ 1 for every pair", "by definition", _r_s, figure="fig2"),
  ]


# -- figures -----------------------------------------------------------------------------


def _stat(config, probes, fn, test):
  def check(res):
    sh = shards(res, config)
    r = [x for p in probes.split("+") for x in analysis.points(sh, p)]
    s = fn(r)
    value, ok, detail = test(s)
    return Measured(value, bool(ok), detail + "; " + data_note(res, config))

  return check


def _f(x):
  return float(x) if x is not None else float("nan")


FIG_CLAIMS = [
    ("fig1", "Fig 1(i): D_FC weakly associated with the train loss", "|Spearman| < 0.7",
     GRID, "train", figstats.fig1,
     lambda s: (s["spearman_loss_fc"], abs(s["spearman_loss_fc"]) < 0.7,
                f"{s['n_points']} (run, probe) points")),
    ("fig1", "Fig 1(ii): large relative D_FC at low train loss", "≥ 2 decades, ≥ 10% > 0.5",
     GRID, "train", figstats.fig1,
     lambda s: (f"{_f(s.get('low_loss_rel_span_decades')):.2f} dec / "
                f"{_f(s.get('low_loss_frac_rel_above_half')):.2f}",
                _f(s.get("low_loss_rel_span_decades")) >= 2
                and _f(s.get("low_loss_frac_rel_above_half")) >= 0.1,
                f"{s['n_low_loss']} points with train loss < 0.05")),
    ("fig1", "Fig 1(iii): some family ends with D_FC < 1% of its first probe", "< 0.01",
     GRID, "train", figstats.fig1,
     lambda s: (_f(s.get("min_family_last_over_first")),
                _f(s.get("min_family_last_over_first")) < 0.01,
                "median over runs per (arch, dataset)")),
    ("fig2", "Fig 2(i): H aligns with C and F after step 0", "s(step 0) < s(first probe)",
     GRID, "test+final", figstats.fig2,
     lambda s: (f"{_f(s.get('s_CH_step0')):.2f}→{_f(s.get('s_CH_first')):.2f}",
                _f(s.get("s_CH_step0")) < _f(s.get("s_CH_first"))
                and _f(s.get("s_FH_step0")) < _f(s.get("s_FH_first")),
                f"s(F,H) {_f(s.get('s_FH_step0')):.2f}→{_f(s.get('s_FH_first')):.2f}")),
    ("fig2", "Fig 2(ii): median cosines ≥ 0.8 and ≥ 10× random", "≥ 0.8, ≥ 10× baseline",
     GRID, "test+final", figstats.fig2,
     lambda s: (min(_f(s.get(f"min_median_s_{p}")) for p in figstats.PAIRS),
                min(_f(s.get(f"min_median_s_{p}")) for p in figstats.PAIRS)
                >= max(0.8, 10 * s["baseline_median"]),
                f"random low-rank baseline {s['baseline_median']:.2g} (k = median rank C "
                f"{s['rank_C_median']:.0f})")),
    ("fig2", "Fig 2(iii): C larger than F and H; F ≈ H in scale", "r(C,·) > 1, r(F,H) ∈ [.5, 2]",
     GRID, "test+final", figstats.fig2,
     lambda s: (f"{_f(s.get('min_median_r_CF')):.2f}/{_f(s.get('min_median_r_FH')):.2f}",
                _f(s.get("min_median_r_CF")) > 1 and _f(s.get("min_median_r_CH")) > 1
                and 0.5 <= _f(s.get("min_median_r_FH")) and _f(s.get("max_median_r_FH")) <= 2,
                "min median r(C,F) / r(F,H) after step 0")),
    ("fig4", "Fig 4a: TIC predicts the gap", "log Pearson ≥ 0.9, Spearman ≥ 0.85", GRID, "final",
     figstats.fig4,
     lambda s: (s["log_pearson_tic"], s["log_pearson_tic"] >= 0.9
                and s["log_spearman_tic"] >= 0.85,
                f"Spearman {s['log_spearman_tic']:.3f}; {s['n_points']} runs, "
                f"{s['n_gap_nonpositive']} with gap ≤ 0 dropped")),
    ("fig4", "Fig 4b: Tr(H) predicts the gap much worse", "≥ 0.2 lower", GRID, "final",
     figstats.fig4,
     lambda s: (s["log_pearson_trh"], s["log_pearson_tic"] - s["log_pearson_trh"] >= 0.2,
                f"TIC {s['log_pearson_tic']:.3f}")),
    ("fig4", "Fig 4a: TIC calibrated on y = x", "median ∈ [0.5, 2], ≥ 70% within 3×", GRID,
     "final", figstats.fig4,
     lambda s: (s["median_tic_over_gap"], 0.5 <= s["median_tic_over_gap"] <= 2
                and s["frac_within_3x"] >= 0.7, f"{s['frac_within_3x']:.0%} within 3×")),
    ("fig5", "Fig 5a: Tr(F⁺C)/N as good as the TIC", "Pearson ≥ TIC − 0.05, ratio ∈ [.5, 2]",
     GRID, "final", figstats.fig5,
     lambda s: (s["log_pearson_tic_f"], s["log_pearson_tic_f"] >= s["log_pearson_tic"] - 0.05
                and 0.5 <= s["median_tic_f_over_tic"] <= 2,
                f"TIC {s['log_pearson_tic']:.3f}; median TIC_F/TIC "
                f"{s['median_tic_f_over_tic']:.2f}")),
    ("fig5", "Fig 5b: Tr C/Tr F tracks large gaps", "per-dataset upper-half Pearson ≥ 0.8",
     GRID, "final", figstats.fig5,
     lambda s: (_f(s.get("min_upper_half_log_pearson")),
                _f(s.get("min_upper_half_log_pearson")) >= 0.8,
                "; ".join(f"{k}: {v['upper_half_log_pearson']:.2f}"
                          for k, v in s["per_dataset"].items()))),
    ("fig5", "Fig 5b: Tr C/Tr F overestimates small gaps", "Spearman(gap, est/gap) < 0", GRID,
     "final", figstats.fig5,
     lambda s: (s["spearman_gap_vs_ratio_over_gap"], s["spearman_gap_vs_ratio_over_gap"] < 0,
                "estimate Tr C/(N Tr F)")),
    ("fig3", "Fig 3a: TIC within 2× of the gap for h ≥ 25", "factor ≤ 2", FIG3A, "final",
     figstats.fig3a,
     lambda s: (s["max_factor_tic_gap_h25"], s["max_factor_tic_gap_h25"] <= 2,
                "means over seeds")),
    ("fig3", "Fig 3a: TIC closer to the gap than the AIC", "mean|log(est/gap)| smaller", FIG3A,
     "final", figstats.fig3a,
     lambda s: (f"{s['mean_abs_log_tic']:.2f} vs {s['mean_abs_log_aic']:.2f}",
                s["mean_abs_log_tic"] < s["mean_abs_log_aic"], "TIC vs AIC")),
    ("fig3", "Fig 3a: Pearson(TIC, gap) over widths", "≥ 0.8", FIG3A, "final", figstats.fig3a,
     lambda s: (s["pearson_tic_gap"], s["pearson_tic_gap"] >= 0.8,
                f"{len(s['table'])} widths")),
    ("fig3", "Fig 3b: gap and TIC rise with label noise", "Spearman ≥ 0.9 both", FIG3B, "final",
     figstats.fig3b,
     lambda s: (f"{s['spearman_c_gap']:.2f}/{s['spearman_c_tic']:.2f}",
                s["spearman_c_gap"] >= 0.9 and s["spearman_c_tic"] >= 0.9, "gap / TIC")),
    ("fig3", "Fig 3b: Pearson(TIC, gap) over noise levels", "≥ 0.9", FIG3B, "final",
     figstats.fig3b, lambda s: (s["pearson_tic_gap"], s["pearson_tic_gap"] >= 0.9,
                               f"{len(s['table'])} levels")),
    ("fig3", "Fig 3b: TIC the closest of TIC, AIC, sensitivity/N", "smallest mean|log ratio|",
     FIG3B, "final", figstats.fig3b,
     lambda s: (f"{s['mean_abs_log_tic']:.2f}", s["mean_abs_log_tic"]
                < min(s["mean_abs_log_aic"], s["mean_abs_log_sens"]),
                f"AIC {s['mean_abs_log_aic']:.2f}, sens/N {s['mean_abs_log_sens']:.2f}")),
    ("fig6", "Fig 6a: networks fit the data for h ≥ 25", "train error ≤ 1%", FIG6, "final",
     figstats.fig6, lambda s: (s["max_train_err_h25"], s["max_train_err_h25"] <= 0.01,
                               "max over widths of the mean train error")),
    ("fig6", "Fig 6b: h = 70 fits every corruption level", "train error ≤ 1%", FIG6, "final",
     figstats.fig6, lambda s: (s["max_train_err_noise"], s["max_train_err_noise"] <= 0.01,
                               "max over levels of the mean train error")),
    ("fig6", "Fig 6b: test error rises with c to 90% at c = 1", "90% ± 3%", FIG6, "final",
     figstats.fig6,
     lambda s: (s["test_err_at_max_level"], s["spearman_c_test_err"] >= 0.9
                and abs(s["test_err_at_max_level"] - 0.9) <= 0.03,
                f"Spearman(c, test error) {s['spearman_c_test_err']:.2f}")),
]


def figure_claims() -> list[Claim]:
  out = [Claim(name, paper, _stat(cfg, probe, fn, test), scales=("paper",), why_not=PAPER_ONLY,
               figure=fig) for fig, name, paper, cfg, probe, fn, test in FIG_CLAIMS]
  out.append(Claim("Fig 5: per-dataset offsets MNIST < SVHN ≤ CIFAR-10", "soft (spec §3.3)",
                   lambda res: Measured("—", False, "not run"), scales=(),
                   why_not="needs SVHN and CIFAR-10, whose files are not available here",
                   figure="fig5"))
  return out
