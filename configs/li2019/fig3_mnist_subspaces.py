"""li2019 E3 (Fig. 3): MNIST, 3×128 hidden, top-15 principal angles between H and C.

Claim: cos γ₁..γ₁₀ between the top eigenspaces of H and C (all 60,000 examples, matrix-free Lanczos) ≈ 1 from t = 100 on; for m = 256 C's eigenvalues 11-15 are ≤ 0.1× its top 10.
Setting (Table 3, App. A.2): mnist training set standardised with the scalar training mean and
std, flattened; ReLU MLP with biases, LeCun-normal init (spec §7 #19); SGD η = 0.1, minibatches
drawn with replacement; T = 10,000; 10 repeats (vmapped).

Command:  python -m noisecurv.main --config configs/li2019/fig3_mnist_subspaces.py:batch=64
Smoke:    python -m noisecurv.main --config configs/li2019/fig3_mnist_subspaces.py:smoke
Sweep:    python experiments/sweep.py --config configs/li2019/fig3_mnist_subspaces.py
Runtime:  H100 est. ≈ 3 min for both m (11 records × 10 runs × 160 products on 60,000 examples); smoke ≈ 15 s on 2 CPU cores (fixture stand-in data).
Headline: mean cos γ₁..γ₁₀ ≥ 0.9 for t ≥ 100.
"""

from noisecurv import configlib


def get_config(arg=None):
  opts = configlib.parse_arg(arg, smoke=False, depth=3, batch=64, records=True)
  c = configlib.base(program="li2019.mlp", data="mnist")
  c.name = "li2019_fig3_mnist_subspaces"
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
  for batch in (64, 256):
    add(**{"experiment.batch": batch})
