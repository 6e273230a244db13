"""E0c (paper Eq. 6–7): the minibatch gradient covariance is (1/S − 1/N)·K without replacement.

Claim: for logistic regression (d = 10, N = 200, at the teacher w*), the covariance of the
mean of S per-example gradients, estimated from 20,000 minibatches, is within 5% (relative
Frobenius error) of (1/S − 1/N)·K when sampled without replacement and of (N − 1)K/(NS) with
replacement, for S ∈ {5, 50, 150}; at S = 150 the naive K/S is off by a factor 4.

Command:  python -m noisecurv.main --config configs/jastrzebski2017/theory_minibatch_covariance.py
Smoke:    python -m noisecurv.main --config configs/jastrzebski2017/theory_minibatch_covariance.py:smoke
Sweep:    python experiments/sweep.py --config configs/jastrzebski2017/theory_minibatch_covariance.py  (N ∈ {200, 1000})
Runtime:  seconds (smoke: 10,000 minibatches, S ∈ {5, 50}).
Headline: relative error ≈ 2% at every S (the naive K/S: 300% at S = 150).
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(program="jastrzebski2017.minibatch_covariance")
  c.name = "jastrzebski2017 E0c: minibatch covariance"
  c.figure = False
  if opts.smoke:
    c.experiment.n_batches = 10000
    c.experiment.batch_sizes = (5, 50)  # 4 compiled samplers instead of 6
  return c


def sweep(add):
  for n in (200, 1000):
    add(**{"experiment.n": n})
