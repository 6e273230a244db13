"""li2019 figure list: which figure function draws what, at which scales."""

from __future__ import annotations

from noisecurv.papers.li2019 import figures as fg
from noisecurv.papers.li2019 import readers as rd
from noisecurv.reproductions import Figure

PAPER_ONLY = ("paper",)
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
