"""Throughput of many small runs: one vmapped program versus runs launched one by one.

    python benchmarks/runs.py [--runs 1,100,1000,10000] [--steps 400] [--hessian_every 100]
        [--seq_runs 20] [--probe_chunk 500] [--quick]

The model is li2019's Gauss-10 network (50 -> 10 -> 30 -> 10 ReLU, 1,150 parameters,
θ0 ~ N(0, I)) on 100 Gauss-10 points, SGD with lr 0.1 and batch 5, as the train engine
runs it (`noisecurv.runner.step.make_chunk`). For each N it prints runs·steps/s of

  vmapped      N runs in one program, `log_every`=100 steps per compiled chunk;
  sequential   one run at a time, each a full training of `steps` steps through the same
               compiled single-run program (timed over --seq_runs runs, scaled to N);

each without and with a dense-Hessian probe every `hessian_every` steps (per run: the
1,150 x 1,150 Hessian of the training loss on all 100 points, its trace, Frobenius norm
and λ_max, or with --spectrum all its eigenvalues; in chunks of --probe_chunk runs).
Compilation is excluded.
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
from jax.flatten_util import ravel_pytree  # noqa: E402

from noisecurv import configlib, losses, registry  # noqa: E402
from noisecurv.models import build  # noqa: E402
from noisecurv.runner.engine import _init_carry, load_data, over_runs  # noqa: E402
from noisecurv.runner.optim import base_optimizer  # noqa: E402
from noisecurv.runner.step import Hyper, Loop, StepSpec, make_chunk  # noqa: E402


def gauss10_config():
  c = configlib.base(data="gauss_k", model="mlp")
  c.data.num_classes = 10
  c.data.dim = 50
  c.data.n = 100
  c.model.hidden = (10, 30)
  c.model.init = "std_normal"
  c.optimizer.lr = 0.1
  c.train.batch_size = 5
  c.train.sampling = "iid"
  return c


class Bench:
  def __init__(self, steps: int, chunk: int):
    self.cfg = gauss10_config()
    self.data = load_data(self.cfg)
    self.X = jnp.asarray(self.data.x_train)
    self.Y = jnp.asarray(self.data.y_train)
    self.lik = losses.get(self.cfg.loss)
    self.model = build(self.cfg.model, num_classes=10, input_shape=self.data.input_shape)
    self.noise = lambda seed: registry.NOISES.get("none").fn(self.cfg.noise, seed=seed)
    self.base_tx = base_optimizer(self.cfg.optimizer)
    self.steps, self.chunk = steps, chunk
    spec = StepSpec(model=self.model, likelihood=self.lik, noise_tx=self.noise(0),
                    base_tx=self.base_tx, weight_decay=0.0, grad_clip=0.0,
                    schedule=self.cfg.optimizer.schedule, total_epochs=1.0, n_train=100,
                    batch_size=5, sampling="iid", grad_chunk=0, scale_noise=False,
                    set_momentum=False)
    self.fn = make_chunk(spec, chunk, None)

  def carry(self, seeds):
    return _init_carry(self.model, self.noise, self.base_tx, self.cfg, self.X[:1],
                       np.asarray(seeds), 100, "iid")

  def hessian_probe(self, probe_chunk: int, spectrum: bool = False):
    X, Y, model, lik = self.X, self.Y, self.model, self.lik

    def probe(params, state, key):
      flat, unravel = ravel_pytree(params)

      def loss(f):
        return jnp.mean(lik.loss(model.apply_policy(unravel(f), state, X), Y))

      with jax.default_matmul_precision("highest"):
        H = jax.hessian(loss)(flat)
        H = 0.5 * (H + H.T)
        out = {"trace": jnp.trace(H), "fro": jnp.linalg.norm(H)}
        if spectrum:
          out["eigvals"] = jnp.linalg.eigvalsh(H)
        else:  # λ_max by 30 power iterations on the dense matrix (matmuls only)
          v = jnp.ones(H.shape[0]) / jnp.sqrt(H.shape[0])
          v = jax.lax.fori_loop(0, 30, lambda i, v: (H @ v) / jnp.linalg.norm(H @ v), v)
          out["lambda_max"] = v @ H @ v
      return out

    return over_runs(probe, probe_chunk)

  def train(self, seeds, probe=None, every: int = 0) -> float:
    """Wall seconds to train len(seeds) runs for `steps` steps (compiled programs warm)."""
    R = len(seeds)
    hyper = Hyper(jnp.full((R,), 0.1), jnp.zeros((R,)), jnp.ones((R,)))
    carry = self.carry(seeds)
    loop = Loop(jnp.int32(0), jnp.int32(0), jnp.int32(0))
    jax.block_until_ready(carry)
    t0 = time.perf_counter()
    out = None
    for s in range(0, self.steps, self.chunk):
      carry, loop, losses_, _ = self.fn(carry, hyper, self.X, self.Y, loop)
      if probe is not None and (s + self.chunk) % every == 0:
        out = probe(carry.params, carry.model_state, jax.random.key(0))
    jax.block_until_ready((carry, losses_, out))
    return time.perf_counter() - t0


def main(argv=None) -> int:
  ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
  ap.add_argument("--runs", default="1,100,1000,10000")
  ap.add_argument("--steps", type=int, default=400)
  ap.add_argument("--hessian_every", type=int, default=100)
  ap.add_argument("--seq_runs", type=int, default=20)
  ap.add_argument("--probe_chunk", type=int, default=500)
  ap.add_argument("--spectrum", action="store_true",
                  help="the probe also computes all eigenvalues (eigvalsh) of every Hessian")
  ap.add_argument("--quick", action="store_true", help="CPU-sized: runs 1,8, 100 steps")
  args = ap.parse_args(argv)
  if args.quick:
    args.runs, args.steps, args.seq_runs, args.hessian_every = "1,8", 100, 2, 100
  Ns = [int(n) for n in args.runs.split(",")]
  bench = Bench(args.steps, min(100, args.steps))
  probe = bench.hessian_probe(args.probe_chunk, args.spectrum)
  print(f"device: {jax.devices()[0].device_kind} ({jax.default_backend()}), jax {jax.__version__}")
  print(f"li2019 Gauss-10 net: 1,150 params, {args.steps} SGD steps per run, batch 5; "
        f"Hessian probe every {args.hessian_every} steps "
        f"({'all eigenvalues' if args.spectrum else 'trace, ‖H‖_F, λ_max'})\n")

  # Sequential baseline: one compiled single-run program, runs launched one after another.
  seq = {}
  for with_h in (False, True):
    bench.train([0], probe if with_h else None, args.hessian_every)  # compile
    t = [bench.train([s], probe if with_h else None, args.hessian_every)
         for s in range(1, args.seq_runs + 1)]
    seq[with_h] = float(np.median(t))
  rows = []
  for n in Ns:
    for with_h in (False, True):
      p = probe if with_h else None
      bench.train(list(range(n)), p, args.hessian_every)  # compile this shape
      t = bench.train(list(range(n)), p, args.hessian_every)
      t_seq = seq[with_h] * n
      rows.append((n, "yes" if with_h else "no", t, n * args.steps / t, t_seq,
                   n * args.steps / t_seq, t_seq / t))
  hdr = (f"{'N runs':>8} | {'Hessian':>7} | {'vmapped s':>9} | {'runs·steps/s':>12} | "
         f"{'sequential s':>12} | {'runs·steps/s':>12} | {'speed-up':>8}")
  print(hdr)
  print("-" * len(hdr))
  for n, h, t, thr, ts, thr_s, sp in rows:
    print(f"{n:>8} | {h:>7} | {t:>9.3f} | {thr:>12,.0f} | {ts:>12.2f} | {thr_s:>12,.0f} | "
          f"{sp:>7.1f}x")
  print(f"\nsequential times are {args.seq_runs} single runs (median) scaled to N runs")
  return 0


if __name__ == "__main__":
  sys.exit(main())
