"""Cost per step of every noise kind, as a ratio to a plain step, on the zhu2019 LeNet.

    python benchmarks/noise.py [--steps 50] [--repeats 5] [--quick]

Model: zhu2019's small LeNet (11,330 parameters) on 1,200 Fashion-MNIST images (a
stand-in of the same shape if the files are missing; timings do not depend on pixels).
Each dynamic runs as the train engine runs it (`make_chunk`, one run, `--steps` steps per
compiled chunk) and is timed as the median over `--repeats` chunks after compilation:

  zhu2019 (Table 1): GD (full batch 1,200), GLD const/dynamic/diag/leading (k=20)/Hessian
  (k=20, refresh 10)/1st eigvec (30 power steps every step), all full-batch gradients with
  Σ̂_sgd from 60 minibatches of 20, and SGD (m = 20);
  wen2019: large batch 1,200 with diag / full / trace / multiplicative / K-FAC noise from
  ghost batches of 20.

Ratios are to one plain SGD step (m = 20) and to one plain full-batch step.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from noisecurv import configlib, losses, registry  # noqa: E402
from noisecurv.models import build  # noqa: E402
from noisecurv.runner.engine import _init_carry, load_data  # noqa: E402
from noisecurv.runner.optim import base_optimizer  # noqa: E402
from noisecurv.runner.step import Hyper, Loop, StepSpec, make_chunk  # noqa: E402

ZHU = [("GD", "none", 0, {}), ("GLD const", "isotropic", 0, {"sigma": 1e-3}),
       ("GLD dynamic", "gld_dynamic", 0, {}), ("GLD diag", "gld_diag", 0, {}),
       ("GLD leading", "gld_leading", 0, {"k": 20, "refresh_every": 10}),
       ("GLD Hessian", "gld_hessian", 0, {"k": 20, "refresh_every": 10}),
       ("GLD 1st eigvec(H)", "gld_first_eig", 0, {"power_steps": 30}),
       ("SGD (m=20)", "none", 20, {})]
WEN = [("LB + diag", "lb_diag", 0, {"small_batch": 20}),
       ("LB + full", "lb_full", 0, {"small_batch": 20}),
       ("LB + trace", "lb_trace", 0, {"small_batch": 20}),
       ("LB + multiplicative", "lb_multiplicative", 0, {"small_batch": 20}),
       ("LB + K-FAC", "lb_kfac", 0, {"small_batch": 20})]


def config(kind: str, batch: int, extra: dict, n_train: int):
  c = configlib.base(data="fashion_mnist", model="lenet_small", noise=kind)
  c.data.n_train = n_train
  c.data.n_test = 100
  c.data.normalize = "pm1"
  c.data.standin = "fixture"
  c.optimizer.lr = 0.07
  c.train.batch_size = batch
  c.train.sampling = "iid"
  for k, v in extra.items():
    c.noise[k] = v
  if "num_minibatches" in c.noise:  # Σ̂_sgd from disjoint minibatches of 20 covering the data
    c.noise.num_minibatches = n_train // 20
  return c


def time_kind(kind: str, batch: int, extra: dict, steps: int, repeats: int, n_train: int):
  c = config(kind, batch, extra, n_train)
  data = load_data(c)
  X, Y = jnp.asarray(data.x_train), jnp.asarray(data.y_train)
  model = build(c.model, num_classes=10, input_shape=data.input_shape)
  noise = lambda seed: registry.NOISES.get(kind).fn(c.noise, seed=seed)
  base_tx = base_optimizer(c.optimizer)
  spec = StepSpec(model=model, likelihood=losses.get(c.loss), noise_tx=noise(0),
                  base_tx=base_tx, weight_decay=0.0, grad_clip=0.0,
                  schedule=c.optimizer.schedule, total_epochs=1.0, n_train=len(X),
                  batch_size=batch, sampling="iid" if batch else "full", grad_chunk=0,
                  scale_noise=False, set_momentum=False)
  fn = make_chunk(spec, steps, None)
  carry = _init_carry(model, noise, base_tx, c, X[:1], np.array([0]), len(X),
                      "iid" if batch else "full")
  hyper = Hyper(jnp.full((1,), 0.07), jnp.zeros((1,)), jnp.ones((1,)))
  loop = Loop(jnp.int32(0), jnp.int32(0), jnp.int32(0))
  carry, loop, out, _ = fn(carry, hyper, X, Y, loop)  # compile
  jax.block_until_ready(out)
  ts = []
  for _ in range(repeats):
    t0 = time.perf_counter()
    carry, loop, out, _ = fn(carry, hyper, X, Y, loop)
    jax.block_until_ready(out)
    ts.append((time.perf_counter() - t0) / steps)
  return float(np.median(ts))


def main(argv=None) -> int:
  ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
  ap.add_argument("--steps", type=int, default=50)
  ap.add_argument("--repeats", type=int, default=5)
  ap.add_argument("--n_train", type=int, default=1200)
  ap.add_argument("--quick", action="store_true",
                  help="CPU-sized: 120 examples, 4 steps, three dynamics")
  args = ap.parse_args(argv)
  if args.quick:
    args.steps, args.repeats, args.n_train = 4, 2, 120
  print(f"device: {jax.devices()[0].device_kind} ({jax.default_backend()}), jax {jax.__version__}")
  print(f"zhu2019 LeNet (11,330 params), {args.n_train} training images, "
        f"{args.steps} steps per timed chunk\n")
  rows = []
  todo = ZHU + WEN
  if args.quick:
    todo = [r for r in todo if r[0] in ("GD", "GLD diag", "SGD (m=20)")]
  for name, kind, batch, extra in todo:
    rows.append((name, kind, time_kind(kind, batch, extra, args.steps, args.repeats,
                                       args.n_train)))
    print(f"  timed {name}: {1e3 * rows[-1][2]:.3f} ms/step", file=sys.stderr, flush=True)
  sgd = dict((r[0], r[2]) for r in rows)["SGD (m=20)"]
  gd = dict((r[0], r[2]) for r in rows)["GD"]
  print(f"{'dynamic':<20} | {'kind':<18} | {'ms/step':>8} | {'/ SGD step':>10} | {'/ GD step':>9}")
  print("-" * 76)
  for name, kind, t in rows:
    print(f"{name:<20} | {kind:<18} | {1e3 * t:>8.3f} | {t / sgd:>10.2f} | {t / gd:>9.2f}")
  return 0


if __name__ == "__main__":
  sys.exit(main())
