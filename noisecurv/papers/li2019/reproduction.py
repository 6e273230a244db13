"""li2019: configs to run, figures to draw and claims to check (spec docs/reproductions/li2019.md).

Smoke: every config at toy size (the ensembles at r = 0, m = 5 only). Paper: the ensemble configs
as sweeps over (label noise, batch), 10,000 runs each, on the GPU (experiments/gpu/li2019.sh).
`python -m noisecurv.papers.li2019.cpu` evaluates the same claims on the reduced CPU runs.
"""

from __future__ import annotations

from noisecurv.papers.li2019 import claims as cl
from noisecurv.papers.li2019 import claims_other_runs as co
from noisecurv.papers.li2019 import claims_theory as ct
from noisecurv.papers.li2019 import readers as rd
from noisecurv.papers.li2019.figure_list import FIGURES
from noisecurv.reproductions import Claim, Experiment, Paper

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
T = ct.theory
CLAIMS = (
  Claim(
    "E0a Prop. 1: H_p = (1/n)Σ∇²p/p = C − H; G_h = GGN_h ⪰ 0",
    "exact (≤ 1e-10)",
    T(ct.prop1, "≤ 1e-10"),
  ),
  Claim(
    "E0b Table 1 forms; GD: C → 0 while H does not",
    "Examples 1-2",
    T(ct.table1, "ratio < 0.1"),
    figure="theory_table",
  ),
  Claim("E0c Cor. 3: EC, PWF, KL α-scale invariant", "invariant", T(ct.cor3, "≤ 1e-10")),
  Claim("E0d-e KL algebra, MC, angles, DK bound (59) holds", "exact", T(ct.thm4, "0 violations")),
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
    co.literal_stuck,
    PAPER_ONLY,
    SMALL,
  ),
  Claim(
    "E3 MNIST: cos γ₁..γ₁₀ ≥ 0.9 for t ≥ 100",
    "≈ 1",
    co.mnist_aligned,
    PAPER_ONLY,
    "MNIST at 60,000 examples, 10 repeats: GPU",
    "fig3_mnist",
  ),
  Claim(
    "E13 MNIST Fig. 21: dynamics like noisy Gauss-k",
    "similar",
    co.mnist_dynamics,
    PAPER_ONLY,
    "16 MNIST configs × 10,000 steps: GPU",
    "fig21_mnist",
  ),
  Claim("E4 CIFAR-10: cos γ₁..γ₁₀ ≥ 0.9", "≈ 1", co.mnist_aligned, (), NO_CIFAR),
  Claim("E13 CIFAR-10 Fig. 22 dynamics", "similar", co.mnist_dynamics, (), NO_CIFAR),
  Claim(
    "E14 Theorem 3: adaptive dynamics are super-martingales",
    "E[Δ|θ] ≤ 0",
    co.supermartingale,
    PAPER_ONLY,
    "30-step smoke runs do not reach the late phase",
    "thm3_dynamics",
  ),
  Claim(
    "E15 Adam vs preconditioned SGD (report)",
    "no claim",
    co.adam_report,
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
