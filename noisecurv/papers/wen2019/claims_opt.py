"""Claims of the optimisation experiments W5–W8 (Fig. 2, Fig. 3, Fig. 5a, Fig. 5b)."""

from __future__ import annotations

import numpy as np

from noisecurv.papers.wen2019 import common as cm
from noisecurv.papers.wen2019 import figures_nets as fn
from noisecurv.reproductions import Claim, Measured

PAPER_ONLY_TRAINING = ("needs trained networks and many updates: the smoke runs take a few "
                       "dozen updates of a tiny network")


def _variance_ratios(res):
  a = fn.variance_arrays(res)
  names = [str(n) for n in a["names"]]
  kern = np.array([n.endswith("kernel") for n in names])
  row = cm.single_row(res.run(cm.FIG2))
  r = {k: a[k][kern] / a["sb"][kern] for k in ("lb", "lb_full", "lb_diag")}
  r["diag_full"] = a["lb_diag"][kern] / a["lb_full"][kern]
  return r, row


def w5_noise_matches_sb(res):
  r, _ = _variance_ratios(res)
  med = {k: float(np.median(r[k])) for k in ("lb_full", "lb_diag")}
  ok = all(0.8 <= v <= 1.25 for v in med.values())
  return Measured(f"full {med['lb_full']:.3f}, diag {med['lb_diag']:.3f}", ok,
                  "median over layers of Var/Var_SB, each in [0.8, 1.25]")


def w5_layers(res):
  r, _ = _variance_ratios(res)
  frac = {k: float(np.mean((r[k] >= 0.67) & (r[k] <= 1.5))) for k in ("lb_full", "lb_diag")}
  return Measured(f"full {frac['lb_full']:.0%}, diag {frac['lb_diag']:.0%}",
                  min(frac.values()) >= 0.8, "fraction of layers with Var/Var_SB in [0.67, 1.5]")


def w5_lb(res):
  r, row = _variance_ratios(res)
  med = float(np.median(r["lb"]))
  exp = float(row["expected_lb_over_sb"])
  lo, hi = 0.02 / 0.0292 * exp, 0.045 / 0.0292 * exp  # the spec's [0.02, 0.045] around 0.029
  return Measured(med, lo <= med <= hi, f"median Var_LB/Var_SB; expected {exp:.4f} from the "
                                        f"batch sizes, window [{lo:.4f}, {hi:.4f}]")


def w5_same_diagonal(res):
  r, _ = _variance_ratios(res)
  v = r["diag_full"]
  ok = bool(np.all((v >= 0.85) & (v <= 1.18)))
  return Measured(f"[{v.min():.3f}, {v.max():.3f}]", ok,
                  "per layer Var_{LB+diag}/Var_{LB+full} in [0.85, 1.18]")


def _auc(res):
  curves = fn.train_error_curves(res)
  missing = {"sb", "lb", "lb_full", "lb_diag"} - set(curves)
  if missing:
    raise KeyError(f"Fig. 3 regimes missing: {sorted(missing)}")
  return ({m: float(np.mean(e)) for m, (_, e) in curves.items()},
          {m: float(e[-1]) for m, (_, e) in curves.items()})


def w6a(res):
  _, fin = _auc(res)
  return Measured(f"{fin['lb_diag']:.2f} vs {fin['lb_full']:.2f}",
                  fin["lb_diag"] < fin["lb_full"], "final train error (%) LB+diag vs LB+full")


def w6b(res):
  auc, _ = _auc(res)
  d = abs(auc["lb_full"] - auc["sb"]) / auc["sb"]
  return Measured(d, d <= 0.25, f"|AUC_full − AUC_SB|/AUC_SB; AUC (mean train error %) full "
                                f"{auc['lb_full']:.2f}, SB {auc['sb']:.2f}")


def w6c(res):
  auc, _ = _auc(res)
  lhs, rhs = auc["lb_diag"] - auc["lb"], 0.5 * (auc["sb"] - auc["lb"])
  return Measured(f"{lhs:.2f} ≤ {rhs:.2f}", lhs <= rhs,
                  f"AUC_diag − AUC_LB ≤ ½(AUC_SB − AUC_LB); AUC LB {auc['lb']:.2f}, diag "
                  f"{auc['lb_diag']:.2f}, SB {auc['sb']:.2f}")


def w6d(res):
  auc, _ = _auc(res)
  return Measured(f"{auc['lb']:.2f} < {auc['sb']:.2f}", auc["lb"] < auc["sb"],
                  "sanity: LB trains faster per update than SB")


def w7_ratio(res):
  series = fn.frobenius_series(res)
  worst = min(float(np.min(v["ratio_u"])) for _, _, _, v in series)
  return Measured(worst, worst >= 10, f"min over {len(series)} runs and all probe points of "
                                      f"‖C‖_F/‖diag C‖_F (U-statistics)")


def w7_algebra(res):
  series = fn.frobenius_series(res)
  worst = min(min(float(np.min(v["ratio_u"])), float(np.min(v["ratio"])))
              for _, _, _, v in series)
  return Measured(worst, worst >= 1.0, "smoke sanity: ‖C‖_F ≥ ‖diag C‖_F at every probe point "
                                       "(plain and U-statistic estimates)")


def w7_traces(res):
  series = fn.frobenius_series(res)
  z = []
  for _, _, _, v in series:
    if "tr_ch" in v:
      z.append(np.min((v["tr_ch"] - v["tr_diag_ch"]) / np.hypot(v["tr_ch_se"],
                                                                 v["tr_diag_ch_se"])))
  if not z:
    raise KeyError("no Tr(CH) measurements (probe hessian_probes = 0)")
  worst = float(min(z))
  return Measured(worst, worst >= 3, "min over probe points of (Tr(CH) − Tr(diag(C)H))/SE")


def _lmax(res):
  tab = fn.lmax_table(res)
  return {row: {m: d["lambda_max"] for m, d in ms.items()} for row, ms in tab.items()}, tab


def w8a(res):
  lam, _ = _lmax(res)
  parts = {row: (v["lb_diag"].mean(), v["lb"].mean()) for row, v in lam.items()}
  ok = all(d < b for d, b in parts.values())
  return Measured(", ".join(f"{r}: {d:.3g} vs {b:.3g}" for r, (d, b) in parts.items()), ok,
                  "mean λ_max LB+diag < LB for every model")


def w8b(res):
  lam, _ = _lmax(res)
  parts = {row: (v["sb"].mean(), v["lb"].mean()) for row, v in lam.items()}
  ok = all(s < b for s, b in parts.values())
  return Measured(", ".join(f"{r}: {s:.3g} vs {b:.3g}" for r, (s, b) in parts.items()), ok,
                  "mean λ_max SB < LB for every model")


def w8c(res):
  lam, _ = _lmax(res)
  ratio = {row: v["lb_diag"].mean() / v["sb"].mean() for row, v in lam.items()}
  return Measured(", ".join(f"{r}: {x:.2f}" for r, x in ratio.items()),
                  min(ratio.values()) <= 1.5, "λ_max(LB+diag)/λ_max(SB) ≤ 1.5 for ≥ 1 model")


def w8d(res):
  lam, tab = _lmax(res)
  cv = lambda v: float(np.std(v, ddof=1) / np.mean(v)) if v.size > 1 else float("nan")
  mod = max(cv(v) for ms in lam.values() for v in ms.values())
  raw = max(cv(d["lambda_max_raw"]) for ms in tab.values() for d in ms.values())
  return Measured(mod, mod <= 0.3, f"max coefficient of variation over seeds, modified; "
                                   f"unmodified {raw:.2f}")


def w8_fold(res):
  _, tab = _lmax(res)
  worst = max(float(np.max(d["fold_max_abs_diff"])) for ms in tab.values() for d in ms.values())
  return Measured(worst, worst < 1e-4, "max |logits(BN model) − logits(folded)| (spec < 1e-4)")


P = ("paper",)
W5_SMOKE = ("smoke runs use the random official-format stand-in when the dataset files are absent "
            "(CI); its variance ratios fail there (W5a 1.26/1.55, W5c 0.55), so real data only")
CLAIMS = (
    Claim("W5a LB+full and LB+diag variance ≈ SB (median ratio)", "≈ SB (Fig. 2)",
          w5_noise_matches_sb, scales=P, why_not=W5_SMOKE, figure="fig2"),
    Claim("W5b ≥ 80% of layers within [0.67, 1.5] of SB", "≈ SB (Fig. 2)", w5_layers, scales=P,
          why_not="per-layer ratios need K = 100 draws; smoke has 30 and 5 layers",
          figure="fig2"),
    Claim("W5c LB variance ≪ SB (≈ the batch-size ratio)", "much smaller (Fig. 2)", w5_lb,
          scales=P, why_not=W5_SMOKE, figure="fig2"),
    Claim("W5d LB+diag ≈ LB+full per layer (same diagonal)", "roughly the same",
          w5_same_diagonal, scales=P, why_not="per-layer MC error of 30 draws exceeds the window",
          figure="fig2"),
    Claim("W6a final train error LB+diag < LB+full", "LB+diag much faster", w6a, scales=P,
          why_not=PAPER_ONLY_TRAINING, figure="fig3"),
    Claim("W6b LB+full ≈ SB per update", "matches SB", w6b, scales=P,
          why_not=PAPER_ONLY_TRAINING, figure="fig3"),
    Claim("W6c LB+diag closer to LB than to SB", "similar to LB", w6c, scales=P,
          why_not=PAPER_ONLY_TRAINING, figure="fig3"),
    Claim("W6d LB faster than SB per update (sanity)", "LB faster", w6d, scales=P,
          why_not=PAPER_ONLY_TRAINING, figure="fig3"),
    Claim("W7a ‖C‖_F/‖diag C‖_F ≥ 10 along training", "much larger (Fig. 5a)", w7_ratio,
          scales=P, why_not="the smoke network has d ≈ 10³ parameters (paper scale: 6·10⁴ to "
                            "7·10⁵), too few for a large ratio", figure="fig5a"),
    Claim("W7 smoke: ‖C‖_F ≥ ‖diag C‖_F at every probe point", "always true", w7_algebra,
          scales=("smoke",), figure="fig5a"),
    Claim("W7b Tr(CH) > Tr(diag(C)H) by ≥ 3 SE (extension)", "implied by Thm 4.1", w7_traces,
          scales=P, why_not="16 Hutchinson-style samples on a few-update network are too noisy",
          figure="fig5a"),
    Claim("W8a λ_max(LB+diag) < λ_max(LB), every model", "lower (Fig. 5b)", w8a, scales=P,
          why_not="needs fully trained networks", figure="fig5b"),
    Claim("W8b λ_max(SB) < λ_max(LB), every model", "lower (Fig. 5b)", w8b, scales=P,
          why_not="needs fully trained networks", figure="fig5b"),
    Claim("W8c λ_max(LB+diag) ≤ 1.5·λ_max(SB) for some model", "comparable in some cases", w8c,
          scales=P, why_not="needs fully trained networks", figure="fig5b"),
    Claim("W8d modified λ_max consistent across seeds (CV ≤ 0.3)", "consistent (error bars)",
          w8d, scales=P, why_not="needs fully trained networks", figure="fig5b"),
    Claim("W8 BN folding leaves the logits unchanged", "exact (§5.3)", w8_fold, figure="fig5b"),
)
