"""E0e (paper Appendix A): the gradient covariance K approaches H at a well-specified optimum.

Claim: for a logistic teacher–student problem (d = 20, x ~ N(0, I), ‖w*‖ = 3), the relative gap
‖K − H‖_F/‖H‖_F at the MLE ŵ (Newton) is below 0.05 at N = 10⁵ and falls with N (spec, numpy:
0.071 at 10⁴, 0.022 at 10⁵), while at ŵ + δ with ‖δ‖ = 1 it is more than 3× larger (0.28) and
at 2ŵ it is 0.93.

Command:  python -m noisecurv.main --config configs/jastrzebski2017/theory_cov_vs_hessian.py
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/theory_cov_vs_hessian.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/theory_cov_vs_hessian.py  (offset ‖δ‖ ∈ {0.5, 1, 2})
Runtime:  about 20 s on a 2-core CPU (smoke: N ∈ {10,000, 20,000}, seconds).
Headline: gap 0.068 (N = 10⁴) and 0.021 (N = 10⁵) at ŵ; 0.22 at ŵ + δ.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="jastrzebski2017.cov_vs_hessian")
  c.name = "jastrzebski2017 E0e: covariance vs Hessian"
  c.figure = False
  if opts.smoke:
    c.experiment.sizes = (10000, 20000)
  return c


def sweep(add):
  for norm in (0.5, 1.0, 2.0):
    add(**{"experiment.offset_norm": norm})
