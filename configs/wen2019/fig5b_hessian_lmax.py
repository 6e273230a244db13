"""W8 / Fig. 5b: λ_max of the Hessian at the end of training, SB vs LB vs LB + diag (3 seeds).

Claim: for every model, mean λ_max(LB + diag) < mean λ_max(LB) and λ_max(SB) < λ_max(LB);
λ_max(LB + diag) ≤ 1.5·λ_max(SB) for at least one model ("in some cases comparable to SB"); with
BN folded into the preceding layers and a temperature fitted on the test set (§5.3) the estimate
is consistent across seeds (coefficient of variation ≤ 0.3; the unmodified λ_max is reported
beside it). λ_max: Lanczos (30 H-products, float64 basis) on the mean cross-entropy of 10,000
training examples over all parameters of the folded network. The program reads the final
parameters of the Table-1 rows (`row=all`: the three runnable MNIST-family rows; or one row),
running their trials if needed.

Command:  python -m noisecurv.main --config configs/wen2019/fig5b_hessian_lmax.py
Smoke:    python -m noisecurv.main --config configs/wen2019/fig5b_hessian_lmax.py:smoke
Sweep:    python experiments/sweep.py --config configs/wen2019/fig5b_hessian_lmax.py  (seeds of the start vectors)
Runtime:  seconds to a minute per model on one H100 after the Table-1 rows; smoke (one row,
          256 examples, 10 Lanczos steps): seconds.
Headline: λ_max(LB + diag) < λ_max(LB), close to SB in some models (plot only in the paper).
"""

from noisecurv import configlib
from noisecurv.papers.wen2019 import presets


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, row="all", size="paper")
  if opts.row not in presets.ROWS and opts.row != "all":
    raise ValueError(f"row={opts.row!r} not in {sorted(presets.ROWS)} or 'all'")
  c = configlib.base(program="wen2019.hessian_lmax")
  c.name = f"wen2019 Fig. 5b: λ_max, Table-1 row {opts.row}"
  c.figure = False
  e = c.experiment
  e.rows = (("mlp_mnist", "lenet_mnist", "lenet_fmnist") if opts.row == "all" else (opts.row,))
  if opts.smoke:
    e.rows = ("lenet_fmnist",)
  e.source_arg = "smoke" if opts.smoke else ("" if opts.size == "paper" else f"size={opts.size}")
  if opts.smoke:
    e.n_hessian = 256
    e.lanczos_steps = 10
  return c


def sweep(add):
  for seed in (0, 1, 2):
    add(seed=seed)
