"""thomas2020 Table 2 (§5.4): the step sizes that reach E[Δ_t] ≤ ε in the fewest updates.

Claim: the same computation as Table 1 (program thomas2020.tables) gives best step sizes within
a factor 1.6 of the paper's Table 2 in every cell; the paper's "2·10⁰" for Newton at
(ε = 0.1, β = 0) is infeasible (α must be ≤ 0.2227; α = 2 does not converge) and is checked as
2·10⁻¹ (ours 0.20). Newton's best step at β = −1 is ≥ 3× smaller than at β = 1 for every ε,
while SG's and Polyak's vary ≤ 2× across β.

Command:  python -m noisecurv.main --config configs/thomas2020/table2_quadratic_stepsizes.py
Smoke:    python -m noisecurv.main --config configs/thomas2020/table2_quadratic_stepsizes.py:smoke
Sweep:    none
Runtime:  ~10 s on a 2-core CPU (no Monte-Carlo here: Table 1's config runs it).
Headline: Newton 1.0 / 0.20 / 0.022 at β = 0 for ε = 1 / 0.1 / 0.01; SG 4.5e-3 at ε = 1.
"""

from noisecurv import configlib


def get_config(arg=None):
  configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="thomas2020.tables")
  c.name = "thomas2020 Table 2"
  c.figure = False
  c.experiment.mc_chains = 0
  return c
