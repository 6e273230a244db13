"""Curvature kernels timed as ratios to one batch gradient of the same model, in one process.

    python benchmarks/kernels.py [--model mlp|vgg11|all] [--quick] [--repeats 20]
        [--block 0] [--block_mib 24] [--gram 8] [--only NAME ...] [--json PATH]

Models: the MLP 784-512-512-10 (ReLU, batch 512) and VGG-11 without BN on 32×32×3
(batch 128; the `vgg11` preset of noisecurv.models, zhu2019's config A with the
FC-512/FC-512/FC-10 head, else `vgg` depth 11 without BN), random init, Gaussian
inputs and uniform labels, softmax cross-entropy. Everything runs float32 with
`jax.default_matmul_precision("highest")` (no TF32), the baseline included.

Each kernel runs `iters` times inside one jitted `fori_loop` whose state feeds
the next iteration (parameters nudged by 1e-30 times a scalar of the result, so
nothing is hoisted and Python dispatch is not timed); the median over `repeats`
calls, divided by `iters`, is its time. "one-off" products re-run the primal
pass every time; "linearized" products are `noisecurv.curvature.operators.*_op`,
which linearize once as a Krylov loop does, timed as the slope between two loop
lengths. The last rows count the products the top Hessian eigenvalue needs to
reach 1e-3 relative error, against a 100-step Lanczos reference.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import ml_collections  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402
from jax.flatten_util import ravel_pytree  # noqa: E402

from noisecurv import curvature as cv  # noqa: E402
from noisecurv import registry  # noqa: E402
from noisecurv.models import build  # noqa: E402

TARGETS = {"mlp": {"diag C (factored)": 1.5, "H·v linearized": 2.0, "C·v linearized": 1.5,
                   "GGN·v linearized": 1.5},
           "vgg11": {"diag C (factored)": 2.0, "H·v linearized": 2.0, "C·v linearized": 1.5,
                     "GGN·v linearized": 1.5}}


def _model_cfg(name: str, quick: bool) -> tuple[ml_collections.ConfigDict, tuple, int]:
  if name == "mlp":
    cfg = registry.MODELS.get("mlp").schema()
    cfg.name, cfg.hidden = "mlp", (64, 64) if quick else (512, 512)
    return cfg, (784,), 64 if quick else 512
  preset = "vgg11" if "vgg11" in registry.MODELS else "vgg"
  cfg = registry.MODELS.get(preset).schema()
  cfg.name = preset
  if preset == "vgg":
    cfg.depth, cfg.bn = 11, False
  if quick:
    cfg.width_mult = 0.125
  return cfg, (32, 32, 3), 16 if quick else 128


def problem(name: str, quick: bool):
  """Params, data and closures of (params, x, y) for one benchmark model.

  Data and parameters always enter jitted programs as arguments: closed over,
  they would become HLO constants that XLA folds at compile time.
  """
  cfg, shape, batch = _model_cfg(name, quick)
  model = build(cfg, num_classes=10, input_shape=shape)
  rng = np.random.default_rng(0)
  x = jnp.asarray(rng.standard_normal((batch,) + shape), jnp.float32)
  y = jnp.asarray(rng.integers(0, 10, batch), jnp.int32)
  params, state = jax.jit(model.init)(jax.random.PRNGKey(0), x[:1])
  apply = lambda p, xx: model.apply_policy(p, state, xx, "eval")
  per_ex = lambda out, yy: optax.softmax_cross_entropy_with_integer_labels(out, yy)
  return dict(name=name, model=cfg.name, params=params, x=x, y=y, apply=apply, per_ex=per_ex,
              d=cv.num_params(params), batch=batch)


def closures(pb, x, y):
  """Loss closures over (traced) data x, y."""
  apply, per_ex = pb["apply"], pb["per_ex"]
  return dict(loss=lambda p: jnp.mean(per_ex(apply(p, x), y)),
              per_example=lambda p: per_ex(apply(p, x), y),
              outputs=lambda p: apply(p, x), ce=lambda f: per_ex(f, y),
              single=lambda p, x1, y1: per_ex(apply(p, x1[None]), y1[None])[0])


def _nudge(p, s):
  """p + 1e-30·s: numerically p, but a data dependency XLA cannot remove."""
  return jax.tree.map(lambda a: a + (1e-30 * s).astype(a.dtype), p)


def _normalize(tree):
  s = jnp.sqrt(sum(jnp.vdot(a, a) for a in jax.tree.leaves(tree)))
  return jax.tree.map(lambda a: a / s, tree), s


def time_loop(step, state, data, iters: int, repeats: int) -> float:
  """Median seconds of one jitted fori_loop of `iters` steps (compile and warm-up excluded).

  step(data, state) -> state; data = (params, x, y) is a jit argument.
  """
  # Every call inside the precision scope: it is part of jit's cache key, and a call outside
  # would retrace and recompile.
  with cv.highest():
    f = jax.jit(lambda s, dd: jax.lax.fori_loop(0, iters, lambda i, c: step(dd, c), s))
    jax.block_until_ready(f(state, data))
    jax.block_until_ready(f(state, data))
    times = []
    for _ in range(repeats):
      t0 = time.perf_counter()
      jax.block_until_ready(f(state, data))
      times.append(time.perf_counter() - t0)
  return statistics.median(times)


def kernels(pb, block: int, gram: int, block_mib: int):
  """name -> (kind, fn, state): kind 'step' fn(data, state) -> state; kind 'linear'
  fn(closures, params) -> linear operator."""
  per_ex = pb["per_ex"]

  def grad_step(data, p):
    g = jax.grad(closures(pb, *data[1:])["loss"])(p)
    return jax.tree.map(lambda a, b: a - 1e-30 * b, p, g)

  def factored_step(data, p):
    m = cv.factored_moments(pb["apply"], per_ex, p, data[1], data[2], block=block,
                            gram_positions=gram, block_bytes=block_mib << 20)
    return jax.tree.map(lambda a, b: a - 1e-30 * b, p, m.sq_mean)

  def vmap_step(data, p):
    m = cv.grad_moments(closures(pb, *data[1:])["single"], p, data[1], data[2])
    return jax.tree.map(lambda a, b: a - 1e-30 * b, p, m.sq_mean)

  def one_off(product):
    def step(data, c):
      p, v = c
      w, s = _normalize(product(closures(pb, *data[1:]), p, v))
      return _nudge(p, s), w

    return step

  ops = {
      "H·v": lambda c, p: cv.hessian_op(c["loss"], p),
      "GGN·v": lambda c, p: cv.ggn_op(c["outputs"], c["ce"], p),
      "C·v": lambda c, p: cv.second_moment_op(c["per_example"], p),
      "Σ·v": lambda c, p: cv.covariance_op(c["per_example"], p),
      "F·v": lambda c, p: cv.fisher_op(c["outputs"], cv.operators.output_hessian(c["ce"]), p),
  }
  out = {"batch gradient": ("step", grad_step, "params"),
         "diag C (factored)": ("step", factored_step, "params"),
         "diag C (vmap grad)": ("step", vmap_step, "params"),
         "H·v one-off": ("step", one_off(lambda c, p, v: cv.hvp(c["loss"], p, v)), "pv"),
         "GGN·v one-off": ("step", one_off(
             lambda c, p, v: cv.ggn_vp(c["outputs"], c["ce"], p, v)), "pv"),
         "C·v one-off": ("step", one_off(
             lambda c, p, v: cv.second_moment_vp(c["per_example"], p, v)), "pv")}
  for name, op in ops.items():
    out[f"{name} linearized"] = ("linear", op, "v")
  return out


def run_model(name: str, args) -> dict:
  pb = problem(name, args.quick)
  params = pb["params"]
  data = (params, pb["x"], pb["y"])
  iters = 2 if args.quick else (20 if name == "mlp" else 5)
  repeats = 2 if args.quick else args.repeats
  v0 = jax.tree.map(lambda a: jnp.ones_like(a) / np.sqrt(pb["d"]), params)
  rows = {}
  only = args.only or (list(TARGETS[name]) if args.quick else None)
  for label, (kind, fn, st) in kernels(pb, args.block, args.gram, args.block_mib).items():
    if only and label not in only and label != "batch gradient":
      continue
    if kind == "step":
      state = params if st == "params" else (params, v0)
      rows[label] = time_loop(fn, state, data, iters, repeats) / iters
    else:
      # One linearization, then n products: the slope over n is the cost per product.
      def prog(n, fn=fn):
        def step(dd, v):
          op = fn(closures(pb, *dd[1:]), dd[0])
          return jax.lax.fori_loop(0, n, lambda i, w: _normalize(op(w))[0], v)
        return step

      n1, n2 = iters, 3 * iters
      t1 = time_loop(prog(n1), v0, data, 1, repeats)
      t2 = time_loop(prog(n2), v0, data, 1, repeats)
      rows[label] = (t2 - t1) / (n2 - n1)
  base = rows["batch gradient"]
  res = {"model": pb["model"], "d": pb["d"], "batch": pb["batch"],
         "ms": {k: 1e3 * t for k, t in rows.items()},
         "ratio": {k: t / base for k, t in rows.items()}}
  res.update(eigen_convergence(pb, args, base))
  return res


def eigen_convergence(pb, args, base: float) -> dict:
  """Products to a 1e-3 relative top eigenvalue: Lanczos (read off its tridiagonal), power
  iteration; and the time of a 30-product Lanczos top eigenvalue (linearization included)."""
  params = pb["params"]
  theta, _ = ravel_pytree(params)
  v0 = jax.random.normal(jax.random.PRNGKey(1), theta.shape, theta.dtype)
  ref_steps, steps = (40, 30) if args.quick else (100, 30)

  @jax.jit
  def run(v0, params, x, y):
    mv = cv.flat(cv.hessian_op(closures(pb, x, y)["loss"], params), params)[0]
    ref = cv.lanczos(mv, v0, ref_steps, keep_basis=False)
    short = cv.lanczos(mv, v0, steps, keep_basis=False)
    return ref.eigvals[-1], short.alphas, short.betas, cv.power_iteration_history(mv, v0, 100)

  with cv.highest():
    lam, alphas, betas, hist = jax.block_until_ready(run(v0, params, pb["x"], pb["y"]))
  lam = float(lam)
  top = cv.top_ritz_by_step(np.asarray(alphas), np.asarray(betas))
  first = lambda errs: int(np.argmax(errs < 1e-3)) + 1 if np.any(errs < 1e-3) else None
  lanczos_n = first(np.abs(top - lam) / abs(lam))
  power_n = first(np.abs(np.asarray(hist, np.float64) - lam) / abs(lam))

  @jax.jit
  def top30(v0, params, x, y):
    mv = cv.flat(cv.hessian_op(closures(pb, x, y)["loss"], params), params)[0]
    return cv.lanczos_top_k(mv, v0, steps, 1)[0]

  args30 = (v0, params, pb["x"], pb["y"])
  with cv.highest():
    jax.block_until_ready(top30(*args30))
    times = []
    for _ in range(3):
      t0 = time.perf_counter()
      jax.block_until_ready(top30(*args30))
      times.append(time.perf_counter() - t0)
  t = statistics.median(times)
  return {"lambda_max": lam, "lanczos_products_to_1e-3": lanczos_n,
          "power_products_to_1e-3": power_n, "lanczos30_ms": 1e3 * t, "lanczos30_ratio": t / base}


def report(res: dict, targets: dict) -> None:
  print(f"\n{res['model']}: d = {res['d']:,}, batch {res['batch']}")
  print(f"  {'kernel':28s} {'ms':>9s} {'× grad':>8s}  target")
  for k, ms in res["ms"].items():
    tgt = targets.get(k)
    mark = "" if tgt is None else (f"≤ {tgt:g}  " + ("ok" if res["ratio"][k] <= tgt else "MISS"))
    print(f"  {k:28s} {ms:9.3f} {res['ratio'][k]:8.2f}  {mark}")
  print(f"  {'Lanczos, 30 products':28s} {res['lanczos30_ms']:9.3f} {res['lanczos30_ratio']:8.2f}")
  print(f"  λ_max = {res['lambda_max']:.6g}; products to 1e-3 relative: Lanczos "
        f"{res['lanczos_products_to_1e-3']}, power iteration {res['power_products_to_1e-3']} "
        "(target: Lanczos < 30)")


def main(argv=None) -> None:
  p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  p.add_argument("--model", default="all", choices=("mlp", "vgg11", "all"))
  p.add_argument("--quick", action="store_true",
                 help="small widths and batches, the target kernels only (a CPU smoke run)")
  p.add_argument("--repeats", type=int, default=20)
  p.add_argument("--block", type=int, default=0,
                 help="examples per block of per-example conv gradients (0: fit --block_mib)")
  p.add_argument("--block_mib", type=int, default=24, help="bytes of one block, in MiB")
  p.add_argument("--gram", type=int, default=8, help="convs with ≤ this many positions: Gram form")
  p.add_argument("--only", nargs="*", default=None, help="kernel names to time (plus the baseline)")
  p.add_argument("--json", default=None, help="also write the results to this file")
  args = p.parse_args(argv)
  import jaxlib

  print(f"jax {jax.__version__}, jaxlib {jaxlib.__version__}, device: {jax.devices()[0]} "
        f"({jax.devices()[0].device_kind}), float32, matmul precision 'highest'"
        + (", --quick" if args.quick else ""))
  names = ("mlp", "vgg11") if args.model == "all" else (args.model,)
  results = []
  for name in names:
    res = run_model(name, args)
    report(res, TARGETS[name])
    results.append(res)
  if args.json:
    pathlib.Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
  main()
