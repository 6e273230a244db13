"""li2019 claim checks (spec pass criteria); each reads finished runs only."""

from __future__ import annotations

import numpy as np
from scipy import stats

from noisecurv.papers.li2019 import readers as rd
from noisecurv.reproductions import Measured


def _ens(res, cfg, noise, batch=5):
  return rd.ensemble(res, cfg, noise, batch)


def _last_rec(e, key):
  return e.rec[key][-1]


# E0 checks live in claims_theory.


# -- E1, E11: spectra ------------------------------------------------------------


def c_over_h(cfg, noise):
  def check(res):
    e = _ens(res, cfg, noise)
    r = float(np.mean(_last_rec(e, "c_fro")) / np.mean(_last_rec(e, "h_fro")))
    return Measured(r, r <= 0.1, f"‖C‖_F/‖H‖_F at t={e.rec_steps[-1]} (means over runs)")

  return check


def lam_c_over_h(cfg, noise):
  def check(res):
    e = _ens(res, cfg, noise)
    r = float(np.mean(_last_rec(e, "lam_c")[:, 0]) / np.mean(_last_rec(e, "lam_h")[:, 0]))
    return Measured(r, r <= 0.1, "λ₁(C)/λ₁(H) at T−1")

  return check


def hp_like_minus_h(cfg, noise):
  def check(res):
    e = _ens(res, cfg, noise)
    s = e.spec[max(e.spec)]
    hp = np.mean(np.sort(s["spec_hp"], 1), 0)[:100]  # most negative first
    mh = np.mean(np.sort(-s["spec_h"], 1), 0)[:100]
    gap = float(np.max(np.abs(hp - mh)) / np.mean(s["spec_h"][:, 0]))
    return Measured(gap, gap <= 0.1, "max |λ_i(H_p) − λ_i(−H)| / λ₁(H), 100 most negative")

  return check


def c_falls_faster(cfg, noise):
  def check(res):
    e = _ens(res, cfg, noise)
    lc, lh = e.rec["lam_c"][:, :, 0].mean(1), e.rec["lam_h"][:, :, 0].mean(1)
    a, b = lc[-1] / lc.max(), lh[-1] / lh.max()
    return Measured(float(a), bool(a < b), f"λ₁(C) end/max {a:.3g} vs λ₁(H) end/max {b:.3g}")

  return check


def c_rank_at_init(cfg, noise, lo, hi):
  def check(res):
    e = _ens(res, cfg, noise)
    lc = e.rec["lam_c"][0]
    cnt = float(np.mean(np.sum(lc > 0.01 * lc[:, :1], 1)))
    return Measured(cnt, lo <= cnt <= hi, f"mean #eig(C) > 1% λ₁ at t=0; band [{lo}, {hi}]")

  return check


# -- E2, E12: alignment ------------------------------------------------------------


def aligned(cfg, noise, t_from, n_top, n_second, batch=5):
  def check(res):
    e = _ens(res, cfg, noise, batch)
    t = np.asarray(e.rec_steps)
    cos = e.rec["cos15"].mean(1)[t >= t_from]
    first = float(cos[:, :n_top].min())
    second = float(cos[:, n_second - 1].min())
    ok = first >= 0.9 and second >= 0.8
    return Measured(
      first,
      ok,
      f"min over records t ≥ {t_from} of mean cos γ₁..γ{n_top} (cos γ{n_second} min {second:.3f})",
    )

  return check


def c_gap(cfg, noise):
  def check(res):
    e = _ens(res, cfg, noise)
    t = np.asarray(e.rec_steps)
    lc = e.rec["lam_c"][t >= 10]
    r = float(np.mean(lc[..., 9]) / np.mean(lc[..., 10]))
    return Measured(r, r >= 3, "mean λ₁₀(C)/λ₁₁(C) over records t ≥ 10")

  return check


def dk_loose(cfg, noise):
  def check(res):
    e = _ens(res, cfg, noise)
    med = np.median(e.rec["dk_sub_bound"], 1)  # (records, 3)
    frac = float(np.mean(np.all(med > 1, 1)))
    return Measured(
      frac, frac >= 0.9, "fraction of records where the median bound (59) > 1, s=1..3"
    )

  return check


# -- E6, E7: layers ------------------------------------------------------------


def blocks_psd(cfg, noise):
  def check(res):
    e = _ens(res, cfg, noise)
    worst = min(
      float(np.min(s[k][:, -1] / s["spec_h"][:, 0]))
      for s in e.spec.values()
      for k in s
      if k.startswith("spec_g")
    )
    return Measured(worst, worst >= -1e-6, "min_h λ_min(G_h)/λ₁(H) over spectrum records and runs")

  return check


def blocks_same_order(cfg, noise):
  def check(res):
    e = _ens(res, cfg, noise)
    worst = 0.0
    for s in e.spec.values():
      tops = [np.mean(s[k][:, 0]) for k in s if k.startswith("spec_g")]
      worst = max(worst, max(tops) / min(tops))
    return Measured(worst, worst <= 10, "max over records of max_h λ₁(G_h)/min_h λ₁(G_h)")

  return check


def loadings(cfg, noise):
  def check(res):
    e = _ens(res, cfg, noise)
    ld = e.rec["load"].mean(axis=(1, 2))  # (records, layers)
    t = np.asarray(e.rec_steps)
    if noise == 0:
      frac = float(np.mean((ld[:, 2] > ld[:, 1]) & (ld[:, 2] > ld[:, 0])))
      return Measured(frac, frac >= 0.9, "fraction of records with ℓ₂ largest")
    early = ld[t <= 10]
    first = bool(np.all(np.argmax(early, 1) == 2))
    spread = ld.max(1) / ld.min(1)
    i10 = int(np.argmin(np.abs(t - 10)))
    ratio = float(spread[-1] / spread[i10])
    return Measured(
      ratio, first and ratio <= 0.5, f"spread end / spread t=10; ℓ₂ largest early: {first}"
    )

  return check


# -- E8, E13: dynamics ------------------------------------------------------------


def converges_fast(cfg, noise, t50=50):
  def check(res):
    e = _ens(res, cfg, noise)
    d = e.dyn
    i = int(np.searchsorted(d["steps"], t50))
    med, q90 = float(d["q_f"][i, 2]), float(d["q_f"][i, 4])
    end = float(d["q_f"][-1, 2])
    g0 = float(np.median(e.dyn["grid_g"][0]))
    glate = float(np.median(d["q_g"][-100:, 2]))
    ok = med <= 0.05 and q90 <= 0.2 and end <= 0.01 and glate <= 0.1 * g0
    return Measured(
      med,
      ok,
      f"median f(θ_{t50}) {med:.3g}, 90% {q90:.3g}; median f end {end:.3g}; "
      f"‖g‖ late/start {glate / g0:.3g}",
    )

  return check


def cos_level(cfg, noise, lo, hi, last):
  def check(res):
    e = _ens(res, cfg, noise)
    v = float(np.nanmedian(e.dyn["dec_cos"][-last:, 4]))
    return Measured(
      v, lo <= v <= hi, f"median over runs and the last {last} steps; band [{lo}, {hi}]"
    )

  return check


def grad_peak(cfg, noise):
  def check(res):
    e = _ens(res, cfg, noise)
    d = e.dyn
    g = d["q_g"][:, 2]
    T = len(g)
    tp = int(np.argmax(g))
    dip = float(np.min(g[:6]))
    ok = 5 <= tp <= 0.2 * T and g[tp] >= 1.5 * dip
    cos = d["dec_cos"][:, 4]
    late = float(np.nanmedian(cos[-500:]))
    ok = ok and -0.05 <= late <= 0.1
    return Measured(
      tp,
      bool(ok),
      f"t_peak of median-run ‖g‖ (T={T}); peak/min(t≤5) "
      f"{g[tp] / dip:.3g}; late median cos {late:.3g}",
    )

  return check


def slowing(cfg, noise):
  def check(res):
    e = _ens(res, cfg, noise)
    f = e.dyn["dec_f"][:, 4]
    T = len(f)
    a, b = np.mean(np.abs(np.diff(f[1000:2000]))), np.mean(np.abs(np.diff(f[T - 1000 :])))
    ok = f[-1] < f[1000] and b < a
    return Measured(float(b / a), bool(ok), "mean |Δ median f| last 1,000 / [1,000, 2,000)")

  return check


# -- E9: conditional Δ ------------------------------------------------------------


def variance_phases(cfg, noise, batch=5):
  def check(res):
    e = _ens(res, cfg, noise, batch)
    d = e.dyn
    t = d["cond_steps"]
    T = int(e.schedule["steps"])
    worst, okall = [], True
    for i in range(3):
      c = d["cond"][:, i]
      var, mean = c.var(1), c.mean(1)
      j = int(np.argmax(var))
      ok = (
        t[j] <= 0.1 * T
        and var[-1] <= 1e-3 * var[j]
        and mean[j] < 0
        and abs(mean[-1]) <= 1e-3 * np.max(np.abs(mean))
      )
      okall &= bool(ok)
      worst.append(float(var[-1] / var[j]))
    return Measured(
      max(worst),
      okall,
      "max over quantile runs of Var(end)/Var(max); t_max ≤ 0.1T, "
      "mean < 0 at t_max, |mean| end ≤ 1e-3 max",
    )

  return check


def theorem1(cfg, noise, batch=5):
  def check(res):
    e = _ens(res, cfg, noise, batch)
    st = e.dyn["cond_stats"][:, 1]  # median run: [run, mean, var, mu_sq, tr_c, tr_cm, L, f0]
    k = e.dyn["cond"].shape[-1]
    eta = float(e.schedule["lr"])
    mean, se = st[:, 1], np.sqrt(st[:, 2] / k)
    center, half = -eta * st[:, 3], 0.5 * eta**2 * st[:, 6] * st[:, 5]
    inside = (mean + 3 * se >= center - half) & (mean - 3 * se <= center + half)
    frac = float(np.mean(inside[:-1]))
    return Measured(
      frac,
      frac >= 0.9,
      "fraction of grid points with E[Δ|θ_t] (±3 SE) inside Eq. 27 (L_t = ‖H‖₂, Tr M^{(m)})",
    )

  return check


# -- E10: bound terms ------------------------------------------------------------


def _bounds(res, batch):
  out = []
  for noise, cfg in ((0.0, rd.G10), (0.05, rd.BOUND), (0.10, rd.BOUND), (0.15, rd.G10)):
    out.append((noise, rd.load_ensemble(res.run(cfg, rd.ov(noise, batch))).bound))
  return out


def bound_monotone(batch):
  def check(res):
    b = _bounds(res, batch)
    med = {
      k: [float(np.median(x[k])) for _, x in b]
      for k in ("dtilde_s0.5", "ec_s0.5", "pwf_s0.5", "gen_err")
    }
    ok = (
      all(np.diff(med["dtilde_s0.5"]) >= 0)
      and all(np.diff(med["ec_s0.5"]) >= 0)
      and all(np.diff(med["pwf_s0.5"]) > 0)
    )
    gap = med["gen_err"][-1] - med["gen_err"][0]
    p_pwf = stats.mannwhitneyu(b[0][1]["pwf_s0.5"], b[-1][1]["pwf_s0.5"]).pvalue
    p_gen = stats.mannwhitneyu(b[0][1]["gen_err"], b[-1][1]["gen_err"]).pvalue
    ok = ok and gap >= 0.02 and p_pwf < 1e-3 and p_gen < 1e-3
    return Measured(
      gap,
      bool(ok),
      f"medians over r=0,5,10,15%: d̃ {med['dtilde_s0.5']}, EC "
      f"{np.round(med['ec_s0.5'], 1).tolist()}, PWF {np.round(med['pwf_s0.5'], 1).tolist()}; "
      f"gen. err gap {gap:.3f}; MW p PWF {p_pwf:.1e}, gen {p_gen:.1e}",
    )

  return check


# -- other ------------------------------------------------------------


def finished(cfg, noise, batch=5):
  def check(res):
    e = _ens(res, cfg, noise, batch)
    f = e.dyn["q_f"]
    ok = bool(np.isfinite(f).all()) and len(e.rec_steps) > 0 and e.bound is not None
    return Measured(int(f.shape[0]), ok, "steps logged; records and bound present, all finite")

  return check
