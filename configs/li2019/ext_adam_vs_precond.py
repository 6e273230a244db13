"""li2019 E15 (§5.5, no figure): Adam next to the diagonally preconditioned SGD of Theorem 3.

Claim (report only; the paper makes no empirical claim): Adam's per-coordinate step compared with
the "fixed" rule ημ_j/√M_jj (Eq. 40), as the median over coordinates of their ratio along the
trajectory, and Adam's loss next to the preconditioned SGD of ext_thm3_adaptive_sgd.
Gauss-10, 0%, m = 5, 1,000 runs, T = 400; optax Adam (β = 0.9, 0.999, ε = 1e-8).

Command:  python -m noisecurv.main --config configs/li2019/ext_adam_vs_precond.py:lr=0.001
Smoke:    python -m noisecurv.main --config configs/li2019/ext_adam_vs_precond.py:smoke
Sweep:    python experiments/sweep.py --config configs/li2019/ext_adam_vs_precond.py
          (η_adam ∈ {1e-3, 3e-3, 1e-2})
Runtime:  H100 est. ≈ 10 s per η; CPU reduced ≈ 1 min.
Headline: reported, not gated.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, cpu=False, lr=0.001)
  c = configlib.base(program="li2019.adaptive")
  c.name = "li2019_adam"
  e = c.experiment
  e.dynamic, e.lr, e.steps = "adam", opts.lr, 400
  if opts.cpu:  # reduced, named as such
    e.runs, e.cond_draws = 50, 200
  if opts.smoke:
    e.runs, e.steps, e.cond_draws = 4, 30, 16
  return c


def sweep(add):
  for lr in (1e-3, 3e-3, 1e-2):
    add(**{"experiment.lr": lr})
