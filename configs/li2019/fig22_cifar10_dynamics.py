"""li2019 E13 (Fig. 22): CIFAR-10 dynamics, 3 and 6 × 256 hidden (not run: no data).

Claim: as Fig. 21 on CIFAR-10 (T = 10,000 for 3 layers, 15,000 for 6).
Setting (Table 3, App. A.2): cifar10 training set standardised with the scalar training mean and
std, flattened; ReLU MLP with biases, LeCun-normal init (spec §7 #19); SGD η = 0.1, minibatches
drawn with replacement; T = 10,000; 10 repeats (vmapped).
CIFAR-10 is not available offline: the config and loader are kept, smoke runs on the fixture.

Command:  python -m noisecurv.main --config configs/li2019/fig22_cifar10_dynamics.py:depth=3,batch=256
Smoke:    python -m noisecurv.main --config configs/li2019/fig22_cifar10_dynamics.py:smoke
Sweep:    python experiments/sweep.py --config configs/li2019/fig22_cifar10_dynamics.py
Runtime:  not run (no data); smoke ≈ 15 s on 2 CPU cores (fixture stand-in data).
Headline: not run here: CIFAR-10 is not available offline.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, depth=3, batch=256, records=False)
  c = configlib.base(program="li2019.mlp", data="cifar10")
  c.name = "li2019_fig22_cifar10_dynamics"
  c.data.flatten = True
  c.data.normalize = "standard"
  e = c.experiment
  e.depth, e.batch, e.width = opts.depth, opts.batch, 256
  e.steps = 15_000 if opts.depth == 6 else 10_000
  if not opts.records:
    e.record_steps = ()
  if opts.smoke:
    c.data.standin = "fixture"
    c.data.n_train = 256
    e.steps, e.repeats, e.width, e.eval_n, e.probe_n = 20, 2, 16, 64, 64
    e.record_steps = (0, 19) if opts.records else ()
    e.lanczos_steps = 20
  return c


def sweep(add):
  for depth in (3, 6):
    for batch in (256, 512):
      add(**{"experiment.depth": depth, "experiment.batch": batch})
