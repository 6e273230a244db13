"""Training-step cost inside a scanned chunk versus one compiled step per call (`train.loop`).

    python benchmarks/loop_mode.py [--repeats 3] [--chunk 4] [--runs 1]

For each model, on random inputs of its usual shape, it times (compiled programs warm):

  grad      one jitted value_and_grad of the mean loss on one batch (the baseline);
  scan      one step of the engine's chunk program scanning `--chunk` steps (`train.loop='scan'`);
  steps     one step of the engine's one-step program called step by step (`train.loop='steps'`);

and prints each as a ratio to `grad` of the same model in the same process. On XLA:CPU the
weight gradient of a convolution inside a while loop is ~10x slower than outside one, which is
why `train.loop='auto'` picks 'steps' for convnets on a CPU (noisecurv.runner.step.loop_mode).
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
from noisecurv.runner.engine import _init_carry  # noqa: E402
from noisecurv.runner.optim import base_optimizer  # noqa: E402
from noisecurv.runner.step import Hyper, Loop, StepSpec, has_convolution, make_chunk  # noqa: E402

# name: (model preset, model overrides, input shape, classes, batch)
MODELS = {
    "resnet8 x0.5, GBN 32 (wen2019 smoke)": ("resnet44x2", dict(depth=8, width_mult=0.5,
                                                                ghost_size=32), (32, 32, 3), 100,
                                            128),
    "lenet5_bn (wen2019)": ("lenet5_bn", {}, (28, 28, 1), 10, 128),
    "mlp 64-64 (digits)": ("mlp", dict(hidden=(64, 64)), (64,), 10, 32),
}


def timed(fn, repeats: int) -> float:
  jax.block_until_ready(fn())
  t0 = time.perf_counter()
  for _ in range(repeats):
    out = fn()
  jax.block_until_ready(out)
  return (time.perf_counter() - t0) / repeats


def bench(name, preset, overrides, shape, classes, batch, args):
  cfg = configlib.base(data="digits", model=preset)
  cfg.model.update(overrides)
  n = 4 * batch
  rng = np.random.default_rng(0)
  X = jnp.asarray(rng.normal(size=(n,) + shape), jnp.float32)
  Y = jnp.asarray(rng.integers(0, classes, n), jnp.int32)
  model = build(cfg.model, num_classes=classes, input_shape=shape)
  lik = losses.get(cfg.loss)
  noise = lambda seed: registry.NOISES.get("none").fn(cfg.noise, seed=seed)
  tx = base_optimizer(cfg.optimizer)
  R = args.runs
  carry0 = _init_carry(model, noise, tx, cfg, X[:1], np.arange(R), n, "epoch")
  p0, s0 = jax.tree.map(lambda a: a[0], (carry0.params, carry0.model_state))

  def loss(p, s):
    out, s = model.apply(p, s, X[:batch], train=True)
    return jnp.mean(lik.loss(out, Y[:batch])), s

  grad = jax.jit(jax.value_and_grad(loss, has_aux=True))
  row = {"grad": timed(lambda: grad(p0, s0), args.repeats)}
  spec = StepSpec(model=model, likelihood=lik, noise_tx=noise(0), base_tx=tx, weight_decay=0.0,
                  grad_clip=0.0, schedule=cfg.optimizer.schedule, total_epochs=1.0, n_train=n,
                  batch_size=batch, sampling="epoch", grad_chunk=0, scale_noise=False,
                  set_momentum=False)
  hyper = Hyper(jnp.full((R,), 0.01), jnp.zeros((R,)), jnp.ones((R,)))
  for mode, per_step in (("scan", False), ("steps", True)):
    fn = make_chunk(spec, args.chunk, None, per_step)
    state = {"carry": carry0, "loop": Loop(jnp.int32(0), jnp.int32(0), jnp.int32(0))}

    def chunk(fn=fn, state=state):
      carry = jax.tree.map(jnp.copy, state["carry"])  # the program donates its carry
      c, loop, losses_, _ = fn(carry, hyper, X, Y, state["loop"])
      return losses_

    row[mode] = timed(chunk, args.repeats) / args.chunk
  conv = has_convolution(lambda p, s, x: model.apply(p, s, x, train=False)[0], p0, s0, X[:1])
  return name, conv, row


def main(argv=None) -> int:
  ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
  ap.add_argument("--repeats", type=int, default=3)
  ap.add_argument("--chunk", type=int, default=4)
  ap.add_argument("--runs", type=int, default=1, help="vmapped runs per program")
  args = ap.parse_args(argv)
  print(f"backend {jax.default_backend()}, {args.runs} run(s), chunk of {args.chunk} steps; "
        "times per step as a ratio to one batch gradient of the same model\n")
  print("| model | convolutions | grad (ms) | scan / grad | steps / grad | scan / steps |")
  print("|---|---|---|---|---|---|")
  for name, spec in MODELS.items():
    name, conv, r = bench(name, *spec, args)
    print(f"| {name} | {'yes' if conv else 'no'} | {1e3 * r['grad']:.1f} | "
          f"{r['scan'] / r['grad']:.2f} | {r['steps'] / r['grad']:.2f} | "
          f"{r['scan'] / r['steps']:.2f} |", flush=True)
  return 0


if __name__ == "__main__":
  sys.exit(main())
