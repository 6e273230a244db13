"""Batched CPU LAPACK versus one matrix at a time, alone and beside a second process.

    python benchmarks/lapack_batch.py [--repeats 20] [--skip-processes]

Table 1 (one process): a vmapped symmetric eigendecomposition of R matrices d×d, as
`jnp.linalg.eigh` (one batched LAPACK call, split by jaxlib over XLA's intra-op pool) and as
`noisecurv.curvature.lapack.eigh` (a `lax.map`, one call per matrix: the package's route, which
cannot deadlock the pool); the ratio is one-at-a-time / batched.

Table 2 (processes): a program with five independent vmapped eighs (a probe's H, F, C, Σ, H_p)
timed alone and while a second process runs the same program, with OpenBLAS's default threads
and with OPENBLAS_NUM_THREADS=1; each ratio is (time per call beside the other process) /
(time alone, default threads). Two pytest-xdist workers on two cores are this situation.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))


def _time(f, *args, repeats: int) -> float:
  import jax

  jax.block_until_ready(f(*args))
  start = time.perf_counter()
  for _ in range(repeats):
    jax.block_until_ready(f(*args))
  return (time.perf_counter() - start) / repeats


def _five_eighs(route: str, repeats: int) -> float:
  """Seconds per call of the five-eigh program (R = 2 runs, d = 100), float64."""
  import jax
  import jax.numpy as jnp

  from noisecurv.curvature import lapack

  jax.config.update("jax_enable_x64", True)
  eig = jnp.linalg.eigh if route == "batched" else jax.vmap(lapack.eigh)

  @jax.jit
  def program(xs):
    return sum(eig(x @ x.swapaxes(-1, -2))[0].sum() for x in xs)

  xs = [jax.random.normal(k, (2, 100, 100)) for k in jax.random.split(jax.random.key(0), 5)]
  return _time(program, xs, repeats=repeats)


def table_routes(repeats: int) -> None:
  import jax
  import jax.numpy as jnp

  from noisecurv.curvature import lapack

  jax.config.update("jax_enable_x64", True)
  print("| R | d | batched (ms) | one at a time (ms) | ratio |\n|---|---|---|---|---|")
  for r, d in ((2, 50), (8, 50), (2, 200), (8, 200), (4, 500)):
    a = jax.random.normal(jax.random.key(0), (r, d, d))
    a = a + a.swapaxes(1, 2)
    batched = _time(jax.jit(jax.vmap(jnp.linalg.eigh)), a, repeats=repeats)
    ours = _time(jax.jit(jax.vmap(lapack.eigh)), a, repeats=repeats)
    print(f"| {r} | {d} | {batched * 1e3:.2f} | {ours * 1e3:.2f} | {ours / batched:.2f} |")


def _child_times(route: str, threads: str | None, copies: int, repeats: int) -> list[float]:
  env = dict(os.environ)
  env.pop("OPENBLAS_NUM_THREADS", None)
  if threads:
    env["OPENBLAS_NUM_THREADS"] = threads
  cmd = [sys.executable, __file__, "--child", route, "--repeats", str(repeats)]
  procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
           for _ in range(copies)]
  return [json.loads(p.communicate()[0].strip().splitlines()[-1])["seconds"] for p in procs]


def table_processes(repeats: int) -> None:
  print("\n| route | OpenBLAS threads | alone | beside a second process |\n|---|---|---|---|")
  for route in ("batched", "one at a time"):
    base = _child_times(route, None, 1, repeats)[0]
    for threads in (None, "1"):
      alone = _child_times(route, threads, 1, repeats)[0]
      pair = max(_child_times(route, threads, 2, repeats))
      print(f"| {route} | {threads or 'default'} | {alone / base:.2f} | {pair / base:.2f} |")


def main() -> None:
  ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  ap.add_argument("--repeats", type=int, default=20)
  ap.add_argument("--skip-processes", action="store_true")
  ap.add_argument("--child", choices=("batched", "one at a time"), help=argparse.SUPPRESS)
  args = ap.parse_args()
  if args.child:
    print(json.dumps({"seconds": _five_eighs(args.child, args.repeats)}))
    return
  table_routes(args.repeats)
  if not args.skip_processes:
    table_processes(args.repeats)


if __name__ == "__main__":
  main()
