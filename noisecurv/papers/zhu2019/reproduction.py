"""zhu2019: which configs run at each scale, the figures, and the spec's pass criteria as claims.

Paper scale is what the GPU plan (`experiments/gpu/zhu2019.sh`) and a CPU can run: the toy,
Fig. 4, the theory checks and E0 at the paper's own scale; FashionMNIST with the paper's data
and model but 3,000 instead of 15,000 diffusion iterations for Fig. 3/5/8 and the App. D.3
sweeps (the configs' `reduced` option); SVHN / CIFAR-10 (the `fig6_*_reduced` configs) only
where their files exist: this project has no copy, so there they are listed as not run.
Smoke scale runs every config in CI; its FashionMNIST/SVHN/CIFAR claims are pipeline checks.
"""

from __future__ import annotations

from noisecurv.papers.zhu2019 import claims_nets as cn
from noisecurv.papers.zhu2019 import claims_toy as ct
from noisecurv.papers.zhu2019 import figures_nets as fn
from noisecurv.papers.zhu2019 import figures_toy as ft
from noisecurv.papers.zhu2019 import readers as rd
from noisecurv.reproductions import Claim, Experiment, Figure, Paper

SMOKE, BOTH, PAPER_ONLY = ("smoke",), ("smoke", "paper"), ("paper",)


def files_present(name: str) -> bool:
  """Whether the official files of dataset `name` are in the data directory."""
  from noisecurv.data import cifar, data_root, idx, svhn
  from noisecurv.data.images import SOURCES

  folder = data_root()[0] / SOURCES[name].folder
  if name in ("cifar10", "cifar100"):
    return cifar.missing_files(folder, name) is None
  if name == "svhn":
    return all((folder / svhn.SVHN_FILES[s]).is_file() for s in ("train", "test"))
  return all(idx.find_idx(folder, f) is not None
             for s in ("train", "test") for f in idx.MNIST_FILES[s])


HAVE = {name: files_present(name) for name in ("svhn", "cifar10")}
NO_DATA = ("the {} files are not available here (loaders and configs tested on stand-ins in "
           "the official format)")


def _vgg(dataset: str) -> tuple[str, ...]:
  return BOTH if HAVE[dataset] else SMOKE


def _experiments() -> tuple[Experiment, ...]:
  c = lambda n: f"configs/zhu2019/{n}.py"
  sm = {"smoke": "smoke"}
  exps = [
      Experiment(rd.SAMPLERS, {**sm, "paper": None}),
      Experiment(rd.SURFACE, {**sm, "paper": None}),
      Experiment(rd.ESCAPE, {**sm, "paper": None}),
      Experiment(rd.ESCAPE_1000, {**sm, "paper": None}),
      Experiment(rd.ONE_HIDDEN, {**sm, "paper": None}),
      Experiment(rd.OU, {**sm, "paper": None}),
      Experiment(rd.PROP1, {**sm, "paper": None}),
      Experiment(rd.APPENDIX_B, {**sm, "paper": None}),
      Experiment(rd.FMNIST_PRETRAIN, {**sm, "paper": None}),
      Experiment(rd.FIG3, {**sm, "paper": "reduced"},
                 note="paper scale: 3,000 diffusion iterations (the paper's length is unstated; "
                      "15,000 in the spec), GPU time"),
      Experiment(rd.FIG8, sm, note="paper scale: the figure reads the Fig. 3 run"),
      Experiment(rd.FIG5, {**sm, "paper": "reduced"}, note="paper scale: 3,000 SGD iterations"),
      Experiment(rd.FIG7, {**sm, "paper": None}),
      Experiment(rd.SWEEP_LR, {**sm, "paper": "reduced"}, sweep=True),
      Experiment(rd.SWEEP_SIGMA, {**sm, "paper": "reduced"}, sweep=True),
  ]
  for ds in rd.VGG_DATASETS:
    have = HAVE[ds]
    note = "" if have else NO_DATA.format(ds)
    exps += [
        Experiment(c(f"{ds}_gd_pretrain"), {**sm, **({"paper": "reduced"} if have else {})},
                   note=note),
        Experiment(c(f"fig6_{ds}_dynamics"), sm, note="paper scale: ~2.5–5 GPU-hours, not "
                   "planned; " + (note or "the reduced config runs instead")),
        Experiment(c(f"fig6_{ds}_reduced"), {**sm, **({"paper": None} if have else {})},
                   note=note),
    ]
  both = HAVE["svhn"] and HAVE["cifar10"]
  exps.append(Experiment(rd.FIG1, {**sm, **({"paper": "reduced"} if both else {})},
                         note="" if both else NO_DATA.format("SVHN / CIFAR-10")))
  return tuple(exps)


def _figures() -> tuple[Figure, ...]:
  figs = [
      Figure("fig0_samplers", ft.samplers, "E0, Table 1: every sampler's empirical covariance "
             "(20,000 draws) against its float64 target, and E‖ε‖² against the target trace."),
      Figure("fig9_surface", ft.surface, "Fig. 9: the two-basin loss for one draw of the "
             "100 points (sharp minimum (1, 1), flat minimum (−1, −1))."),
      Figure("fig2_escape", ft.escape, "Fig. 2: left, 100 iterates of one run per dynamic; "
             "middle, success rates; right, Tr(H_tΣ_t) of that run (Σ_t = Cov ξ_t, trace 0.01)."),
      Figure("fig4_one_hidden", ft.one_hidden, "Fig. 4: Tr(HΣ) (solid) and Tr(HΣ̄) (dotted) "
             "at the end of every epoch, for each width."),
      Figure("fig12_theory", ft.theory, "E12: OU escape (Eq. 13), Prop. 1's ratio against D, "
             "App. B's non-convex loss."),
      Figure("fig3_fmnist", fn.fig3, "Fig. 3: train accuracy, test accuracy (final value in "
             "the legend) and expected sharpness (δ = 0.01) of the eight dynamics from θ*_GD "
             "(dashed); the GD phase in black."),
      Figure("fig8_first50", fn.fig8, "Fig. 8: the first 50 iterations after θ*_GD."),
      Figure("fig5_curvature", fn.fig5, "Fig. 5: the top Hessian eigenvalues at θ*_GD; â along "
             "SGD against the isotropic value; Tr(HΣ) against Tr(HΣ̄) along SGD."),
      Figure("fig7_noise_vs_grad", fn.fig7, "Fig. 7: ‖∇L‖ against √Tr Σ_sgd along SGD from a "
             "random initialisation (left) and from θ*_GD (right)."),
      Figure("fig13_sweeps", fn.sweeps, "App. D.3: final test accuracy over GD's learning rate "
             "and GLD const's σ, against SGD's."),
  ]
  for ds in rd.VGG_DATASETS:
    figs.append(Figure(f"fig6_{ds}", fn.fig6(ds), f"Fig. 6 ({ds}): train and test accuracy and "
                       "expected sharpness (δ = 1e-3) of GD, GLD const, dynamic, diag and SGD.",
                       scales=_vgg(ds)))
  figs.append(Figure("fig1_generalization", fn.fig1, "Fig. 1: final test accuracy of the five "
                     "dynamics on SVHN and CIFAR-10.",
                     scales=BOTH if HAVE["svhn"] and HAVE["cifar10"] else SMOKE))
  return tuple(figs)


STANDIN = ("smoke runs use a stand-in dataset and a 16-unit MLP (CI time): they check the "
           "pipeline, not the paper")


def _claims() -> tuple[Claim, ...]:
  cl = [
      Claim("E0 sampler covariances within 5%", "< 5% rel. Frobenius (spec)",
            ct.sampler_covariances, BOTH, figure="fig0_samplers"),
      Claim("E0 trace-matched E‖ε‖² = Tr Σ̂ within 3%", "within 3% (spec)", ct.sampler_traces,
            BOTH, figure="fig0_samplers"),
      Claim("E1 L(1,1) ≈ 0.02, L(−1,−1) ≈ 0.0011", "0.02 ± 0.008 / 0.0011 ± 0.0005",
            ct.surface_losses, BOTH, figure="fig9_surface"),
      Claim("E1 Hessians: eig 200, 20 at (1,1); 2I at (−1,−1)", "200, 20 | 2, 2",
            ct.surface_hessians, BOTH, figure="fig9_surface"),
      Claim("E2 GD never escapes", "0 of 100", ct.escape_gd, BOTH, figure="fig2_escape"),
      Claim("E2 GLD const, diag escape rarely", "≤ 6 of 100 each", ct.escape_isotropic, BOTH,
            figure="fig2_escape"),
      Claim("E2 aligned dynamics escape often", "≥ 18 / 13 / 25 of 100", ct.escape_aligned,
            BOTH, figure="fig2_escape"),
      Claim("E2 aligned beat isotropic by ≥ 10 runs", "≥ 10", ct.escape_margin, BOTH,
            figure="fig2_escape"),
      Claim("E2 Tr(HΣ) in the sharp basin", "1.1, 1.1, ≈1.84, 1.8364, 2.0; 1st > H ≈ L > c = d",
            ct.escape_tr_h_sigma, BOTH, figure="fig2_escape"),
      Claim("E2 trajectory spread (1,1) vs (1,−1)", "< 0.7 (c, d), > 1 (L, H), > 10 (1st)",
            ct.escape_spreads, BOTH, figure="fig2_escape"),
      Claim("E2 1st eigvec(H) highest (1,000 runs)", "1st > max(leading, Hessian)",
            ct.escape_first_eig_highest, PAPER_ONLY, figure="fig2_escape",
            why_not="the smoke variant has 200 runs: the gap (≈ 7 points) is within its noise"),
      Claim("E3 Tr(HΣ) > Tr(HΣ̄) at every epoch", "> 1", ct.one_hidden_dominates, BOTH,
            figure="fig4_one_hidden"),
      Claim("E3 median ratio increases with width", "increasing in h", ct.one_hidden_increasing,
            BOTH, figure="fig4_one_hidden"),
      Claim("E3 ratio(512)/ratio(32) ≥ 5", "≥ 5 (ref. ≈ 15–20)", ct.one_hidden_growth,
            PAPER_ONLY, figure="fig4_one_hidden", why_not="the smoke run has h ∈ {32, 128}"),
      Claim("E3 median ratio at h = 32 ≥ 10", "≥ 10 (ref. 26–45)", ct.one_hidden_small, BOTH,
            figure="fig4_one_hidden"),
      Claim("E3 Prop. 2: F ⪰ δ²H", "λ_min(F − δ²H) ≥ −1e-6·‖H‖ (spec)", ct.one_hidden_prop2, BOTH,
            figure="fig4_one_hidden"),
      Claim("E12 OU Monte Carlo = Eq. (13)", "within 3 SE + 1%", ct.ou_monte_carlo, BOTH,
            figure="fig12_theory"),
      Claim("E12 Eq. (13) small-t form", "within 1%", ct.ou_small_t, BOTH, figure="fig12_theory"),
      Claim("E12 Prop. 1 slope = 2d − 1", "within 0.05 (ref. 0.509, 0.833)", ct.prop1_slopes,
            BOTH, figure="fig12_theory"),
      Claim("E12 App. B non-convexity", "0.01 / 0.81 / 0.81", ct.appendix_b, BOTH,
            figure="fig12_theory"),
      Claim("E4 θ*_GD memorises the training set", "100% (paper); pass ≥ 99.5%",
            cn.pretrain_memorises, PAPER_ONLY, figure="fig3_fmnist", why_not=STANDIN),
      Claim("E5 test accuracy: E above T", "min_E − max_T ≥ 1 pp", cn.test_gap, PAPER_ONLY,
            figure="fig3_fmnist", why_not=STANDIN),
      Claim("E5 sharpness: E below T", "max_E < min_T (target ≤ 0.5×)", cn.sharpness_order,
            PAPER_ONLY, figure="fig3_fmnist", why_not=STANDIN),
      Claim("E5 trapped dynamics stay at ≥ 99% train accuracy", "≥ 99% throughout",
            cn.trapped_stay, PAPER_ONLY, figure="fig3_fmnist", why_not=STANDIN),
      Claim("E5 escaping dynamics drop within 500 iterations", "≤ θ*_GD − 2 pp",
            cn.escapers_drop(500), PAPER_ONLY, figure="fig3_fmnist", why_not=STANDIN),
      Claim("E6 escaping dynamics drop within 50 iterations", "≤ θ*_GD − 2 pp",
            cn.escapers_drop(50, rd.FIG8), PAPER_ONLY, figure="fig8_first50", why_not=STANDIN),
      Claim("E6 trapped dynamics stay within 0.5 pp for 50 iterations", "≥ θ*_GD − 0.5 pp",
            cn.trapped_first50, PAPER_ONLY, figure="fig8_first50", why_not=STANDIN),
      Claim("E7 λ₁₄₀/λ₁ ≈ 1% (paper band)", "≈ 0.01; band [0.003, 0.03]",
            cn.spectrum_decay(0.003, 0.03), PAPER_ONLY, figure="fig5_curvature",
            why_not=STANDIN),
      Claim("E7 λ₁₄₀/λ₁ ≤ 0.05 (qualitative)", "≤ 0.05", cn.spectrum_decay(0.0, 0.05),
            PAPER_ONLY, figure="fig5_curvature", why_not=STANDIN),
      Claim("E7 â large: median ≥ 0.1, ≥ 10·â_iso at ≥ 90%", "\"decent scale\"",
            cn.a_hat_alignment, PAPER_ONLY, figure="fig5_curvature", why_not=STANDIN),
      Claim("E7 Tr(HΣ) ≥ 10·Tr(HΣ̄) at every measurement", "Tr(HΣ) ≫ Tr(HΣ̄)",
            cn.tr_h_sigma_ratio, PAPER_ONLY, figure="fig5_curvature", why_not=STANDIN),
      Claim("E7 Tr(HΣ) falls ≥ 1,000× along SGD", "10⁷× (long run)", cn.tr_h_sigma_drop,
            PAPER_ONLY, figure="fig5_curvature", why_not=STANDIN),
      Claim("E8 noise norm exceeds gradient norm late in SGD", "≥ 90% of 2nd half, median ≥ 2",
            cn.noise_dominates, PAPER_ONLY, figure="fig7_noise_vs_grad", why_not=STANDIN),
      Claim("E13 no GD learning rate reaches SGD", "\"no improvement\"",
            cn.sweep_below_sgd(rd.SWEEP_LR, "experiment.gd_lr", "gd"), PAPER_ONLY,
            figure="fig13_sweeps", why_not=STANDIN),
      Claim("E13 no GLD const σ reaches SGD", "σ = 1e-3 best; none escapes",
            cn.sweep_below_sgd(rd.SWEEP_SIGMA, "experiment.sigma", "gld_const"), PAPER_ONLY,
            figure="fig13_sweeps", why_not=STANDIN),
      Claim("[pipeline] Fig. 3: all dynamics ran from θ*_GD", "8 dynamics",
            cn.pipeline_diffusion(rd.FIG3), SMOKE, figure="fig3_fmnist"),
      Claim("[pipeline] Fig. 8: first iterations logged", "8 dynamics",
            cn.pipeline_diffusion(rd.FIG8), SMOKE, figure="fig8_first50"),
      Claim("[pipeline] Fig. 5: spectrum and alignment probes", "SGD",
            cn.pipeline_diffusion(rd.FIG5), SMOKE, figure="fig5_curvature"),
      Claim("[pipeline] Fig. 7: gradient and noise norms", "finite", cn.pipeline_fig7, SMOKE,
            figure="fig7_noise_vs_grad"),
      Claim("[pipeline] App. D.3 sweeps finished", "13 + 5 trials", cn.pipeline_sweeps, SMOKE,
            figure="fig13_sweeps"),
  ]
  for ds in rd.VGG_DATASETS:
    cl.append(Claim(f"E10 {ds}: SGD beats GD and isotropic/diagonal GLD",
                    "+1 pp, lower sharpness; others within 1.5 pp", cn.vgg_sgd_wins(ds),
                    PAPER_ONLY if HAVE[ds] else (), figure=f"fig6_{ds}",
                    why_not=STANDIN + ("" if HAVE[ds] else "; " + NO_DATA.format(ds))))
    cl.append(Claim(f"[pipeline] Fig. 6 {ds}: all dynamics ran", "5 dynamics",
                    cn.pipeline_diffusion(lambda res, ds=ds: rd.fig6_config(ds, res.scale)),
                    SMOKE, figure=f"fig6_{ds}"))
  both = HAVE["svhn"] and HAVE["cifar10"]
  cl.append(Claim("E11 Fig. 1: SGD ≥ others + 1 pp on SVHN and CIFAR-10", "≥ 1 pp each",
                  cn.summary_margins, PAPER_ONLY if both else (), figure="fig1_generalization",
                  why_not=STANDIN + ("" if both else "; " + NO_DATA.format("SVHN / CIFAR-10"))))
  cl.append(Claim("[pipeline] Fig. 1 summary of both datasets", "2 datasets",
                  cn.pipeline_summary, SMOKE, figure="fig1_generalization"))
  return tuple(cl)


PAPER = Paper(
    key="zhu2019",
    title="Zhu et al. (ICML 2019): anisotropic SGD noise and escaping sharp minima",
    experiments=_experiments(),
    figures=_figures(),
    claims=_claims(),
    notes=__doc__.strip().split("\n\n", 1)[1],
)
