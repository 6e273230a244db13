"""thomas2020 reproduction: experiments, figures (Tables 1–2, Figs. 1–6) and claims.

    python -m noisecurv.reproduce --paper thomas2020 --scale smoke|paper

Smoke: every config's smoke mode (the analytic experiments are exact, so their smoke runs are
the paper's computation; the neural-network suites are pipeline checks on sklearn digits and on
an SVHN-format stand-in). Paper: the analytic experiments in full, the grid at the reduced GPU
tier `gpu_reduced` (MNIST + Fashion-MNIST as a substitute for CIFAR-10/SVHN, 30k steps) and
Fig. 3/6 at the paper's 150k steps on Fashion-MNIST-2k as a substitute for SVHN-2k: those data
sets' files are not available here (their loaders and configs are kept and tested on files
written in the official formats).
"""

from __future__ import annotations

from noisecurv.papers.thomas2020 import claims_nn, claims_theory, figures
from noisecurv.reproductions import Experiment, Figure, Paper

C = "configs/thomas2020/"
SUBST = ("SVHN is not available here: paper scale runs tier=fmnist, the same experiment on "
         "Fashion-MNIST-2k (a substitute, named so in every claim)")
GRID_NOTE = ("CIFAR-10 and SVHN are not available here: paper scale runs tier=gpu_reduced "
             "(MNIST + Fashion-MNIST substitute, reduced steps and grid)")


def _exp(name, paper: str | None = None, note: str = "") -> Experiment:
  return Experiment(C + name, {"smoke": "smoke", "paper": paper}, note=note)


EXPERIMENTS = (
    _exp("prop1_chi2_bounds.py"),
    _exp("example1_mean_regression.py"),
    _exp("example2_ols.py"),
    _exp("prop2_function_value_bound.py"),
    _exp("prop3_iterate_moments.py"),
    _exp("prop4_5_limit_cycles.py"),
    _exp("table1_quadratic.py"),
    _exp("table2_quadratic_stepsizes.py"),
    _exp("grid_info_matrices.py", "tier=gpu_reduced", GRID_NOTE),
    _exp("fig1_fisher_vs_cov.py", "tier=gpu_reduced", GRID_NOTE),
    _exp("fig2_scale_angle.py", "tier=gpu_reduced", GRID_NOTE),
    _exp("fig4_tic_vs_gap.py", "tier=gpu_reduced", GRID_NOTE),
    _exp("fig5_tic_approximations.py", "tier=gpu_reduced", GRID_NOTE),
    _exp("fig3a_svhn2k_hidden_size.py", "tier=fmnist", SUBST),
    _exp("fig3b_svhn2k_label_noise.py", "tier=fmnist", SUBST),
    _exp("fig6_svhn2k_errors.py", "tier=fmnist", SUBST),
)

FIGURES = (
    Figure("table1", figures.table1, "Table 1: updates to reach E[Δ_t] ≤ ε with the best step "
           "size (exact recursion; paper in parentheses)."),
    Figure("table2", figures.table2, "Table 2: the step sizes achieving Table 1 (paper in "
           "parentheses; its Newton (0.1, β = 0) '2·10⁰' is infeasible, read as 2·10⁻¹)."),
    Figure("fig1", figures.fig1, "Fig. 1: ‖F − C‖²_F (absolute and relative) on training data "
           "against the training loss, every run and probe time; colour = dataset, marker = "
           "architecture."),
    Figure("fig2", figures.fig2, "Fig. 2: r and s of (C, H), (C, F), (F, H) on the test subset "
           "during training: median and 10–90% band over runs; dashed: random low-rank "
           "matrices of C's numerical rank."),
    Figure("fig3", figures.fig3, "Fig. 3: gap, TIC, AIC and rescaled sensitivity against the "
           "hidden width (a) and the label-noise level (b), 3 seeds, 95% bootstrap intervals."),
    Figure("fig4", figures.fig4, "Fig. 4: gap against TIC (dashed y = x) and against Tr(H) on "
           "the test subset, final probe of every run."),
    Figure("fig5", figures.fig5, "Fig. 5: gap against Tr(F⁺C)/N and against Tr(C)/Tr(F)."),
    Figure("fig6", figures.fig6, "Fig. 6: train and test errors of the Fig. 3 networks."),
)

PAPER = Paper(
    key="thomas2020",
    title="Thomas et al. 2020: on the interplay between noise and curvature (TIC)",
    experiments=EXPERIMENTS,
    figures=FIGURES,
    claims=tuple(claims_theory.theory_claims() + claims_theory.table_claims()
                 + claims_nn.pipeline_claims() + claims_nn.figure_claims()),
    notes=__doc__.split("\n\n", 2)[2].strip(),
)
