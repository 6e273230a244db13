"""jastrzebski2017: the experiments to run, the figures to draw and the claims to check.

    python -m noisecurv.reproduce --paper jastrzebski2017 --scale smoke|paper
    python -m noisecurv.papers.jastrzebski2017.cpu_scale          (the cpu scale)

Scales. smoke: every config's smoke mode (CI); the CNN configs are represented by their base
run only (one setting each, tiny widths, stand-in data without the files), so their claims
are pipeline checks. paper: the theory checks at full size, Fig. 3 / E8b / Fig. 6 on the real
Fashion-MNIST and MNIST at the GPU plan's reduced scale (configs' `reduced` option), and the
CIFAR-10 experiments on their named substitute, Fashion-MNIST padded to 32×32×1
(`data=fmnist32,reduced`), because CIFAR-10 is not available here. The paper-scale sweeps are
run by experiments/gpu/jastrzebski2017.sh; the figures read their finished trials, so the
final call is `--scale paper --no_run` (without it, the CNN experiments' base configs would be
run on top of their sweeps). cpu: what fits a shared 2-core CPU, reduced and named so (the
theory checks at full size; Fig. 3, E8b and Fig. 6 with their configs' `cpu` option), run by
`cpu_scale`; the claims on those experiments are checked at this scale too.
"""

from __future__ import annotations

import dataclasses

from noisecurv.papers.jastrzebski2017 import report_curves as rc
from noisecurv.papers.jastrzebski2017 import report_grids, report_theory
from noisecurv.papers.jastrzebski2017 import report_minima as rm
from noisecurv.papers.jastrzebski2017.tables import CONFIGS
from noisecurv.reproductions import Claim, Experiment, Figure, Paper

SUBST = "data=fmnist32,reduced"
CNN_NOTE = "CIFAR-10 is not available: paper scale runs the fmnist32 substitute, reduced"
THEORY = ("e0a", "e0b", "e0c", "e0d", "e0e")
CNN = ("fig1", "fig2_resnet", "fig2_vgg", "fig4_endpoints", "fig4_resnet", "fig5", "fig4_vgg",
       "tab1", "tab1_tune", "step_swap")

EXPERIMENTS = (
    *(Experiment(CONFIGS[k], {"smoke": "smoke", "paper": None, "cpu": None}) for k in THEORY),
    Experiment(CONFIGS["fig3"], {"smoke": "smoke", "paper": "reduced", "cpu": "cpu"},
               note="paper: 100 of the 300 epochs (GPU budget); cpu: 5k examples, width 128, "
                    "4 η × 4 S, 60 epochs"),
    Experiment(CONFIGS["fig3_equal_loss"], {"smoke": "smoke", "paper": "reduced", "cpu": "cpu"},
               note="paper: 100 of the 300 epochs (GPU budget); cpu: as Fig. 3's cpu grid"),
    Experiment(CONFIGS["fig6"], {"smoke": "smoke", "paper": "reduced", "cpu": "cpu"}, sweep=True,
               note="paper: a 10k training subset, as the spec's reference run (GPU budget); "
                    "cpu: 2k examples, 4 η × 3 S × 2 μ, 100 epochs"),
    *(Experiment(CONFIGS[k], {"smoke": "smoke", "paper": SUBST}, note=CNN_NOTE) for k in CNN),
)

CNN_PAPER = ("needs the sweep of the CIFAR-10 experiment (here its fmnist32 substitute) at "
             "(reduced) paper scale; smoke has one tiny base run of one setting")
SUB = " [fmnist32 substitute]"


def _cnn(name, paper, check, figure):
  return Claim(name + SUB, paper, check, scales=("paper",), why_not=CNN_PAPER, figure=figure)


E2R, E2V = rc.check_e2("fig2_resnet"), rc.check_e2("fig2_vgg")

FIGURES = (
    *report_theory.FIGURES,
    Figure("Fig. 1: cyclic and constant η/S", rc.fig1, "Seed-averaged validation accuracy (± SD) "
           "of VGG-11: CLR vs CBS (left), 0.001/128 vs 0.005/640 (right), and the 5× control."),
    Figure("Fig. 2: η rescaling rules", rc.fig2, "Validation accuracy of the base run (S = 50) "
           "and of S = 500 with η rescaled linearly, by √10 or not (ResNet-56 top, VGG-11 "
           "bottom)."),
    *report_grids.FIGURES[:2],
    Figure("Fig. 4: interpolations", rm.fig4, "Train and test loss along θ_α = (1 − α)θ_A + αθ_B "
           "with BN recalibrated at every α; α = 0 is the higher-ratio (or smaller-β) model."),
    Figure("Fig. 5: β breakdown", rc.fig5, "Mean validation accuracy per β at η/S = 0.1/50; "
           "legend: mean ± SD of the max validation accuracy, * = a diverged seed."),
    Figure("Table 1: cyclic schedules", rm.tab1, "Measured at the probed epoch with the best "
           "validation accuracy, mean ± SD over seeds; ‖H‖/D is reported as ‖H‖²_F/D (spec §6 #5; "
           "the CSV has ‖H‖_F, ‖H‖_F/D and ‖H‖²_F/D)."),
    report_grids.FIGURES[2],
    Figure("E8a: step schedule swap", rc.step_swap, "Validation accuracy with η ÷10 vs S ×10 at "
           "the same epochs (spec control, not in the paper)."),
)

CLAIMS = (
    *report_theory.CLAIMS,
    *report_grids.CLAIMS,
    _cnn("E1: D(CLR, CBS) ≤ 1.5 pp and ≤ ½·D(CLR, control)", "curves match (Fig. 1 left)",
         rc.check_e1_distance("clr", "cbs"), "Fig. 1: cyclic and constant η/S"),
    _cnn("E1: D(0.001/128, 0.005/640) ≤ 1.5 pp and ≤ ½·D(·, control)", "curves match (right)",
         rc.check_e1_distance("const_a", "const_b"), "Fig. 1: cyclic and constant η/S"),
    _cnn("E1: final val acc of equal-ratio pairs within 1 pp (or 2 SD)", "curves match",
         rc.check_e1_final, "Fig. 1: cyclic and constant η/S"),
    _cnn("E1: train loss of equal-ratio pairs within 15%", "curves match", rc.check_e1_loss,
         "Fig. 1: cyclic and constant η/S"),
    _cnn("E2 ResNet: linear closer to base than √ (val acc and train loss)", "Fig. 2 top",
         E2R[0], "Fig. 2: η rescaling rules"),
    _cnn("E2 ResNet: D(linear, base) ≤ 1.5 pp", "matches fairly closely", E2R[1],
         "Fig. 2: η rescaling rules"),
    _cnn("E2 ResNet: final val |linear − base| ≤ 1 pp", "matches", E2R[2],
         "Fig. 2: η rescaling rules"),
    _cnn("E2 ResNet: no rescaling is further from base than linear", "sanity", E2R[3],
         "Fig. 2: η rescaling rules"),
    _cnn("E2 VGG: linear closer to base than √ (val acc and train loss)", "Fig. 2 bottom",
         E2V[0], "Fig. 2: η rescaling rules"),
    _cnn("E2 VGG: D(linear, base) ≤ 1.5 pp", "matches fairly closely", E2V[1],
         "Fig. 2: η rescaling rules"),
    _cnn("E2 VGG: final val |linear − base| ≤ 1 pp", "matches", E2V[2],
         "Fig. 2: η rescaling rules"),
    _cnn("E2 VGG: no rescaling is further from base than linear", "sanity", E2V[3],
         "Fig. 2: η rescaling rules"),
    _cnn("E4a: wider basin at higher η/S (w_A ≥ 1.2 w_B, λ_A < λ_B), ≥ 2/3 seeds",
         "Fig. 4a", rm.check_e4("fig4_resnet", 0, False), "Fig. 4: interpolations"),
    _cnn("E4b: wider basin at higher η/S (w_A ≥ 1.2 w_B, λ_A < λ_B), ≥ 2/3 seeds",
         "Fig. 4b", rm.check_e4("fig4_resnet", 1, False), "Fig. 4: interpolations"),
    _cnn("E4c: equal η/S, equal widths (0.8–1.25) and λ (0.67–1.5), ≥ 2/3 seeds", "Fig. 4c",
         rm.check_e4("fig4_vgg", 0, True), "Fig. 4: interpolations"),
    _cnn("E4d: equal η/S, equal widths (0.8–1.25) and λ (0.67–1.5), ≥ 2/3 seeds", "Fig. 4d",
         rm.check_e4("fig4_vgg", 1, True), "Fig. 4: interpolations"),
    _cnn("E5: full N, max val within 1 pp of β = 1 for β ≤ 4", "curves match up to a limit",
         rc.check_e5_full, "Fig. 5: β breakdown"),
    _cnn("E5: β* exists for small N and β*(small) ≤ β*(full)", "breakdown sooner at small N",
         rc.check_e5_star, "Fig. 5: β breakdown"),
    _cnn("E5: drop at the largest common β larger for small N", "magnified for small N",
         rc.check_e5_magnified, "Fig. 5: β breakdown"),
    _cnn("E6: every cyclic λ_max ≤ 0.8 × constant", "0.56 / 0.46 / 0.50", rm.check_t1_ratio(
        "lambda_max"), "Table 1: cyclic schedules"),
    _cnn("E6: every cyclic ‖H‖_F ≤ 0.8 × constant", "0.53 / 0.59 / 0.50 (√ of ‖H‖/D)",
         rm.check_t1_ratio("fro"), "Table 1: cyclic schedules"),
    _cnn("E6: every cyclic test acc ≥ constant + 1 pp", "+2.06 / +2.07 / +1.77 pp", rm.check_t1_acc,
         "Table 1: cyclic schedules"),
    _cnn("E6: |Discrete S − Discrete η| test acc ≤ 0.5 pp", "0.01 pp", rm.check_t1_exchange,
         "Table 1: cyclic schedules"),
    _cnn("E8a: final val acc, S ×10 vs η ÷10, within 1 pp", "(spec control)", rc.check_e8a_final,
         "E8a: step schedule swap"),
    _cnn("E8a: D ≤ 2 pp after the first switch", "(spec control)", rc.check_e8a_curves,
         "E8a: step schedule swap"),
    *(Claim(f"{name} smoke: base run finished with finite val acc", "pipeline",
            rc.check_smoke(key, name), scales=("smoke",), figure=fig)
      for key, name, fig in (("fig1", "E1", "Fig. 1: cyclic and constant η/S"),
                             ("fig2_resnet", "E2 ResNet", "Fig. 2: η rescaling rules"),
                             ("fig2_vgg", "E2 VGG", "Fig. 2: η rescaling rules"),
                             ("fig5", "E5", "Fig. 5: β breakdown"),
                             ("tab1", "E6", "Table 1: cyclic schedules"),
                             ("step_swap", "E8a", "E8a: step schedule swap"))),
    Claim("E4 smoke: ResNet interpolation curves finite", "pipeline",
          rm.check_e4_smoke("fig4_resnet"),
          scales=("smoke",), figure="Fig. 4: interpolations"),
    Claim("E4 smoke: VGG interpolation curves finite", "pipeline", rm.check_e4_smoke("fig4_vgg"),
          scales=("smoke",), figure="Fig. 4: interpolations"),
)

# The cpu scale (cpu_scale.py) runs the theory checks, Fig. 3, E8b and Fig. 6: their figures and
# the claims meaningful at paper scale are checked there too.
CPU_FIGURES = ("E0", "Fig. 3", "E8b", "Fig. 6")
CPU_CLAIMS = ("E0", "E3:", "E7:", "E8b:")


def _cpu(item, prefixes):
  ok = item.name.startswith(prefixes) and "paper" in item.scales
  return dataclasses.replace(item, scales=(*item.scales, "cpu")) if ok else item


FIGURES = tuple(_cpu(f, CPU_FIGURES) for f in FIGURES)
CLAIMS = tuple(_cpu(c, CPU_CLAIMS) for c in CLAIMS)

PAPER = Paper(
    key="jastrzebski2017",
    title="Jastrzębski et al. (2017): Three factors influencing minima in SGD",
    experiments=EXPERIMENTS,
    figures=FIGURES,
    claims=CLAIMS,
    notes=("Paper scale: theory checks at full size; Fig. 3, E8b and Fig. 6 on real "
           "Fashion-MNIST/MNIST at the GPU plan's reduced scale; the CIFAR-10 experiments "
           "(Fig. 1, 2, 4, 5, Table 1, E8a) on the fmnist32 substitute (Fashion-MNIST padded "
           "to 32×32×1), reduced, since CIFAR-10 is not available here. Smoke scale checks "
           "the theory and the pipelines only. The cpu scale (a shared 2-core CPU) runs the "
           "theory checks at full size and Fig. 3, E8b and Fig. 6 reduced (fewer examples, "
           "smaller grids, fewer epochs)."),
)
