"""Programs and probes of zhu2019 (imported with every config; see the package docstring).

| program                        | spec     | what                                             |
|--------------------------------|----------|--------------------------------------------------|
| zhu2019.check_noise_samplers   | E0       | empirical covariance of every Table 1 sampler    |
| zhu2019.toy_surface            | E1       | the two-basin loss on a grid, its two minima     |
| zhu2019.toy_escape             | E2       | six dynamics × n runs from the sharp minimum     |
| zhu2019.one_hidden_layer       | E3       | Tr(HΣ) vs Tr(HΣ̄) along Adam, per width          |
| zhu2019.gd_pretrain            | E4, E9   | θ*_GD (the `train` program, extended if needed)  |
| zhu2019.diffusion              | E5–E8,   | the Table 1 dynamics from θ*_GD                  |
|                                | E10, E13 |                                                  |
| zhu2019.generalization_summary | E11      | Fig. 1 from the Fig. 6 runs                      |
| zhu2019.ou_escape              | E12      | Eq. (13) on an OU process, Monte Carlo           |
| zhu2019.prop1_scaling          | E12      | Tr(HΣ)/Tr(HΣ̄) ∝ D^{2d−1}                        |
| zhu2019.appendix_b             | E12      | App. B's non-convex one-point example            |
"""

from __future__ import annotations

from noisecurv.papers.zhu2019 import (
  diffusion,
  one_hidden,
  pretrain,
  probes,  # noqa: F401  (registers the probes)
  samplers,
  summary,
  theory,
  toy,
)
from noisecurv.registry import PROGRAMS

PROGRAMS.register("zhu2019.check_noise_samplers", **samplers.SAMPLER_DEFAULTS)(
    samplers.check_noise_samplers)
PROGRAMS.register("zhu2019.toy_surface", **toy.SURFACE_DEFAULTS)(toy.toy_surface)
PROGRAMS.register("zhu2019.toy_escape", **toy.ESCAPE_DEFAULTS)(toy.toy_escape)
PROGRAMS.register("zhu2019.one_hidden_layer", **one_hidden.ONE_HIDDEN_DEFAULTS)(
    one_hidden.one_hidden_layer)
PROGRAMS.register("zhu2019.gd_pretrain", **pretrain.PRETRAIN_DEFAULTS)(pretrain.gd_pretrain)
PROGRAMS.register("zhu2019.diffusion", **diffusion.DIFFUSION_DEFAULTS)(diffusion.diffusion)
PROGRAMS.register("zhu2019.generalization_summary", **summary.SUMMARY_DEFAULTS)(
    summary.generalization_summary)
PROGRAMS.register("zhu2019.ou_escape", **theory.OU_DEFAULTS)(theory.ou_escape)
PROGRAMS.register("zhu2019.prop1_scaling", **theory.PROP1_DEFAULTS)(theory.prop1_scaling)
PROGRAMS.register("zhu2019.appendix_b", **theory.APPENDIX_B_DEFAULTS)(theory.appendix_b)
