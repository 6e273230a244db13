"""Quickstart: an MLP on scikit-learn's bundled digits, with curvature probes.

Claim: SGD (lr 0.05, momentum 0.9, batch 32) trains a 64-64-64-10 MLP on the 1,348 training
digits to >= 95% test accuracy on the 449 held-out digits; the training loss falls by more
than 10x; the top Hessian eigenvalue stays below the stability edge 2(1+μ)/η = 76.

Command:  python -m noisecurv.main --config configs/quickstart.py
Smoke:    python -m noisecurv.main --config configs/quickstart.py:smoke
Sweep:    python experiments/sweep.py --config configs/quickstart.py
Runtime:  about a minute on a 2-core CPU (smoke: seconds).
Headline: test accuracy ~0.97 after 4,000 steps.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False)
  c = configlib.base(data="digits", model="mlp")
  c.name = "quickstart"
  c.data.flatten = True
  c.model.hidden = (64, 64)
  c.optimizer.lr = 0.05
  c.optimizer.momentum = 0.9
  c.train.batch_size = 32
  c.train.steps = 4000
  c.train.log_every = 100
  c.eval.every = 500
  c.checkpoint.every = 1000
  configlib.add_probe(c, "grad", "grad_norm", every=500, n=512)
  # top Hessian eigenvalue (Lanczos, 20 products) and Tr C / Tr Σ of per-example gradients
  configlib.add_probe(c, "hess", "hessian_top_eig", every=1000, n=512, steps=20)
  configlib.add_probe(c, "moments", "grad_moments", every=1000, n=512)
  if opts.smoke:
    c.train.steps = 200
    c.train.log_every = 50
    c.eval.every = 100
    c.checkpoint.every = 100
    c.probes.grad.every = 100
    c.probes.hess.every = 100
    c.probes.moments.every = 100
  return c


def sweep(add):
  for lr in (0.01, 0.05, 0.1):
    add(**{"optimizer.lr": lr})
