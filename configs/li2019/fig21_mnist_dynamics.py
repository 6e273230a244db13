"""li2019 E13 (Fig. 21): MNIST dynamics, depth 3-6 × 128, m ∈ {64..512}.

Claim: the SGD dynamics look like Gauss-k with random labels: the median-run ‖g_t‖ rises above its t = 0 value within the first 10% of training, and cos(g_t, g_{t−1}) settles around 0 ([−0.05, 0.15] over the last 10%).
Setting (Table 3, App. A.2): mnist training set standardised with the scalar training mean and
std, flattened; ReLU MLP with biases, LeCun-normal init (spec §7 #19); SGD η = 0.1, minibatches
drawn with replacement; T = 10,000; 10 repeats (vmapped).

Command:  python -m noisecurv.main --config configs/li2019/fig21_mnist_dynamics.py:depth=3,batch=64
Smoke:    python -m noisecurv.main --config configs/li2019/fig21_mnist_dynamics.py:smoke
Sweep:    python experiments/sweep.py --config configs/li2019/fig21_mnist_dynamics.py
Runtime:  H100 est. ≈ 11 min for all 16 configs (scalars only); smoke ≈ 15 s on 2 CPU cores (fixture stand-in data).
Headline: median cos over the last 1,000 steps ≈ 0.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, depth=3, batch=64, records=False)
  c = configlib.base(program="li2019.mlp", data="mnist")
  c.name = "li2019_fig21_mnist_dynamics"
  c.data.flatten = True
  c.data.normalize = "standard"
  e = c.experiment
  e.depth, e.batch, e.width = opts.depth, opts.batch, 128
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
  for depth in (3, 4, 5, 6):
    for batch in (64, 128, 256, 512):
      add(**{"experiment.depth": depth, "experiment.batch": batch})
