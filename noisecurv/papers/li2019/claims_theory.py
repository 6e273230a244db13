"""li2019 E0 claim checks: the float64 theory values of the li2019.theory runs."""

from __future__ import annotations

from noisecurv.papers.li2019 import readers as rd
from noisecurv.reproductions import Measured


def theory(key_fn, threshold_text):
  def check(res):
    v = rd.theory_values(res)
    value, ok, detail = key_fn(v)
    return Measured(value, bool(ok), f"{detail} ({threshold_text})")

  return check


def prop1(v):
  err = max(v[f"prop1_rel_err_{p}"] for p in ("init", "mid", "end"))
  blk = max(v[f"block_ggn_err_rel_{p}"] for p in ("init", "mid", "end"))
  mn = min(v[f"block_min_eig_rel_{p}"] for p in ("init", "mid", "end"))
  return (
    err,
    err <= 1e-10 and blk <= 1e-10 and mn >= -1e-10,
    f"max rel err {err:.2e}; G_h vs GGN {blk:.2e}; min eig(G_h)/‖H‖₂ {mn:.2e}",
  )


def table1(v):
  cf = max(v["ls_h_err"], v["ls_c_err"], v["lg_h_err"], v["lg_c_err"])
  ok = cf <= 1e-10 and v["ls_c_over_h_end"] <= 1e-6 and v["lg_ratio_end"] < 0.1 and v["lg_monotone"]
  return (
    v["lg_ratio_end"],
    ok,
    (
      f"closed forms {cf:.1e}; LS ‖C‖/‖H‖ end {v['ls_c_over_h_end']:.1e}; "
      f"logistic ratio end {v['lg_ratio_end']:.3g}, monotone {v['lg_monotone']}"
    ),
  )


def cor3(v):
  worst = max(v[f"cor3_terms_err_{i}"] for i in (0, 1))
  lg = max(v[f"cor3_logit_err_{i}"] for i in (0, 1))
  hs = max(v[f"cor3_hess_err_{i}"] for i in (0, 1))
  moved = min(max(v[f"cor3_diag_change_{i}"], 1 / v[f"cor3_diag_change_{i}"]) for i in (0, 1))
  moved2 = min(max(v[f"cor3_theta_change_{i}"], 1 / v[f"cor3_theta_change_{i}"]) for i in (0, 1))
  unt = min(v[f"cor3_untransformed_change_{i}"] for i in (0, 1))
  ok = worst <= 1e-10 and lg <= 1e-12 and hs <= 1e-9 and moved >= 2 and moved2 >= 2 and unt > 1e-3
  return (
    worst,
    ok,
    (
      f"logits {lg:.1e}, H {hs:.1e}; diag H ×{moved:.3g}, ‖θ‖² ×{moved2:.3g}; "
      f"untransformed prior changes terms by {unt:.3g}"
    ),
  )


def thm4(v):
  ok = v["thm4_kl_err"] <= 1e-10 and v["thm4_mc_z"] <= 4 and v["thm4_ec_pwf_minus_2kl"] >= 0
  ok = ok and v["angles_cos_err"] <= 1e-12 and v["dk_bound_violations"] == 0
  return (
    v["dk_bound_violations"],
    ok,
    (
      f"KL err {v['thm4_kl_err']:.1e}, MC {v['thm4_mc_z']:.2f} SE, "
      f"EC+PWF−2KL {v['thm4_ec_pwf_minus_2kl']:.3g}, cos err "
      f"{v['angles_cos_err']:.1e}, DK violations"
    ),
  )
