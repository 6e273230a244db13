"""li2019 E4 (Fig. 4): CIFAR-10, 3×256 hidden, top-15 principal angles (not run: no data).

Claim: as Fig. 3: cos γ₁..γ₁₀ ≥ 0.9 for t ≥ 100.
Setting (Table 3, App. A.2): cifar10 training set standardised with the scalar training mean and
std, flattened; ReLU MLP with biases, LeCun-normal init (spec §7 #19); SGD η = 0.1, minibatches
drawn with replacement; T = 10,000; 10 repeats (vmapped).
CIFAR-10 is not available offline: the config and loader are kept, smoke runs on the fixture.

Command:  python -m noisecurv.main --config configs/li2019/fig4_cifar10_subspaces.py:batch=256
Smoke:    python -m noisecurv.main --config configs/li2019/fig4_cifar10_subspaces.py:smoke
Sweep:    python experiments/sweep.py --config configs/li2019/fig4_cifar10_subspaces.py
Runtime:  not run (no data); ≈ 8× Fig. 3's cost per product; smoke ≈ 15 s on 2 CPU cores (fixture stand-in data).
Headline: not run here: CIFAR-10 is not available offline.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, depth=3, batch=256, records=True)
  c = configlib.base(program="li2019.mlp", data="cifar10")
  c.name = "li2019_fig4_cifar10_subspaces"
  c.data.flatten = True
  c.data.normalize = "standard"
  e = c.experiment
  e.depth, e.batch, e.width = opts.depth, opts.batch, 256
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
  for batch in (256, 512):
    add(**{"experiment.batch": batch})
