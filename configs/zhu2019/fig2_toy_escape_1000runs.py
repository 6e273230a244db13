"""E2 (Fig. 2, 1,000-run variant): GLD 1st eigvec(H) has the highest success rate.

Claim: with 1,000 runs (chunks of 100, each chunk its own key), the success rate of GLD 1st
eigvec(H) exceeds those of GLD leading and GLD Hessian: the paper's "highest success rate",
which 100 runs cannot resolve (standard error ≈ 5 points).

Command:  python -m noisecurv.main --config configs/zhu2019/fig2_toy_escape_1000runs.py
Smoke:    python -m noisecurv.main --config configs/zhu2019/fig2_toy_escape_1000runs.py:smoke  (200 runs)
Sweep:    none
Runtime:  ≈ 1 min on a 2-core CPU (one compile, ten chunks of 100); smoke (20 chunks of 10,
          sharing fig2_toy_escape's compile) ≈ 10 s after it.
Headline: 1st eig ≈ 41% > leading ≈ 34% > Hessian ≈ 27% (spec reference, numpy eigh); measured
          here (2026-11-23, CPU): 35.2% > 32.6% > 28.3% (the flat basin's H = 2I is degenerate:
          its power-iteration eigenvector is a random positive direction, see the record).
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="zhu2019.toy_escape")
  c.name = "zhu2019 Fig. 2: 1,000-run variant"
  c.figure = False
  c.seed = 1000  # independent of fig2_toy_escape's 100 runs
  c.experiment.n_runs = 200 if opts.smoke else 1000
  c.experiment.chunk_runs = 100 if not opts.smoke else 10  # smoke shares fig2_toy_escape's compile
  return c
