"""Programs of li2019 (imported with every config; see the package docstring).

| program          | spec             | what                                                   |
|------------------|------------------|--------------------------------------------------------|
| li2019.ensemble  | E1-E2, E6-E13    | vmapped Gauss-k SGD runs with curvature records         |
| li2019.theory    | E0a-E0e          | Prop. 1, Table 1, Cor. 3, Thm. 4 algebra, angles/DK     |
| li2019.adaptive  | E14, E15         | Theorem 3 adaptive step / preconditioner, Adam          |
| li2019.mlp       | E3, E4, E13      | MNIST / CIFAR-10 MLP ensembles, matrix-free records     |
"""

from __future__ import annotations

from noisecurv.papers.li2019 import adaptive, ensemble, mlp, theory
from noisecurv.registry import PROGRAMS

PROGRAMS.register("li2019.ensemble", **ensemble.DEFAULTS)(ensemble.ensemble)
PROGRAMS.register("li2019.theory", **theory.DEFAULTS)(theory.theory)
PROGRAMS.register("li2019.adaptive", **adaptive.DEFAULTS)(adaptive.adaptive)
PROGRAMS.register("li2019.mlp", **mlp.DEFAULTS)(mlp.mlp)
