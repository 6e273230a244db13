"""li2019: configs to run, figures to draw and claims to check (spec docs/reproductions/li2019.md).

Smoke: every config at toy size (the ensembles at r = 0, m = 5 only). Paper: the ensemble configs
as sweeps over (label noise, batch), 10,000 runs each, on the GPU (experiments/gpu/li2019.sh).
`python -m noisecurv.papers.li2019.cpu` evaluates the same claims on the reduced CPU runs.
"""

from __future__ import annotations

from noisecurv.papers.li2019 import claims as cl
from noisecurv.papers.li2019 import figures as fg
from noisecurv.papers.li2019 import readers as rd
from noisecurv.reproductions import Claim, Experiment, Figure, Paper

SM = {"smoke": "smoke"}
PAPER_ONLY = ("paper",)
NO_CIFAR = "CIFAR-10 is not available offline (config and loader kept; smoke runs on the fixture)"
SMALL = "8 smoke runs of 60 steps are far from convergence; the claim is about trained nets"


def _experiments():
  smoke = [
    Experiment(c, SM)
    for c in rd.THEORY
    + (
      rd.G10,
      rd.G2,
      rd.BOUND,
      rd.LITERAL,
      rd.MNIST3,
      rd.MNIST21,
      rd.CIFAR4,
      rd.CIFAR22,
      rd.THM3,
      rd.ADAM,
    )
  ]
  paper = [Experiment(c, {"paper": None}) for c in rd.THEORY]
  paper += [
    Experiment(c, {"paper": None}, sweep=True)
    for c in (rd.G10, rd.G2, rd.BOUND, rd.LITERAL, rd.MNIST3, rd.MNIST21, rd.THM3, rd.ADAM)
  ]
  paper += [Experiment(c, {}, note=NO_CIFAR) for c in (rd.CIFAR4, rd.CIFAR22)]
  return tuple(smoke + paper)


G10, G2 = rd.G10, rd.G2
FIGURES = (
  Figure(
    "theory_table", fg.theory_table, "E0: float64 checks of Prop. 1, Table 1, Cor. 3, Thm. 4."
  ),
  Figure(
    "fig1_spectra",
    fg.spectra(G10, 0.0, 5, "fig1_spectra"),
    "Fig. 1: spectra of H, C = M_t, H_p at t = 0, t_mid, T−1 (Gauss-10, 0%, m = 5).",
  ),
  Figure(
    "fig1_spectra_15",
    fg.spectra(G10, 0.15, 5, "fig1_spectra_15"),
    "Fig. 1 at 15%.",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig12_spectra_m50",
    fg.spectra(G10, 0.15, 50, "fig12_spectra_m50"),
    "Fig. 12 (m = 50).",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig13_spectra_gauss2",
    fg.spectra(G2, 0.2, 5, "fig13_spectra_gauss2"),
    "Fig. 13 (Gauss-2).",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig2_angles",
    fg.angles(G10, 0.0, 5, "fig2_angles"),
    "Fig. 2: cos of the top-15 principal angles of H vs C; top-15 eigenvalues (0%, m = 5).",
  ),
  Figure(
    "fig2_angles_15", fg.angles(G10, 0.15, 5, "fig2_angles_15"), "Fig. 2 at 15%.", scales=PAPER_ONLY
  ),
  Figure(
    "fig14_angles_m50",
    fg.angles(G10, 0.15, 50, "fig14_angles_m50"),
    "Fig. 14 (m = 50).",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig15_angles_gauss2",
    fg.angles(G2, 0.2, 5, "fig15_angles_gauss2", top=5),
    "Fig. 15: top-5 angles, Gauss-2.",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig6_7_layers",
    fg.layers(G10, 0.0, 5, "fig6_7_layers"),
    "Figs. 6-7: layer-block spectra and top-10 eigenvector loadings (0%).",
  ),
  Figure(
    "fig6_7_layers_15",
    fg.layers(G10, 0.15, 5, "fig6_7_layers_15"),
    "Figs. 6-7 at 15%.",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig8_dynamics",
    fg.dynamics(G10, 0.0, 5, "fig8_dynamics"),
    "Figs. 8, 19: quantile-run loss, cos(g_t, g_t−1), ‖g_t‖ (0%, m = 5).",
  ),
  Figure(
    "fig8_dynamics_15",
    fg.dynamics(G10, 0.15, 5, "fig8_dynamics_15"),
    "Fig. 8 at 15%.",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig18_dynamics_m50",
    fg.dynamics(G10, 0.15, 50, "fig18_dynamics_m50"),
    "Fig. 18 (m = 50).",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig20_dynamics_gauss2", fg.dynamics(G2, 0.2, 5, "fig20_dynamics_gauss2"), "Fig. 20 (Gauss-2)."
  ),
  Figure(
    "fig9_10_conditional",
    fg.conditional(G10, 0.0, 5, "fig9_10_conditional"),
    "Figs. 9-10: Δ_t(f) | θ_t for the 10/50/90% runs and its variance (0%).",
  ),
  Figure(
    "fig9_10_conditional_15",
    fg.conditional(G10, 0.15, 5, "fig9_10_conditional_15"),
    "Figs. 9-10 at 15%.",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig23_conditional_m50",
    fg.conditional(G10, 0.15, 50, "fig23_conditional_m50"),
    "Fig. 23 (m = 50).",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig24_conditional_gauss2",
    fg.conditional(G2, 0.2, 50, "fig24_conditional_gauss2"),
    "Fig. 24 (Gauss-2, 20%, m = 50).",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig16_davis_kahan",
    fg.davis_kahan(G10, 0.0, 5, "fig16_davis_kahan"),
    "Fig. 16: Davis-Kahan quantities and bounds (Gauss-10).",
  ),
  Figure(
    "fig17_davis_kahan_gauss2",
    fg.davis_kahan(G2, 0.2, 5, "fig17_davis_kahan_gauss2"),
    "Fig. 17 (Gauss-2).",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig11_bound",
    fg.bound_terms("fig11_bound", 5),
    "Fig. 11: diag H, EC, PWF, generalisation error per label noise (m = 5).",
  ),
  Figure(
    "fig25_bound_m50", fg.bound_terms("fig25_bound_m50", 50), "Fig. 25 (m = 50).", scales=PAPER_ONLY
  ),
  Figure(
    "fig3_mnist",
    fg.mnist(rd.MNIST3, {"experiment.batch": 64}, "fig3_mnist"),
    "Fig. 3: MNIST principal angles (m = 64).",
    scales=PAPER_ONLY,
  ),
  Figure(
    "fig21_mnist",
    fg.mnist(rd.MNIST21, {"experiment.depth": 3, "experiment.batch": 64}, "fig21_mnist"),
    "Fig. 21: MNIST dynamics (3 × 128, m = 64).",
    scales=PAPER_ONLY,
  ),
  Figure("thm3_dynamics", fg.thm3, "E14-E15: Theorem 3 dynamics and Adam.", scales=PAPER_ONLY),
)

T = cl.theory
CLAIMS = (
  Claim(
    "E0a Prop. 1: H_p = (1/n)Σ∇²p/p = C − H; G_h = GGN_h ⪰ 0",
    "exact (≤ 1e-10)",
    T(cl.prop1, "≤ 1e-10"),
  ),
  Claim(
    "E0b Table 1 forms; GD: C → 0 while H does not",
    "Examples 1-2",
    T(cl.table1, "ratio < 0.1"),
    figure="theory_table",
  ),
  Claim("E0c Cor. 3: EC, PWF, KL α-scale invariant", "invariant", T(cl.cor3, "≤ 1e-10")),
  Claim("E0d-e KL algebra, MC, angles, DK bound (59) holds", "exact", T(cl.thm4, "0 violations")),
  Claim(
    "ensemble finishes with records and bound (smoke)",
    "—",
    cl.finished(G10, 0.0),
    scales=("smoke",),
  ),
  Claim(
    "E1.5 #eig(C) > 1% λ₁ at t = 0 ~ k",
    "≈ k = 10",
    cl.c_rank_at_init(G10, 0.0, 5, 30),
    figure="fig1_spectra",
  ),
  Claim(
    "E6 diagonal blocks G_h PSD", "PSD (Eq. 21)", cl.blocks_psd(G10, 0.0), figure="fig6_7_layers"
  ),
  Claim(
    "E1.1 0%: ‖C‖_F/‖H‖_F ≤ 0.1 at T−1 (H_p ≈ −H)",
    "M → 0",
    cl.c_over_h(G10, 0.0),
    PAPER_ONLY,
    SMALL,
    "fig1_spectra",
  ),
  Claim(
    "E1.2 15%: λ₁(C)/λ₁(H) ≤ 0.1",
    "≥ 1 order smaller",
    cl.lam_c_over_h(G10, 0.15),
    PAPER_ONLY,
    SMALL,
    "fig1_spectra_15",
  ),
  Claim(
    "E1.3 0%: spectrum of H_p ≈ −H (100 most negative)",
    "similar",
    cl.hp_like_minus_h(G10, 0.0),
    PAPER_ONLY,
    SMALL,
    "fig1_spectra",
  ),
  Claim(
    "E1.3 15%: spectrum of H_p ≈ −H", "similar", cl.hp_like_minus_h(G10, 0.15), PAPER_ONLY, SMALL
  ),
  Claim(
    "E1.4 15%: λ₁(C) falls faster than λ₁(H)",
    "M faster",
    cl.c_falls_faster(G10, 0.15),
    PAPER_ONLY,
    SMALL,
  ),
  Claim(
    "E2 0%: cos γ₁..γ₉ ≥ 0.9, γ₁₀ ≥ 0.8 for t ≥ 10",
    "≈ 1",
    cl.aligned(G10, 0.0, 10, 9, 10),
    PAPER_ONLY,
    "needs the aligned phase after t = 10 on many runs",
    "fig2_angles",
  ),
  Claim(
    "E2 15%: cos γ₁..γ₉ ≥ 0.9, γ₁₀ ≥ 0.8 for t ≥ 10",
    "≈ 1",
    cl.aligned(G10, 0.15, 10, 9, 10),
    PAPER_ONLY,
    SMALL,
    "fig2_angles_15",
  ),
  Claim(
    "E2 14 (m = 50) 15%: top-10 aligned",
    "≈ 1",
    cl.aligned(G10, 0.15, 10, 9, 10, batch=50),
    PAPER_ONLY,
    SMALL,
    "fig14_angles_m50",
  ),
  Claim("E2 0%: λ₁₀(C)/λ₁₁(C) ≥ 3", "primary subspace", cl.c_gap(G10, 0.0), PAPER_ONLY, SMALL),
  Claim(
    "E6 top eigenvalues of G_h within 10×",
    "same order",
    cl.blocks_same_order(G10, 0.0),
    PAPER_ONLY,
    SMALL,
    "fig6_7_layers",
  ),
  Claim(
    "E7 0%: output layer loads most",
    "layer 2 largest",
    cl.loadings(G10, 0.0),
    PAPER_ONLY,
    SMALL,
    "fig6_7_layers",
  ),
  Claim(
    "E7 15%: loadings equalise late",
    "all layers",
    cl.loadings(G10, 0.15),
    PAPER_ONLY,
    SMALL,
    "fig6_7_layers_15",
  ),
  Claim(
    "E8.1 0%: converges in < 50 iterations",
    "< 50 it.",
    cl.converges_fast(G10, 0.0),
    PAPER_ONLY,
    SMALL,
    "fig8_dynamics",
  ),
  Claim(
    "E8.2 0%: late cos(g_t, g_t−1) ≈ 0.25",
    "≈ 0.25",
    cl.cos_level(G10, 0.0, 0.05, 0.4, 100),
    PAPER_ONLY,
    SMALL,
    "fig8_dynamics",
  ),
  Claim(
    "E8.3 15%: ‖g‖ grows then falls; late cos ≈ 0",
    "two phases",
    cl.grad_peak(G10, 0.15),
    PAPER_ONLY,
    SMALL,
    "fig8_dynamics_15",
  ),
  Claim(
    "E8.4 15%: f decreases ever more slowly", "slower", cl.slowing(G10, 0.15), PAPER_ONLY, SMALL
  ),
  Claim(
    "E9 0%: Var(Δ|θ) peaks early, ends ≤ 1e-3 × peak",
    "two phases",
    cl.variance_phases(G10, 0.0),
    PAPER_ONLY,
    SMALL,
    "fig9_10_conditional",
  ),
  Claim(
    "E9 15%: Var(Δ|θ) peaks early, ends ≤ 1e-3 × peak",
    "two phases",
    cl.variance_phases(G10, 0.15),
    PAPER_ONLY,
    SMALL,
    "fig9_10_conditional_15",
  ),
  Claim(
    "E9b Theorem 1 interval holds (≥ 90% of grid)",
    "Eq. 27",
    cl.theorem1(G10, 0.15),
    PAPER_ONLY,
    SMALL,
  ),
  Claim(
    "E10 m = 5: d̃, EC, PWF, gen. error grow with r",
    "Fig. 11",
    cl.bound_monotone(5),
    PAPER_ONLY,
    "needs the r ∈ {0, 5, 10, 15%} runs at T = 10,000",
    "fig11_bound",
  ),
  Claim(
    "E10 m = 50: d̃, EC, PWF, gen. error grow with r",
    "Fig. 25",
    cl.bound_monotone(50),
    PAPER_ONLY,
    "needs the r ∈ {0, 5, 10, 15%} runs",
    "fig25_bound_m50",
  ),
  Claim("E11 Gauss-2 0%: ‖C‖_F/‖H‖_F ≤ 0.1", "M → 0", cl.c_over_h(G2, 0.0), PAPER_ONLY, SMALL),
  Claim(
    "E11 Gauss-2 20%: λ₁(C)/λ₁(H) ≤ 0.1", "≥ 1 order", cl.lam_c_over_h(G2, 0.2), PAPER_ONLY, SMALL
  ),
  Claim(
    "E11 Gauss-2: #eig(C) > 1% λ₁ at t = 0 in [1, 6]",
    "≈ k = 2",
    cl.c_rank_at_init(G2, 0.0, 1, 6),
    PAPER_ONLY,
    "the Gauss-2 smoke records the final bound only (records are exercised by Gauss-10)",
  ),
  Claim(
    "E12 Gauss-2: cos γ₁ ≥ 0.9, γ₂ ≥ 0.8 for t ≥ 5",
    "≈ 1",
    cl.aligned(G2, 0.2, 5, 1, 2),
    PAPER_ONLY,
    SMALL,
    "fig15_angles_gauss2",
  ),
  Claim(
    "E12 Davis-Kahan bound (59) > 1 (loose)",
    "≫ 1",
    cl.dk_loose(G10, 0.0),
    figure="fig16_davis_kahan",
  ),
  Claim(
    "E13 Gauss-2 20%: ‖g‖ grows then falls",
    "as Gauss-10",
    cl.grad_peak(G2, 0.2),
    PAPER_ONLY,
    SMALL,
    "fig20_dynamics_gauss2",
  ),
  Claim(
    "literal App. A.1 setting sticks at ln 10 (§7 #1)",
    "— (ours)",
    cl.literal_stuck,
    PAPER_ONLY,
    SMALL,
  ),
  Claim(
    "E3 MNIST: cos γ₁..γ₁₀ ≥ 0.9 for t ≥ 100",
    "≈ 1",
    cl.mnist_aligned,
    PAPER_ONLY,
    "MNIST at 60,000 examples, 10 repeats: GPU",
    "fig3_mnist",
  ),
  Claim(
    "E13 MNIST Fig. 21: dynamics like noisy Gauss-k",
    "similar",
    cl.mnist_dynamics,
    PAPER_ONLY,
    "16 MNIST configs × 10,000 steps: GPU",
    "fig21_mnist",
  ),
  Claim("E4 CIFAR-10: cos γ₁..γ₁₀ ≥ 0.9", "≈ 1", cl.mnist_aligned, (), NO_CIFAR),
  Claim("E13 CIFAR-10 Fig. 22 dynamics", "similar", cl.mnist_dynamics, (), NO_CIFAR),
  Claim(
    "E14 Theorem 3: adaptive dynamics are super-martingales",
    "E[Δ|θ] ≤ 0",
    cl.supermartingale,
    PAPER_ONLY,
    "30-step smoke runs do not reach the late phase",
    "thm3_dynamics",
  ),
  Claim(
    "E15 Adam vs preconditioned SGD (report)",
    "no claim",
    cl.adam_report,
    PAPER_ONLY,
    "report only",
    "thm3_dynamics",
  ),
)

PAPER = Paper(
  key="li2019",
  title="Li et al. (2019): Hessian based analysis of SGD for deep nets",
  experiments=_experiments(),
  figures=FIGURES,
  claims=CLAIMS,
  notes="Spec: docs/reproductions/li2019.md. Default: standardised inputs, θ₀ ~ N(0, 0.5²I) "
  "(spec §7 #1). CIFAR-10 figures are not run (no data).",
)
