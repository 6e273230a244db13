"""Figures and claims of the theory checks E0a–E0e (spec §3 E0)."""

from __future__ import annotations

import numpy as np

from noisecurv.papers.jastrzebski2017.tables import CONFIGS
from noisecurv.reproductions import Claim, Figure, Measured
from noisecurv.reproductions.figures import pyplot, save, write_csv


def _table(res, key: str, names: tuple[str, ...]) -> dict[str, np.ndarray]:
  """{name: values (settings,)} of a theory run; rows are settings (step = index)."""
  run = res.run(CONFIGS[key])
  m = run.metrics()
  steps = None
  out = {}
  for n in names:
    s = m[n]
    ok = np.isfinite(s.values[:, 0])
    out[n] = s.values[ok, 0]
    steps = s.steps[ok] if steps is None else steps
  out["step"] = steps
  return out


# -- E0a -------------------------------------------------------------------------------------

E0A = ("eta", "batch_size", "ratio", "loss", "loss_se", "exact", "continuous")


def fig_e0a(res, out):
  t = _table(res, "e0a", E0A)
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(5, 3.4))
  x = np.arange(len(t["eta"]))
  ax.errorbar(x, t["loss"], yerr=3 * t["loss_se"], fmt="o", label="SGD chains (±3 SE)")
  ax.plot(x, t["exact"], "k_", ms=18, label="exact discrete Σηλ/(2S(2−ηλ))")
  ax.plot(x, t["continuous"], "r_", ms=18, label="Eq. 9: (η/4S)·Tr H")
  ax.set_xticks(x, [f"η={e:g}\nS={s:g}" for e, s in zip(t["eta"], t["batch_size"])])
  ax.set_ylabel("stationary E[L]")
  ax.set_yscale("log")
  ax.legend(fontsize=7)
  rows = [[t[k][i] for k in E0A] for i in range(len(x))]
  return save(fig, out, "e0a_ou_stationary_loss") + [write_csv(out, "e0a_ou_stationary_loss",
                                                                E0A, rows)]


def _e0a_exact(res):
  t = _table(res, "e0a", E0A)
  dev = np.abs(t["loss"] - t["exact"])
  tol = 3 * t["loss_se"] + 0.01 * t["exact"]
  return Measured(float(np.max(dev / t["exact"])), bool(np.all(dev <= tol)),
                  "max relative deviation from the exact discrete value; per pair "
                  + ", ".join(f"{a:.4g} vs {b:.4g}" for a, b in zip(t["loss"], t["exact"])))


def _e0a_eq9(res):
  t = _table(res, "e0a", E0A)
  rel = np.abs(t["loss"] / t["continuous"] - 1)
  return Measured(float(rel.max()), bool(np.all(rel <= 0.02)), "max |E[L]/((η/4S)Tr H) − 1|")


def _e0a_equal_ratio(res):
  t = _table(res, "e0a", E0A)
  same = t["loss"][np.isclose(t["ratio"], t["ratio"][0])]
  spread = float(same.max() / same.min() - 1)
  return Measured(spread, spread <= 0.02, f"{same.size} pairs at η/S = {t['ratio'][0]:g}")


def _e0a_fourfold(res):
  t = _table(res, "e0a", E0A)
  hi = t["loss"][np.isclose(t["ratio"], t["ratio"].max())].mean()
  lo = t["loss"][np.isclose(t["ratio"], t["ratio"].min())].mean()
  want = t["ratio"].max() / t["ratio"].min()
  r = float(hi / lo)
  return Measured(r, abs(r / want - 1) <= 0.05, f"ratio of E[L] for a {want:g}× larger η/S")


# -- E0b -------------------------------------------------------------------------------------

E0B = ("a", "eta", "batch_size", "excess", "excess_se", "exact", "continuous", "eta_lambda_max",
       "eta_trace_over_s")


def fig_e0b(res, out):
  t = _table(res, "e0b", E0B)
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(5, 3.4))
  ax.errorbar(t["a"], t["excess"], yerr=3 * t["excess_se"], fmt="o", label="online SGD (±3 SE)")
  ax.plot(t["a"], t["exact"], "k--", label="exact discrete σ²A/(2(1−A))")
  ax.plot(t["a"], t["continuous"], "r-", label="(η/4S)·Tr H")
  ax.set_xlabel("a  (η = 0.01·a, S = a)")
  ax.set_ylabel("stationary excess loss")
  ax.legend(fontsize=7)
  rows = [[t[k][i] for k in E0B] for i in range(len(t["a"]))]
  return save(fig, out, "e0b_linreg_online_sgd") + [write_csv(out, "e0b_linreg_online_sgd",
                                                              E0B, rows)]


def _e0b_eq9(res):
  t = _table(res, "e0b", E0B)
  ok = (t["eta_lambda_max"] <= 0.05) & (t["eta_trace_over_s"] <= 0.1)
  rel = np.abs(t["excess"] / t["continuous"] - 1)[ok]
  return Measured(float(rel.max()) if rel.size else float("nan"),
                  bool(rel.size and np.all(rel <= 0.10)),
                  f"max relative deviation over {rel.size} settings with ηλ_max ≤ 0.05, "
                  "η Tr H/S ≤ 0.1")


def _e0b_ratio_only(res):
  t = _table(res, "e0b", E0B)
  spread = float(t["excess"].max() / t["excess"].min() - 1)
  return Measured(spread, spread <= 0.05, "max/min − 1 of the excess loss across a")


def _e0b_exact(res):
  t = _table(res, "e0b", E0B)
  dev = np.abs(t["excess"] - t["exact"])
  ok = dev <= 3 * t["excess_se"] + 0.01 * t["exact"]
  return Measured(float(np.max(dev / t["exact"])), bool(ok.all()),
                  "max relative deviation from σ²A/(2(1 − A))")


# -- E0c -------------------------------------------------------------------------------------

E0C = ("batch_size", "replace", "rel_error", "rel_error_naive", "rel_error_other")


def fig_e0c(res, out):
  t = _table(res, "e0c", E0C)
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(5, 3.4))
  for rep, mk in ((0.0, "o"), (1.0, "s")):
    m = t["replace"] == rep
    lab = "with replacement" if rep else "without replacement"
    ax.plot(t["batch_size"][m], t["rel_error"][m], mk + "-", label=f"{lab}: vs its formula")
    ax.plot(t["batch_size"][m], t["rel_error_other"][m], mk + ":", label=f"{lab}: vs the other")
  ax.axhline(0.05, color="k", lw=0.8)
  ax.set_xlabel("S")
  ax.set_ylabel("relative Frobenius error")
  ax.set_yscale("log")
  ax.legend(fontsize=7)
  rows = [[t[k][i] for k in E0C] for i in range(len(t["batch_size"]))]
  return save(fig, out, "e0c_minibatch_covariance") + [write_csv(out, "e0c_minibatch_covariance",
                                                                 E0C, rows)]


def _e0c(res):
  t = _table(res, "e0c", E0C)
  worst = float(t["rel_error"].max())
  m = (t["batch_size"] == t["batch_size"].max()) & (t["replace"] == 0)
  return Measured(worst, worst < 0.05, "max relative Frobenius error over S and both samplers "
                  f"(the naive K/S at the largest S: {t['rel_error_naive'][m][0]:.3g})")


# -- E0d -------------------------------------------------------------------------------------

SDE = ("sde/T", "sde/occupancy", "sde/se", "sde/quadrature", "sde/quadrature_paper")
SGD = ("sgd/T", "sgd/eta", "sgd/batch_size", "sgd/occupancy", "sgd/se", "sgd/quadrature")
LAP = ("laplace/T", "laplace/ratio_quadrature", "laplace/ratio_laplace",
       "laplace/ratio_quadrature_paper")


def fig_e0d(res, out):
  sde, lap = _table(res, "e0d", SDE), _table(res, "e0d", LAP)
  sgd = _table(res, "e0d", SGD)
  plt = pyplot()
  fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.4))
  a.errorbar(sde["sde/T"], sde["sde/occupancy"], yerr=3 * sde["sde/se"], fmt="o",
             label="Euler–Maruyama (±3 SE)")
  n_sgd = sgd["sgd/eta"].size
  a.errorbar(sgd["sgd/T"] + np.linspace(-0.006, 0.006, n_sgd), sgd["sgd/occupancy"],
             yerr=3 * sgd["sgd/se"], fmt="s", label="SGD at equal η/S (±3 SE)")
  a.plot(sde["sde/T"], sde["sde/quadrature"], "k-", label="exp(−2L/T) (corrected)")
  a.plot(sde["sde/T"], sde["sde/quadrature_paper"], "r--", label="exp(−L/(2T)) (paper Eq. 10)")
  a.set_xlabel("T")
  a.set_ylabel("occupancy of the sharp, deep minimum A")
  a.legend(fontsize=7)
  b.loglog(lap["laplace/T"], 1 / lap["laplace/ratio_quadrature"], "k-", label="quadrature")
  b.loglog(lap["laplace/T"], 1 / lap["laplace/ratio_laplace"], "b:", label="Laplace (Eq. 12, ×4)")
  b.axhline(1.0, color="grey", lw=0.8)
  b.set_xlabel("T")
  b.set_ylabel("p_B / p_A  (wide / sharp)")
  b.legend(fontsize=7)
  rows = [[sde[k][i] for k in SDE] for i in range(len(sde["sde/T"]))]
  files = [write_csv(out, "e0d_occupancy", SDE, rows),
           write_csv(out, "e0d_sgd", SGD, [[sgd[k][i] for k in SGD]
                                          for i in range(len(sgd["sgd/eta"]))]),
           write_csv(out, "e0d_laplace", LAP, [[lap[k][i] for k in LAP]
                                              for i in range(len(lap["laplace/T"]))])]
  return save(fig, out, "e0d_gibbs_double_well") + files


def _mixed(t):
  return t["sde/T"] >= 0.15  # T = 0.1 mixes too slowly over 300 time units (reported only)


def _e0d_corrected(res):
  t = _table(res, "e0d", SDE)
  m = _mixed(t)
  dev = np.abs(t["sde/occupancy"] - t["sde/quadrature"])[m]
  ok = dev <= 3 * t["sde/se"][m] + 0.02
  return Measured(float(dev.max()), bool(m.any() and ok.all()),
                  "max |occupancy − quadrature of exp(−2L/T)| at T ≥ 0.2; "
                  + ", ".join(f"T={a:g}: {b:.3f} vs {c:.3f}" for a, b, c in
                              zip(t["sde/T"], t["sde/occupancy"], t["sde/quadrature"])))


def _e0d_paper_law(res):
  t = _table(res, "e0d", SDE)
  m = _mixed(t)
  dev = np.abs(t["sde/occupancy"] - t["sde/quadrature_paper"])[m]
  rejected = dev > 3 * t["sde/se"][m] + 0.02
  return Measured(float(dev.min()), bool(m.any() and rejected.all()),
                  "min |occupancy − quadrature of the paper's exp(−L/(2T))|: the paper's "
                  "constant is rejected when every mixed T is off by more than 3 SE + 2 pp")


def _e0d_monotone(res):
  t = _table(res, "e0d", SDE)
  occ = t["sde/occupancy"][np.argsort(t["sde/T"])]
  return Measured(" > ".join(f"{v:.3f}" for v in occ), bool(np.all(np.diff(occ) < 0)),
                  "occupancy of A at increasing T")


def _e0d_sgd(res):
  t = _table(res, "e0d", SGD)
  if t["sgd/occupancy"].size < 2:
    return Measured("—", False, "needs two (η, S) pairs")
  d = abs(t["sgd/occupancy"][0] - t["sgd/occupancy"][1])
  se = float(np.hypot(t["sgd/se"][0], t["sgd/se"][1]))
  return Measured(float(d), bool(d <= 3 * se), f"|difference| vs 3 SE = {3 * se:.3g}; "
                  f"quadrature {t['sgd/quadrature'][0]:.3f}")


def _e0d_laplace(res):
  t = _table(res, "e0d", LAP)
  m = t["laplace/T"] <= 0.05 + 1e-12
  rel = np.abs(t["laplace/ratio_laplace"] / t["laplace/ratio_quadrature"] - 1)[m]
  return Measured(float(rel.max()), bool(rel.max() <= 0.01), "max relative error, T ≤ 0.05")


def _e0d_crossing(res):
  t = _table(res, "e0d", LAP)
  order = np.argsort(t["laplace/T"])
  tt, pb = t["laplace/T"][order], 1 / t["laplace/ratio_quadrature"][order]
  mono = bool(np.all(np.diff(pb) > 0))
  cross = float(np.exp(np.interp(0.0, np.log(pb), np.log(tt)))) if pb[0] < 1 < pb[-1] \
      else float("nan")
  return Measured(cross, mono and 0.02 <= cross <= 0.035,
                  f"T where p_B/p_A = 1; p_B/p_A from {pb[0]:.2g} to {pb[-1]:.2g}, monotone: "
                  f"{mono}")


# -- E0e -------------------------------------------------------------------------------------

E0E = ("n", "gap", "gap_offset", "gap_double", "trace_ratio", "cosine")


def fig_e0e(res, out):
  t = _table(res, "e0e", E0E)
  plt = pyplot()
  fig, ax = plt.subplots(figsize=(5, 3.4))
  ax.loglog(t["n"], t["gap"], "o-", label="at the MLE ŵ")
  ax.loglog(t["n"], t["gap_offset"], "s-", label="at ŵ + δ, ‖δ‖ = 1")
  ax.loglog(t["n"], t["gap_double"], "^-", label="at 2ŵ")
  ax.set_xlabel("N")
  ax.set_ylabel("‖K − H‖_F / ‖H‖_F")
  ax.legend(fontsize=7)
  rows = [[t[k][i] for k in E0E] for i in range(len(t["n"]))]
  return save(fig, out, "e0e_cov_vs_hessian") + [write_csv(out, "e0e_cov_vs_hessian", E0E, rows)]


def _e0e_small(res):
  t = _table(res, "e0e", E0E)
  i = int(np.argmax(t["n"]))
  return Measured(float(t["gap"][i]), bool(t["n"][i] >= 1e5 and t["gap"][i] < 0.05),
                  f"gap at N = {t['n'][i]:g}")


def _e0e_falls(res):
  t = _table(res, "e0e", E0E)
  g = t["gap"][np.argsort(t["n"])]
  return Measured(" > ".join(f"{v:.3g}" for v in g), bool(np.all(np.diff(g) < 0)),
                  "gap at increasing N")


def _e0e_offset(res):
  t = _table(res, "e0e", E0E)
  r = t["gap_offset"] / t["gap"]
  return Measured(float(r.min()), bool(np.all(r > 3)), "min over N of gap(ŵ + δ)/gap(ŵ)")


FIGURES = (
    Figure("E0a: OU stationary loss", fig_e0a, "Stationary E[L] of SGD with N(0, H/S) noise on a "
           "quadratic (D = 50) vs the exact discrete value and Eq. 9."),
    Figure("E0b: online least squares", fig_e0b, "Stationary excess loss of online SGD on least "
           "squares (C = H at w*) at η/S = 0.01."),
    Figure("E0c: minibatch covariance", fig_e0c, "Relative error of the sampled minibatch-gradient "
           "covariance against Eq. 6 (without replacement) and (N−1)K/(NS) (with)."),
    Figure("E0d: Gibbs double well", fig_e0d, "Left: occupancy of the sharp, deep minimum vs T, "
           "simulated and by quadrature of the corrected and the paper's Gibbs law. Right: "
           "p_B/p_A (wide/sharp) by quadrature and by the (corrected) Laplace ratio."),
    Figure("E0e: covariance vs Hessian", fig_e0e, "‖K − H‖_F/‖H‖_F for logistic regression at "
           "the MLE and away from it."),
)

CLAIMS = (
    Claim("E0a: E[L] = exact discrete value (3 SE + 1%)", "Σ ηλ/(2S(2−ηλ)) (spec)", _e0a_exact,
          figure="E0a: OU stationary loss"),
    Claim("E0a: E[L] within 2% of (η/4S)·Tr H", "Eq. 9", _e0a_eq9,
          figure="E0a: OU stationary loss"),
    Claim("E0a: equal η/S pairs agree within 2%", "η/S invariance", _e0a_equal_ratio,
          figure="E0a: OU stationary loss"),
    Claim("E0a: 4× smaller η/S gives 4× smaller E[L] (5%)", "E[L] ∝ η/S", _e0a_fourfold,
          figure="E0a: OU stationary loss"),
    Claim("E0b: excess loss within 10% of (η/4S)·Tr H", "Eq. 9 with C = H", _e0b_eq9,
          figure="E0b: online least squares"),
    Claim("E0b: excess loss depends on η/S only (5%)", "a ∈ {1, 2, 4}", _e0b_ratio_only,
          figure="E0b: online least squares"),
    Claim("E0b: excess loss = exact discrete value (3 SE + 1%)", "σ²A/(2(1−A)) (ours)", _e0b_exact,
          figure="E0b: online least squares"),
    Claim("E0c: Cov(g^(S)) matches Eq. 6 within 5%", "(1/S − 1/N)K", _e0c,
          figure="E0c: minibatch covariance"),
    Claim("E0d: occupancy = quadrature of exp(−2L/T) (3 SE + 2 pp)", "0.492 / 0.412 at T = .2/.3",
          _e0d_corrected, figure="E0d: Gibbs double well"),
    Claim("E0d: the paper's exp(−L/(2T)) is rejected", "0.324 / 0.313 (Eq. 10)", _e0d_paper_law,
          figure="E0d: Gibbs double well"),
    Claim("E0d: occupancy of the sharp minimum falls with T", "wide minima favoured at high T",
          _e0d_monotone, figure="E0d: Gibbs double well"),
    Claim("E0d: SGD at equal η/S: equal occupancy (3 SE)", "T = ησ²/S", _e0d_sgd,
          figure="E0d: Gibbs double well"),
    Claim("E0d: Laplace ratio within 1% of quadrature (T ≤ 0.05)", "Eq. 12 (corrected)",
          _e0d_laplace, figure="E0d: Gibbs double well"),
    Claim("E0d: p_B/p_A rises with T, crossing 1 at T ≈ 0.027", "0.0015 → 3.0", _e0d_crossing,
          figure="E0d: Gibbs double well"),
    Claim("E0e: ‖K − H‖/‖H‖ < 0.05 at N = 10⁵", "0.022 (spec, numpy)", _e0e_small,
          scales=("paper",), why_not="the smoke run uses N ≤ 2·10⁴ (gap ∝ N^{-1/2})",
          figure="E0e: covariance vs Hessian"),
    Claim("E0e: the gap falls with N", "0.071 → 0.022", _e0e_falls,
          figure="E0e: covariance vs Hessian"),
    Claim("E0e: gap at ŵ + δ > 3× gap at ŵ", "0.28 vs 0.07", _e0e_offset,
          figure="E0e: covariance vs Hessian"),
)
