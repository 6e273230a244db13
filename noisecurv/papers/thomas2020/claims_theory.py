"""Claims of the analytic experiments: Props. 1–5, Examples 1–2 and Tables 1–2 (spec §3.1–3.2).

These results are exact (or Monte-Carlo with exact references), so every claim is checked at
both scales: the smoke run is the paper's computation (fewer chains at most).
"""

from __future__ import annotations

import json

from noisecurv.reproductions import Claim, Measured

C = "configs/thomas2020/"
PROP1 = C + "prop1_chi2_bounds.py"
EX1, EX2 = C + "example1_mean_regression.py", C + "example2_ols.py"
PROP2, PROP3 = C + "prop2_function_value_bound.py", C + "prop3_iterate_moments.py"
PROP45 = C + "prop4_5_limit_cycles.py"
TABLE1, TABLE2 = C + "table1_quadratic.py", C + "table2_quadratic_stepsizes.py"

# The paper's Tables 1 and 2 [eps][method] = (β = 1, 0, −1), and the spec's recomputation with the
# inferred defaults (count, best α) that the implementation must match exactly.
PAPER_T1 = {1.0: {"SG": (44, 43, 42), "Newton": (3, 2, 19), "Polyak": (36, 36, 34)},
            0.1: {"SG": (288, 253, 207), "Newton": (3, 28, 225), "Polyak": (119, 111, 97)},
            0.01: {"SG": (2090, 1941, 1731), "Newton": (29, 315, 2663),
                   "Polyak": (1743, 1727, 1705)}}
PAPER_T2 = {1.0: {"SG": (5e-3, 5e-3, 5e-3), "Newton": (1.0, 1.0, 0.2),
                  "Polyak": (5e-3, 4e-3, 5e-3)},
            0.1: {"SG": (4e-3, 4e-3, 5e-3), "Newton": (1.0, 2.0, 3e-2),
                  "Polyak": (2e-3, 2e-3, 3e-3)},
            0.01: {"SG": (1e-3, 1e-3, 2e-3), "Newton": (2e-1, 2e-2, 3e-3),
                   "Polyak": (3e-4, 3e-4, 3e-4)}}
SPEC_T1 = {1.0: {"SG": (44, 43, 42), "Newton": (2, 2, 20), "Polyak": (34, 34, 34)},
           0.1: {"SG": (290, 254, 210), "Newton": (2, 28, 229), "Polyak": (122, 113, 98)},
           0.01: {"SG": (2098, 1944, 1741), "Newton": (29, 315, 2662),
                  "Polyak": (1754, 1741, 1710)}}
SPEC_T2 = {1.0: {"SG": (4.5e-3, 4.5e-3, 4.5e-3), "Newton": (1.0, 1.0, 0.25),
                 "Polyak": (5.0e-3, 5.0e-3, 5.0e-3)},
           0.1: {"SG": (4.0e-3, 4.5e-3, 4.5e-3), "Newton": (1.0, 0.20, 0.025),
                 "Polyak": (2.5e-3, 2.5e-3, 3.2e-3)},
           0.01: {"SG": (1.4e-3, 1.4e-3, 1.6e-3), "Newton": (0.22, 0.022, 2.8e-3),
                  "Polyak": (3.2e-4, 3.2e-4, 3.5e-4)}}
BETAS = (1, 0, -1)


def results(res, config: str) -> dict:
  return json.loads((res.run(config).path / "results.json").read_text())


def table(res, config: str) -> dict:
  """{(eps, method, beta): row} of a tables run."""
  return {(r["eps"], r["method"], r["beta"]): r for r in results(res, config)["rows"]}


# -- Prop. 1, Examples 1 and 2 ---------------------------------------------------------


def _prop1_first_two(res):
  r = results(res, PROP1)
  keys = [f"{a}_margin_{w}" for a in ("fh", "fc") for w in ("fwd", "bwd")]
  worst = min(min(row[k] for row in r["rows"]) for k in keys)
  return Measured(worst, worst >= 0, f"min over {len(r['rows'])} θ × 2 forms of (β·D − ‖·‖²)")


def _prop1_teacher(res):
  r = results(res, PROP1)
  v = r["teacher_max_abs_diff"]
  return Measured(v, v < 1e-10, f"max |entry| of F = {r['teacher_scale']:.3g}")


def _prop1_third(res):
  rows = results(res, PROP1)["rows"]
  cs = min(min(r["ch_cs_margin_fwd"], r["ch_cs_margin_bwd"]) for r in rows)
  two = min(min(r["ch_2x_margin_fwd"], r["ch_2x_margin_bwd"]) for r in rows)
  stated = sum(r["ch_stated_margin_fwd"] >= 0 and r["ch_stated_margin_bwd"] >= 0 for r in rows)
  return Measured(min(cs, two), cs >= 0 and two >= 0,
                  f"stated (β₁+β₂)D form held at {stated}/{len(rows)} θ (logged, not required)")


def _ex1_exact(res):
  rows = results(res, EX1)["rows"]
  c = max(r["c_minus_cov"] for r in rows)
  hf = max(max(r["h_minus_i"], r["f_minus_i"]) for r in rows)
  return Measured(c, c < 1e-10 and hf < 1e-12, f"max|C − Σ̂| = {c:.2g}, max|H − I|, |F − I| = "
                  f"{hf:.2g}")


def _ex1_limit(res):
  r = results(res, EX1)["rows"][-1]
  rel = abs(r["c_minus_i_fro"] - r["limit"]) / r["limit"]
  return Measured(r["c_minus_i_fro"], rel < 0.01,
                  f"N = {r['n']}: limit √284 = {r['limit']:.4g}, relative error {rel:.2%}")


def _ex2(kind):
  def check(res):
    rows = {r["sigma"]: r for r in results(res, EX2)["rows"]}
    if kind == "hf":
      v = max(r["h_minus_f"] for r in rows.values())
      return Measured(v, v < 1e-10, "‖H − F‖_F/‖H‖_F, H by jax.hessian, F by fisher_op")
    if kind == "iso":
      v = rows["isotropic"]["c_minus_s2h_rel"]
      return Measured(v, v < 0.01, "Σ = 0.5 I, N = 10⁶")
    r = rows["anisotropic"]
    return Measured(r["s_ch"], abs(r["s_ch"] - r["s_ch_theory"]) < 0.01,
                    f"theory Tr Σ/(√p‖Σ‖_F) = {r['s_ch_theory']:.4f}")

  return check


# -- Props. 2–5 --------------------------------------------------------------------------


def _prop2(res):
  rows = results(res, PROP2)["rows"]
  worst = max(r["max_excess"] for r in rows)
  ok = worst <= 0 and all(0 < r["rate"] <= 0.5 for r in rows)
  return Measured(worst, ok, f"max over {len(rows)} settings and k ≤ 10⁴ of E[Δ_k] − bound")


def _schmidt(res):
  rows = [r for r in results(res, PROP2)["rows"] if "schmidt_uncentered_holds" in r]
  unc = all(r["schmidt_uncentered_holds"] for r in rows)
  cen = all(r["schmidt_centered_holds"] for r in rows)
  return Measured("holds" if unc else "fails", unc,
                  f"uncentered c = {rows[0]['schmidt_uncentered_c']:.4g}; centered reading "
                  f"c = Tr S {'holds' if cen else 'fails'} too")


def _prop3_mc(res):
  rows = results(res, PROP3)["rows"]
  z = max(max(r["max_abs_z_mean"], r["max_abs_z_second"]) for r in rows)
  return Measured(z, z <= 4.0, f"{rows[0]['n_chains']} chains, 4 settings × 4 steps × 20 coords "
                  "× (mean, second moment)")


def _prop3_lyap(res):
  rows = results(res, PROP3)["rows"]
  v = max(r["lyapunov_residual"] for r in rows)
  conv = max(r["recursion_to_stationary"] for r in rows)
  return Measured(v, v < 1e-10 and conv < 1e-8,
                  f"recursion after 10⁶ steps vs Kronecker Σ_∞: {conv:.2g} (relative)")


def _limit(kind):
  def check(res):
    r = results(res, PROP45)
    if kind == "prop4":
      v = max(x["rel_err"] for x in r["prop4"])
      return Measured(v, v < 1e-8, "SG, M ∈ {I, H⁻¹}, β ∈ {1, 0, −1}, 2·10⁵ steps")
    if kind == "prop5":
      rows = r["prop5"]
      v = max(x["rel_err"] for x in rows)
      spec = (0.0961660, 0.0865000, 0.0759032)
      dev = max(abs(x["formula"] - s) / s for x, s in zip(rows, spec))
      return Measured(v, v < 1e-8 and dev < 1e-5,
                      "limits " + " / ".join(f"{x['formula']:.7f}" for x in rows))
    if kind == "small":
      v = max(max(x["sg_rel"], x["polyak_rel"]) for x in r["small_alpha"])
      return Measured(v, v < 0.01, "α = 1e-5: αTr S/4 and αTr S/(4(1 − γ))")
    v = max(x["rel_err"] for x in r["non_commuting"])
    return Measured(v, v < 1e-8, "; ".join(f"{x['case']}: exact {x['exact']:.6g}, eq. (13) "
                                           f"{x['formula']:.6g}" for x in r["non_commuting"]))

  return check


def theory_claims() -> list[Claim]:
  return [
      Claim("P1: ‖F−H‖² ≤ β₁D and ‖F−C‖² ≤ β₂D, both χ² forms, every θ", "holds (Prop. 1)",
            _prop1_first_two),
      Claim("P1: H = F = C at θ = θ_T (q = p)", "< 1e-10 (spec)", _prop1_teacher),
      Claim("P1: ‖C−H‖² ≤ D·E‖ggᵀ−∇²ℓ‖² ≤ 2(β₁+β₂)D", "rigorous forms (spec §6.7)",
            _prop1_third),
      Claim("E1: C = Σ̂ and H = F = I at θ_MLE", "eq. (9)", _ex1_exact),
      Claim("E1: ‖C − I‖_F → ‖Σ − I‖_F = √284, not 0", "16.85 within 1%", _ex1_limit),
      Claim("E2: H = F for least squares", "equal (eq. 12)", _ex2("hf")),
      Claim("E2: C ∝ H under isotropic noise", "‖C−σ²H‖/‖C‖ < 0.01", _ex2("iso")),
      Claim("E2: s(C, H) under Σ = diag(1, 10, 0.1)", "0.638 ± 0.01", _ex2("aniso")),
      Claim("P2: exact E[Δ_k] ≤ Prop. 2 bound, k ≤ 10⁴", "holds", _prop2),
      Claim("P2: Schmidt's eq. (4) (uncentered c)", "holds", _schmidt),
      Claim("P3: Monte-Carlo moments = recursion", "within 4 SE", _prop3_mc),
      Claim("P3: Lyapunov identity for Σ_∞", "residual < 1e-10", _prop3_lyap),
      Claim("P4: SG limit = eq. (13)", "rel. err < 1e-8", _limit("prop4")),
      Claim("P5: Polyak limit = eq. (14)", "0.0961660 / 0.0865000 / 0.0759032", _limit("prop5")),
      Claim("A.2.3: small-α limits", "within 1% at α = 1e-5", _limit("small")),
      Claim("P4 beyond its hypothesis: eq. (13) still exact when M, S do not commute with H",
            "not claimed (spec §3.1 expected a failure)", _limit("outside")),
  ]


# -- Tables 1 and 2 ---------------------------------------------------------------------


def _regression(res):
  """Table 1's counts and Table 2's step sizes equal the spec's recomputation (the step sizes
  are grid points printed to 2 digits; neighbouring grid points differ by 12%)."""
  t1, t2 = table(res, TABLE1), table(res, TABLE2)
  bad = []
  for e, by in SPEC_T1.items():
    for m, counts in by.items():
      for b, n, a in zip(BETAS, counts, SPEC_T2[e][m]):
        if t1[(e, m, b)]["count"] != n:
          bad.append(f"count {m} ε={e:g} β={b}: {t1[(e, m, b)]['count']} (spec {n})")
        if abs(t2[(e, m, b)]["alpha"] - a) / a > 0.03:
          bad.append(f"α {m} ε={e:g} β={b}: {t2[(e, m, b)]['alpha']:.3g} (spec {a:g})")
  return Measured(f"{54 - len(bad)}/54", not bad, "; ".join(bad[:4]) or
                  "27 counts and 27 step sizes equal")


def _row_t1(eps, method):
  def check(res):
    t = table(res, TABLE1)
    got = [t[(eps, method, b)]["count"] for b in BETAS]
    paper = PAPER_T1[eps][method]
    ok = all(abs(g - p) <= max(0.1 * p, 2) for g, p in zip(got, paper))
    return Measured("/".join(map(str, got)), ok, "β = 1 / 0 / −1; tolerance max(10%, 2 steps)")

  return check


def _row_t2(eps, method):
  def check(res):
    t = table(res, TABLE2)
    got = [t[(eps, method, b)]["alpha"] for b in BETAS]
    paper = list(PAPER_T2[eps][method])
    ok, notes = True, []
    for i, (g, p) in enumerate(zip(got, paper)):
      if (eps, method, BETAS[i]) == (0.1, "Newton", 0):  # the paper's "2·10⁰" (spec §6.5)
        ok &= 0.15 <= g <= 0.25
        notes.append("β = 0 cell: paper prints 2·10⁰ (infeasible), checked in [0.15, 0.25]")
      else:
        ok &= max(g / p, p / g) <= 1.6
    return Measured("/".join(f"{g:.2g}" for g in got), ok,
                    "factor ≤ 1.6 per cell" + ("; " + notes[0] if notes else ""))

  return check


def _count(t, e, m, b):
  return t[(e, m, b)]["count"]


def _qual(which):
  def check(res):
    t = table(res, TABLE1)
    if which == "a":
      n, s = _count(t, 0.01, "Newton", -1), _count(t, 0.01, "SG", -1)
      return Measured(f"{n} vs {s}", n > s, "Newton vs SG at ε = 1e-2, S ∝ H⁻¹")
    if which == "b":
      largest = all(_count(t, e, "Newton", -1) == max(_count(t, e, "Newton", b) for b in BETAS)
                    for e in PAPER_T1)
      ratio = _count(t, 0.01, "Newton", -1) / _count(t, 0.01, "Newton", 1)
      return Measured(ratio, largest and ratio >= 50, "β = −1 largest at every ε; ratio at 1e-2")
    if which == "c":
      spread = {m: max(_count(t, 0.01, m, b) for b in BETAS) / min(_count(t, 0.01, m, b)
                                                                   for b in BETAS)
                for m in ("SG", "Polyak")}
      return Measured(f"{spread['SG']:.3f} / {spread['Polyak']:.3f}",
                      spread["SG"] <= 1.25 and spread["Polyak"] <= 1.05, "SG / Polyak at 1e-2")
    if which == "d":
      r1 = max(_count(t, 0.1, "Polyak", b) / _count(t, 0.1, "SG", b) for b in BETAS)
      r2 = min(_count(t, 0.01, "Polyak", b) / _count(t, 0.01, "SG", b) for b in BETAS)
      return Measured(f"{r1:.2f} / {r2:.2f}", r1 <= 0.6 and r2 >= 0.8,
                      "max Polyak/SG at 1e-1 / min at 1e-2")
    t2 = table(res, TABLE2)
    alpha = lambda e, m, b: t2[(e, m, b)]["alpha"]
    newton = [alpha(e, "Newton", 1) / alpha(e, "Newton", -1) for e in PAPER_T1]
    flat = max(max(alpha(e, m, b) for b in BETAS) / min(alpha(e, m, b) for b in BETAS)
               for e in PAPER_T1 for m in ("SG", "Polyak"))
    return Measured("/".join(f"{x:.0f}×" for x in newton), min(newton) >= 3 and flat <= 2,
                    f"Newton α(β=1)/α(β=−1) per ε; SG, Polyak max spread {flat:.2f}×")

  return check


def _mc(res):
  rows = results(res, TABLE1)["rows"]
  z = max(abs(r["z"]) for r in rows)
  return Measured(z, z <= 4.0, f"max |z| over 27 cells, {results(res, TABLE1)['mc_chains']} "
                  "chains each, Δ after (count − 1) updates")


def table_claims() -> list[Claim]:
  out = [Claim("Tables 1–2 equal the spec's recomputation", "54 numbers (spec §3.2)",
               _regression, figure="table1")]
  for e in PAPER_T1:
    for m in ("SG", "Newton", "Polyak"):
      out.append(Claim(f"Table 1, ε = {e:g}, {m}", "/".join(map(str, PAPER_T1[e][m])),
                       _row_t1(e, m), figure="table1"))
  for e in PAPER_T1:
    for m in ("SG", "Newton", "Polyak"):
      out.append(Claim(f"Table 2, ε = {e:g}, {m}", "/".join(f"{a:g}" for a in PAPER_T2[e][m]),
                       _row_t2(e, m), figure="table2"))
  out += [
      Claim("T1(a): Newton worse than SG at ε = 1e-2, S ∝ H⁻¹", "2663 vs 1731", _qual("a"),
            figure="table1"),
      Claim("T1(b): Newton degrades with β = −1 (≥ 50× β = 1 at 1e-2)", "92×", _qual("b"),
            figure="table1"),
      Claim("T1(c): SG, Polyak insensitive to β at 1e-2", "≤ 1.25 / ≤ 1.05", _qual("c"),
            figure="table1"),
      Claim("T1(d): momentum's advantage vanishes at small ε", "≤ 0.6 at 1e-1, ≥ 0.8 at 1e-2",
            _qual("d"), figure="table1"),
      Claim("T2(e): Newton needs smaller steps when S ∝ H⁻¹", "5× / 33× / 67×", _qual("e"),
            figure="table2"),
      Claim("Tables: Monte-Carlo chains confirm every cell", "within 4 SE", _mc,
            figure="table1"),
  ]
  return out
