"""Precision scopes for curvature kernels.

Two rules from DESIGN.md live here:

* curvature products run float32 with full-precision matmuls (`highest`): TF32,
  the GPU default, has ~1e-3 relative error, which moves eigenvalues and breaks
  eigenvalue cutoffs such as the TIC's τ = 1e-3;
* Krylov bases, tridiagonals and other bookkeeping run float64.

Float64 inside a jitted float32 program: `float64()` switches x64 on for the
*trace* of the bookkeeping code only (jax's `enable_x64` context manager) and
hands back `ambient`, a caller that traces a user callback (a matvec) with the
x64 setting the caller had. The matvec therefore runs exactly as it would
outside (float32 for float32 params, with no default-dtype constants silently
promoted), while vectors and scalars of the Krylov recursion are float64.

A trace-time switch alone breaks when a jaxpr holding float64 code is
transformed later outside the scope, e.g. `vmap(jit(f))` or `vmap(lax.map(f))`:
the batching rules re-bind its primitives with x64 off. `float64_call` closes
that gap: the region is a `custom_vmap` whose rule re-traces the Python code
(under x64) instead of re-binding the jaxpr, and every value the callbacks close
over (tracers included) is passed in explicitly. Arrays that leave a region are
float64 only where a docstring says so; everything else is cast back to the
caller's dtype. The regions are not differentiable (nothing here needs it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import jax

try:
  _enable_x64 = jax.enable_x64
except AttributeError:  # older jax
  from jax.experimental import enable_x64 as _enable_x64  # type: ignore[no-redef]

try:
  _eval_jaxpr = jax.core.eval_jaxpr
except AttributeError:  # jax without the alias
  from jax.extend.core import ClosedJaxpr as _ClosedJaxpr
  from jax.extend.core import jaxpr_as_fun as _jaxpr_as_fun

  def _eval_jaxpr(jaxpr, consts, *args):
    return _jaxpr_as_fun(_ClosedJaxpr(jaxpr, consts))(*args)


def highest():
  """Context manager: full-precision float32 matmuls and convolutions (no TF32)."""
  return jax.default_matmul_precision("highest")


def x64_enabled() -> bool:
  return bool(jax.config.jax_enable_x64)


@contextlib.contextmanager
def float64() -> Iterator[Callable[..., Any]]:
  """Traces the body with x64 on; yields `ambient(fn, *args)` to call fn with the caller's setting.

      with float64() as ambient:
        v = v0.astype(jnp.float64)                      # float64 bookkeeping
        w = ambient(matvec, v.astype(v0.dtype))         # matvec as the caller defined it
  """
  ambient_x64 = x64_enabled()

  def ambient(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with _enable_x64(ambient_x64), highest():
      return fn(*args, **kwargs)

  with _enable_x64(True):
    yield ambient


def close_over(fn: Callable[..., Any], *example_args: Any) -> tuple[Callable[..., Any], list[Any]]:
  """(converted, consts): converted(consts, *args) == fn(*args), with every value fn closes over
  (tracers of enclosing transformations included, of any dtype) hoisted into `consts`."""
  with highest():
    closed, out_shape = jax.make_jaxpr(fn, return_shape=True)(*example_args)
  out_tree = jax.tree.structure(out_shape)

  def converted(consts, *args):
    return jax.tree.unflatten(out_tree, _eval_jaxpr(closed.jaxpr, consts, *jax.tree.leaves(args)))

  return converted, list(closed.consts)


def float64_call(impl: Callable[..., Any], callbacks: Sequence[tuple[Callable, tuple]],
                 *args: Any) -> Any:
  """impl(cbs, *args) traced with x64 on, where cbs[i](*a) calls callbacks[i][0] in the caller's
  x64 setting (callbacks[i][1] are example arguments fixing its input types).

  The result is what impl returns; pass arrays in `args` (or let callbacks close over
  them) rather than closing impl over tracers.
  """
  converted = [close_over(fn, *example) for fn, example in callbacks]
  fns = [c[0] for c in converted]
  consts = [c[1] for c in converted]

  def run(consts, args):
    with float64() as ambient:
      cbs = [lambda *a, f=f, c=c: ambient(f, c, *a) for f, c in zip(fns, consts)]
      return impl(cbs, *args)

  region = jax.custom_batching.custom_vmap(run)

  @region.def_vmap
  def rule(axis_size, in_batched, consts, args):
    axes = jax.tree.map(lambda b: 0 if b else None, tuple(in_batched))
    out = jax.vmap(run, in_axes=axes, axis_size=axis_size)(consts, args)
    return out, jax.tree.map(lambda _: True, out)

  return region(consts, args)
